#include "mem.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"

static void out_of_memory(size_t n) {
  fprintf(stderr, "paperbook: fatal: out of memory (asked for %zu bytes)\n", n);
  abort();
}

void *pb_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) out_of_memory(n);
  return p;
}
void *pb_xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) out_of_memory(count * size);
  return p;
}
void *pb_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) out_of_memory(n);
  return q;
}
char *pb_xstrdup(const char *s) { return pb_xstrndup(s, strlen(s)); }
char *pb_xstrndup(const char *s, size_t n) {
  char *p = pb_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

/* ---- buffer ---- */
void pb_buf_reserve(pb_buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  b->data = pb_xrealloc(b->data, cap);
  b->cap = cap;
}
void pb_buf_append(pb_buf *b, const void *data, size_t len) {
  pb_buf_reserve(b, len);
  if (len) memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = 0;
}
void pb_buf_puts(pb_buf *b, const char *s) { pb_buf_append(b, s, strlen(s)); }
void pb_buf_putc_grow(pb_buf *b, int c) {
  char ch = (char)c;
  pb_buf_append(b, &ch, 1);
}
void pb_buf_printf(pb_buf *b, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n > 0) {
    pb_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
  }
  va_end(ap2);
}
void pb_buf_json_str(pb_buf *b, const char *s) {
  if (!s) {
    pb_buf_puts(b, "null");
    return;
  }
  pb_buf_putc(b, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': pb_buf_puts(b, "\\\""); break;
    case '\\': pb_buf_puts(b, "\\\\"); break;
    case '\n': pb_buf_puts(b, "\\n"); break;
    case '\t': pb_buf_puts(b, "\\t"); break;
    case '\r': pb_buf_puts(b, "\\r"); break;
    default:
      /* C0, DEL and C1 (U+0080..U+009F, UTF-8 C2 80..C2 9F: a CSI U+009B
       * drives a terminal like ESC [) are written as JSON escapes */
      if (*p < 0x20 || *p == 0x7f)
        pb_buf_printf(b, "\\u%04x", *p);
      else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
        pb_buf_printf(b, "\\u%04x", *++p);
      else
        pb_buf_putc(b, *p);
    }
  }
  pb_buf_putc(b, '"');
}
void pb_buf_reset(pb_buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = 0;
}
void pb_buf_free(pb_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
char *pb_buf_detach(pb_buf *b) {
  char *p = b->data ? b->data : pb_xstrdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}

/* ---- arena ---- */
typedef struct chunk {
  struct chunk *next;
  size_t used, size;
  _Alignas(16) unsigned char data[];
} chunk;

struct pb_arena {
  chunk *head;
};

pb_arena *pb_arena_new(void) { return pb_xcalloc(1, sizeof(pb_arena)); }

void pb_arena_free(pb_arena *a) {
  if (!a) return;
  for (chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  free(a);
}

void *pb_arena_alloc(pb_arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  chunk *c = a->head;
  if (!c || c->size - c->used < n) {
    size_t size = n > 60000 ? n : 64000;
    c = pb_xmalloc(sizeof(chunk) + size);
    c->size = size;
    c->used = 0;
    /* A big block gets its own chunk behind the current one, so the space
     * left in the current chunk is not wasted. */
    if (a->head && n > 60000) {
      c->next = a->head->next;
      a->head->next = c;
    } else {
      c->next = a->head;
      a->head = c;
    }
  }
  void *p = c->data + c->used;
  c->used += n;
  memset(p, 0, n);
  return p;
}

char *pb_arena_strndup(pb_arena *a, const char *s, size_t n) {
  char *p = pb_arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}
char *pb_arena_strdup(pb_arena *a, const char *s) {
  return s ? pb_arena_strndup(a, s, strlen(s)) : NULL;
}
char *pb_arena_printf(pb_arena *a, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  char *p = pb_arena_alloc(a, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return p;
}
void *pb_arena_push(pb_arena *a, void **items, size_t *count, size_t *cap, size_t elem) {
  if (*count == *cap) {
    size_t ncap = *cap ? *cap * 2 : 4;
    void *n = pb_arena_alloc(a, ncap * elem);
    if (*count) memcpy(n, *items, *count * elem);
    *items = n;
    *cap = ncap;
  }
  void *p = (char *)*items + *count * elem;
  memset(p, 0, elem);
  (*count)++;
  return p;
}

int pb_read_file(const char *path, size_t max_bytes, pb_buf *out) {
  /* O_NONBLOCK: opening a FIFO must not wait for a writer; only regular
   * files are read (a FIFO or device could block or never end) */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return PB_EIO;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    int dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    close(fd);
    errno = dir ? EISDIR : ENODEV;
    return PB_EIO;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  /* read straight into the buffer, sized once from fstat (a figure read
   * through stdio and appended 64 KB at a time was copied twice and grown
   * by doubling); a file that grows meanwhile is still read to its end */
  size_t want = (size_t)st.st_size;
  if (max_bytes && want > max_bytes) want = max_bytes;
  pb_buf_reserve(out, want + 1);
  int rc = PB_OK;
  for (;;) {
    if (out->cap - out->len < 2) pb_buf_reserve(out, 65536);
    size_t room = out->cap - out->len - 1;
    ssize_t n = read(fd, out->data + out->len, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      rc = PB_EIO;
      break;
    }
    if (n == 0) break;
    if (max_bytes && out->len + (size_t)n > max_bytes) {
      rc = PB_ELIMIT;
      break;
    }
    out->len += (size_t)n;
  }
  out->data[out->len] = 0;
  int saved = errno;
  close(fd);
  errno = saved;
  return rc;
}

int pb_write_file_atomic(const char *path, const void *data, size_t len) {
  /* a FIFO, device or socket at path is never replaced (a link at path is:
   * the rename replaces the link itself, never what it names) */
  struct stat st;
  if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
    errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
    return -1;
  }
  size_t n = strlen(path);
  char *tmp = pb_xmalloc(n + 16);
  snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    free(tmp);
    return -1;
  }
  const char *p = data;
  size_t left = len;
  int rc = 0;
  while (left) {
    ssize_t w = write(fd, p, left);
    if (w < 0) {
      if (errno == EINTR) continue;
      rc = -1;
      break;
    }
    p += w;
    left -= (size_t)w;
  }
  /* mkstemp makes the file private; the output is an ordinary file. */
  if (rc == 0) {
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) rc = -1;
  }
  if (close(fd) != 0) rc = -1;
  if (rc == 0 && rename(tmp, path) != 0) rc = -1;
  if (rc != 0) {
    int saved = errno;
    unlink(tmp);
    errno = saved;
  }
  free(tmp);
  return rc;
}

uint64_t pb_hash64(const void *data, size_t len, uint64_t seed) {
  const unsigned char *p = data;
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

int pb_mkdir_p(const char *dir) {
  char *p = pb_xstrdup(dir);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = 0;
    mkdir(p, 0777); /* a parent that exists, or that fails, shows below */
    *s = '/';
  }
  int made = mkdir(p, 0777) == 0 || errno == EEXIST;
  int saved = errno;
  free(p);
  struct stat st;
  if (made && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
  errno = made ? ENOTDIR : saved;
  return -1;
}

void pb_hash_name(const void *data, size_t len, char out[33]) {
  snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, pb_hash64(data, len, 0x9e3779b97f4a7c15ULL),
           pb_hash64(data, len, 0xc2b2ae3d27d4eb4fULL));
}

char *pb_path_join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = pb_xmalloc(n);
  snprintf(p, n, "%s/%s", dir, name);
  return p;
}
