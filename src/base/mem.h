/* Memory: one allocator that aborts on exhaustion (so callers never check
 * malloc), a growable byte buffer, and an arena that owns a whole document's
 * model and layout objects and frees them in one call. */
#ifndef PB_MEM_H
#define PB_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* malloc/calloc/realloc/strdup that print a message and abort when memory
 * runs out. pb_xrealloc(NULL, n) behaves as pb_xmalloc(n). */
void *pb_xmalloc(size_t n);
void *pb_xcalloc(size_t count, size_t size);
void *pb_xrealloc(void *p, size_t n);
char *pb_xstrdup(const char *s);
char *pb_xstrndup(const char *s, size_t n);

/* ---- growable buffer ------------------------------------------------- */
typedef struct {
  char *data; /* always NUL-terminated when non-NULL */
  size_t len;
  size_t cap;
} pb_buf;

#define PB_BUF_INIT                                                                                \
  { NULL, 0, 0 }
void pb_buf_reserve(pb_buf *b, size_t extra);
void pb_buf_append(pb_buf *b, const void *data, size_t len);
void pb_buf_puts(pb_buf *b, const char *s);
/* One byte; inline, as half a million calls a warm build made (link
 * judging, figure lists) each cost a call and a reserve check. */
void pb_buf_putc_grow(pb_buf *b, int c);
static inline void pb_buf_putc(pb_buf *b, int c) {
  if (b->len + 2 <= b->cap) {
    b->data[b->len++] = (char)c;
    b->data[b->len] = 0;
  } else {
    pb_buf_putc_grow(b, c);
  }
}
void pb_buf_printf(pb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included (NULL gives null). */
void pb_buf_json_str(pb_buf *b, const char *s);
void pb_buf_reset(pb_buf *b); /* len = 0, keeps memory */
void pb_buf_free(pb_buf *b);  /* frees memory, back to PB_BUF_INIT */
/* Gives up ownership of the bytes (NUL-terminated; "" for an empty buffer). */
char *pb_buf_detach(pb_buf *b);

/* ---- arena ---------------------------------------------------------- */
typedef struct pb_arena pb_arena;
pb_arena *pb_arena_new(void);
void pb_arena_free(pb_arena *a);                   /* accepts NULL; frees everything allocated */
void *pb_arena_alloc(pb_arena *a, size_t n);       /* zeroed, 16-byte aligned */
char *pb_arena_strdup(pb_arena *a, const char *s); /* NULL gives NULL */
char *pb_arena_strndup(pb_arena *a, const char *s, size_t n);
char *pb_arena_printf(pb_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grows an array kept in the arena: *items has *count used elements of size
 * elem and room for *cap; makes room for one more and returns a pointer to
 * the new (zeroed) element, incrementing *count. */
void *pb_arena_push(pb_arena *a, void **items, size_t *count, size_t *cap, size_t elem);
#define PB_PUSH(arena, arr, n, cap)                                                                \
  ((__typeof__(arr))pb_arena_push((arena), (void **)&(arr), &(n), &(cap), sizeof *(arr)))

/* Reads a whole file; returns 0 or PB_EIO (errno kept). *out is owned by the
 * caller. max_bytes 0 means no limit; a larger file gives PB_ELIMIT. */
int pb_read_file(const char *path, size_t max_bytes, pb_buf *out);

/* Writes data[0..len) to path through a temporary file in the same
 * directory and a rename, so that a reader never sees half a file and a
 * failed write leaves the old file as it was. The file gets the usual
 * permissions (0666 less the umask). A symbolic link at path is replaced,
 * not followed; a FIFO, device, socket or directory is refused (ENODEV,
 * EISDIR). For caches; outputs go through output.h. Returns 0, or -1 with
 * errno set. */
int pb_write_file_atomic(const char *path, const void *data, size_t len);

/* Creates dir and its missing parents (mode 0777 less the umask). Returns 0
 * when dir is a directory afterwards, else -1 with errno from the failing
 * step (a file in the way gives -1 too). */
int pb_mkdir_p(const char *dir);

/* 64-bit FNV-1a hash, for content addressing where cryptographic strength
 * is not needed. */
uint64_t pb_hash64(const void *data, size_t len, uint64_t seed);

/* 32 hex digits naming data[0..len) (two 64-bit hashes with fixed seeds):
 * the file names of the fetch and enrich caches. out holds 33 bytes. */
void pb_hash_name(const void *data, size_t len, char out[33]);

/* "dir/name", malloc'd (aborts when out of memory). */
char *pb_path_join(const char *dir, const char *name);

/* Little helpers for the store's binary records (shapes, paragraphs): a
 * 32- or 64-bit value in this machine's byte order from any address. */
static inline uint32_t pb_load_u32(const char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline uint64_t pb_load_u64(const char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

#endif
