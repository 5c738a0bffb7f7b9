/* Content-addressed cache of encoded figure streams (see imgcache.h).
 *
 * Entry file layout, integers little-endian:
 *   "PBIMGC01"                     magic and layout version
 *   u32 x 14                       width height bpc colorspace filter
 *                                  predictor colors decode_invert palette_n
 *                                  has_smask smask_bpc smask_predictor kind 0
 *                                  (kind: pb_imgcache_kind; 0, a stream, in
 *                                  every entry older than the other kinds)
 *   u64 data_len, u64 smask_len
 *   palette (palette_n * 3), data, smask
 *   "PBEND\n"                      so a short file is recognised */
#include "imgcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "images.h"
#include "jobs.h"
#include "progress.h"
#include "store.h"

#define MAGIC "PBIMGC01"
#define TRAILER "PBEND\n"
#define HEADER_BYTES (8 + 14 * 4 + 16)

struct pb_imgcache {
  char *dir;
  uint64_t cap;
};

static const char *colorspaces[] = {NULL, "DeviceGray", "DeviceRGB", "DeviceCMYK"};
static const char *filters[] = {NULL, "FlateDecode", "DCTDecode"};

static int code_of(const char *s, const char **table, int n) {
  for (int i = 1; i < n; i++)
    if (s && strcmp(s, table[i]) == 0) return i;
  return 0;
}

static void put32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static void put64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static uint32_t get32(const unsigned char *p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--) v = v << 8 | p[i];
  return v;
}
static uint64_t get64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* ==================================================================== */
/* Hashing                                                               */
/* ==================================================================== */

static uint64_t rotl(uint64_t x, int r) { return x << r | x >> (64 - r); }

/* Final avalanche: every input bit affects every output bit. */
static uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 29;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 32;
  return x;
}

/* Two independent 64-bit lanes over 8-byte words: several times faster
 * than byte-wise FNV, and 128 bits make accidental collisions moot. */
pb_imgcache_hash pb_imgcache_hash_bytes(const void *data, size_t len) {
  const unsigned char *p = data;
  uint64_t a = 0x9e3779b97f4a7c15ULL ^ len, b = 0x632be59bd9b4e019ULL + len;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    a = rotl(a ^ w, 29) * 0x87c37b91114253d5ULL;
    b = rotl(b + w, 31) * 0x4cf5ad432745937fULL;
  }
  uint64_t t = 0;
  for (size_t k = 0; i + k < len; k++) t |= (uint64_t)p[i + k] << (8 * k);
  a = rotl(a ^ t, 29) * 0x87c37b91114253d5ULL;
  b = rotl(b + t, 31) * 0x4cf5ad432745937fULL;
  pb_imgcache_hash h;
  h.h[0] = mix(a ^ rotl(b, 17));
  h.h[1] = mix(b ^ rotl(a, 41));
  h.len = len;
  return h;
}

void pb_imgcache_name(const pb_imgcache_hash *h, const pb_encode_options *opt, char name[40]) {
  pb_encode_options o;
  memset(&o, 0, sizeof o);
  if (opt) o = *opt;
  /* Options as text, so that float noise in placed sizes below 0.01 pt
   * does not split entries; placed sizes matter only with a dpi. */
  char text[200];
  snprintf(text, sizeof text, "v%d|%llx|%llx|%llu|dpi=%.2f|w=%.2f|h=%.2f|z=%d|q=%d|wf=%d|l=%d|g=%d",
           PB_IMAGE_ENCODER_VERSION, (unsigned long long)h->h[0], (unsigned long long)h->h[1],
           (unsigned long long)h->len, o.dpi, o.dpi > 0 ? o.placed_w : 0,
           o.dpi > 0 ? o.placed_h : 0, o.compression, o.jpeg_quality, o.webp_as_flate, o.lossy,
           o.gray);
  /* judged only: a name of its own, the streams' names left as they were */
  if (o.judge_only) snprintf(text + strlen(text), sizeof text - strlen(text), "|judge");
  pb_imgcache_hash k = pb_imgcache_hash_bytes(text, strlen(text));
  snprintf(name, 40, "%016llx%016llx.pbi", (unsigned long long)k.h[0], (unsigned long long)k.h[1]);
}

/* ==================================================================== */
/* Directory                                                             */
/* ==================================================================== */

