/* The PDF back end: draws a laid-out pb_doc with libharu 2.3.0.
 *
 * Text goes through pdf_text.c (our own Type0 fonts and TJ operators, not
 * libharu's fonts and encoders). Workarounds for libharu defects (see
 * LIBHARU.md) live here:
 * - links get no border, local PDFs a GoToR action (never Launch), destinations
 *   keep the zoom (XYZ with null), through the object layer;
 * - the file is written beside the target and renamed into place only when
 *   complete, so a failed build never destroys the previous booklet. */
#include "pdf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hpdf.h>
#include <hpdf_catalog.h>
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "links.h"
#include "output.h"
#include "pdf_image.h"
#include "pdf_save.h"
#include "pdf_text.h"
#include "percent.h"
#include "utf8.h"

/* libharu 2.3.0 keeps the pages in one /Kids array of at most 32,767
 * entries (HPDF_LIMIT_MAX_ARRAY) and fails the 32,768th page with error
 * 0x1001 (HPDF_ARRAY_COUNT_ERR). A longer booklet gets a page tree of nodes
 * of PB_PDF_PAGES_PER_NODE pages each (HPDF_SetPagesConfiguration; measured:
 * 70,000 pages, qpdf --check clean). Then the bound is libharu's table of
 * 8,388,607 objects: PB_PDF_MAX_PAGES leaves some 40 objects a page (page,
 * contents, links, outline entries), and about 10 KB of memory a page.
 * PB_PDF_MAX_PAGES in the environment lowers it (for tests). */
#define PB_PDF_TREE_FROM 32767
#define PB_PDF_PAGES_PER_NODE 8192
#define PB_PDF_MAX_PAGES 200000

static size_t max_pages(void) {
  const char *e = getenv("PB_PDF_MAX_PAGES");
  char *end;
  unsigned long v = e && *e ? strtoul(e, &end, 10) : 0;
  return e && *e && !*end && v > 0 && v < PB_PDF_MAX_PAGES ? (size_t)v : PB_PDF_MAX_PAGES;
}

void pb_pdf_options_default(pb_pdf_options *o) {
  memset(o, 0, sizeof *o);
  o->compress = 1;
}

/* ---- errors ---------------------------------------------------------- */

typedef struct {
  const char *path; /* the target, for messages */
  int failed;
  HPDF_STATUS code;
  int saved_errno; /* errno when a file error was reported (or EIO) */
} err_ctx;

static void on_hpdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *data) {
  err_ctx *e = data;
  int err = errno;
  if (e->failed) return; /* errors are sticky: report the first only */
  e->failed = 1;
  e->code = code;
  /* A failed write inside the deflate stream arrives as a zlib error whose
   * detail is the file error. */
  if (code == HPDF_FILE_IO_ERROR || code == HPDF_FILE_OPEN_ERROR || detail == HPDF_FILE_IO_ERROR ||
      detail == HPDF_FILE_OPEN_ERROR) {
    e->saved_errno = err ? err : EIO;
    pb_error(e->path, 0, "cannot write PDF: %s (libharu error 0x%04X)",
             err ? strerror(err) : "write error", (unsigned)code);
  } else {
    pb_error(e->path, 0, "PDF library error 0x%04X (detail %u)", (unsigned)code, (unsigned)detail);
  }
}

/* ---- rendering state ------------------------------------------------- */

typedef struct {
  const pb_doc *doc;
  pb_fonts *fonts;
  HPDF_Doc pdf;
  HPDF_Encoder utf8;
  err_ctx *err;
  pb_pdf_text *text;
  HPDF_Page *pages;
  pb_figset *figs;
  pb_buf scratch;
} render;

static int fail(render *r) { return r->err->failed; }

/* libharu fails the whole document on a string over 65535 bytes (error
 * 0x1057), counted after conversion to UTF-16: text for outlines and the
 * info dictionary is cut at a character boundary below max bytes of UTF-8,
 * with an ellipsis. The result may live in r->scratch. */
enum { PB_PDF_MAX_STRING = 16000, PB_PDF_MAX_OUTLINE = 1000 };
static const char *clip_text(render *r, const char *s, size_t max) {
  size_t n = strlen(s);
  if (n <= max) return s;
  n = max;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  pb_buf_reset(&r->scratch);
  pb_buf_append(&r->scratch, s, n);
  pb_buf_puts(&r->scratch, "\xe2\x80\xa6");
  return r->scratch.data;
}

