/* Figures for the PDF back end (see pdf_image.h).
 *
 * The plan has judged the figures: each doc image it showed carries its
 * encoded stream in the image cache (pb_doc_image.stream), and the figset
 * only points at it. Only two kinds of image are encoded here, in one
 * parallel batch (imgcache.c): with --dpi, every figure at the size the
 * layout placed it (the plan only decoded it, for its verdict, so the
 * encoder's decode cannot fail here in practice), a figure whose full-size
 * stream has more pixels than its placement needs, and an image no plan
 * judged (a doc made by hand, as the image tests do).
 * Encoded bytes never stay in memory: each XObject reads its bytes in
 * libharu's before-write hook and frees them in the after-write hook.
 *
 * Worker threads never call libharu, and they report nothing themselves:
 * messages are reported by the calling thread in figure order, so the
 * output is the same for any number of threads. */
#include "pdf_image.h"

#include <hpdf.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "images.h"
#include "imgcache.h"

/* One distinct stream: one XObject, however many images draw it. */
typedef struct pb_figgroup {
  const pb_figstream *s;
  HPDF_Image xobj;
  HPDF_Doc pdf;
  int failed;
} group;

/* The bytes of one stream (image or soft mask) for the write hooks: read
 * from the cache file just before libharu writes the stream, served to it
 * from data, freed right after. */
typedef struct {
  const char *path;
  uint64_t off, len;
  pb_buf data;   /* owned while the stream is being written */
  size_t pos;    /* libharu's read position in data */
  pb_buf *spare; /* the figset's one buffer, lent to the stream written */
} stream_src;

struct pb_figset {
  const pb_doc *doc;
  int *group_of; /* per image: its group, -1 when it cannot be drawn */
  group *groups;
  size_t ngroups;
  pb_figstream *jobs; /* encoded here */
  size_t njobs;
  pb_imgcache *cache; /* for jobs */
  int private_cache;
  stream_src *srcs; /* 2 per group: colour, mask */
  /* The streams are written one at a time, so one buffer, grown to the
   * largest, serves them all: a buffer allocated and freed per figure was
   * mapped afresh and zeroed by the kernel each time. */
  pb_buf spare;
};

/* ==================================================================== */
/* Preparing                                                             */
/* ==================================================================== */

static int by_stream(const void *a, const void *b, void *doc) {
  const pb_doc_image *im = ((const pb_doc *)doc)->images;
  const void *x = im[*(const size_t *)a].stream, *y = im[*(const size_t *)b].stream;
  if (x != y) return (uintptr_t)x < (uintptr_t)y ? -1 : 1;
  return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The largest placement of each plan stream (images of equal content share
 * one; the stream is made for its largest use), written into placed[]. */
static void largest_placements(const pb_doc *doc, double (*placed)[2]) {
  size_t n = doc->nimages;
  size_t *order = pb_xmalloc((n ? n : 1) * sizeof *order);
  for (size_t i = 0; i < n; i++) order[i] = i;
  qsort_r(order, n, sizeof *order, by_stream, (void *)doc);
  for (size_t k = 0; k < n;) {
    size_t e = k;
    double w = 0, h = 0;
    for (; e < n && doc->images[order[e]].stream == doc->images[order[k]].stream; e++) {
      const pb_doc_image *im = &doc->images[order[e]];
      if (im->placed_w > w) w = im->placed_w;
      if (im->placed_h > h) h = im->placed_h;
    }
    for (size_t q = k; q < e; q++) {
      placed[order[q]][0] = w;
      placed[order[q]][1] = h;
    }
    k = e;
  }
  free(order);
}

static int open_cache(pb_figset *fs, const pb_pdf_options *opt) {
  char err[300];
  if (opt && opt->cache_dir) {
    fs->cache = pb_imgcache_open(opt->cache_dir, 0, err, sizeof err);
    if (!fs->cache) pb_warn(NULL, 0, "%s; figures are encoded without a cache", err);
  }
  if (fs->cache) return 1;
  const char *tmp = getenv("TMPDIR");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/paperbook-fig-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp(dir)) fs->cache = pb_imgcache_open(dir, UINT64_MAX, err, sizeof err);
  if (!fs->cache) {
    pb_error(NULL, 0, "cannot create a temporary directory for figures under %s",
             tmp && *tmp ? tmp : "/tmp");
    return 0;
  }
  fs->private_cache = 1;
  return 1;
}

