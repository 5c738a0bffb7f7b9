/* Saving a document: content streams compressed on every core, the file
 * written in large blocks (see pdf_save.h). */
#include "pdf_save.h"

#include <errno.h>
#include <hpdf_error.h>
#include <hpdf_list.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jobs.h"
#include "mem.h"

typedef struct {
  HPDF_Dict dict;    /* the stream's dictionary */
  HPDF_Page page;    /* the page whose content it is, or NULL */
  unsigned char *in; /* its bytes, copied out of libharu's memory stream */
  size_t inlen;
  unsigned char *out; /* compressed, NULL until done or when it failed */
  size_t outlen, pos; /* pos: libharu's read position in out */
} page_stream;

struct pb_pdf_deflate {
  page_stream *s;
  size_t n;
};

/* libdeflate at level 1, in one call. Measured on the 2024 archive's
 * content, font and ToUnicode streams against zlib's default level 6 (what
 * libharu uses): under a third of the CPU (690 -> 198 perf samples of a
 * warm build), 8% more of these streams' bytes (652 -> 703 KB of a 16 MB
 * PDF). */
#define CONTENT_LEVEL 1

static void compress_one(page_stream *p) {
  struct libdeflate_compressor *c = libdeflate_alloc_compressor(CONTENT_LEVEL);
  if (!c) return;
  size_t bound = libdeflate_zlib_compress_bound(c, p->inlen);
  unsigned char *out = malloc(bound ? bound : 1);
  size_t n = out ? libdeflate_zlib_compress(c, p->in, p->inlen, out, bound) : 0;
  libdeflate_free_compressor(c);
  if (n) {
    p->out = out;
    p->outlen = n;
  } else {
    free(out);
  }
}

static void compress_nth(void *arg, size_t i) {
  pb_pdf_deflate *d = arg;
  compress_one(&d->s[i]);
}

/* The stream libharu reads the compressed bytes from. */
static HPDF_STATUS cs_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *size) {
  page_stream *p = s->attr;
  size_t left = p->outlen - p->pos;
  size_t n = *size < left ? *size : left;
  if (n) memcpy(ptr, p->out + p->pos, n);
  p->pos += n;
  *size = (HPDF_UINT)n;
  return p->pos == p->outlen ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS cs_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode) {
  page_stream *p = s->attr;
  long long base = mode == HPDF_SEEK_CUR   ? (long long)p->pos
                   : mode == HPDF_SEEK_END ? (long long)p->outlen
                                           : 0;
  long long to = base + pos;
  if (to < 0 || to > (long long)p->outlen) return HPDF_SetError(s->error, HPDF_STREAM_EOF, 0);
  p->pos = (size_t)to;
  return HPDF_OK;
}

static HPDF_INT32 cs_tell(HPDF_Stream s) { return (HPDF_INT32)((page_stream *)s->attr)->pos; }

static HPDF_UINT32 cs_size(HPDF_Stream s) { return (HPDF_UINT32)((page_stream *)s->attr)->outlen; }

/* The key libharu writes for a stream with its Flate filter, in the same
 * place (after the dictionary's own keys) and the same spelling. */
static HPDF_STATUS write_filter(HPDF_Dict obj, HPDF_Stream s) {
  (void)obj;
  return HPDF_Stream_WriteStr(s, "/Filter [ /FlateDecode ]\012");
}

/* Is d a stream libharu would deflate on the save, with nothing hooked to
 * its writing? */