pb_imgcache *pb_imgcache_open(const char *dir, uint64_t cap, char *err, size_t errlen) {
  if (pb_mkdir_p(dir) != 0) {
    snprintf(err, errlen, "cannot create cache directory %s: %s", dir, strerror(errno));
    return NULL;
  }
  pb_imgcache *c = pb_xcalloc(1, sizeof *c);
  c->dir = pb_xstrdup(dir);
  c->cap = cap ? cap : PB_IMGCACHE_DEFAULT_CAP;
  return c;
}

const char *pb_imgcache_dir(const pb_imgcache *c) { return c->dir; }

char *pb_imgcache_path(const pb_imgcache *c, const char *name) {
  size_t n = strlen(c->dir) + strlen(name) + 2;
  char *p = pb_xmalloc(n);
  snprintf(p, n, "%s/%s", c->dir, name);
  return p;
}

static int is_entry_name(const char *n) {
  size_t len = strlen(n);
  return len == 36 && strcmp(n + 32, ".pbi") == 0;
}
static int is_temp_name(const char *n) { return strncmp(n, ".tmp-", 5) == 0; }

void pb_imgcache_close(pb_imgcache *c, int remove_all) {
  if (!c) return;
  if (remove_all) {
    DIR *d = opendir(c->dir);
    if (d) {
      struct dirent *de;
      while ((de = readdir(d)) != NULL) {
        if (!is_entry_name(de->d_name) && !is_temp_name(de->d_name)) continue;
        char *p = pb_imgcache_path(c, de->d_name);
        unlink(p);
        free(p);
      }
      closedir(d);
    }
    rmdir(c->dir);
  }
  free(c->dir);
  free(c);
}

/* ==================================================================== */
/* Entries                                                               */
/* ==================================================================== */

/* An entry is data from disk like any input: every field is checked and
 * sizes are compared one at a time (a sum could wrap around 2^64); on any
 * doubt the entry is dropped and the figure encoded again. */
static int valid_fields(const uint32_t *v) {
  uint32_t w = v[0], h = v[1], bpc = v[2], cs = v[3], filter = v[4], pred = v[5];
  uint32_t colors = v[6], inv = v[7], paln = v[8], smask = v[9], sbpc = v[10], spred = v[11];
  if (w == 0 || h == 0 || w > 1000000 || h > 1000000 ||
      (uint64_t)w * h > (uint64_t)PB_IMAGE_MAX_PIXELS)
    return 0;
  if (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16) return 0;
  if (cs > 3 || filter < 1 || filter > 2 || paln > 256 || inv > 1 || smask > 1) return 0;
  if ((cs == 0) != (paln > 0)) return 0; /* indexed exactly when a palette */
  if (pred != 0 && (pred < 10 || pred > 15)) return 0;
  if (colors > 4 || (pred && colors == 0)) return 0;
  if (smask && sbpc != 1 && sbpc != 2 && sbpc != 4 && sbpc != 8 && sbpc != 16) return 0;
  if (spred != 0 && (spred < 10 || spred > 15)) return 0;
  if (v[12] > PB_IMGCACHE_FILE || v[13]) return 0;
  return 1;
}

static int parse_header(const unsigned char *h, uint64_t file_size, pb_imgcache_entry *e) {
  if (memcmp(h, MAGIC, 8) != 0) return -1;
  const unsigned char *q = h + 8;
  uint32_t v[14];
  for (int i = 0; i < 14; i++) v[i] = get32(q + 4 * i);
  uint64_t dlen = get64(q + 56), slen = get64(q + 64);
  if (!valid_fields(v)) return -1;
  uint64_t pal = (uint64_t)v[8] * 3, fixed = HEADER_BYTES + pal + strlen(TRAILER);
  if (file_size < fixed || dlen > file_size - fixed || slen > file_size - fixed - dlen ||
      fixed + dlen + slen != file_size)
    return -1;
  if (v[12] == PB_IMGCACHE_VERDICT ? dlen != 0 || slen != 0 || v[8] || v[9]
                                   : dlen == 0 || (v[9] ? slen == 0 : slen != 0))
    return -1;
  memset(e, 0, sizeof *e);
  e->kind = (pb_imgcache_kind)v[12];
  pb_image_stream *m = &e->meta;
  m->width = (int)v[0];
  m->height = (int)v[1];
  m->bpc = (int)v[2];
  m->colorspace = colorspaces[v[3]];
  m->filter = filters[v[4]];
  m->predictor = (int)v[5];
  m->colors = (int)v[6];
  m->decode_invert = (int)v[7];
  m->palette_n = (int)v[8];
  m->has_smask = (int)v[9];
  m->smask_bpc = (int)v[10];
  m->smask_predictor = (int)v[11];
  e->data_off = HEADER_BYTES + pal;
  e->data_len = dlen;
  e->smask_off = e->data_off + dlen;
  e->smask_len = slen;
  return 0;
}