/* The caption drawn for an image that cannot be drawn: its own (as the
 * layout shaped it), else its path as written in the card (shaped by the
 * layout for this case). */
static void caption_of(const render *r, const pb_item *it, pb_item *ph) {
  ph->caption = NULL;
  ph->caption_runs = NULL;
  ph->ncaption_runs = 0;
  if (it->caption) {
    ph->caption = it->caption;
    ph->caption_runs = it->caption_runs;
    ph->ncaption_runs = it->ncaption_runs;
  } else if (it->image >= 0 && (size_t)it->image < r->doc->nimages) {
    const pb_doc_image *im = &r->doc->images[it->image];
    ph->caption = im->src;
    ph->caption_runs = im->caption_runs;
    ph->ncaption_runs = (uint32_t)im->ncaption_runs;
  }
}

/* ---- drawing --------------------------------------------------------- */

/* libharu rejects colour components outside [0, 1] with a sticky error. */
static HPDF_REAL unit(float v) { return v < 0 ? 0 : v > 1 ? 1 : (HPDF_REAL)v; }

static void set_fill(HPDF_Page page, pb_rgb c) {
  HPDF_Page_SetRGBFill(page, unit(c.r), unit(c.g), unit(c.b));
}

static void set_stroke(HPDF_Page page, pb_rgb c) {
  HPDF_Page_SetRGBStroke(page, unit(c.r), unit(c.g), unit(c.b));
}

/* Ends the text object before other drawing. */
static void end_text(render *r, HPDF_Page page) { pb_pdf_text_end(r->text, page); }

static void draw_text(render *r, HPDF_Page page, const pb_item *it) {
  if (!it->text || it->len == 0) return;
  if (!(it->size > 0 && it->size <= 600)) {
    pb_warn(NULL, 0, "text run at %.0f,%.0f has font size %g; not drawn", it->x, it->y, it->size);
    return;
  }
  double cs = it->char_space < -30 ? -30 : it->char_space > 300 ? 300 : it->char_space;
  pb_glyph_run run = {it->face, it->text, it->len, it->glyphs, it->nglyphs};
  pb_pdf_text_draw(r->text, page, &run, it->size, it->x, it->y, cs, it->color);
}

static void draw_line(render *r, HPDF_Page page, const pb_item *it) {
  end_text(r, page);
  set_stroke(page, it->color);
  HPDF_Page_SetLineWidth(page, (HPDF_REAL)(it->line_width > 0 ? it->line_width : 0.5));
  HPDF_Page_MoveTo(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y);
  HPDF_Page_LineTo(page, (HPDF_REAL)(it->x + it->w), (HPDF_REAL)(it->y + it->h));
  HPDF_Page_Stroke(page);
}

/* Writes v at p as libharu's number writer does (HPDF_FToA: clamped to
 * +-32767; the integer part of v + 0.000005; five decimals of the single
 * precision remainder plus 0.000005, trailing zeros and a bare point
 * dropped; "-0" kept), in a third of its time. Returns the end. */
static char *put_real(char *p, HPDF_REAL v) {
  if (v == 0) { /* black, mostly: "-0" only comes from small negatives */
    *p++ = '0';
    return p;
  }
  if (v > 32767) v = 32767;
  if (v < -32767) v = -32767;
  if (v < 0) {
    *p++ = '-';
    v = -v;
  }
  int ip = (int)(v + 0.000005);
  int fp = (int)((HPDF_REAL)(v - (HPDF_REAL)ip + 0.000005) * 100000);
  char d[16];
  int n = 0;
  do {
    d[n++] = (char)('0' + ip % 10);
    ip /= 10;
  } while (ip > 0);
  while (n > 0) *p++ = d[--n];
  char f[5];
  for (int i = 4; i >= 0; i--) {
    f[i] = (char)('0' + fp % 10);
    fp /= 10;
  }
  int keep = 5;
  while (keep > 0 && f[keep - 1] == '0') keep--;
  if (keep > 0) {
    *p++ = '.';
    memcpy(p, f, (size_t)keep);
    p += keep;
  }
  return p;
}

/* A filled rectangle without a stroke (QR code modules: tens of thousands
 * in an archive) written as the very bytes HPDF_Page_SetRGBFill,
 * HPDF_Page_Rectangle and HPDF_Page_Fill write, with the graphics state
 * they leave, in one stream write: those three clear a 512-byte buffer
 * byte by byte on every call, 13% of a warm build. Returns 0 when libharu's
 * own calls must do it (inside a path or text object, or no page stream). Colours are
 * clamped to [0, 1] as set_fill does. */