static int plain_flate_stream(HPDF_Dict d) {
  return d && (d->header.obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_DICT && d->stream &&
         d->stream->type == HPDF_STREAM_MEMORY && d->filter == HPDF_STREAM_FILTER_FLATE_DECODE &&
         !d->write_fn && !d->before_write_fn && !d->after_write_fn && d->stream->size > 0 &&
         d->stream->size <= 0x7fffffff;
}

/* Is the page done drawing (nothing libharu closes when it writes the page
 * into its content stream)? */
static int page_finished(HPDF_Page page) {
  HPDF_PageAttr attr = page ? (HPDF_PageAttr)page->attr : NULL;
  return attr && attr->contents && attr->stream && attr->contents->stream == attr->stream &&
         attr->gmode == HPDF_GMODE_PAGE_DESCRIPTION && attr->gstate && !attr->gstate->prev;
}

/* Copies a stream's bytes out of libharu's memory stream. */
static void take_stream(HPDF_Dict d, HPDF_Page page, page_stream *p) {
  HPDF_MemStreamAttr m = d->stream->attr;
  size_t total = d->stream->size, done = 0;
  unsigned char *in = pb_xmalloc(total);
  for (HPDF_UINT i = 0; i < m->buf->count && done < total; i++) {
    size_t n = total - done < m->buf_siz ? total - done : m->buf_siz;
    memcpy(in + done, HPDF_List_ItemAt(m->buf, i), n);
    done += n;
  }
  if (done != total) {
    free(in);
    return;
  }
  *p = (page_stream){d, page, in, total, NULL, 0, 0};
}

/* Puts the compressed bytes in place of the memory stream. */
static void give_stream(HPDF_Doc pdf, page_stream *p) {
  HPDF_Stream cs = HPDF_CallbackReader_New(pdf->mmgr, cs_read, cs_seek, cs_tell, cs_size, p);
  if (!cs) return;
  if (p->page) /* drawing after this fails as an error, never writes freed memory */
    ((HPDF_PageAttr)p->page->attr)->stream = cs;
  HPDF_Stream_Free(p->dict->stream);
  p->dict->stream = cs;
  p->dict->filter = HPDF_STREAM_FILTER_NONE;
  p->dict->write_fn = write_filter;
}

static int is_page_contents(HPDF_Page *pages, size_t n, HPDF_Dict d) {
  for (size_t i = 0; i < n; i++)
    if (pages[i] && ((HPDF_PageAttr)pages[i]->attr)->contents == d) return 1;
  return 0;
}

pb_pdf_deflate *pb_pdf_deflate_pages(HPDF_Doc pdf, HPDF_Page *pages, size_t n) {
  if (!pdf || !pdf->xref || pdf->compression_mode == HPDF_COMP_NONE) return NULL;
  HPDF_List entries = pdf->xref->entries;
  pb_pdf_deflate *d = pb_xcalloc(1, sizeof *d);
  d->s = pb_xcalloc(n + entries->count + 1, sizeof *d->s);
  /* the pages' content streams first (the largest), each when its page is
   * finished; then every other stream libharu would deflate (fonts,
   * ToUnicode maps) */
  for (size_t i = 0; i < n; i++) {
    HPDF_Dict c = page_finished(pages[i]) ? ((HPDF_PageAttr)pages[i]->attr)->contents : NULL;
    if (plain_flate_stream(c)) {
      take_stream(c, pages[i], &d->s[d->n]);
      if (d->s[d->n].in) d->n++;
    }
  }
  for (HPDF_UINT i = 0; i < entries->count; i++) {
    HPDF_XrefEntry e = HPDF_List_ItemAt(entries, i);
    HPDF_Dict c = e ? e->obj : NULL;
    if (!plain_flate_stream(c) || is_page_contents(pages, n, c)) continue;
    take_stream(c, NULL, &d->s[d->n]);
    if (d->s[d->n].in) d->n++;
  }
  /* PAPERBOOK_JOBS rules the figures' workers and these alike */
  pb_parallel(d->n, pb_jobs(), compress_nth, d);
  for (size_t i = 0; i < d->n; i++) {
    free(d->s[i].in);
    d->s[i].in = NULL;
    if (d->s[i].out) give_stream(pdf, &d->s[i]);
  }
  return d;
}

void pb_pdf_deflate_free(pb_pdf_deflate *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n; i++) free(d->s[i].out);
  free(d->s);
  free(d);
}

/* ---- writing the file ------------------------------------------------ */

typedef struct {
  int fd;
  unsigned char *buf;
  size_t len, cap;
  int err; /* errno of the first failed write */
} fd_sink;

static int sink_flush(fd_sink *k) {
  size_t done = 0;
  while (done < k->len && !k->err) {
    ssize_t w = write(k->fd, k->buf + done, k->len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      k->err = w < 0 ? errno : ENOSPC;
    else
      done += (size_t)w;
  }
  k->len = 0;
  return k->err ? -1 : 0;
}

static HPDF_STATUS sink_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT size) {
  fd_sink *k = s->attr;
  while (size > 0 && !k->err) {
    size_t n = k->cap - k->len < size ? k->cap - k->len : size;
    memcpy(k->buf + k->len, ptr, n);
    k->len += n;
    ptr += n;
    size -= (HPDF_UINT)n;
    if (k->len == k->cap) sink_flush(k);
  }
  if (k->err) {
    errno = k->err;
    return HPDF_SetError(s->error, HPDF_FILE_IO_ERROR, (HPDF_STATUS)k->err);
  }
  return HPDF_OK;
}

/* libharu saves to the document's own stream when there is one
 * (HPDF_SaveToStream), and only frees the data of a memory stream: this
 * stream, lent for the save, writes to fd. */
HPDF_STATUS pb_pdf_save_fd(HPDF_Doc pdf, int fd) {
  if (!pdf) return HPDF_INVALID_DOCUMENT;
  if (pdf->stream) return HPDF_RaiseError(&pdf->error, HPDF_INVALID_OPERATION, 0);
  fd_sink k = {fd, NULL, 0, (size_t)1 << 20, 0};
  k.buf = pb_xmalloc(k.cap);
  HPDF_Stream s = HPDF_CallbackReader_New(pdf->mmgr, NULL, NULL, NULL, NULL, &k);
  if (!s) {
    free(k.buf);
    return HPDF_CheckError(&pdf->error);
  }
  s->write_fn = sink_write;
  pdf->stream = s;
  HPDF_STATUS st = HPDF_SaveToStream(pdf);
  pdf->stream = NULL;
  HPDF_Stream_Free(s);
  if (st == HPDF_OK && sink_flush(&k) != 0) {
    errno = k.err;
    st = HPDF_RaiseError(&pdf->error, HPDF_FILE_IO_ERROR, (HPDF_STATUS)k.err);
  }
  free(k.buf);
  return st;
}
