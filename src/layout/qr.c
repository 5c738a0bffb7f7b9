/* QR codes (see qr.h). */
#include "qr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "context.h"
#include "links.h"
#include "mem.h"
#include "percent.h"
#include "store.h"

/* The modules of a URI's QR code (n x n bytes, 1 = dark). libqrencode
 * spends a million instructions on each (it scores all eight masks): 7% of
 * a warm build of the 2024 archive with its 101 codes. So the codes are
 * kept in the cache directory's store (store.h), all of them in one record
 * qr/HASH.bin, HASH from the settings and libqrencode's version: a record
 * per code cost a cold build 101 files made (37 ms of the kernel's time,
 * twice libqrencode's). The record, read on first use and written back by
 * pb_qr_save_store when a code was added:
 *   "PBQR2 " count "\n", then per code: keylen " " n "\n", the key (the
 *   URI as encoded), n*n bytes of 0 and 1.
 * A record that does not read as one whole is ignored (its codes are made
 * again); over QR_MAX_BYTES only the codes this run used are kept. */
#define QR_MAGIC "PBQR2 "
#define QR_MAX_BYTES ((size_t)8 << 20)
#define QR_SEED 0x71722d636f646573ULL /* "qr-codes" */

typedef struct {
  char *key; /* the encoded URI; NULL: slot free */
  size_t klen;
  uint64_t h;
  int n;
  int used; /* drawn in this run */
  unsigned char *mods;
} qr_slot;

typedef struct {
  char *root; /* the store it was read from; NULL before first use */
  qr_slot *slots;
  size_t cap, count;
  int dirty;
} qr_table;

static void *qr_make(void) { return pb_xcalloc(1, sizeof(qr_table)); }

/* Forgets every code (the table stays for its store). */
static void qr_clear(qr_table *t) {
  for (size_t i = 0; i < t->cap; i++) {
    free(t->slots[i].key);
    free(t->slots[i].mods);
  }
  free(t->slots);
  t->slots = NULL;
  t->cap = t->count = 0;
}

static void qr_reset(qr_table *t) {
  qr_clear(t);
  free(t->root);
  memset(t, 0, sizeof *t);
}

static void qr_drop(void *p) {
  qr_reset(p);
  free(p);
}

static qr_slot *qr_find(qr_table *t, const char *key, size_t klen, uint64_t h) {
  for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
    qr_slot *s = &t->slots[i];
    if (!s->key || (s->h == h && s->klen == klen && memcmp(s->key, key, klen) == 0)) return s;
  }
}

/* Adds a code (key and mods taken over); returns its slot. */
static qr_slot *qr_add(qr_table *t, char *key, size_t klen, int n, unsigned char *mods) {
  if ((t->count + 1) * 2 > t->cap) {
    size_t old_cap = t->cap;
    qr_slot *old = t->slots;
    t->cap = old_cap ? old_cap * 2 : 256;
    t->slots = pb_xcalloc(t->cap, sizeof *t->slots);
    for (size_t i = 0; i < old_cap; i++)
      if (old[i].key) *qr_find(t, old[i].key, old[i].klen, old[i].h) = old[i];
    free(old);
  }
  uint64_t h = pb_hash64(key, klen, QR_SEED);
  qr_slot *s = qr_find(t, key, klen, h);
  if (s->key) { /* the same key twice in a record: the first stays */
    free(key);
    free(mods);
    return s;
  }
  *s = (qr_slot){key, klen, h, n, 0, mods};
  t->count++;
  return s;
}

/* The record's key: the settings and the encoder. */
static void qr_record_key(pb_buf *key) {
  pb_buf_printf(key, "paperbook qr 2\nM 8bit case %s", QRcode_APIVersionString());
}

/* Reads the record's codes into t; -1 (t left empty) when it is not one. */
static int qr_parse(qr_table *t, const pb_buf *b) {
  size_t ml = strlen(QR_MAGIC);
  if (b->len <= ml || memcmp(b->data, QR_MAGIC, ml) != 0) return -1;
  const char *p = b->data + ml, *end = b->data + b->len;
  char *e = NULL;
  unsigned long count = strtoul(p, &e, 10);
  if (e == p || e >= end || *e != '\n') return -1;
  p = e + 1;
  for (unsigned long k = 0; k < count; k++) {
    unsigned long klen = strtoul(p, &e, 10);
    if (e == p || e >= end || *e != ' ' || klen == 0 || klen > 65536) goto bad;
    p = e + 1;
    unsigned long n = strtoul(p, &e, 10);
    if (e == p || e >= end || *e != '\n' || n < 21 || n > 177) goto bad;
    p = e + 1;
    size_t nn = (size_t)n * n;
    if ((size_t)(end - p) < klen + nn) goto bad;
    const unsigned char *m = (const unsigned char *)p + klen;
    for (size_t i = 0; i < nn; i++)
      if (m[i] > 1) goto bad;
    char *key = pb_xstrndup(p, klen);
    unsigned char *mods = pb_xmalloc(nn);
    memcpy(mods, m, nn);
    qr_add(t, key, klen, (int)n, mods);
    p += klen + nn;
  }
  if (p == end) return 0;
bad:
  qr_clear(t);
  return -1;
}