static int fill_rect_fast(HPDF_Page page, const pb_item *it) {
  HPDF_PageAttr attr = page ? (HPDF_PageAttr)page->attr : NULL;
  HPDF_REAL c[3] = {unit(it->fill.r), unit(it->fill.g), unit(it->fill.b)};
  HPDF_REAL v[4] = {(HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w, (HPDF_REAL)it->h};
  if (!attr || !attr->stream || !attr->gstate || attr->gmode != HPDF_GMODE_PAGE_DESCRIPTION)
    return 0;
  char buf[256], *p = buf; /* 7 numbers of at most 12 characters */
  for (int i = 0; i < 3; i++) {
    p = put_real(p, c[i]);
    *p++ = ' ';
  }
  memcpy(p, "rg\012", 3);
  p += 3;
  for (int i = 0; i < 4; i++) {
    p = put_real(p, v[i]);
    *p++ = ' ';
  }
  memcpy(p, "re\012f\012", 5);
  p += 5;
  if (HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)buf, (HPDF_UINT)(p - buf)) != HPDF_OK)
    return 1; /* the error is the document's now, as with libharu's calls */
  attr->gstate->rgb_fill = (HPDF_RGBColor){c[0], c[1], c[2]};
  attr->gstate->cs_fill = HPDF_CS_DEVICE_RGB;
  attr->str_pos = (HPDF_Point){v[0], v[1]};
  attr->cur_pos = (HPDF_Point){0, 0};
  return 1;
}

static void draw_rect(render *r, HPDF_Page page, const pb_item *it) {
  end_text(r, page);
  int stroke = it->line_width > 0;
  if (!stroke && !it->filled) return;
  if (!stroke && fill_rect_fast(page, it)) return;
  if (it->filled) set_fill(page, it->fill);
  if (stroke) {
    set_stroke(page, it->color);
    HPDF_Page_SetLineWidth(page, (HPDF_REAL)it->line_width);
  }
  HPDF_Page_Rectangle(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w, (HPDF_REAL)it->h);
  if (it->filled && stroke)
    HPDF_Page_FillStroke(page);
  else if (it->filled)
    HPDF_Page_Fill(page);
  else
    HPDF_Page_Stroke(page);
}

/* A QR code as a 1-bit image mask, one sample a module with the quiet
 * zone around it, painted black: ~110 bytes of samples where its modules as
 * rectangles were ~300 path operations (12 KB of content stream a code,
 * held three times while the page is compressed). Samples of 0 paint
 * (Decode [0 1]); each row starts on a byte. Renderers scale a mask up
 * without smoothing it, so modules stay square at any resolution. */
static void draw_qr(render *r, HPDF_Page page, const pb_item *it) {
  end_text(r, page);
  const pb_qr *q = it->qr;
  if (!q || q->n <= 0 || fail(r)) return;
  int side = q->n + 2;
  size_t row = ((size_t)side + 7) / 8;
  unsigned char *bits = pb_xcalloc(row * (size_t)side, 1);
  memset(bits, 0xFF, row * (size_t)side);
  for (int y = 0; y < q->n; y++)
    for (int x = 0; x < q->n; x++)
      if (q->dark[(size_t)y * (size_t)q->n + (size_t)x])
        bits[(size_t)(y + 1) * row + (size_t)(x + 1) / 8] &=
            (unsigned char)~(0x80u >> ((x + 1) % 8));
  HPDF_Dict d = HPDF_DictStream_New(r->pdf->mmgr, r->pdf->xref);
  HPDF_STATUS st = d ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM;
  if (d) {
    /* libharu's stream grows in 4 KB blocks: one the size of the samples */
    HPDF_Stream small = HPDF_MemStream_New(r->pdf->mmgr, (HPDF_UINT)(row * (size_t)side));
    if (small) {
      HPDF_Stream_Free(d->stream);
      d->stream = small;
    }
    d->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
    d->filter = HPDF_STREAM_FILTER_NONE; /* 110 bytes: nothing to gain */
    st += HPDF_Dict_AddName(d, "Type", "XObject");
    st += HPDF_Dict_AddName(d, "Subtype", "Image");
    st += HPDF_Dict_AddNumber(d, "Width", side);
    st += HPDF_Dict_AddNumber(d, "Height", side);
    st += HPDF_Dict_AddNumber(d, "BitsPerComponent", 1);
    st += HPDF_Dict_AddBoolean(d, "ImageMask", HPDF_TRUE);
    st += HPDF_Stream_Write(d->stream, bits, (HPDF_UINT)(row * (size_t)side));
  }
  free(bits);
  if (st != HPDF_OK) return; /* libharu's error is the document's */
  set_fill(page, (pb_rgb){0, 0, 0});
  HPDF_Page_DrawImage(page, (HPDF_Image)d, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w,
                      (HPDF_REAL)it->h);
}

