/* QR codes (see qr.h). */
#include "qr.h"

#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "links.h"
#include "percent.h"
#include "store.h"

/* The modules of uri's QR code (n x n bytes, 1 = dark; malloc'd), or NULL.
 * libqrencode spends a million instructions on each (it scores all eight
 * masks): 7% of a warm build of the 2024 archive with its 101 codes. So the
 * modules are kept in the cache directory's store (store.h) as qr/HASH.bin
 * ("PBQR1 n\n" and n*n bytes of 0 and 1), HASH from the text, the settings
 * and libqrencode's version; a file that does not read as one is made
 * again. */
#define QR_MAGIC "PBQR1 "

/* The store key of uri's code: the text, the settings, the encoder. */
static void qr_key(pb_buf *key, const char *uri) {
  pb_buf_printf(key, "%s\nM 8bit case %s", uri, QRcode_APIVersionString());
}

static unsigned char *qr_read(const char *root, const pb_buf *key, int *n) {
  pb_buf b = PB_BUF_INIT;
  unsigned char *mods = NULL;
  size_t ml = strlen(QR_MAGIC);
  if (pb_store_get(root, "qr", key->data, key->len, ".bin", 1u << 16, &b) == 0 && b.len > ml &&
      memcmp(b.data, QR_MAGIC, ml) == 0) {
    char *end = NULL;
    long w = strtol(b.data + ml, &end, 10);
    size_t head = end ? (size_t)(end - b.data) + 1 : 0;
    if (w >= 21 && w <= 177 && *end == '\n' && b.len == head + (size_t)(w * w)) {
      mods = pb_xmalloc((size_t)(w * w));
      for (long i = 0; i < w * w; i++) {
        char c = b.data[head + (size_t)i];
        if (c != 0 && c != 1) {
          free(mods);
          mods = NULL;
          break;
        }
        mods[i] = (unsigned char)c;
      }
      *n = (int)w;
    }
  }
  pb_buf_free(&b);
  return mods;
}

unsigned char *pb_qr_modules(const char *root, const char *text, int *n) {
  if (root && !*root) root = NULL;
  /* the code carries the URI as the PDF's link does, in ASCII: raw UTF-8
   * in a code without an ECI header is read as Shift JIS by some readers
   * (zbar turns a Japanese path into mojibake) */
  pb_buf enc = PB_BUF_INIT;
  pb_percent_encode_uri(text, &enc);
  const char *uri = enc.data ? enc.data : "";
  pb_buf key = PB_BUF_INIT;
  qr_key(&key, uri);
  unsigned char *mods = root ? qr_read(root, &key, n) : NULL;
  if (mods) {
    pb_buf_free(&key);
    pb_buf_free(&enc);
    return mods;
  }
  QRcode *qr = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr && qr->width > 0) {
    *n = qr->width;
    size_t nn = (size_t)qr->width * (size_t)qr->width;
    mods = pb_xmalloc(nn);
    for (size_t i = 0; i < nn; i++) mods[i] = qr->data[i] & 1;
    if (root) {
      pb_buf b = PB_BUF_INIT;
      pb_buf_printf(&b, QR_MAGIC "%d\n", *n);
      pb_buf_append(&b, (const char *)mods, nn);
      /* a cache: failing costs an encoding next time */
      pb_store_put(root, "qr", key.data, key.len, ".bin", b.data, b.len);
      pb_buf_free(&b);
    }
  }
  QRcode_free(qr);
  pb_buf_free(&key);
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