int pb_imgcache_lookup(pb_imgcache *c, const char *name, pb_imgcache_entry *e) {
  char *path = pb_imgcache_path(c, name);
  int hit = 0;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
  if (fd >= 0 && !f) close(fd);
  struct stat fst;
  if (f && (fstat(fileno(f), &fst) != 0 || !S_ISREG(fst.st_mode))) {
    fclose(f); /* not a file this cache wrote: a miss, left alone */
    f = NULL;
    fd = -1;
  }
  if (f) {
    unsigned char h[HEADER_BYTES];
    struct stat st;
    char tail[sizeof TRAILER];
    if (fstat(fileno(f), &st) == 0 && fread(h, 1, HEADER_BYTES, f) == HEADER_BYTES &&
        parse_header(h, (uint64_t)st.st_size, e) == 0) {
      size_t pal = (size_t)e->meta.palette_n * 3;
      if (pal) {
        e->meta.palette = pb_xmalloc(pal);
        if (fread(e->meta.palette, 1, pal, f) != pal) pal = (size_t)-1;
      }
      if (pal != (size_t)-1 &&
          fseek(f, (long)(st.st_size - (off_t)strlen(TRAILER)), SEEK_SET) == 0 &&
          fread(tail, 1, strlen(TRAILER), f) == strlen(TRAILER) &&
          memcmp(tail, TRAILER, strlen(TRAILER)) == 0)
        hit = 1;
      if (!hit) pb_image_stream_free(&e->meta);
    }
    fclose(f);
    if (hit)
      utimensat(AT_FDCWD, path, NULL, 0); /* least recently used goes first */
    else
      unlink(path); /* damaged: encode again */
  }
  free(path);
  if (!hit) memset(e, 0, sizeof *e);
  return hit;
}