/* A framed box with its caption, clipped to the box. Caption runs follow
 * each other through the text position, so nothing is measured here. */
static void draw_placeholder(render *r, HPDF_Page page, const pb_item *it) {
  end_text(r, page);
  HPDF_Page_GSave(page);
  if (it->filled)
    set_fill(page, it->fill);
  else
    HPDF_Page_SetRGBFill(page, 0.95f, 0.95f, 0.95f);
  set_stroke(page, it->color);
  HPDF_Page_SetLineWidth(page, (HPDF_REAL)(it->line_width > 0 ? it->line_width : 0.5));
  HPDF_Page_Rectangle(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w, (HPDF_REAL)it->h);
  HPDF_Page_FillStroke(page);
  if (it->caption && *it->caption) {
    double size = it->h * 0.4 < 9 ? it->h * 0.4 : 9;
    HPDF_Page_Rectangle(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w,
                        (HPDF_REAL)it->h);
    HPDF_Page_Clip(page);
    HPDF_Page_EndPath(page);
    double x = it->x + 6, y = it->y + it->h / 2 - size / 3;
    for (size_t i = 0; i < it->ncaption_runs; i++)
      x += pb_pdf_text_draw(r->text, page, &it->caption_runs[i], size, x, y, 0, it->color);
    pb_pdf_text_end(r->text, page);
  }
  HPDF_Page_GRestore(page);
}

static void draw_image(render *r, HPDF_Page page, const pb_item *it) {
  end_text(r, page);
  HPDF_Image img = NULL;
  if (r->figs && it->image >= 0 && (size_t)it->image < r->doc->nimages &&
      !pb_figset_failed(r->figs, (size_t)it->image))
    img = pb_figset_xobject(r->figs, r->pdf, (size_t)it->image);
  if (img && !fail(r)) {
    HPDF_Page_DrawImage(page, img, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w,
                        (HPDF_REAL)it->h);
    return;
  }
  pb_item ph = *it;
  ph.kind = PB_ITEM_PLACEHOLDER;
  ph.color = (pb_rgb){0.5f, 0.5f, 0.5f};
  ph.filled = 0;
  caption_of(r, it, &ph);
  draw_placeholder(r, page, &ph);
}

/* A destination showing page at height y, keeping the viewer's zoom:
 * [page /XYZ null y null]. HPDF_Destination_SetXYZ rejects zoom 0. */
static HPDF_Destination make_dest(render *r, int page, double y) {
  HPDF_Page target = r->pages[page];
  HPDF_Destination dst = HPDF_Page_CreateDestination(target);
  if (!dst) return NULL;
  HPDF_MMgr mm = r->pdf->mmgr;
  HPDF_Array_Clear(dst);
  HPDF_Array_Add(dst, target);
  HPDF_Array_AddName(dst, "XYZ");
  HPDF_Array_Add(dst, HPDF_Null_New(mm));
  HPDF_Array_AddReal(dst, (HPDF_REAL)y);
  HPDF_Array_Add(dst, HPDF_Null_New(mm));
  return dst;
}

