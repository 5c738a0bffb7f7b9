#include "confine.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "mem.h"

char *pb_confine_resolve(const char *path) {
  char buf[PATH_MAX];
  if (realpath(path, buf)) return pb_xstrdup(buf);
  /* not there (yet): resolve the directory, then follow a dangling link
   * at the last component a few times */
  char *cur = pb_xstrdup(path);
  for (int hop = 0; hop < 40; hop++) {
    const char *slash = strrchr(cur, '/');
    char *dir =
        slash ? pb_xstrndup(cur, slash == cur ? 1 : (size_t)(slash - cur)) : pb_xstrdup(".");
    const char *base = slash ? slash + 1 : cur;
    char rdir[PATH_MAX];
    if (!realpath(dir, rdir)) {
      free(dir);
      free(cur);
      return NULL;
    }
    free(dir);
    pb_buf full = PB_BUF_INIT;
    pb_buf_printf(&full, "%s%s%s", rdir, strcmp(rdir, "/") == 0 ? "" : "/", base);
    char link[PATH_MAX];
    ssize_t n = readlink(full.data, link, sizeof link - 1);
    if (n < 0) {
      free(cur);
      return pb_buf_detach(&full);
    }
    link[n] = 0;
    free(cur);
    if (link[0] == '/') {
      cur = pb_xstrdup(link);
    } else {
      pb_buf next = PB_BUF_INIT;
      pb_buf_printf(&next, "%s/%s", rdir, link);
      cur = pb_buf_detach(&next);
    }
    pb_buf_free(&full);
    if (realpath(cur, buf)) {
      free(cur);
      return pb_xstrdup(buf);
    }
  }
  free(cur);
  return NULL;
}

int pb_confine_is_inside(const char *root_real, const char *path_real) {
  if (!root_real || !path_real) return 0;
  size_t n = strlen(root_real);
  if (strcmp(root_real, "/") == 0) return 1;
  return strncmp(root_real, path_real, n) == 0 && (path_real[n] == 0 || path_real[n] == '/');
}

int pb_confine_is_special(const char *path, const char **what) {
  struct stat st;
  if (stat(path, &st) != 0) return 0;
  const char *w = S_ISFIFO(st.st_mode)                         ? "a FIFO"
                  : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                  : S_ISSOCK(st.st_mode)                       ? "a socket"
                                                               : NULL;
  if (what) *what = w;
  return w != NULL;
}

/* 1 when path resolves outside root (both resolved); a path or root that
 * cannot be resolved counts as outside. */
static int outside(const char *path, const char *root) {
  char *rp = pb_confine_resolve(path);
  char rroot[PATH_MAX];
  int out = !rp || !realpath(root, rroot) || !pb_confine_is_inside(rroot, rp);
  free(rp);
  return out;
}

/* The absolute form of path without "." and ".." parts, by its text alone
 * (nothing resolved). malloc'd. */
static char *lexical_abs(const char *path) {
  pb_buf in = PB_BUF_INIT;
  if (path[0] != '/') {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd)) pb_buf_puts(&in, cwd);
    pb_buf_putc(&in, '/');
  }
  pb_buf_puts(&in, path);
  char *out = pb_xmalloc(in.len + 2);
  size_t n = 0;
  for (char *p = in.data; *p;) {
    while (*p == '/') p++;
    size_t k = strcspn(p, "/");
    if (k == 0) break;
    if (k == 1 && p[0] == '.') {
    } else if (k == 2 && p[0] == '.' && p[1] == '.') {
      while (n > 0 && out[n - 1] != '/') n--;
      if (n > 0) n--;
    } else {
      out[n++] = '/';
      memcpy(out + n, p, k);
      n += k;
    }
    p += k;
  }
  if (n == 0) out[n++] = '/';
  out[n] = 0;
  pb_buf_free(&in);
  return out;
}

/* 1 when path names a place inside root by its text (root as given or
 * resolved): then every link on its way must keep it there. */
static int lexically_inside(const char *path, const char *root) {
  char *p = lexical_abs(path), *r = lexical_abs(root);
  char rr[PATH_MAX];
  int in = pb_confine_is_inside(r, p) || (realpath(root, rr) && pb_confine_is_inside(rr, p));
  free(p);
  free(r);
  return in;
}

/* 1 when a part of path after its first skip bytes is ".git" (any case). */
static int has_git_part(const char *path, size_t skip) {
  for (const char *p = path + skip; *p;) {
    while (*p == '/') p++;
    size_t n = strcspn(p, "/");
    if (n == 4 && strncasecmp(p, ".git", 4) == 0) return 1;
    p += n;
  }
  return 0;
}

/* 1 when path has a ".git" part below root, as written (a file that does
 * not exist yet, .GIT on a case-insensitive disk) or resolved (a committed
 * link into it): the clone's repository (its config, hooks, index), the
 * user's and git's, not the library's content. */