/* The table of root's store, read on first use; NULL without a store. */
static qr_table *qr_for(const char *root) {
  if (!root) return NULL;
  qr_table *t = pb_ctx_slot(PB_SLOT_QR, qr_make, qr_drop);
  if (!t) return NULL;
  if (t->root && strcmp(t->root, root) == 0) return t;
  pb_qr_save_store();
  qr_reset(t);
  t->root = pb_xstrdup(root);
  pb_buf key = PB_BUF_INIT, b = PB_BUF_INIT;
  qr_record_key(&key);
  if (pb_store_get(root, "qr", key.data, key.len, ".bin", QR_MAX_BYTES, &b) == 0) qr_parse(t, &b);
  pb_buf_free(&key);
  pb_buf_free(&b);
  return t;
}

void pb_qr_save_store(void) {
  qr_table *t = pb_ctx_slot(PB_SLOT_QR, qr_make, qr_drop);
  if (!t || !t->root || !t->dirty) return;
  t->dirty = 0;
  /* every code, or over the bound those this run drew */
  size_t all = 0;
  for (size_t i = 0; i < t->cap; i++)
    if (t->slots[i].key) all += t->slots[i].klen + (size_t)t->slots[i].n * t->slots[i].n + 16;
  int only_used = all > QR_MAX_BYTES;
  size_t count = 0;
  for (size_t i = 0; i < t->cap; i++) count += t->slots[i].key && (!only_used || t->slots[i].used);
  pb_buf b = PB_BUF_INIT, key = PB_BUF_INIT;
  pb_buf_printf(&b, QR_MAGIC "%zu\n", count);
  for (size_t i = 0; i < t->cap; i++) {
    const qr_slot *s = &t->slots[i];
    if (!s->key || (only_used && !s->used)) continue;
    pb_buf_printf(&b, "%zu %d\n", s->klen, s->n);
    pb_buf_append(&b, s->key, s->klen);
    pb_buf_append(&b, (const char *)s->mods, (size_t)s->n * (size_t)s->n);
  }
  qr_record_key(&key);
  /* a cache: failing costs the encodings next time */
  if (b.len <= QR_MAX_BYTES) pb_store_put(t->root, "qr", key.data, key.len, ".bin", b.data, b.len);
  pb_buf_free(&b);
  pb_buf_free(&key);
}

unsigned char *pb_qr_modules(const char *root, const char *text, int *n) {
  if (root && !*root) root = NULL;
  /* the code carries the URI as the PDF's link does, in ASCII: raw UTF-8
   * in a code without an ECI header is read as Shift JIS by some readers
   * (zbar turns a Japanese path into mojibake) */
  pb_buf enc = PB_BUF_INIT;
  pb_percent_encode_uri(text, &enc);
  const char *uri = enc.data ? enc.data : "";
  size_t ulen = strlen(uri);
  qr_table *t = ulen ? qr_for(root) : NULL;
  unsigned char *mods = NULL;
  if (t && t->cap) {
    qr_slot *s = qr_find(t, uri, ulen, pb_hash64(uri, ulen, QR_SEED));
    if (s->key) {
      s->used = 1;
      *n = s->n;
      mods = pb_xmalloc((size_t)s->n * (size_t)s->n);
      memcpy(mods, s->mods, (size_t)s->n * (size_t)s->n);
      pb_buf_free(&enc);
      return mods;
    }
  }
  QRcode *qr = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr && qr->width > 0) {
    *n = qr->width;
    size_t nn = (size_t)qr->width * (size_t)qr->width;
    mods = pb_xmalloc(nn);
    for (size_t i = 0; i < nn; i++) mods[i] = qr->data[i] & 1;
    if (t) {
      unsigned char *kept = pb_xmalloc(nn);
      memcpy(kept, mods, nn);
      qr_add(t, pb_xstrndup(uri, ulen), ulen, *n, kept)->used = 1;
      t->dirty = 1;
    }
  }
  QRcode_free(qr);
  pb_buf_free(&enc);
  return mods;
}
/* One item for the whole code (see pb_qr in layout.h). */
int pb_qr_add(pb_doc *doc, pb_page *pg, const char *store_root, const char *text, double x,
              double top, double size) {
  /* a QR code is a link on paper: only what the link policy makes clickable */
  char *uri = pb_links_web_uri(text);
  if (!uri) return -1;
  int n = 0;
  unsigned char *mods = pb_qr_modules(store_root, uri, &n);
  free(uri);
  if (!mods) return -1;
  size_t nn = (size_t)n * (size_t)n;
  pb_qr *q = pb_arena_alloc(doc->arena, sizeof *q + nn);
  q->x = x;
  q->top = top;
  q->module = size / (n + 2); /* one quiet module each side */
  q->n = n;
  memcpy(q->dark, mods, nn);
  free(mods);
  pb_item *it = pb_page_add_item(doc, pg, PB_ITEM_QR);
  it->x = (float)x;
  it->y = (float)(top - size);
  it->w = it->h = (float)size;
  it->qr = q;
  return 0;
}