/* The group drawing stream s, made on first use. */
static int group_for(pb_figset *fs, const pb_figstream *s) {
  for (size_t g = 0; g < fs->ngroups; g++)
    if (fs->groups[g].s == s || memcmp(fs->groups[g].s->name, s->name, sizeof s->name) == 0)
      return (int)g;
  fs->groups[fs->ngroups].s = s;
  return (int)fs->ngroups++;
}

/* 1 when s, the plan's figure, is a full-size stream the PDF can draw. */
static int plan_stream_full(const pb_figstream *s) {
  return s && !s->failed && !s->opt.judge_only && s->entry.kind == PB_IMGCACHE_STREAM &&
         s->opt.placed_w <= 0 && s->opt.placed_h <= 0;
}

pb_figset *pb_figset_prepare(const pb_doc *doc, const pb_pdf_options *opt) {
  pb_figset *fs = pb_xcalloc(1, sizeof *fs);
  size_t n = doc->nimages;
  fs->doc = doc;
  fs->group_of = pb_xmalloc((n ? n : 1) * sizeof *fs->group_of);
  fs->groups = pb_xcalloc(n ? n : 1, sizeof *fs->groups);
  fs->jobs = pb_xcalloc(n ? n : 1, sizeof *fs->jobs);
  int *job_of = pb_xmalloc((n ? n : 1) * sizeof *job_of);
  double(*placed)[2] = pb_xcalloc(n ? n : 1, sizeof *placed);
  largest_placements(doc, placed);
  pb_encode_options eo;
  pb_image_encode_options(&eo, opt ? opt->dpi : 0, opt ? opt->gray : 0);

  for (size_t i = 0; i < n; i++) {
    const pb_doc_image *im = &doc->images[i];
    const pb_figstream *s = im->stream;
    job_of[i] = -1;
    pb_encode_options want = s ? s->opt : eo;
    want.placed_w = s ? placed[i][0] : im->placed_w;
    want.placed_h = s ? placed[i][1] : im->placed_h;
    want.judge_only = 0; /* a plan that only judged it (the LaTeX export's) */
    /* the plan's stream, when it is one (not a verdict), full size, and
     * the placement needs every pixel of it */
    int full = plan_stream_full(s);
    if (full && !pb_image_dpi_shrinks(im->width_px, im->height_px, &want)) continue;
    pb_figstream *j = &fs->jobs[fs->njobs];
    j->path = im->path;
    j->opt = want;
    job_of[i] = (int)fs->njobs++;
  }
  free(placed);
  int cached = fs->njobs == 0 || open_cache(fs, opt);
  if (cached) pb_imgcache_encode_all(fs->cache, fs->jobs, fs->njobs, opt ? opt->threads : 0);

  for (size_t i = 0; i < n; i++) {
    const pb_doc_image *im = &doc->images[i];
    const pb_figstream *s = im->stream;
    const pb_figstream *j = job_of[i] >= 0 ? &fs->jobs[job_of[i]] : NULL;
    /* a smaller stream that failed leaves the plan's full-size one */
    int full = plan_stream_full(s);
    const pb_figstream *use = j && cached && !j->failed ? j : full ? s : NULL;
    fs->group_of[i] = use ? group_for(fs, use) : -1;
    if (!use && cached)
      pb_warn(im->file, im->line, "figure %s: %s", im->src ? im->src : im->path,
              j && j->err[0] ? j->err : "cannot be encoded");
  }
  free(job_of);
  fs->srcs = pb_xcalloc(2 * (fs->ngroups ? fs->ngroups : 1), sizeof *fs->srcs);
  return fs;
}

int pb_figset_failed(const pb_figset *fs, size_t i) {
  if (!fs || i >= fs->doc->nimages) return 1;
  int g = fs->group_of[i];
  return g < 0 || fs->groups[g].failed;
}

/* ==================================================================== */
/* XObjects                                                              */
/* ==================================================================== */

/* With filter NONE libharu deletes any /Filter key before writing the dict,
 * so the key is written here, after the other keys. */
static HPDF_STATUS write_flate(HPDF_Dict obj, HPDF_Stream s) {
  (void)obj;
  return HPDF_Stream_WriteStr(s, "/Filter /FlateDecode\012");
}
static HPDF_STATUS write_dct(HPDF_Dict obj, HPDF_Stream s) {
  (void)obj;
  return HPDF_Stream_WriteStr(s, "/Filter /DCTDecode\012");
}