static double clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static void draw_link(render *r, HPDF_Page page, const pb_item *it, size_t pageno) {
  /* the active area ends at the page's edges (and libharu refuses numbers
   * beyond +-32767, which a link area spanning many lines once reached) */
  double pw = HPDF_Page_GetWidth(page), ph = HPDF_Page_GetHeight(page);
  HPDF_Rect rect = {(HPDF_REAL)clamp(it->x, 0, pw), (HPDF_REAL)clamp(it->y, 0, ph),
                    (HPDF_REAL)clamp(it->x + it->w, 0, pw), (HPDF_REAL)clamp(it->y + it->h, 0, ph)};
  if (!(rect.right > rect.left && rect.top > rect.bottom)) return;
  HPDF_Annotation annot = NULL;
  if (it->target == PB_TARGET_PAGE) {
    if (it->page < 0 || (size_t)it->page >= r->doc->npages) {
      pb_warn(NULL, 0, "page %zu: link to page %d, which does not exist; link dropped", pageno + 1,
              it->page + 1);
      return;
    }
    HPDF_Destination dst = make_dest(r, it->page, it->dest_y);
    if (dst) annot = HPDF_Page_CreateLinkAnnot(page, rect, dst);
  } else {
    if (!it->uri || !*it->uri) return;
    /* the link policy's last gate (links.h): URIs only for http, https and
     * mailto; a library file only as GoToR to a relative PDF; never Launch */
    int gotor = it->target == PB_TARGET_FILE || it->target == PB_TARGET_PDF_FILE;
    if (gotor ? !pb_links_gotor_allowed(it->uri) : !pb_links_uri_allowed(it->uri)) {
      pb_warn(NULL, 0, "page %zu: a link the link policy refuses; not linked", pageno + 1);
      return;
    }
    pb_buf enc = PB_BUF_INIT;
    pb_percent_encode_uri(gotor ? "https://invalid/" : it->uri, &enc);
    if (enc.len > PB_PDF_MAX_STRING || strlen(it->uri) > PB_PDF_MAX_STRING) {
      pb_warn(NULL, 0, "page %zu: a link of %zu bytes is too long for a PDF string; link dropped",
              pageno + 1, enc.len);
      pb_buf_free(&enc);
      return;
    }
    annot = HPDF_Page_CreateURILinkAnnot(page, rect, enc.data);
    pb_buf_free(&enc);
    if (annot && gotor) {
      /* No GoToR API: replace the URI action. /F is a file specification
       * with the raw bytes (what viewers on Unix open) and /UF in UTF-16;
       * /D opens the first page. */
      HPDF_MMgr mm = r->pdf->mmgr;
      HPDF_Dict action = HPDF_Dict_New(mm);
      HPDF_Dict spec = HPDF_Dict_New(mm);
      HPDF_Array dest = HPDF_Array_New(mm);
      if (action && spec && dest) {
        HPDF_Dict_AddName(spec, "Type", "Filespec");
        HPDF_Dict_Add(spec, "F", HPDF_String_New(mm, it->uri, NULL));
        HPDF_Dict_Add(spec, "UF", HPDF_String_New(mm, it->uri, r->utf8));
        HPDF_Array_AddNumber(dest, 0);
        HPDF_Array_AddName(dest, "Fit");
        HPDF_Dict_AddName(action, "Type", "Action");
        HPDF_Dict_AddName(action, "S", "GoToR");
        HPDF_Dict_Add(action, "F", spec);
        HPDF_Dict_Add(action, "D", dest);
        HPDF_Dict_AddBoolean(action, "NewWindow", HPDF_TRUE);
        HPDF_Dict_Add(annot, "A", action);
      }
    }
  }
  if (annot) HPDF_LinkAnnot_SetBorderStyle(annot, 0, 0, 0);
}

static void draw_page(render *r, size_t p) {
  const pb_page *pg = &r->doc->pages[p];
  HPDF_Page page = r->pages[p];
  size_t off_page = 0;
  for (size_t i = 0; i < pg->n && !fail(r); i++) {
    const pb_item *it = &pg->items[i];
    /* libharu fails the whole file on a number beyond +-32767 (error
     * 0x1057): an item that far off the page costs itself, not the PDF */
    if (!(fabs(it->x) <= 30000 && fabs(it->y) <= 30000 && fabs(it->w) <= 30000 &&
          fabs(it->h) <= 30000 && fabs(it->x + it->w) <= 30000 && fabs(it->y + it->h) <= 30000)) {
      if (it->kind != PB_ITEM_LINK) {
        off_page++;
        continue;
      }
    }
    switch (it->kind) {
    case PB_ITEM_TEXT: draw_text(r, page, it); break;
    case PB_ITEM_LINE: draw_line(r, page, it); break;
    case PB_ITEM_RECT: draw_rect(r, page, it); break;
    case PB_ITEM_QR: draw_qr(r, page, it); break;
    case PB_ITEM_IMAGE: draw_image(r, page, it); break;
    case PB_ITEM_PLACEHOLDER: draw_placeholder(r, page, it); break;
    case PB_ITEM_LINK: draw_link(r, page, it, p); break;
    }
  }
  end_text(r, page);
  if (off_page)
    pb_warn(NULL, 0, "page %zu: %zu item(s) far off the page not drawn (text too long for a page?)",
            p + 1, off_page);
}