static int write_all(int fd, const void *p, size_t n) {
  const char *s = p;
  while (n) {
    ssize_t w = write(fd, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    s += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Stores an entry of kind: s's fields and bytes (a verdict: only its
 * width and height, with fields that pass valid_fields). */
static int store_kind(pb_imgcache *c, const char *name, pb_imgcache_kind kind,
                      const pb_image_stream *stream, pb_imgcache_entry *e, char *err,
                      size_t errlen) {
  pb_image_stream verdict;
  const pb_image_stream *s = stream;
  if (kind == PB_IMGCACHE_VERDICT) {
    memset(&verdict, 0, sizeof verdict);
    verdict.width = stream->width;
    verdict.height = stream->height;
    verdict.bpc = 8;
    verdict.colorspace = "DeviceRGB";
    verdict.filter = "FlateDecode";
    s = &verdict;
  }
  unsigned char h[HEADER_BYTES];
  memcpy(h, MAGIC, 8);
  uint32_t v[14] = {(uint32_t)s->width,
                    (uint32_t)s->height,
                    (uint32_t)s->bpc,
                    (uint32_t)code_of(s->colorspace, colorspaces, 4),
                    (uint32_t)code_of(s->filter, filters, 3),
                    (uint32_t)s->predictor,
                    (uint32_t)s->colors,
                    (uint32_t)s->decode_invert,
                    (uint32_t)(s->palette ? s->palette_n : 0),
                    (uint32_t)s->has_smask,
                    (uint32_t)s->smask_bpc,
                    (uint32_t)s->smask_predictor,
                    (uint32_t)kind,
                    0};
  for (int i = 0; i < 14; i++) put32(h + 8 + 4 * i, v[i]);
  uint64_t slen = s->has_smask ? s->smask.len : 0;
  put64(h + 64, s->data.len);
  put64(h + 72, slen);
  size_t tn = strlen(c->dir) + 32;
  char *tmp = pb_xmalloc(tn);
  snprintf(tmp, tn, "%s/.tmp-XXXXXX", c->dir);
  int fd = mkstemp(tmp);
  int rc = PB_EIO;
  char *path = NULL;
  if (fd < 0) {
    snprintf(err, errlen, "cannot write to cache %s: %s", c->dir, strerror(errno));
    free(tmp);
    return PB_EIO;
  }
  if (write_all(fd, h, sizeof h) == 0 &&
      write_all(fd, s->palette, s->palette ? (size_t)s->palette_n * 3 : 0) == 0 &&
      write_all(fd, s->data.data, s->data.len) == 0 &&
      write_all(fd, s->smask.data, (size_t)slen) == 0 &&
      write_all(fd, TRAILER, strlen(TRAILER)) == 0) {
    rc = 0;
  }
  fchmod(fd, 0644);
  if (close(fd) != 0) rc = PB_EIO;
  if (rc == 0) {
    path = pb_imgcache_path(c, name);
    if (rename(tmp, path) != 0) rc = PB_EIO;
  }
  if (rc) {
    snprintf(err, errlen, "cannot write to cache %s: %s", c->dir, strerror(errno));
    unlink(tmp);
  } else {
    memset(e, 0, sizeof *e);
    parse_header(h, HEADER_BYTES + (uint64_t)v[8] * 3 + s->data.len + slen + strlen(TRAILER), e);
    if (v[8]) {
      e->meta.palette = pb_xmalloc((size_t)v[8] * 3);
      memcpy(e->meta.palette, s->palette, (size_t)v[8] * 3);
    }
  }
  free(path);
  free(tmp);
  return rc;
}

int pb_imgcache_store(pb_imgcache *c, const char *name, const pb_image_stream *s,
                      pb_imgcache_entry *e, char *err, size_t errlen) {
  return store_kind(c, name, PB_IMGCACHE_STREAM, s, e, err, errlen);
}

int pb_imgcache_read(const char *path, uint64_t off, uint64_t len, pb_buf *out) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return PB_EIO;
  /* the file may have changed since its header was read: never trust len
   * beyond what is there */
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || off > (uint64_t)st.st_size ||
      len > (uint64_t)st.st_size - off) {
    close(fd);
    return PB_EIO;
  }
  pb_buf_reserve(out, (size_t)len);
  uint64_t done = 0;
  int rc = 0;
  while (done < len) {
    ssize_t r = pread(fd, out->data + out->len, (size_t)(len - done), (off_t)(off + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      rc = PB_EIO;
      break;
    }
    out->len += (size_t)r;
    done += (uint64_t)r;
  }
  out->data[out->len] = 0;
  close(fd);
  return rc;
}

typedef struct {
  char *path;
  uint64_t size;
  struct timespec mtime;
} cache_file;

static int by_mtime(const void *a, const void *b) {
  const cache_file *x = a, *y = b;
  if (x->mtime.tv_sec != y->mtime.tv_sec) return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
  if (x->mtime.tv_nsec != y->mtime.tv_nsec) return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
  return strcmp(x->path, y->path);
}

int pb_imgcache_trim(pb_imgcache *c) {
  DIR *d = opendir(c->dir);
  if (!d) return 0;
  cache_file *files = NULL;
  size_t n = 0, cap = 0;
  uint64_t total = 0;
  int removed = 0;
  time_t now = time(NULL);
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    int entry = is_entry_name(de->d_name), temp = is_temp_name(de->d_name);
    if (!entry && !temp) continue;
    char *p = pb_imgcache_path(c, de->d_name);
    struct stat st;
    if (stat(p, &st) != 0) {
      free(p);
      continue;
    }
    if (temp) {
      /* A writer that died; live writers finish within seconds. */
      if (now - st.st_mtime > 3600 && unlink(p) == 0) removed++;
      free(p);
      continue;
    }
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      files = pb_xrealloc(files, cap * sizeof *files);
    }
    files[n].path = p;
    files[n].size = (uint64_t)st.st_size;
    files[n].mtime = st.st_mtim;
    total += files[n].size;
    n++;
  }
  closedir(d);
  if (total > c->cap) {
    qsort(files, n, sizeof *files, by_mtime);
    for (size_t i = 0; i < n && total > c->cap; i++) {
      if (unlink(files[i].path) == 0) {
        total -= files[i].size;
        removed++;
      }
    }
  }
  for (size_t i = 0; i < n; i++) free(files[i].path);
  free(files);
  return removed;
}

