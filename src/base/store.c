#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *pb_store_path(const char *root, const char *kind, const void *key, size_t klen,
                    const char *ext) {
  if (!root || !*root) return NULL;
  uint64_t a = pb_hash64(key, klen, 0x73746f7265303031ULL /* "store001" */);
  uint64_t b = pb_hash64(key, klen, 0x73746f7265303032ULL /* "store002" */ ^ a);
  pb_buf p = PB_BUF_INIT;
  pb_buf_printf(&p, "%s/%s/%016llx%016llx%s", root, kind, (unsigned long long)a,
                (unsigned long long)b, ext ? ext : "");
  return p.data;
}

/* Whether root/kind is a real directory (not a symbolic link). */
static int kind_dir_ok(const char *root, const char *kind) {
  pb_buf d = PB_BUF_INIT;
  pb_buf_printf(&d, "%s/%s", root, kind);
  struct stat st;
  int ok = lstat(d.data, &st) == 0 && S_ISDIR(st.st_mode);
  pb_buf_free(&d);
  return ok;
}

int pb_store_get(const char *root, const char *kind, const void *key, size_t klen, const char *ext,
                 size_t max_bytes, pb_buf *out) {
  char *path = pb_store_path(root, kind, key, klen, ext);
  if (!path || !kind_dir_ok(root, kind)) {
    free(path);
    return -1;
  }
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  free(path);
  if (fd < 0) return -1;
  struct stat st;
  int rc = -1;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= max_bytes) {
    pb_buf_reset(out);
    pb_buf_reserve(out, (size_t)st.st_size + 1);
    rc = 0;
    for (;;) {
      char chunk[65536];
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || out->len + (size_t)n > max_bytes) {
        rc = -1;
        break;
      }
      if (n == 0) break;
      pb_buf_append(out, chunk, (size_t)n);
    }
    pb_buf_putc(out, 0);
    out->len--;
  }
  close(fd);
  return rc;
}

int pb_store_put(const char *root, const char *kind, const void *key, size_t klen, const char *ext,
                 const void *data, size_t len) {
  char *path = pb_store_path(root, kind, key, klen, ext);
  if (!path) return -1;
  pb_buf d = PB_BUF_INIT;
  pb_buf_printf(&d, "%s/%s", root, kind);
  int rc = pb_mkdir_p(d.data) == 0 && kind_dir_ok(root, kind) ? 0 : -1;
  pb_buf_free(&d);
  if (rc == 0) rc = pb_write_file_atomic(path, data, len);
  free(path);
  return rc;
}