/* The stream libharu reads an image from: the cache file's bytes, handed
 * out in libharu's 4 KB chunks without first copying them into one of its
 * memory streams (which copies byte by byte, twice: a fifth of a warm
 * build's instructions went there). */
static HPDF_STATUS src_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *size) {
  stream_src *src = s->attr;
  size_t left = src->data.len - src->pos;
  size_t n = *size < left ? *size : left;
  if (n) memcpy(ptr, src->data.data + src->pos, n);
  src->pos += n;
  *size = (HPDF_UINT)n;
  return src->pos == src->data.len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS src_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode) {
  stream_src *src = s->attr;
  long long base = mode == HPDF_SEEK_CUR   ? (long long)src->pos
                   : mode == HPDF_SEEK_END ? (long long)src->data.len
                                           : 0;
  long long to = base + pos;
  if (to < 0 || to > (long long)src->data.len) return HPDF_SetError(s->error, HPDF_STREAM_EOF, 0);
  src->pos = (size_t)to;
  return HPDF_OK;
}

static HPDF_INT32 src_tell(HPDF_Stream s) { return (HPDF_INT32)((stream_src *)s->attr)->pos; }

static HPDF_UINT32 src_size(HPDF_Stream s) { return (HPDF_UINT32)((stream_src *)s->attr)->len; }

/* The bytes are read just before libharu writes the stream... */
static HPDF_STATUS load_bytes(HPDF_Dict obj) {
  stream_src *src = obj->attr;
  pb_buf_free(&src->data);
  src->data = *src->spare;
  *src->spare = (pb_buf)PB_BUF_INIT;
  pb_buf_reset(&src->data);
  src->pos = 0;
  if (src->len > (uint64_t)UINT32_MAX ||
      pb_imgcache_read(src->path, src->off, src->len, &src->data) != 0) {
    pb_buf_free(&src->data);
    return HPDF_SetError(obj->error, HPDF_FILE_IO_ERROR, 0);
  }
  return HPDF_OK;
}

/* ...and handed back right after. */
static HPDF_STATUS free_bytes(HPDF_Dict obj) {
  stream_src *src = obj->attr;
  pb_buf_free(src->spare);
  *src->spare = src->data;
  src->data = (pb_buf)PB_BUF_INIT;
  src->pos = 0;
  return HPDF_OK;
}

static HPDF_Dict new_image_dict(HPDF_Doc pdf, const char *filter, stream_src *src) {
  HPDF_Dict d = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
  if (!d) return NULL;
  d->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
  HPDF_Stream reader =
      HPDF_CallbackReader_New(pdf->mmgr, src_read, src_seek, src_tell, src_size, src);
  if (!reader) return NULL;
  HPDF_Stream_Free(d->stream);
  d->stream = reader;
  d->filter = HPDF_STREAM_FILTER_NONE;
  d->write_fn = strcmp(filter, "DCTDecode") == 0 ? write_dct : write_flate;
  d->before_write_fn = load_bytes;
  d->after_write_fn = free_bytes;
  d->attr = src;
  HPDF_STATUS st = HPDF_Dict_AddName(d, "Type", "XObject");
  st += HPDF_Dict_AddName(d, "Subtype", "Image");
  return st == HPDF_OK ? d : NULL;
}

static HPDF_STATUS add_decode_parms(HPDF_Doc pdf, HPDF_Dict d, int predictor, int colors, int bpc,
                                    int columns) {
  if (!predictor) return HPDF_OK;
  HPDF_Dict p = HPDF_Dict_New(pdf->mmgr);
  if (!p) return HPDF_FAILD_TO_ALLOC_MEM;
  HPDF_STATUS st = HPDF_Dict_AddNumber(p, "Predictor", predictor);
  st += HPDF_Dict_AddNumber(p, "Colors", colors);
  st += HPDF_Dict_AddNumber(p, "BitsPerComponent", bpc);
  st += HPDF_Dict_AddNumber(p, "Columns", columns);
  st += HPDF_Dict_Add(d, "DecodeParms", p);
  return st;
}