/* ==================================================================== */
/* Encoding many figures                                                 */
/* ==================================================================== */

#define MAX_FIGURE_FILE ((size_t)512 << 20)

void pb_figstream_free(pb_figstream *job) {
  if (!job) return;
  free(job->file);
  job->file = NULL;
  pb_image_stream_free(&job->entry.meta);
  memset(&job->entry, 0, sizeof job->entry);
  pb_buf_free(&job->bytes);
}

typedef struct {
  pb_imgcache *cache;
  pb_figstream *jobs;
  size_t n;
  size_t *work; /* what the pass runs over: job indices */
  size_t nwork;
  int pass; /* 0: read and hash, 1: look up or encode */
} batch;

/* ---- content hashes kept by file identity ---------------------------- */

/* A warm build read and hashed every figure file only to find its entry
 * (15 MB for the 2024 archive: a fifth of the page faults and 23 M
 * instructions). The hash of a file is kept in the store (store.h) as
 * figids/HASH.txt, HASH of the file's path, device, inode, size,
 * modification and change times, and used while all of these are the same.
 * The change time cannot be set by a user: any write, rename or chmod moves
 * it to the present. A file is only recorded when it stayed the same while
 * it was read and its change time is FIGID_SETTLED seconds in the past, so
 * that a write within the clock's granularity after the read (the same
 * times, the same size) cannot go unseen. A kept hash only names the entry
 * looked up: an entry is checked as before, and a miss reads the file and
 * hashes it again. Private caches (unbounded, removed at close) keep none. */
#define FIGID_MAGIC "paperbook figure hash 1\n"
#define FIGID_SETTLED 2