/* ---- document structure --------------------------------------------- */

static void add_outline(render *r) {
  const pb_doc *doc = r->doc;
  enum { MAX_DEPTH = 16 };
  HPDF_Outline stack[MAX_DEPTH + 1] = {0};
  for (size_t i = 0; i < doc->noutline && !fail(r); i++) {
    const pb_mark *m = &doc->outline[i];
    if (!m->title || m->page < 0 || (size_t)m->page >= doc->npages) continue;
    int level = m->level < 1 ? 1 : m->level > MAX_DEPTH ? MAX_DEPTH : m->level;
    HPDF_Outline parent = NULL;
    for (int l = level - 1; l >= 1 && !parent; l--) parent = stack[l];
    HPDF_Outline o =
        HPDF_CreateOutline(r->pdf, parent, clip_text(r, m->title, PB_PDF_MAX_OUTLINE), r->utf8);
    if (!o) return;
    HPDF_Destination dst = make_dest(r, m->page, m->y);
    if (dst) HPDF_Outline_SetDestination(o, dst);
    if (level == 1) HPDF_Outline_SetOpened(o, HPDF_TRUE);
    stack[level] = o;
    for (int l = level + 1; l <= MAX_DEPTH; l++) stack[l] = NULL;
  }
}

/* Page label ranges: a label of digits is decimal, of roman letters roman,
 * anything else a prefix-only label; NULL is the page's own number. */
typedef struct {
  char style; /* 'D', 'r', 'R' or 0 for prefix only */
  long value;
  const char *prefix;
} label_info;

static long roman_value(const char *s, int upper) {
  static const char lower_digits[] = "ivxlcdm", upper_digits[] = "IVXLCDM";
  static const int vals[] = {1, 5, 10, 50, 100, 500, 1000};
  const char *digits = upper ? upper_digits : lower_digits;
  long total = 0;
  for (size_t i = 0; s[i]; i++) {
    const char *d = strchr(digits, s[i]);
    if (!d) return -1;
    int v = vals[d - digits];
    const char *next = s[i + 1] ? strchr(digits, s[i + 1]) : NULL;
    if (next && vals[next - digits] > v)
      total -= v;
    else
      total += v;
  }
  return total;
}

static label_info parse_label(const char *label, size_t index) {
  label_info li = {'D', (long)index + 1, NULL};
  if (!label) return li;
  if (*label && strspn(label, "0123456789") == strlen(label) && strlen(label) < 9) {
    li.value = atol(label);
    return li;
  }
  long v;
  if (*label && (v = roman_value(label, 0)) > 0) {
    li.style = 'r';
    li.value = v;
  } else if (*label && (v = roman_value(label, 1)) > 0) {
    li.style = 'R';
    li.value = v;
  } else {
    li.style = 0;
    li.value = 0;
    li.prefix = label;
  }
  return li;
}

static void add_page_labels(render *r) {
  const pb_doc *doc = r->doc;
  int any = 0;
  for (size_t p = 0; p < doc->npages; p++)
    if (doc->pages[p].label) any = 1;
  if (!any) return;
  label_info prev = {0, 0, NULL};
  for (size_t p = 0; p < doc->npages && !fail(r); p++) {
    label_info li = parse_label(doc->pages[p].label, p);
    int continues = p > 0 && li.style && li.style == prev.style && li.value == prev.value + 1;
    prev = li;
    if (continues) continue;
    HPDF_Dict d = HPDF_Dict_New(r->pdf->mmgr);
    if (!d) return;
    if (li.style) {
      char s[2] = {li.style, 0};
      HPDF_Dict_AddName(d, "S", s);
      if (li.value != 1) HPDF_Dict_AddNumber(d, "St", (HPDF_INT32)li.value);
    } else {
      HPDF_Dict_Add(d, "P", HPDF_String_New(r->pdf->mmgr, li.prefix, r->utf8));
    }
    HPDF_Catalog_AddPageLabel(r->pdf->catalog, (HPDF_UINT)p, d);
  }
}

