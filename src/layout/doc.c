/* pb_doc: the pages of boxes that layout produces and the renderer draws. */
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "utf8.h"

pb_doc *pb_doc_new(pb_fonts *fonts, double page_w, double page_h) {
  pb_arena *a = pb_arena_new();
  pb_doc *doc = pb_arena_alloc(a, sizeof *doc);
  doc->arena = a;
  doc->fonts = fonts;
  doc->page_w = page_w;
  doc->page_h = page_h;
  doc->created = -1;
  return doc;
}

void pb_doc_free(pb_doc *doc) {
  if (!doc) return;
  for (size_t i = 0; i < doc->npages; i++) free(doc->pages[i].items);
  pb_buf_free(&doc->report);
  pb_arena_free(doc->arena);
}

pb_page *pb_doc_add_page(pb_doc *doc) {
  return PB_PUSH(doc->arena, doc->pages, doc->npages, doc->cappages);
}

pb_item *pb_page_add_item(pb_doc *doc, pb_page *page, pb_item_kind kind) {
  (void)doc;
  if (page->n == page->cap) {
    page->cap = page->cap ? page->cap * 2 : 64;
    page->items = pb_xrealloc(page->items, page->cap * sizeof *page->items);
  }
  pb_item *it = &page->items[page->n++];
  memset(it, 0, sizeof *it);
  it->kind = kind;
  it->face = -1;
  it->image = -1;
  it->line_width = 0.5;
  return it;
}

int pb_doc_add_image(pb_doc *doc, const char *path, const char *src, int wpx, int hpx,
                     double placed_w, double placed_h, const char *file, int line,
                     const struct pb_figstream *stream) {
  for (size_t i = 0; i < doc->nimages; i++) {
    pb_doc_image *im = &doc->images[i];
    if (strcmp(im->path, path) == 0) {
      if (placed_w > im->placed_w) im->placed_w = placed_w;
      if (placed_h > im->placed_h) im->placed_h = placed_h;
      return (int)i;
    }
  }
  pb_doc_image *im = PB_PUSH(doc->arena, doc->images, doc->nimages, doc->capimages);
  im->path = pb_arena_strdup(doc->arena, path);
  im->src = pb_arena_strdup(doc->arena, src ? src : path);
  im->width_px = wpx;
  im->height_px = hpx;
  im->placed_w = placed_w;
  im->placed_h = placed_h;
  im->file = pb_arena_strdup(doc->arena, file);
  im->line = line;
  im->stream = stream;
  return (int)(doc->nimages - 1);
}

pb_mark *pb_doc_add_mark(pb_doc *doc, int level, const char *title, int page, double y) {
  pb_mark *m = PB_PUSH(doc->arena, doc->outline, doc->noutline, doc->capoutline);
  m->level = level;
  /* the bookmarks read like the pages: straight quotes educated, spaces
   * collapsed */
  const char *q = pb_utf8_quotes(doc->arena, title ? title : "", 0);
  pb_buf t = PB_BUF_INIT;
  pb_utf8_squeeze(&t, q, strlen(q));
  m->title = pb_arena_strndup(doc->arena, t.data ? t.data : "", t.len);
  pb_buf_free(&t);
  m->page = page;
  m->y = y;
  return m;
}

/* ---- the display list's glyphs ---------------------------------------- */

/* text[0, len) in face, shaped once here (the shaper's result is only
 * valid until its next call: the glyphs are copied into the arena). */
static const pb_glyph *shape_copy(pb_doc *doc, int face, const char *text, size_t len, size_t *n) {
  const pb_glyph *g = pb_fonts_shape(doc->fonts, face, text, len, 0, n);
  if (!g || *n == 0) {
    *n = 0;
    return NULL;
  }
  pb_glyph *copy = pb_arena_alloc(doc->arena, *n * sizeof *copy);
  memcpy(copy, g, *n * sizeof *copy);
  return copy;
}

/* A caption as runs of one sans face each, characters no face has left
 * out (a caption is one unmeasured line: the renderer clips it to its box). */
static const pb_glyph_run *shape_caption(pb_doc *doc, const char *s, size_t *nruns) {
  *nruns = 0;
  size_t len = strlen(s), i = 0, cap = 0;
  pb_glyph_run *runs = NULL;
  while (i < len) {
    uint32_t cp;
    int k = pb_utf8_decode(s + i, len - i, &cp);
    if (k <= 0) break;
    int fc = pb_fonts_face_for(doc->fonts, PB_FAMILY_SANS, 0, cp);
    size_t start = i;
    i += (size_t)k;
    if (fc < 0) continue;
    while (i < len) { /* the run goes on while the face stays the same */
      uint32_t cp2;
      int k2 = pb_utf8_decode(s + i, len - i, &cp2);
      if (k2 <= 0 || pb_fonts_face_for(doc->fonts, PB_FAMILY_SANS, 0, cp2) != fc) break;
      i += (size_t)k2;
    }
    pb_glyph_run *r = PB_PUSH(doc->arena, runs, *nruns, cap);
    r->face = fc;
    r->text = pb_arena_strndup(doc->arena, s + start, i - start);
    r->len = i - start;
    r->glyphs = shape_copy(doc, fc, r->text, r->len, &r->nglyphs);
  }
  return runs;
}