static void figid_key(const char *path, const struct stat *st, pb_buf *key) {
  pb_buf_printf(key, "%s\n%ju %ju %jd %jd.%09ld %jd.%09ld", path, (uintmax_t)st->st_dev,
                (uintmax_t)st->st_ino, (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
                (long)st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec, (long)st->st_ctim.tv_nsec);
}

static int keeps_figids(const pb_imgcache *c) { return c && c->cap != UINT64_MAX; }

/* Fills j->hash from a kept record of the file as it is now; 1 on a hit. */
static int figid_lookup(pb_imgcache *c, pb_figstream *j) {
  struct stat st;
  if (!keeps_figids(c) || stat(j->path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  pb_buf key = PB_BUF_INIT, rec = PB_BUF_INIT;
  figid_key(j->path, &st, &key);
  size_t magic = strlen(FIGID_MAGIC);
  unsigned long long h0, h1, len;
  char end;
  int hit = pb_store_get(c->dir, "figids", key.data, key.len, ".txt", 256, &rec) == 0 &&
            rec.len > magic && memcmp(rec.data, FIGID_MAGIC, magic) == 0 &&
            sscanf(rec.data + magic, "%16llx %16llx %llu%c", &h0, &h1, &len, &end) == 4 &&
            end == '\n' && len == (unsigned long long)st.st_size;
  if (hit) {
    j->hash.h[0] = h0;
    j->hash.h[1] = h1;
    j->hash.len = len;
  }
  pb_buf_free(&key);
  pb_buf_free(&rec);
  return hit;
}

/* Keeps j->hash for the file, when before (its stat before the read) is
 * still what it is and settled. */
static void figid_keep(pb_imgcache *c, const pb_figstream *j, const struct stat *before) {
  struct stat st;
  if (!keeps_figids(c) || stat(j->path, &st) != 0 || st.st_dev != before->st_dev ||
      st.st_ino != before->st_ino || st.st_size != before->st_size ||
      (uint64_t)st.st_size != j->hash.len || st.st_mtim.tv_sec != before->st_mtim.tv_sec ||
      st.st_mtim.tv_nsec != before->st_mtim.tv_nsec ||
      st.st_ctim.tv_sec != before->st_ctim.tv_sec ||
      st.st_ctim.tv_nsec != before->st_ctim.tv_nsec ||
      time(NULL) - st.st_ctim.tv_sec < FIGID_SETTLED)
    return;
  pb_buf key = PB_BUF_INIT, rec = PB_BUF_INIT;
  figid_key(j->path, &st, &key);
  pb_buf_printf(&rec, "%s%016llx %016llx %llu\n", FIGID_MAGIC, (unsigned long long)j->hash.h[0],
                (unsigned long long)j->hash.h[1], (unsigned long long)j->hash.len);
  pb_store_put(c->dir, "figids", key.data, key.len, ".txt", rec.data, rec.len);
  pb_buf_free(&key);
  pb_buf_free(&rec);
}

static int read_bytes(pb_figstream *j) {
  int rc = j->path ? pb_read_file(j->path, MAX_FIGURE_FILE, &j->bytes) : PB_EIO;
  if (rc == PB_ELIMIT)
    snprintf(j->err, sizeof j->err, "file larger than %zu MB", MAX_FIGURE_FILE >> 20);
  else if (rc)
    snprintf(j->err, sizeof j->err, "cannot read %s", j->path ? j->path : "(no path)");
  if (rc) {
    j->failed = 1;
    pb_buf_free(&j->bytes);
  }
  return rc;
}

static int same_hash(const pb_imgcache_hash *a, const pb_imgcache_hash *b) {
  return a->h[0] == b->h[0] && a->h[1] == b->h[1] && a->len == b->len;
}

static void read_one(pb_imgcache *c, pb_figstream *j) {
  if (j->path && figid_lookup(c, j)) return; /* the bytes are read on a miss */
  struct stat before;
  int have_stat = j->path && stat(j->path, &before) == 0;
  if (read_bytes(j) != 0) return;
  j->hash = pb_imgcache_hash_bytes(j->bytes.data, j->bytes.len);
  if (have_stat) figid_keep(c, j, &before);
}

/* The bytes are freed as soon as their figure is found or encoded, so at
 * most one figure per worker is held decoded. A figure whose hash was
 * kept is read only now, when its entry is missing; should its bytes no
 * longer have that hash, the entry is named by the bytes read. */
static void encode_one(pb_imgcache *c, pb_figstream *j) {
  pb_imgcache_kind kind = j->opt.judge_only ? PB_IMGCACHE_VERDICT : PB_IMGCACHE_STREAM;
  if (pb_imgcache_lookup(c, j->name, &j->entry)) {
    if (j->entry.kind == kind) {
      pb_buf_free(&j->bytes);
      return;
    }
    pb_image_stream_free(&j->entry.meta); /* not what the name promised: made again */
    memset(&j->entry, 0, sizeof j->entry);
  }
  if (!j->bytes.data) {
    if (read_bytes(j) != 0) return;
    pb_imgcache_hash h = pb_imgcache_hash_bytes(j->bytes.data, j->bytes.len);
    if (!same_hash(&h, &j->hash)) {
      j->hash = h;
      pb_imgcache_name(&j->hash, &j->opt, j->name);
      if (pb_imgcache_lookup(c, j->name, &j->entry)) {
        pb_buf_free(&j->bytes);
        return;
      }
    }
  }
  pb_image_stream s;
  int rc = pb_image_encode_mem(j->bytes.data, j->bytes.len, &j->opt, &s, j->err, sizeof j->err);
  pb_buf_free(&j->bytes);
  if (rc == 0) rc = store_kind(c, j->name, kind, &s, &j->entry, j->err, sizeof j->err);
  pb_image_stream_free(&s);
  if (rc) j->failed = 1;
}

static void batch_one(void *arg, size_t k) {
  batch *b = arg;
  pb_figstream *j = &b->jobs[b->work[k]];
  if (b->pass == 0) {
    read_one(b->cache, j);
  } else {
    encode_one(b->cache, j);
    pb_progress_step(1);
  }
}

static void batch_run(batch *b, int pass, int threads) {
  b->pass = pass;
  if (threads > 1 && b->nwork > 1) pb_image_encode_threads();
  pb_parallel(b->nwork, threads, batch_one, b);
}

static int by_hash(const void *a, const void *b, void *jobs) {
  const pb_figstream *j = jobs;
  const pb_figstream *x = &j[*(const size_t *)a], *y = &j[*(const size_t *)b];
  for (int k = 0; k < 2; k++)
    if (x->hash.h[k] != y->hash.h[k]) return x->hash.h[k] < y->hash.h[k] ? -1 : 1;
  if (x->hash.len != y->hash.len) return x->hash.len < y->hash.len ? -1 : 1;
  /* equal content: job order, so the first job comes first */
  return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void copy_entry(pb_imgcache_entry *to, const pb_imgcache_entry *from) {
  *to = *from;
  if (from->meta.palette && from->meta.palette_n > 0) {
    size_t n = (size_t)from->meta.palette_n * 3;
    to->meta.palette = pb_xmalloc(n);
    memcpy(to->meta.palette, from->meta.palette, n);
  }
}

void pb_imgcache_encode_all(pb_imgcache *c, pb_figstream *jobs, size_t n, int threads) {
  if (n == 0) return;
  if (threads < 1) threads = pb_jobs();
  batch b;
  memset(&b, 0, sizeof b);
  b.cache = c;
  b.jobs = jobs;
  b.n = n;
  b.work = pb_xmalloc(n * sizeof *b.work);
  for (size_t i = 0; i < n; i++) {
    jobs[i].cache = c;
    jobs[i].failed = 0;
    jobs[i].err[0] = 0;
    b.work[i] = i;
  }
  b.nwork = n;
  batch_run(&b, 0, threads);

  /* Group identical content (sorted by hash: thousands of figures cost
   * n log n); a group's first job encodes it, at the group's largest
   * placed size. */
  size_t nread = 0;
  for (size_t i = 0; i < n; i++)
    if (!jobs[i].failed) b.work[nread++] = i;
  qsort_r(b.work, nread, sizeof *b.work, by_hash, jobs);
  for (size_t k = 0; k < nread; k++) {
    size_t i = b.work[k];
    int same = k > 0 && same_hash(&jobs[b.work[k - 1]].hash, &jobs[i].hash);
    jobs[i].first = same ? jobs[b.work[k - 1]].first : i;
    pb_figstream *f = &jobs[jobs[i].first];
    if (jobs[i].opt.placed_w > f->opt.placed_w) f->opt.placed_w = jobs[i].opt.placed_w;
    if (jobs[i].opt.placed_h > f->opt.placed_h) f->opt.placed_h = jobs[i].opt.placed_h;
  }
  /* the distinct contents, in job order (so the progress counts them in
   * the order the caller gave) */
  b.nwork = 0;
  for (size_t i = 0; i < n; i++) {
    if (jobs[i].failed) continue;
    if (jobs[i].first == i) {
      pb_imgcache_name(&jobs[i].hash, &jobs[i].opt, jobs[i].name);
      b.work[b.nwork++] = i;
    } else {
      pb_buf_free(&jobs[i].bytes); /* the first job's bytes are encoded */
    }
  }
  pb_progress_stage(jobs[0].opt.judge_only ? "checking figures" : "encoding figures", b.nwork);
  batch_run(&b, 1, threads);
  pb_progress_done();

  for (size_t i = 0; i < n; i++) {
    pb_figstream *j = &jobs[i];
    if (j->failed) continue;
    const pb_figstream *f = &jobs[j->first];
    if (f != j) {
      j->opt.placed_w = f->opt.placed_w;
      j->opt.placed_h = f->opt.placed_h;
      memcpy(j->name, f->name, sizeof j->name);
      j->failed = f->failed;
      memcpy(j->err, f->err, sizeof j->err);
      if (!f->failed) copy_entry(&j->entry, &f->entry);
    }
    if (!j->failed) j->file = pb_imgcache_path(c, j->name);
  }
  free(b.work);
}

/* ==================================================================== */
/* Files made from judged figures                                        */
/* ==================================================================== */

/* The entry name of the file made from content h by what (the maker and
 * its arguments). */
static void file_name(const pb_imgcache_hash *h, const char *what, char name[40]) {
  char text[200];
  snprintf(text, sizeof text, "file|v%d|%llx|%llx|%llu|%s", PB_IMAGE_ENCODER_VERSION,
           (unsigned long long)h->h[0], (unsigned long long)h->h[1], (unsigned long long)h->len,
           what);
  pb_imgcache_hash k = pb_imgcache_hash_bytes(text, strlen(text));
  snprintf(name, 40, "%016llx%016llx.pbi", (unsigned long long)k.h[0], (unsigned long long)k.h[1]);
}

/* Appends the file kept under name to out and sets its size; 1 on a hit. */
static int file_lookup(pb_imgcache *c, const char *name, pb_buf *out, int *w, int *h) {
  pb_imgcache_entry e;
  if (!pb_imgcache_lookup(c, name, &e)) return 0;
  int hit = e.kind == PB_IMGCACHE_FILE;
  if (hit) {
    char *path = pb_imgcache_path(c, name);
    size_t before = out->len;
    hit = pb_imgcache_read(path, e.data_off, e.data_len, out) == 0;
    if (!hit) out->len = before;
    free(path);
  }
  if (hit && w) {
    *w = e.meta.width;
    *h = e.meta.height;
  }
  pb_image_stream_free(&e.meta);
  return hit;
}

/* Keeps data[0..len), an image file of w x h pixels, under name. A cache
 * that cannot be written costs the next run the work again, nothing
 * more: failures are not reported. */
static void file_store(pb_imgcache *c, const char *name, const void *data, size_t len, int w, int h,
                       int jpeg) {
  pb_image_stream s;
  memset(&s, 0, sizeof s);
  s.width = w > 0 ? w : 1;
  s.height = h > 0 ? h : 1;
  s.bpc = 8;
  s.colorspace = "DeviceRGB";
  s.filter = jpeg ? "DCTDecode" : "FlateDecode";
  s.colors = 3;
  pb_buf_append(&s.data, data, len);
  pb_imgcache_entry e;
  char err[300];
  if (store_kind(c, name, PB_IMGCACHE_FILE, &s, &e, err, sizeof err) == 0)
    pb_image_stream_free(&e.meta);
  pb_image_stream_free(&s);
}

/* Reads fig's file again into b, and checks that it holds the bytes that
 * were judged. */
static int judged_bytes(const pb_figstream *fig, pb_buf *b, char *err, size_t errlen) {
  if (!fig || fig->failed || !fig->path || !fig->cache) {
    snprintf(err, errlen, "the figure was not judged");
    return PB_EFORMAT;
  }
  int rc = pb_read_file(fig->path, MAX_FIGURE_FILE, b);
  if (rc) {
    snprintf(err, errlen, "cannot read %s: %s", fig->path,
             rc == PB_ELIMIT ? "file too large" : strerror(errno));
    return rc;
  }
  pb_imgcache_hash h = pb_imgcache_hash_bytes(b->data, b->len);
  if (!same_hash(&h, &fig->hash)) {
    snprintf(err, errlen, "%s changed since it was judged", fig->path);
    return PB_EIO;
  }
  return 0;
}

int pb_imgcache_latex_file(const pb_figstream *fig, pb_buf *out, const char **ext, int *angle,
                           char *err, size_t errlen) {
  *ext = NULL;
  *angle = 0;
  char name[40] = "";
  if (fig && !fig->failed && fig->cache) {
    file_name(&fig->hash, "latex", name);
    if (file_lookup(fig->cache, name, out, NULL, NULL)) {
      *ext = "png"; /* only converted figures are kept */
      return 0;
    }
  }
  pb_buf b = PB_BUF_INIT;
  int rc = judged_bytes(fig, &b, err, errlen);
  int as_is = 0;
  size_t before = out->len;
  if (rc == 0) rc = pb_image_latex_file(b.data, b.len, out, ext, angle, &as_is, err, errlen);
  if (rc == 0 && as_is)
    pb_buf_append(out, b.data, b.len);
  else if (rc == 0)
    file_store(fig->cache, name, out->data + before, out->len - before, fig->entry.meta.width,
               fig->entry.meta.height, 0);
  pb_buf_free(&b);
  return rc;
}

int pb_imgcache_thumbnail(const pb_figstream *fig, int max_w, int max_h, int quality, pb_buf *out,
                          int *w, int *h, char *err, size_t errlen) {
  char name[40] = "", what[64];
  if (fig && !fig->failed && fig->cache) {
    snprintf(what, sizeof what, "thumbnail|%d|%d|%d", max_w, max_h, quality);
    file_name(&fig->hash, what, name);
    if (file_lookup(fig->cache, name, out, w, h)) return 0;
  }
  pb_buf b = PB_BUF_INIT;
  int rc = judged_bytes(fig, &b, err, errlen);
  size_t before = out->len;
  if (rc == 0)
    rc = pb_image_thumbnail(b.data, b.len, max_w, max_h, quality, out, w, h, err, errlen);
  if (rc == 0) file_store(fig->cache, name, out->data + before, out->len - before, *w, *h, 1);
  pb_buf_free(&b);
  return rc;
}