HPDF_Image pb_figset_xobject(pb_figset *fs, HPDF_Doc pdf, size_t i) {
  if (pb_figset_failed(fs, i)) return NULL;
  group *gr = &fs->groups[fs->group_of[i]];
  if (gr->xobj && gr->pdf == pdf) return gr->xobj;
  const pb_imgcache_entry *e = &gr->s->entry;
  const pb_image_stream *m = &e->meta;
  size_t gi = (size_t)(gr - fs->groups);
  stream_src *color = &fs->srcs[2 * gi], *mask = &fs->srcs[2 * gi + 1];
  pb_buf_free(&color->data);
  pb_buf_free(&mask->data);
  *color = (stream_src){gr->s->file, e->data_off, e->data_len, PB_BUF_INIT, 0, &fs->spare};
  *mask = (stream_src){gr->s->file, e->smask_off, e->smask_len, PB_BUF_INIT, 0, &fs->spare};

  HPDF_Dict d = new_image_dict(pdf, m->filter, color);
  if (!d) goto fail;
  HPDF_STATUS st = HPDF_Dict_AddNumber(d, "Width", m->width);
  st += HPDF_Dict_AddNumber(d, "Height", m->height);
  st += HPDF_Dict_AddNumber(d, "BitsPerComponent", m->bpc);
  if (m->colorspace) {
    st += HPDF_Dict_AddName(d, "ColorSpace", m->colorspace);
  } else {
    HPDF_Array cs = HPDF_Array_New(pdf->mmgr);
    if (!cs) goto fail;
    st += HPDF_Dict_Add(d, "ColorSpace", cs);
    st += HPDF_Array_AddName(cs, "Indexed");
    st += HPDF_Array_AddName(cs, "DeviceRGB");
    st += HPDF_Array_AddNumber(cs, m->palette_n - 1);
    st += HPDF_Array_Add(cs, HPDF_Binary_New(pdf->mmgr, m->palette, (HPDF_UINT)m->palette_n * 3));
  }
  if (m->decode_invert) {
    HPDF_Array dec = HPDF_Array_New(pdf->mmgr);
    if (!dec) goto fail;
    st += HPDF_Dict_Add(d, "Decode", dec);
    for (int k = 0; k < m->colors; k++) {
      st += HPDF_Array_AddNumber(dec, 1);
      st += HPDF_Array_AddNumber(dec, 0);
    }
  }
  st += add_decode_parms(pdf, d, m->predictor, m->colors, m->bpc, m->width);
  if (m->has_smask) {
    HPDF_Dict s = new_image_dict(pdf, "FlateDecode", mask);
    if (!s) goto fail;
    st += HPDF_Dict_AddNumber(s, "Width", m->width);
    st += HPDF_Dict_AddNumber(s, "Height", m->height);
    st += HPDF_Dict_AddNumber(s, "BitsPerComponent", m->smask_bpc);
    st += HPDF_Dict_AddName(s, "ColorSpace", "DeviceGray");
    st += add_decode_parms(pdf, s, m->smask_predictor, 1, m->smask_bpc, m->width);
    st += HPDF_Dict_Add(d, "SMask", s);
  }
  if (st != HPDF_OK) goto fail;
  /* Soft masks need PDF 1.4, 16-bit samples 1.5; never lower the version. */
  HPDF_PDFVer need = m->bpc == 16 || (m->has_smask && m->smask_bpc == 16) ? HPDF_VER_15
                     : m->has_smask                                       ? HPDF_VER_14
                                                                          : HPDF_VER_12;
  if (pdf->pdf_version < need) pdf->pdf_version = need;
  gr->xobj = d;
  gr->pdf = pdf;
  return d;
fail:
  pb_warn(fs->doc->images[i].file, fs->doc->images[i].line,
          "figure %s: the PDF library failed (%#lx)",
          fs->doc->images[i].src ? fs->doc->images[i].src : fs->doc->images[i].path,
          (unsigned long)HPDF_GetError(pdf));
  HPDF_ResetError(pdf);
  gr->failed = 1;
  return NULL;
}

void pb_figset_free(pb_figset *fs) {
  if (!fs) return;
  for (size_t k = 0; k < fs->njobs; k++) pb_figstream_free(&fs->jobs[k]);
  if (fs->cache && !fs->private_cache) pb_imgcache_trim(fs->cache);
  pb_imgcache_close(fs->cache, fs->private_cache);
  for (size_t g = 0; g < 2 * fs->ngroups; g++) pb_buf_free(&fs->srcs[g].data);
  pb_buf_free(&fs->spare);
  free(fs->srcs);
  free(fs->groups);
  free(fs->jobs);
  free(fs->group_of);
  free(fs);
}