void pb_doc_shape(pb_doc *doc) {
  if (!doc || !doc->fonts) return;
  for (size_t p = 0; p < doc->npages; p++) {
    pb_page *pg = &doc->pages[p];
    for (size_t i = 0; i < pg->n; i++) {
      pb_item *it = &pg->items[i];
      if (it->kind == PB_ITEM_TEXT && !it->glyphs && it->text && it->len) {
        size_t n;
        it->glyphs = shape_copy(doc, it->face, it->text, it->len, &n);
        it->nglyphs = (uint32_t)n;
      }
      if ((it->kind == PB_ITEM_PLACEHOLDER || it->kind == PB_ITEM_IMAGE) && it->caption &&
          *it->caption && !it->caption_runs) {
        size_t n;
        it->caption_runs = shape_caption(doc, it->caption, &n);
        it->ncaption_runs = (uint32_t)n;
      }
    }
  }
  for (size_t i = 0; i < doc->nimages; i++) {
    pb_doc_image *im = &doc->images[i];
    if (!im->caption_runs && im->src && *im->src)
      im->caption_runs = shape_caption(doc, im->src, &im->ncaption_runs);
  }
}

int pb_qr_run(const pb_item *it, size_t *pos, pb_item *rect) {
  const pb_qr *q = it->qr;
  if (!q || q->n <= 0) return -1;
  size_t n = (size_t)q->n, all = n * n, i = *pos;
  while (i < all && !q->dark[i]) i++;
  if (i >= all) {
    *pos = all;
    return -1;
  }
  size_t r = i / n, c0 = i % n, c = c0;
  while (c < n && q->dark[r * n + c]) c++; /* a run ends with its row */
  *pos = r * n + c;
  memset(rect, 0, sizeof *rect);
  rect->kind = PB_ITEM_RECT;
  rect->x = (float)(q->x + q->module * (double)(c0 + 1));
  rect->y = (float)(q->top - q->module * (double)(r + 2));
  rect->w = (float)(q->module * (double)(c - c0));
  rect->h = (float)q->module;
  rect->filled = 1; /* black fill and stroke colour, no stroke: zeroed */
  return 0;
}

static void dump_box(pb_buf *out, const char *kind, const pb_item *it) {
  pb_buf_printf(out, "  %s %.2f %.2f %.2f %.2f", kind, it->x, it->y, it->w, it->h);
}

void pb_doc_dump(const pb_doc *doc, pb_buf *out) {
  static const char *kinds[] = {"text", "image", "line", "rect", "link", "placeholder", "qr"};
  pb_buf_printf(out, "doc %.2fx%.2f pages=%zu images=%zu marks=%zu\n", doc->page_w, doc->page_h,
                doc->npages, doc->nimages, doc->noutline);
  for (size_t p = 0; p < doc->npages; p++) {
    const pb_page *pg = &doc->pages[p];
    pb_buf_printf(out, "page %zu%s%s\n", p + 1, pg->label ? " label=" : "",
                  pg->label ? pg->label : "");
    for (size_t i = 0; i < pg->n; i++) {
      const pb_item *it = &pg->items[i];
      if (it->kind == PB_ITEM_QR) {
        /* as the rectangles the PDF draws, one line each */
        pb_item r;
        for (size_t k = 0; pb_qr_run(it, &k, &r) == 0;) {
          dump_box(out, kinds[PB_ITEM_RECT], &r);
          pb_buf_putc(out, '\n');
        }
        continue;
      }
      dump_box(out, kinds[it->kind], it);
      if (it->kind == PB_ITEM_TEXT) {
        pb_buf_printf(out, " face=%d size=%.2f tc=%.3f \"", it->face, it->size, it->char_space);
        pb_buf_append(out, it->text, it->len);
        pb_buf_puts(out, "\"");
      } else if (it->kind == PB_ITEM_IMAGE) {
        pb_buf_printf(out, " image=%d", it->image);
      } else if (it->kind == PB_ITEM_LINK) {
        if (it->target == PB_TARGET_PAGE)
          pb_buf_printf(out, " page=%d", it->page + 1);
        else
          pb_buf_printf(out, " %s=%s",
                        it->target == PB_TARGET_FILE       ? "file"
                        : it->target == PB_TARGET_PDF_FILE ? "pdffile"
                                                           : "uri",
                        it->uri);
      } else if (it->kind == PB_ITEM_PLACEHOLDER && it->caption) {
        pb_buf_printf(out, " \"%s\"", it->caption);
      }
      pb_buf_putc(out, '\n');
    }
  }
  for (size_t i = 0; i < doc->noutline; i++)
    pb_buf_printf(out, "mark %d page=%d \"%s\"\n", doc->outline[i].level, doc->outline[i].page + 1,
                  doc->outline[i].title);
}
