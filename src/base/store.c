#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One hash for every content-addressed name (mem.c's pb_hash_name, 128
 * bits), so that the download and enrich caches, which named their files
 * with it before they moved here, keep what they hold. */
char *pb_store_path(const char *root, const char *kind, const void *key, size_t klen,
                    const char *ext) {
  if (!root || !*root) return NULL;
  char h[33];
  pb_hash_name(key, klen, h);
  pb_buf p = PB_BUF_INIT;
  pb_buf_printf(&p, "%s/%s/%s%s", root, kind, h, ext ? ext : "");
  return p.data;
}

void pb_store_name(const void *key, size_t klen, const char *ext, char out[PB_STORE_NAME_MAX]) {
  char h[33];
  pb_hash_name(key, klen, h);
  snprintf(out, PB_STORE_NAME_MAX, "%s%s", h, ext ? ext : "");
}

/* A name pb_store_name can give: 32 hex digits, then nothing or a dot and
 * up to 10 letters or digits (never a '/' or "..", whatever an index record
 * on disk says). */
static int valid_name(const char *name) {
  size_t n = strlen(name);
  if (n < 32 || n > 32 + 11) return 0;
  for (size_t i = 0; i < 32; i++)
    if (!strchr("0123456789abcdef", name[i]) || !name[i]) return 0;
  if (n == 32) return 1;
  if (name[32] != '.' || n == 33) return 0;
  for (size_t i = 33; i < n; i++)
    if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9'))) return 0;
  return 1;
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

/* Reads the record at path (under root/kind, already checked) into out. */
static int read_record(char *path, size_t max_bytes, pb_buf *out) {
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  free(path);
  if (fd < 0) return -1;
  struct stat st;
  int rc = -1;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= max_bytes) {
    pb_buf_reset(out);
    pb_buf_reserve(out, (size_t)st.st_size + 1);
    rc = 0;
    /* straight into the buffer (read through a 64 KB chunk, a warm
     * build's paragraph record was copied twice) */
    for (;;) {
      if (out->cap - out->len < 2) pb_buf_reserve(out, 65536);
      ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || out->len + (size_t)n > max_bytes) {
        rc = -1;
        break;
      }
      if (n == 0) break;
      out->len += (size_t)n;
    }
    out->data[out->len] = 0;
  }
  close(fd);
  return rc;
}

int pb_store_get(const char *root, const char *kind, const void *key, size_t klen, const char *ext,
                 size_t max_bytes, pb_buf *out) {
  char *path = pb_store_path(root, kind, key, klen, ext);
  if (!path || !kind_dir_ok(root, kind)) {
    free(path);
    return -1;
  }
  return read_record(path, max_bytes, out);
}

char *pb_store_find(const char *root, const char *kind, const char *name) {
  if (!root || !*root || !name || !valid_name(name) || !kind_dir_ok(root, kind)) return NULL;
  pb_buf p = PB_BUF_INIT;
  pb_buf_printf(&p, "%s/%s/%s", root, kind, name);
  struct stat st;
  if (lstat(p.data, &st) == 0 && S_ISREG(st.st_mode)) return p.data;
  pb_buf_free(&p);
  return NULL;
}

int pb_store_get_named(const char *root, const char *kind, const char *name, size_t max_bytes,
                       pb_buf *out) {
  char *path = pb_store_find(root, kind, name);
  return path ? read_record(path, max_bytes, out) : -1;
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