static int in_git_dir(const char *path, const char *root) {
  char *rp = pb_confine_resolve(path);
  char rroot[PATH_MAX];
  int in = rp && realpath(root, rroot) && pb_confine_is_inside(rroot, rp) &&
           has_git_part(rp, strlen(rroot));
  free(rp);
  if (!in) {
    char *lp = lexical_abs(path), *lr = lexical_abs(root);
    in = pb_confine_is_inside(lr, lp) && has_git_part(lp, strlen(lr));
    free(lp);
    free(lr);
  }
  return in;
}

int pb_confine_output(const char *path, const char *root, int from_library, int allow_outside,
                      const char *cfg_file) {
  const char *what = NULL;
  if (pb_confine_is_special(path, &what)) {
    pb_error(path, 0, "is %s, not a regular file; not written (use -o - for standard output)",
             what);
    return -1;
  }
  /* output: .git/config or .git/hooks/pre-commit (which keeps its mode, and
   * git runs it through sh) would break or take over the user's clone */
  if (from_library && in_git_dir(path, root)) {
    pb_error(cfg_file, 0, "output '%s' is in the repository's .git directory; not written", path);
    return -1;
  }
  if (allow_outside) return 0;
  struct stat lst;
  int is_link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
  /* a path the user gave that names a place in the library: judged when
   * its directory exists (else the writer says it does not) */
  int lexical = !from_library && !is_link && lexically_inside(path, root);
  if (lexical) {
    char *rp = pb_confine_resolve(path);
    lexical = rp != NULL;
    free(rp);
  }
  if ((from_library || is_link || lexical) && outside(path, root)) {
    if (from_library && cfg_file)
      pb_error(cfg_file, 0,
               "output '%s' is outside the library root; not written (--allow-outside on the "
               "command line permits it)",
               path);
    else if (is_link)
      pb_error(path, 0,
               "is a symbolic link to a file outside the library root; not written "
               "(--allow-outside on the command line permits it)");
    else
      pb_error(path, 0,
               "resolves outside the library root (a symbolic link on the way); not written "
               "(--allow-outside on the command line permits it)");
    return -1;
  }
  return 0;
}

int pb_confine_input(const char *path, const char *root, int allow_outside, const char *cfg_file,
                     int line) {
  const char *what = NULL;
  if (pb_confine_is_special(path, &what)) {
    pb_error(cfg_file, line, "input '%s' is %s, not a regular file; not read", path, what);
    return -1;
  }
  /* .git/config, .git/COMMIT_EDITMSG, ...: the user's, not the library's */
  if (in_git_dir(path, root)) {
    pb_error(cfg_file, line, "input '%s' is in the repository's .git directory; not read", path);
    return -1;
  }
  if (!allow_outside && outside(path, root)) {
    pb_error(cfg_file, line,
             "input '%s' is outside the library root; not read (--allow-outside on the command "
             "line permits it)",
             path);
    return -1;
  }
  return 0;
}

int pb_confine_outside(const char *path, const char *root, char **real) {
  char *rp = pb_confine_resolve(path);
  char rroot[PATH_MAX];
  int out = !rp || !realpath(root, rroot) || !pb_confine_is_inside(rroot, rp);
  if (real)
    *real = rp;
  else
    free(rp);
  return out;
}

int pb_confine_input_at(const char *path, const char *root, int allow_outside, const char *cfg_file,
                        int line, const char *what) {
  const char *kind = NULL;
  if (pb_confine_is_special(path, &kind)) {
    pb_error(cfg_file, line, "%s '%s' is %s, not a regular file; not read", what, path, kind);
    return -1;
  }
  if (in_git_dir(path, root)) {
    pb_error(cfg_file, line, "%s '%s' is in the repository's .git directory; not read", what, path);
    return -1;
  }
  char *real = NULL;
  if (!allow_outside && pb_confine_outside(path, root, &real)) {
    pb_error(cfg_file, line,
             "%s '%s' resolves to '%s', outside the library root; not read (--allow-outside on "
             "the command line permits it)",
             what, path, real ? real : "?");
    free(real);
    return -1;
  }
  free(real);
  return 0;
}

int pb_confine_dir(const char *dir, const char *root, int allow_outside, const char *what) {
  char rroot[PATH_MAX];
  if (allow_outside || !realpath(root, rroot)) return 0; /* no root: nothing is read */
  /* the directory, or the nearest of its parents that exists: what is
   * missing below it is made by mkdir as a real directory */
  char *d = pb_xstrdup(dir), *real = NULL;
  for (;;) {
    real = pb_confine_resolve(d);
    if (real) break;
    char *slash = strrchr(d, '/');
    if (!slash || slash == d) break;
    *slash = 0;
  }
  free(d);
  int ok = real && pb_confine_is_inside(rroot, real);
  if (!ok)
    pb_error(dir, 0,
             "%s resolves to '%s', outside the library root (a symbolic link on the way); not "
             "used (--allow-outside on the command line permits it)",
             what, real ? real : "?");
  free(real);
  return ok ? 0 : -1;
}
