/* Opening an output (see output.h): checks, a temporary file beside the
 * file replaced, the rename. */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine.h"
#include "diag.h"
#include "mem.h"

/* paperbook's own temporary files are ".NAME.pbtmp-XXXXXX": a name a user
 * would not pick, so that cleaning up never touches their ".out.pdf.backup". */
#define TEMP_MARK ".pbtmp-"

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? pb_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : pb_xstrdup(".");
}

/* Makes the rename durable; failing to is not an error (some file systems
 * do not support fsync on directories). */
static void sync_dir(const char *path) {
  char *dir = dir_of(path);
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  free(dir);
}

/* Makes a unique temporary name beside path: "dir/.name.pbtmp-XXXXXX", locked
 * (flock) for as long as *fd_out stays open, so that other runs can tell
 * a file being written from one a killed run left behind. */
static char *temp_beside(const char *path, int *fd_out) {
  const char *slash = strrchr(path, '/');
  size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  const char *base = slash ? slash + 1 : path;
  char *tmp = pb_xmalloc(strlen(path) + 32);
  memcpy(tmp, path, dirlen);
  sprintf(tmp + dirlen, ".%s" TEMP_MARK "XXXXXX", base);
  *fd_out = mkstemp(tmp);
  if (*fd_out >= 0) flock(*fd_out, LOCK_EX);
  return tmp;
}

/* Removes the temporary files of earlier runs that were killed before they
 * could clean up: ".name.pbtmp-XXXXXX" beside path, regular files that
 * nobody holds locked. Failing to is not an error. */
static void remove_stale_temps(const char *path) {
  char *dir = dir_of(path);
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t blen = strlen(base);
  DIR *d = opendir(dir);
  for (struct dirent *de; d && (de = readdir(d));) {
    const char *n = de->d_name;
    size_t ml = strlen(TEMP_MARK);
    if (n[0] != '.' || strlen(n) != blen + 7 + ml || strncmp(n + 1, base, blen) != 0 ||
        strncmp(n + 1 + blen, TEMP_MARK, ml) != 0)
      continue;
    int fd = openat(dirfd(d), n, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) continue;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0)
      unlinkat(dirfd(d), n, 0);
    close(fd);
  }
  if (d) closedir(d);
  free(dir);
}

/* The mode of the file replaced, or a new file's under the umask (mkstemp
 * makes the file private; the output is an ordinary file). */
static mode_t new_file_mode(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0) return st.st_mode & 07777;
  mode_t mask = umask(022);
  umask(mask);
  return 0666 & ~mask;
}

/* The checks shared by writing and appending; *target gets the file to
 * write (malloc'd). Returns 0 or -1 after an error. */
static int check(const char *path, const pb_output_rules *r, char **target) {
  *target = NULL;
  if (r && r->root &&
      pb_confine_output(path, r->root, r->from_library, r->allow_outside, r->cfg_file) != 0)
    return -1;
  struct stat st;
  const char *what = NULL;
  if (pb_confine_is_special(path, &what)) { /* also when no rules apply */
    pb_error(path, 0, "is %s, not a regular file; not written", what);
    return -1;
  }
  if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
    *target = pb_confine_resolve(path);
    if (!*target) {
      pb_error(path, 0, "is a symbolic link to a directory that does not exist; not written");
      return -1;
    }
  } else {
    *target = pb_xstrdup(path);
  }
  if (stat(*target, &st) == 0 && S_ISDIR(st.st_mode)) {
    pb_error(path, 0, "is a directory; not written (name the file to write)");
    free(*target);
    *target = NULL;
    return -1;
  }
  return 0;
}

int pb_output_open(pb_output *o, const char *path, const pb_output_rules *rules) {
  memset(o, 0, sizeof *o);
  o->fd = -1;
  if (check(path, rules, &o->target) != 0) return -1;
  o->path = pb_xstrdup(path);
  o->tmp = temp_beside(o->target, &o->fd);
  if (o->fd < 0) {
    if (errno == ENOENT)
      pb_error(path, 0, "cannot write: its directory does not exist");
    else
      pb_error(path, 0, "cannot create a temporary file beside it: %s", strerror(errno));
    free(o->tmp);
    o->tmp = NULL;
    pb_output_abort(o);
    return -1;
  }
  fchmod(o->fd, new_file_mode(o->target));
  return 0;
}

void pb_output_abort(pb_output *o) {
  if (o->tmp) unlink(o->tmp);
  if (o->fd >= 0) close(o->fd);
  free(o->tmp);
  free(o->target);
  free(o->path);
  memset(o, 0, sizeof *o);
  o->fd = -1;
}

int pb_output_commit(pb_output *o) {
  if (rename(o->tmp, o->target) != 0) {
    pb_error(o->path, 0, "cannot replace the file: %s", strerror(errno));
    pb_output_abort(o);
    return -1;
  }
  sync_dir(o->target);
  free(o->tmp);
  o->tmp = NULL; /* renamed: nothing to remove */
  close(o->fd);  /* the lock goes with it */
  o->fd = -1;
  remove_stale_temps(o->target);
  pb_output_abort(o);
  return 0;
}

static int write_all(int fd, const void *data, size_t len) {
  const char *p = data;
  while (len) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

int pb_output_write(const char *path, const void *data, size_t len, const pb_output_rules *rules) {
  pb_output o;
  if (pb_output_open(&o, path, rules) != 0) return -1;
  if (write_all(o.fd, data, len) != 0) {
    pb_error(path, 0, "cannot write: %s", strerror(errno));
    pb_output_abort(&o);
    return -1;
  }
  return pb_output_commit(&o);
}

int pb_output_append(const char *path, const void *data, size_t len, const pb_output_rules *rules) {
  char *target;
  if (check(path, rules, &target) != 0) return -1;
  /* O_NONBLOCK: a FIFO put there since the check must not block us */
  int fd = open(target, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0666);
  struct stat st;
  int rc = -1;
  if (fd < 0)
    pb_error(path, 0, "cannot write: %s", strerror(errno));
  else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    pb_error(path, 0, "is not a regular file; not written");
  else if (write_all(fd, data, len) != 0)
    pb_error(path, 0, "cannot write: %s", strerror(errno));
  else
    rc = 0;
  if (fd >= 0 && close(fd) != 0 && rc == 0) {
    pb_error(path, 0, "cannot write: %s", strerror(errno));
    rc = -1;
  }
  free(target);
  return rc;
}