static void set_info(render *r) {
  const pb_doc *doc = r->doc;
  /* HPDF_SetInfoAttr encodes with the current encoder (UTF-8). */
  if (doc->title)
    HPDF_SetInfoAttr(r->pdf, HPDF_INFO_TITLE, clip_text(r, doc->title, PB_PDF_MAX_STRING));
  if (doc->author)
    HPDF_SetInfoAttr(r->pdf, HPDF_INFO_AUTHOR, clip_text(r, doc->author, PB_PDF_MAX_STRING));
  if (doc->subject)
    HPDF_SetInfoAttr(r->pdf, HPDF_INFO_SUBJECT, clip_text(r, doc->subject, PB_PDF_MAX_STRING));
  if (doc->keywords)
    HPDF_SetInfoAttr(r->pdf, HPDF_INFO_KEYWORDS, clip_text(r, doc->keywords, PB_PDF_MAX_STRING));
  HPDF_SetInfoAttr(r->pdf, HPDF_INFO_PRODUCER, "paperbook");
  HPDF_SetInfoAttr(r->pdf, HPDF_INFO_CREATOR, "paperbook " PB_VERSION);
  if (doc->created >= 0) {
    time_t t = (time_t)doc->created;
    struct tm tm;
    if (gmtime_r(&t, &tm)) {
      HPDF_Date d = {tm.tm_year + 1900,
                     tm.tm_mon + 1,
                     tm.tm_mday,
                     tm.tm_hour,
                     tm.tm_min,
                     tm.tm_sec > 59 ? 59 : tm.tm_sec,
                     'Z',
                     0,
                     0};
      HPDF_SetInfoDateAttr(r->pdf, HPDF_INFO_CREATION_DATE, d);
      HPDF_SetInfoDateAttr(r->pdf, HPDF_INFO_MOD_DATE, d);
    }
  }
}

/* ---- writing the file ------------------------------------------------ */

/* Checks that the file libharu wrote is complete: libharu ignores errors
 * from fclose, so a disk that fills up during the final flush would leave
 * a truncated file behind a successful save. The tail must read
 * "startxref N %%EOF" with an xref table at N. Then flushes it to disk. */
static int verify_and_sync(const char *tmp, const char *path) {
  int fd = open(tmp, O_RDONLY);
  if (fd < 0) {
    pb_error(path, 0, "cannot reopen temporary file %s: %s", tmp, strerror(errno));
    return PB_EIO;
  }
  int rc = 0;
  struct stat st;
  char tail[64], head[8];
  if (fstat(fd, &st) != 0 || st.st_size < 64) {
    rc = PB_EIO;
  } else {
    ssize_t n = pread(fd, tail, sizeof tail - 1, st.st_size - (off_t)(sizeof tail - 1));
    tail[n > 0 ? n : 0] = 0;
    char *sx = strstr(tail, "startxref");
    long long at = sx ? atoll(sx + 9) : -1;
    if (!sx || !strstr(sx, "%%EOF") || at <= 0 || at >= (long long)st.st_size ||
        pread(fd, head, 4, (off_t)at) != 4 || memcmp(head, "xref", 4) != 0)
      rc = PB_EIO;
  }
  if (rc != 0)
    pb_error(path, 0, "cannot write PDF: the file came out incomplete (disk full?)");
  else if (fsync(fd) != 0) {
    pb_error(path, 0, "cannot write PDF: %s", strerror(errno));
    rc = PB_EIO;
  }
  close(fd);
  return rc;
}

/* -o -: the whole PDF to standard output, on purpose. */
static int write_stdout(render *r) {
  if (HPDF_SaveToStream(r->pdf) != HPDF_OK || fail(r)) return PB_EPDF;
  HPDF_ResetStream(r->pdf);
  unsigned char buf[65536];
  for (;;) {
    HPDF_UINT32 n = sizeof buf;
    HPDF_STATUS st = HPDF_ReadFromStream(r->pdf, buf, &n);
    if (n && fwrite(buf, 1, n, stdout) != n) break;
    if (st == HPDF_STREAM_EOF)
      return fflush(stdout) == 0 ? 0
                                 : (pb_error("-", 0, "cannot write: %s", strerror(errno)), PB_EIO);
    if (st != HPDF_OK) return PB_EPDF;
  }
  pb_error("-", 0, "cannot write to standard output: %s", strerror(errno));
  return PB_EIO;
}

/* ---- entry point ----------------------------------------------------- */

/* Saves r's document at path through the one output rule (output.h): into a
 * temporary file beside it (beside the file a symbolic link at path points
 * to), checked and synced, then renamed over it. Returns 0 or a PB_E* code
 * (reported); no temporary file is left. */
static int save_beside(render *r, const err_ctx *err, const char *path) {
  pb_output o;
  if (pb_output_open(&o, path, NULL) != 0) return PB_EIO;
  errno = 0;
  int rc;
  if (pb_pdf_save_fd(r->pdf, o.fd) != HPDF_OK || fail(r))
    rc = err->saved_errno ? PB_EIO : PB_EPDF;
  else
    rc = verify_and_sync(o.tmp, path);
  if (rc != 0) {
    pb_output_abort(&o);
    return rc;
  }
  return pb_output_commit(&o) == 0 ? 0 : PB_EIO;
}

int pb_pdf_write(const pb_doc *doc, const pb_pdf_options *opt, const char *path) {
  pb_pdf_options defaults;
  if (!opt) {
    pb_pdf_options_default(&defaults);
    opt = &defaults;
  }
  if (doc->npages > max_pages()) {
    pb_error(path, 0,
             "the booklet has %zu pages; paperbook writes at most %zu in one PDF "
             "(select fewer papers with --presenter, --category or digest)",
             doc->npages, max_pages());
    return PB_ELIMIT;
  }
  err_ctx err = {path, 0, 0, 0};
  render r = {0};
  r.doc = doc;
  r.fonts = doc->fonts;
  r.err = &err;
  r.pages = pb_xcalloc(doc->npages + 1, sizeof *r.pages);
  int rc = PB_EPDF;
  pb_figset *own_figs = NULL;
  pb_pdf_deflate *deflated = NULL;

  r.pdf = HPDF_New(on_hpdf_error, &err);
  if (!r.pdf) {
    pb_error(path, 0, "the PDF library could not start");
    goto out;
  }
  HPDF_SetCompressionMode(r.pdf, opt->compress ? HPDF_COMP_ALL : HPDF_COMP_NONE);
  /* a page tree past the /Kids limit (shorter books stay byte-identical) */
  if (doc->npages > PB_PDF_TREE_FROM) HPDF_SetPagesConfiguration(r.pdf, PB_PDF_PAGES_PER_NODE);
  HPDF_UseUTFEncodings(r.pdf);
  HPDF_SetCurrentEncoder(r.pdf, "UTF-8");
  r.utf8 = HPDF_GetEncoder(r.pdf, "UTF-8");
  if (fail(&r) || !r.utf8) goto out;

  if (doc->nimages > 0) {
    r.figs = own_figs = pb_figset_prepare(doc, opt);
    if (!r.figs) pb_warn(path, 0, "figures could not be prepared; placeholders are drawn instead");
  }

  r.text = pb_pdf_text_new(r.pdf, r.fonts, opt->cache_dir);

  /* libharu accepts page sides from 3 to 14400 points */
  double pw = doc->page_w < 3 || doc->page_w > 14400 ? 595.276 : doc->page_w;
  double ph = doc->page_h < 3 || doc->page_h > 14400 ? 841.89 : doc->page_h;
  for (size_t p = 0; p < doc->npages && !fail(&r); p++) {
    r.pages[p] = HPDF_AddPage(r.pdf);
    if (!r.pages[p]) goto out;
    HPDF_Page_SetWidth(r.pages[p], (HPDF_REAL)pw);
    HPDF_Page_SetHeight(r.pages[p], (HPDF_REAL)ph);
  }
  if (doc->npages == 0) { /* a PDF needs a page to be valid */
    HPDF_Page blank = HPDF_AddPage(r.pdf);
    HPDF_Page_SetWidth(blank, (HPDF_REAL)pw);
    HPDF_Page_SetHeight(blank, (HPDF_REAL)ph);
  }
  for (size_t p = 0; p < doc->npages && !fail(&r); p++) draw_page(&r, p);
  if (!fail(&r) && (rc = pb_pdf_text_finish(r.text)) != 0) goto out;
  rc = PB_EPDF;
  add_outline(&r);
  add_page_labels(&r);
  set_info(&r);
  if (fail(&r)) goto out;
  deflated = pb_pdf_deflate_pages(r.pdf, r.pages, doc->npages);

  if (strcmp(path, "-") == 0) {
    rc = write_stdout(&r);
    goto out;
  }
  rc = save_beside(&r, &err, path);

out:
  if (r.pdf) HPDF_Free(r.pdf);
  pb_pdf_deflate_free(deflated);
  pb_figset_free(own_figs);
  pb_pdf_text_free(r.text);
  free(r.pages);
  pb_buf_free(&r.scratch);
  if (rc == PB_EPDF && err.failed && err.saved_errno) rc = PB_EIO;
  return rc;
}
