/* The booklet layout: the plan in, pages of positioned boxes out.
 *
 * Order of work: take the chapter rows of the plan, lay out the table of
 * contents rows to learn how many pages it takes, flow the content (cards,
 * references, appendix) onto pages after it, then fill in the contents' page
 * numbers, running headers and footers. Only this stage measures and breaks;
 * the renderer draws what is here. What is shown (selection, links, figures
 * and their fallbacks) was decided by the plan: this stage reads none of
 * the library's files, only its QR cache (qr.c), and warns only of a
 * link too long for a QR code (the rest of its report is returned in the
 * doc). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "biblio.h"
#include "diag.h"
#include "layout.h"
#include "layout_sessions.h"
#include "links.h"
#include "para.h"
#include "qr.h"
#include "sessions.h"
#include "store.h"
#include "utf8.h"

/* ==== page geometry and type scale ================================== */

#define MARGIN_TOP 68.0
#define MARGIN_BOTTOM 62.0
#define MARGIN_SIDE 62.0
#define BODY_SIZE 10.0
#define BODY_LEADING 16.5
#define TITLE_SIZE 13.0
#define TITLE_LEADING 17.5
#define META_SIZE 8.5
#define META_LEADING 12.5
#define CARD_GAP 16.0
#define FIGURE_MAX_FRACTION 0.42 /* of the text height */
#define FIGURE_MIN_PPI 150.0

static const pb_rgb BLACK = {0.1f, 0.1f, 0.1f};
static const pb_rgb GRAY = {0.42f, 0.42f, 0.42f};
static const pb_rgb RULE = {0.75f, 0.75f, 0.75f};
static const pb_rgb LINK = {0.05f, 0.30f, 0.62f};
static const pb_rgb ACCENT = {0.55f, 0.12f, 0.12f};

void pb_layout_options_default(pb_layout_options *o) {
  memset(o, 0, sizeof *o);
  o->page_w = 595.276;
  o->page_h = 841.89;
  o->created = -1;
}

/* ==== chapter structure =============================================== */

typedef enum { ROW_CHAPTER, ROW_SECTION, ROW_SUBSECTION, ROW_ENTRY, ROW_APPENDIX } row_kind;

typedef struct {
  row_kind kind;
  const char *title;
  const pb_plan_row *plan;  /* the plan's row (NULL for appendix rows) */
  const pb_plan_card *card; /* ROW_ENTRY */
  const pb_entry *entry;    /* ROW_ENTRY */
  const pb_category *cat;   /* category rows: references to show */
  pb_rgb color;
  int has_color;
  /* filled by the content flow */
  int page;
  double y;
  /* filled by the TOC pass */
  pb_para toc_para;
} row;

typedef struct {
  row *rows;
  size_t n, cap;
} rows;

typedef struct {
  const pb_plan *plan;
  const pb_layout_options *opt;
  pb_fonts *fonts;
  pb_doc *doc;
  pb_arena *arena;
  rows toc;
  int *row_of_entry; /* per entry index: its row in toc, -1 if not laid out */
  double left, right, top, bottom, width;
  /* flow state */
  int page;                  /* current page index */
  double y;                  /* top of the free space on the current page */
  const char *running;       /* chapter name for the running header */
  const char **page_running; /* per page */
  size_t npage_running, cap_page_running;
  int first_content_page;
  int after_heading;  /* nothing but a heading since the last card */
  const char *title;  /* the booklet's title: the given one, or the default in one language */
  double set_hang;    /* set_para: indent of turnover lines (contents entries) */
  double toc_leading; /* TOC_LEADING, or TOC_TIGHT when that saves the contents a page */
  int margin_page;    /* 1 + the page a margin QR code is on, and how low it reaches */
  double margin_low;
  int chapter_break; /* the page break being made starts a chapter */
  /* Paragraphs are set in a scratch arena, emptied after each card: only
   * the boxes drawn stay in the doc, so memory grows with what is on the
   * pages, not with the work of setting it. */
  pb_arena *para_arena;
  double keep_next; /* height the next card needs on the heading's page */
  /* The room the next chapter needs to run on below the end of this run
   * (0: it starts a page whatever is left) */
  double next_run_on;
  /* Dry runs (the page-breaking optimiser trying a choice): nothing is
   * drawn, breaks are only counted and priced. */
  int dry;
  pb_item scratch;    /* what add_item hands out in a dry run */
  double dry_cost;    /* price of the pages finished in this dry run */
  int dry_pages;      /* pages started in this dry run */
  int dry_head_moved; /* a card after a heading went to the next page */
  /* report counters */
  int n_overfull, n_punct, n_widows, n_orphans, n_gaps, n_paras;
} layout;

static row *add_row(layout *L, row_kind kind, const char *title) {
  row *r = PB_PUSH(L->arena, L->toc.rows, L->toc.n, L->toc.cap);
  r->kind = kind;
  r->title = kind == ROW_CHAPTER ? pb_chapter_voice(L->arena, title, L->opt->zh) : title;
  r->page = -1;
  return r;
}

/* The contents rows: the plan's chapters, headings and cards in order. */
static void build_structure(layout *L) {
  static const row_kind kinds[] = {ROW_CHAPTER, ROW_SECTION, ROW_SUBSECTION, ROW_ENTRY};
  for (size_t i = 0; i < L->plan->nrows; i++) {
    const pb_plan_row *pr = &L->plan->rows[i];
    row *r = add_row(L, kinds[pr->kind], pr->title);
    r->plan = pr;
    r->cat = pr->cat;
    if (pr->card) {
      r->card = pr->card;
      r->entry = pr->card->entry;
    }
    if (pr->kind != PB_ROW_CARD && pr->has_rgb) { /* the plan read the colour */
      r->color = (pb_rgb){pr->rgb[0], pr->rgb[1], pr->rgb[2]};
      r->has_color = 1;
    }
  }
}

/* The contents row of a laid-out card, NULL when the card is not in this
 * booklet or not placed yet. */
static row *entry_row(layout *L, const pb_entry *e) {
  int t = L->row_of_entry[e->index];
  return t >= 0 && L->toc.rows[t].page >= 0 ? &L->toc.rows[t] : NULL;
}

/* ==== drawing helpers ================================================ */

static pb_page *page_at(layout *L, int i) { return L->dry ? NULL : &L->doc->pages[i]; }

/* A new box on page pg; in a dry run a scratch box that is thrown away. */
static pb_item *add_item(layout *L, pb_page *pg, pb_item_kind kind) {
  if (L->dry) {
    memset(&L->scratch, 0, sizeof L->scratch);
    return &L->scratch;
  }
  return pb_page_add_item(L->doc, pg, kind);
}

static double page_badness(const layout *L, double left_empty);

static void new_page(layout *L) {
  if (L->dry) {
    L->dry_cost += page_badness(L, L->y - L->bottom);
    L->dry_pages++;
    L->page++;
    L->y = L->top;
    return;
  }
  /* A page left more than a third empty by a break that was not a chapter
   * start is a gap the layout report lists. */
  double text_h = L->top - L->bottom;
  if (L->doc->npages > (size_t)L->first_content_page && !L->chapter_break &&
      L->y - L->bottom > text_h / 3 && L->page >= L->first_content_page) {
    L->n_gaps++;
    if (L->opt->layout_report)
      pb_buf_printf(&L->doc->report, "page %d: %.0f pt (%.0f%%) left empty at the foot\n",
                    L->page - L->first_content_page + 1, L->y - L->bottom,
                    100 * (L->y - L->bottom) / text_h);
  }
  pb_doc_add_page(L->doc);
  L->page = (int)L->doc->npages - 1;
  L->y = L->top;
  *PB_PUSH(L->arena, L->page_running, L->npage_running, L->cap_page_running) = L->running;
}

static pb_span_in span(const char *text, pb_family fam, unsigned style, double size, pb_rgb color) {
  pb_span_in s;
  memset(&s, 0, sizeof s);
  s.text = text ? text : "";
  s.len = strlen(s.text);
  s.family = fam;
  s.style = style;
  s.size = size;
  s.color = color;
  return s;
}

static int set_para(layout *L, const pb_span_in *spans, size_t n, double width, int justify,
                    pb_para *out, const char *file, int line) {
  pb_para_options po;
  memset(&po, 0, sizeof po);
  po.width = width;
  po.justify = justify;
  po.hyphenate = justify;
  po.hang = L->set_hang;
  memset(out, 0, sizeof *out);
  int rc = pb_para_layout(L->fonts, L->para_arena, spans, n, &po, out, file, line);
  if (rc == PB_OK && !L->dry) {
    L->n_paras++;
    L->n_overfull += out->overfull;
    L->n_punct += out->punct_violations;
    /* Every paragraph of the cards (those with a source line), then each
     * line that is overfull or breaks a punctuation rule. */
    if (L->opt->layout_report && file) {
      pb_buf_printf(&L->doc->report, "%s:%d: paragraph: %zu lines, demerits %.0f%s\n", file, line,
                    out->nlines, out->demerits,
                    out->overfull || out->punct_violations ? "" : ", clean");
      for (size_t i = 0; i < out->nlines; i++) {
        const pb_line *ln = &out->lines[i];
        if (ln->overfull)
          pb_buf_printf(&L->doc->report, "%s:%d:   line %zu overfull (%.2f pt)\n", file, line,
                        i + 1, ln->width);
        if (ln->punct_violation)
          pb_buf_printf(&L->doc->report,
                        "%s:%d:   line %zu starts with closing or ends with opening punctuation\n",
                        file, line, i + 1);
      }
    }
  }
  return rc;
}

/* The link policy (links.h) at the layout's door: the URI a target may be
 * linked as (an arena string), or NULL for text only. */
static const char *web_uri(layout *L, const char *raw) {
  char *u = pb_links_web_uri(raw);
  const char *a = u ? pb_arena_strdup(L->arena, u) : NULL;
  free(u);
  return a;
}

/* Draws one line's runs with its baseline at y, left edge x, on page p.
 * Runs with a URL also get a link area. */
static void draw_line(layout *L, int p, const pb_line *ln, double x, double y) {
  if (L->dry) return; /* nothing drawn moves the cursor */
  pb_page *pg = page_at(L, p);
  for (size_t i = 0; i < ln->nruns; i++) {
    const pb_run *r = &ln->runs[i];
    pb_item *t = add_item(L, pg, PB_ITEM_TEXT);
    t->x = x + r->x;
    t->y = y;
    t->w = r->w;
    t->h = r->size;
    t->face = r->face;
    t->size = r->size;
    t->text = pb_arena_strndup(L->arena, r->text, r->len);
    t->len = r->len;
    t->char_space = r->char_space;
    t->color = r->color;
    if (r->style & PB_STYLE_STRIKE) {
      pb_item *k = add_item(L, pg, PB_ITEM_LINE);
      k->x = x + r->x;
      k->y = y + r->size * 0.3;
      k->w = r->w - r->char_space;
      k->color = r->color;
      k->line_width = r->size * 0.06;
    }
    const char *uri = r->url && r->len ? web_uri(L, r->url) : NULL;
    if (uri) {
      pb_item *k = add_item(L, pg, PB_ITEM_LINK);
      k->x = x + r->x;
      k->y = y - r->size * 0.25;
      k->w = r->w;
      k->h = r->size * 1.15;
      k->target = PB_TARGET_URI;
      k->uri = uri;
    }
  }
}

static double para_height(const pb_para *p, double leading) { return (double)p->nlines * leading; }

/* Flows the lines of a paragraph from the cursor, breaking pages with
 * widow and orphan control (at least two lines at either end). */
static void flow_para(layout *L, const pb_para *p, double x, double leading) {
  size_t i = 0, n = p->nlines, first_part = 0, last_part = 0;
  int parts = 0;
  while (i < n) {
    int fresh = L->y >= L->top - 0.01; /* nothing gained by breaking here */
    double avail = L->y - L->bottom;
    size_t fit = avail >= leading ? (size_t)((avail + 0.01) / leading) : 0;
    size_t left = n - i;
    if (fit >= left) {
      fit = left;
    } else if (!fresh) {
      if (left >= 2 && fit < 2) { /* would leave an orphan: move the start */
        new_page(L);
        continue;
      }
      if (left - fit == 1 && fit >= 3)
        fit--;                              /* would leave a widow: carry two */
      else if (left - fit == 1 && i == 0) { /* three lines: keep them together */
        new_page(L);
        continue;
      }
    }
    if (fit == 0) fit = 1; /* a fresh page takes at least one line */
    for (size_t k = 0; k < fit; k++) {
      const pb_line *ln = &p->lines[i + k];
      double base = L->y - leading + (leading - ln->ascent - ln->descent) / 2 + ln->descent;
      draw_line(L, L->page, ln, x, base);
      L->y -= leading;
    }
    if (!parts) first_part = fit;
    last_part = fit;
    parts++;
    i += fit;
    if (i < n) new_page(L);
  }
  /* Count what the reader gets, not what was intended. */
  if (parts > 1) {
    if (first_part == 1) L->n_orphans++;
    if (last_part == 1) L->n_widows++;
  }
}

/* ==== cards ========================================================== */

typedef struct {
  const pb_figure *fig;
  int image; /* doc image index, -1 for a placeholder */
  double w, h;
  const char *caption;
  int note; /* a remote figure's one-line note (remote_note) */
} placed_figure;

/* A figure's print size: as wide as the measure while it keeps at least
 * FIGURE_MIN_PPI, and no taller than the height cap. The width the card's
 * HTML asked for was for a screen and does not count on paper. */
static void figure_size(const layout *L, int wpx, int hpx, double *w, double *h) {
  double maxh = (L->top - L->bottom) * FIGURE_MAX_FRACTION;
  *w = wpx * 72.0 / FIGURE_MIN_PPI;
  if (*w > L->width) *w = L->width;
  *h = *w * hpx / (wpx > 0 ? wpx : 1);
  if (*h > maxh) {
    *w *= maxh / *h;
    *h = maxh;
  }
}

/* A remote figure's note: one line saying what it is, in the reader's
 * words, and the host it lives on; its QR code stands in the outer margin
 * beside it (REMOTE_QR_MODULE a module, at least 0.4 mm). */
#define REMOTE_NOTE_H 13.0
#define REMOTE_QR_MODULE 1.2
#define QR_MIN_MODULE 1.134 /* 0.4 mm: read from paper scanned at 150 dpi */

static const char *remote_note(layout *L, const pb_figure *f) {
  const char *url = f->url ? f->url : f->src ? f->src : "";
  const char *host = strstr(url, "://");
  host = host ? host + 3 : url;
  size_t n = strcspn(host, "/?#");
  const char *alt = f->alt && *f->alt ? f->alt : NULL;
  static const char *generic[] = {"image", "img", "figure", "fig", "picture", "图片", "图"};
  for (size_t i = 0; alt && i < sizeof generic / sizeof *generic; i++)
    if (strcasecmp(alt, generic[i]) == 0) alt = NULL;
  /* one line: a long description is cut at 48 characters */
  size_t alen = 0, chars = 0;
  while (alt && alt[alen] && chars < 48) {
    alen++;
    while ((alt[alen] & 0xC0) == 0x80) alen++;
    chars++;
  }
  int cut = alt && alt[alen];
  return pb_arena_printf(L->arena,
                         PB_SAY(L->opt->zh, "%s%.*s%s%sFigure online at %.*s: code in the margin",
                                "%s%.*s%s%s图在网上（%.*s），扫页边二维码查看"),
                         alt ? "“" : "", (int)alen, alt ? alt : "", cut ? "…" : "",
                         alt ? "”  " : "", (int)n, host);
}

/* Sizes a figure the plan has probed for this measure: a placeholder (a
 * note with a QR code for a remote one) when the plan could not show it,
 * else figure_size. */
static void place_figure(layout *L, const pb_plan_figure *f, placed_figure *pf) {
  memset(pf, 0, sizeof *pf);
  pf->fig = f->fig;
  pf->image = -1;
  if (!f->ok) {
    pf->w = L->width;
    pf->h = f->remote && f->fig->url ? REMOTE_NOTE_H : 46;
    pf->caption = f->remote && f->fig->url ? remote_note(L, f->fig) : f->caption;
    pf->note = f->remote && f->fig->url && !f->fig->path;
    return;
  }
  double w, h;
  figure_size(L, f->width_px, f->height_px, &w, &h);
  pf->w = w;
  pf->h = h;
  pf->image = pb_doc_add_image(L->doc, f->path, f->fig->src, f->width_px, f->height_px, w, h,
                               f->file, f->line, f->stream);
}

static int draw_qr(layout *L, int page, const char *text, double x, double top, double size);
static double draw_qr_margin(layout *L, int page, const char *text, double top);
static double margin_qr_size(layout *L, const char *text);
static void link_area(layout *L, int page, double x, double y, double w, double h,
                      pb_target_kind kind, const char *target);

static void draw_figure(layout *L, const placed_figure *pf) {
  pb_page *pg = page_at(L, L->page);
  double x = L->left + (L->width - pf->w) / 2;
  double y = L->y - pf->h;
  if (pf->image >= 0) {
    pb_item *it = add_item(L, pg, PB_ITEM_IMAGE);
    it->x = x;
    it->y = y;
    it->w = pf->w;
    it->h = pf->h;
    it->image = pf->image;
  } else if (pf->fig->url && !pf->fig->path) {
    /* a remote figure: a line of text, its code in the margin */
    if (L->dry) {
      L->y = y - 4;
      return;
    }
    double base = L->y - 9.5;
    double top = L->y + 1;
    if (L->margin_page == L->page + 1 && top > L->margin_low - 2) top = L->margin_low - 2;
    double qr = draw_qr_margin(L, L->page, pf->fig->url, top);
    if (qr > 0) {
      L->margin_page = L->page + 1;
      L->margin_low = top - qr;
    }
    pb_span_in s = span(pf->caption, PB_FAMILY_SANS, PB_STYLE_ITALIC, 8, GRAY);
    pb_para p;
    if (set_para(L, &s, 1, L->width, 0, &p, NULL, 0) == PB_OK && p.nlines)
      draw_line(L, L->page, &p.lines[0], L->left, base);
    const char *uri = web_uri(L, pf->fig->url);
    if (uri) link_area(L, L->page, L->left, y, L->width, pf->h, PB_TARGET_URI, uri);
    L->y = y - 4;
    return;
  } else {
    pb_item *it = add_item(L, pg, PB_ITEM_PLACEHOLDER);
    it->x = x;
    it->y = y;
    it->w = pf->w;
    it->h = pf->h;
    it->color = GRAY;
    /* The caption is set here as wrapped text; the renderer's own one-line
     * caption is only for figures that fail when they are encoded. */
    it->caption = NULL;
    if (L->dry) { /* a placeholder's height is fixed: nothing to try */
      L->y = y - 8;
      return;
    }
    int remote = pf->fig->url && !pf->fig->path;
    double qr = remote ? pf->h - 8 : 0;
    if (remote && draw_qr(L, L->page, pf->fig->url, x + pf->w - qr - 4, y + pf->h - 4, qr) != 0)
      qr = 0;
    pb_span_in s = span(pf->caption, PB_FAMILY_SANS, 0, 8, remote ? BLACK : GRAY);
    pb_para p;
    if (set_para(L, &s, 1, pf->w - 16 - (qr > 0 ? qr + 4 : 0), 0, &p, NULL, 0) == PB_OK) {
      double top = y + pf->h / 2 + 4 +
                   (p.nlines > 1 ? 5.5 * (double)((p.nlines < 3 ? p.nlines : 3) - 1) : 0);
      for (size_t i = 0; i < p.nlines && i < 3; i++)
        draw_line(L, L->page, &p.lines[i], x + 8, top - (double)i * 11);
    }
    const char *uri = pf->fig->path ? NULL : web_uri(L, pf->fig->url);
    if (uri) {
      pb_item *k = add_item(L, pg, PB_ITEM_LINK);
      k->x = x;
      k->y = y;
      k->w = pf->w;
      k->h = pf->h;
      k->target = PB_TARGET_URI;
      k->uri = uri;
    }
  }
  L->y = y - 8;
}

/* Builds the summary blocks as paragraphs. */
typedef struct {
  pb_para para;
  double indent;
  const char *marker;
  double leading;
  double space_before;
} set_block;

static size_t set_text(layout *L, const pb_text *t, set_block **out) {
  set_block *blocks = pb_arena_alloc(L->para_arena, (t->n + 1) * sizeof *blocks);
  size_t nb = 0;
  for (size_t i = 0; i < t->n; i++) {
    const pb_block *b = &t->blocks[i];
    if (!b->nspans) continue;
    pb_span_in *spans = pb_arena_alloc(L->para_arena, b->nspans * sizeof *spans);
    uint32_t before = 0; /* the text in front of a span, for its quotes */
    for (size_t j = 0; j < b->nspans; j++) {
      const pb_span *s = &b->spans[j];
      unsigned style =
          s->style & (PB_STYLE_BOLD | PB_STYLE_ITALIC | PB_STYLE_CODE | PB_STYLE_STRIKE);
      /* straight quotes educated, not in code, a code block or a URL */
      const char *text = s->text;
      if (!(s->style & PB_STYLE_CODE) && b->kind != PB_BLOCK_CODE &&
          !(s->url && text && strcmp(text, s->url) == 0) && !(text && strstr(text, "://")))
        text = pb_utf8_quotes(L->para_arena, text, before);
      before = pb_utf8_last(s->text);
      spans[j] = span(text, s->style & PB_STYLE_CODE ? PB_FAMILY_MONO : PB_FAMILY_TEXT, style,
                      s->style & PB_STYLE_CODE ? BODY_SIZE * 0.9 : BODY_SIZE,
                      s->url && !L->opt->print ? LINK : BLACK);
      spans[j].url = s->url;
      if (b->kind == PB_BLOCK_HEADING) {
        spans[j].family = PB_FAMILY_SANS;
        spans[j].style |= PB_STYLE_BOLD;
      }
    }
    set_block *sb = &blocks[nb];
    sb->leading = BODY_LEADING;
    sb->space_before = nb ? 5 : 0;
    if (b->kind == PB_BLOCK_ITEM) {
      int depth = b->depth > 0 ? b->depth : 1;
      sb->indent = 14.0 * depth;
      if (!b->continuation)
        sb->marker =
            b->ordinal ? pb_arena_printf(L->arena, "%d.", b->ordinal) : (depth % 2 ? "•" : "◦");
      if (nb && blocks[nb - 1].indent > 0) sb->space_before = 2;
    }
    if (b->kind == PB_BLOCK_CODE) {
      spans[0].family = PB_FAMILY_MONO;
      spans[0].size = BODY_SIZE * 0.85;
      sb->indent = 10;
      sb->leading = BODY_SIZE * 1.35;
    }
    if (set_para(L, spans, b->nspans, L->width - sb->indent,
                 b->kind == PB_BLOCK_PARA || b->kind == PB_BLOCK_ITEM, &sb->para, b->file,
                 b->line) != PB_OK)
      continue;
    nb++;
  }
  *out = blocks;
  return nb;
}

static void flow_blocks(layout *L, set_block *blocks, size_t nb) {
  for (size_t i = 0; i < nb; i++) {
    set_block *sb = &blocks[i];
    L->y -= sb->space_before;
    if (L->y - sb->leading < L->bottom) new_page(L);
    double y_before = L->y;
    int page_before = L->page;
    flow_para(L, &sb->para, L->left + sb->indent, sb->leading);
    if (sb->marker && sb->para.nlines) {
      /* The marker sits on the first line, wherever that landed. */
      int p = page_before;
      double top = y_before;
      if (y_before - L->bottom < sb->leading * (sb->para.nlines >= 2 ? 2 : 1) - 0.01) {
        p = page_before + 1;
        top = L->top;
      }
      const pb_line *ln = &sb->para.lines[0];
      double base = top - sb->leading + (sb->leading - ln->ascent - ln->descent) / 2 + ln->descent;
      pb_span_in s = span(sb->marker, PB_FAMILY_TEXT, 0, BODY_SIZE, GRAY);
      double w = pb_text_width(L->fonts, s.text, s.len, PB_FAMILY_TEXT, 0, BODY_SIZE);
      pb_para mp;
      if (p < (int)L->doc->npages && set_para(L, &s, 1, 40, 0, &mp, NULL, 0) == PB_OK && mp.nlines)
        draw_line(L, p, &mp.lines[0], L->left + sb->indent - w - 4, base);
    }
  }
}

/* s as one unbreakable unit: spaces become no-break spaces and a word
 * joiner (U+2060) follows every other character, so that a name (张宇) or
 * "张宇, 2025-12-07" is never broken across lines. */
static const char *unbreakable(layout *L, const char *s) {
  pb_buf b = PB_BUF_INIT;
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t k = pb_utf8_decode(s + i, n - i, &cp);
    if (k == 0) k = 1;
    if (cp == ' ')
      pb_buf_puts(&b, "\xc2\xa0");
    else
      pb_buf_append(&b, s + i, k);
    i += k;
    if (i < n && cp != ' ' && s[i] != ' ') pb_buf_puts(&b, "\xe2\x81\xa0");
  }
  const char *r = pb_arena_strdup(L->arena, b.data ? b.data : "");
  pb_buf_free(&b);
  return r;
}

/* The line under the title: venue, year, note, presenter, date. */
static const char *meta_text(layout *L, const pb_entry *e) {
  pb_buf b = PB_BUF_INIT;
  if (e->venue) pb_buf_puts(&b, e->venue);
  if (e->year) pb_buf_printf(&b, "%s%d", b.len ? " " : "", e->year);
  if (e->note) pb_buf_printf(&b, "%s%s", b.len ? " · " : "", e->note);
  if (!e->venue && !e->year && e->venue_raw) pb_buf_puts(&b, e->venue_raw);
  if (e->presenter) pb_buf_printf(&b, "%s%s", b.len ? " · " : "", unbreakable(L, e->presenter));
  if (e->date) pb_buf_printf(&b, "%s%s", b.len ? " · " : "", unbreakable(L, e->date));
  const char *s = pb_arena_strdup(L->arena, b.data ? b.data : "");
  pb_buf_free(&b);
  return s;
}

static const char *link_target(const pb_plan_link *l, pb_target_kind *kind) {
  *kind = l->target_kind == PB_PLAN_TARGET_FILE ? PB_TARGET_FILE : PB_TARGET_URI;
  return l->target;
}

/* "https://www.arxiv.org/abs/2404.02905" -> "arxiv.org/abs/2404.02905", cut
 * in the middle when long: readable on paper, the QR code carries the rest. */
static const char *short_url(layout *L, const char *url) {
  const char *p = strstr(url, "://");
  p = p ? p + 3 : url;
  if (strncmp(p, "www.", 4) == 0) p += 4;
  size_t n = strlen(p);
  while (n && p[n - 1] == '/') n--;
  if (n <= 64) return pb_arena_strndup(L->arena, p, n);
  return pb_arena_printf(L->arena, "%.40s…%.*s", p, 18, p + n - 18);
}

static const char *qr_store(const layout *L) {
  return L->opt->cache_dir && *L->opt->cache_dir ? L->opt->cache_dir : NULL;
}

/* Draws a QR code of text (qr.c), size points square, with its top-left
 * corner at (x, top). Returns 0, or -1 when it cannot be encoded (too long)
 * or the link policy refuses it (javascript: ...). A dry run only asks the
 * policy. */
static int draw_qr(layout *L, int page, const char *text, double x, double top, double size) {
  if (L->dry) {
    char *uri = pb_links_web_uri(text);
    free(uri);
    return uri ? 0 : -1;
  }
  return pb_qr_add(L->doc, page_at(L, page), qr_store(L), text, x, top, size);
}

/* A QR code in the outer (right) margin, its top at top, sized by its
 * module count: REMOTE_QR_MODULE a module, less (never under QR_MIN_MODULE)
 * when the margin is narrow. Returns its size, 0 when none was drawn. */
static double margin_qr_size(layout *L, const char *text) {
  char *uri = pb_links_web_uri(text);
  if (!uri) return 0;
  int n = 0;
  unsigned char *mods = pb_qr_modules(qr_store(L), uri, &n);
  free(uri);
  if (!mods) return 0;
  free(mods);
  double room = L->opt->page_w - L->right - 14;
  double m = REMOTE_QR_MODULE;
  if ((n + 2) * m > room) m = room / (n + 2);
  if (m < QR_MIN_MODULE) m = QR_MIN_MODULE;
  return (n + 2) * m;
}

static double draw_qr_margin(layout *L, int page, const char *text, double top) {
  double size = margin_qr_size(L, text);
  if (size <= 0) return 0;
  if (top - size < L->bottom) top = L->bottom + size; /* not below the text block */
  if (draw_qr(L, page, text, L->right + 8, top, size) != 0) return 0;
  return size;
}

static void link_area(layout *L, int page, double x, double y, double w, double h,
                      pb_target_kind kind, const char *target) {
  if (!target || !*target) return;
  pb_item *k = add_item(L, page_at(L, page), PB_ITEM_LINK);
  k->x = x;
  k->y = y;
  k->w = w;
  k->h = h;
  k->target = kind;
  k->uri = target;
}

/* The card's links: a row of clickable words on screen; on paper (print
 * mode) numbered notes with the URLs; on a handout one line per link with
 * a short URL and a QR code beside it. */
static void layout_links(layout *L, const pb_plan_card *card) {
  const pb_entry *e = card->entry;
  int handout = L->plan->mode == PB_PLAN_HANDOUT;
  int paper = L->opt->print || handout;
  double x = L->left;
  double base = L->y - META_LEADING + 3;
  if (!handout) {
    for (size_t i = 0; i < card->nlinks; i++) {
      const pb_plan_link *l = &card->links[i];
      const char *label =
          paper ? pb_arena_printf(L->para_arena, "%s [%zu]", l->label, i + 1) : l->label;
      pb_span_in s =
          span(label, PB_FAMILY_SANS, PB_STYLE_BOLD, META_SIZE + 0.5, paper ? BLACK : LINK);
      pb_para lp;
      double w;
      if (L->dry) { /* only the width matters to the optimiser */
        w = pb_text_width(L->fonts, s.text, s.len, PB_FAMILY_SANS, PB_STYLE_BOLD, s.size);
      } else {
        if (set_para(L, &s, 1, L->width, 0, &lp, e->file, l->line ? l->line : e->line) != PB_OK ||
            !lp.nlines)
          continue;
        w = lp.lines[0].width;
      }
      if (x + w > L->right) {
        x = L->left;
        L->y -= META_LEADING;
        base -= META_LEADING;
      }
      if (!L->dry) draw_line(L, L->page, &lp.lines[0], x, base);
      pb_target_kind kind;
      const char *target = link_target(l, &kind);
      link_area(L, L->page, x - 1, base - 3, w + 2, META_SIZE + 5, kind, target);
      x += w + 14;
    }
    L->y -= META_LEADING + 2;
    if (!paper) return;
    /* The notes: "[1] arxiv.org/abs/…", each still a link for screen readers. */
    for (size_t i = 0; i < card->nlinks; i++) {
      const pb_plan_link *l = &card->links[i];
      pb_target_kind kind;
      const char *target = link_target(l, &kind);
      /* a target the link policy refuses is printed, not linked */
      const char *shown = l->local ? l->local : target ? target : l->url;
      if (!shown || !*shown) continue;
      pb_span_in s[2];
      s[0] = span(pb_arena_printf(L->arena, "[%zu] ", i + 1), PB_FAMILY_SANS, 0, META_SIZE, GRAY);
      s[1] = span(shown, PB_FAMILY_MONO, 0, META_SIZE - 0.5, BLACK);
      pb_para np;
      if (set_para(L, s, 2, L->width - 10, 0, &np, e->file, l->line ? l->line : e->line) != PB_OK)
        continue;
      if (L->y - META_LEADING * (double)np.nlines < L->bottom) new_page(L);
      int page = L->page;
      double top = L->y;
      flow_para(L, &np, L->left + 10, META_LEADING);
      if (page == L->page)
        link_area(L, page, L->left + 10, L->y, L->width - 10, top - L->y, kind, target);
    }
    L->y -= 2;
    return;
  }
  /* Handout: label, short URL, QR code on the right. */
  const double qr = 54;
  for (size_t i = 0; i < card->nlinks; i++) {
    const pb_plan_link *l = &card->links[i];
    pb_target_kind kind;
    const char *target = link_target(l, &kind);
    const char *shown = !target                 ? l->local ? l->local : l->url
                        : kind == PB_TARGET_URI ? short_url(L, target)
                                                : l->local;
    if (!shown || !*shown) continue;
    const char *qr_text = target && kind == PB_TARGET_URI ? target : NULL;
    double h = qr_text ? qr + 4 : META_LEADING + 2;
    if (L->y - h < L->bottom) new_page(L);
    pb_span_in s[2];
    s[0] = span(pb_arena_printf(L->arena, "%s  ", l->label), PB_FAMILY_SANS, PB_STYLE_BOLD,
                META_SIZE + 1, BLACK);
    s[1] = span(shown, PB_FAMILY_MONO, 0, META_SIZE, BLACK);
    pb_para np;
    if (set_para(L, s, 2, L->width - qr - 16, 0, &np, e->file, l->line ? l->line : e->line) !=
        PB_OK)
      continue;
    double top = L->y;
    int page = L->page;
    if (qr_text && draw_qr(L, page, qr_text, L->right - qr, top, qr) != 0) {
      pb_warn(e->file, l->line ? l->line : e->line, "link too long for a QR code: %s", qr_text);
      qr_text = NULL;
    }
    L->y -= qr_text ? (qr - (double)np.nlines * META_LEADING) / 2 : 0;
    flow_para(L, &np, L->left, META_LEADING);
    link_area(L, page, L->left, L->y, L->width, top - L->y, kind, target);
    L->y = qr_text ? top - qr - 4 : L->y - 2;
  }
}

/* A card set once and placed as often as the page-breaking optimiser
 * tries it: its paragraphs and planned figures. */
typedef struct {
  row *r;
  pb_para tp, ap, mp; /* title, authors, meta line */
  placed_figure *figs;
  size_t nfigs;
  set_block *blocks;
  size_t nb;
  /* On screen the link words and a lone remote figure's note (note) end
   * the meta line; row_h is the height they add below the meta line. */
  const placed_figure *note;
  double row_h;
} card_set;

/* How one card is placed: the optimiser's choices. */
typedef struct {
  int brk;       /* start it on a new page */
  int fig_after; /* figures after the first paragraph, not before it */
} card_choice;

/* The link words run on after the meta line on screen; on paper (print
 * mode) and on a handout they keep their own lines with their notes. */
static int meta_row_screen(const layout *L) {
  return !L->opt->print && L->plan->mode != PB_PLAN_HANDOUT;
}

#define META_ROW_GAP 12.0 /* between the meta text and a link word, and between words */

/* Where the row of link words starts, relative to the cursor: after the
 * meta line's last line (the cursor just below it), or at the left edge
 * of a line of its own when the card has no meta line (returns 1). */
static int meta_row_start(const layout *L, const pb_para *mp, double *x0, double *base) {
  if (!mp || !mp->nlines) {
    *x0 = L->left;
    *base = L->y - META_LEADING + 3;
    return 1;
  }
  const pb_line *ln = &mp->lines[mp->nlines - 1];
  *x0 = L->left + ln->width + META_ROW_GAP;
  *base = L->y + (META_LEADING - ln->ascent - ln->descent) / 2 + ln->descent;
  return 0;
}

/* The card's link words, then its lone remote figure's note with the code
 * in the margin, from x0 on the line whose baseline is base; what does not
 * fit starts a line below. Returns the lines added; draws nothing when
 * measure is set (nor in a dry run). */
static int meta_row(layout *L, const card_set *c, double x0, double base, int measure) {
  const pb_plan_card *card = c->r->card;
  const pb_entry *e = card->entry;
  int draw = !measure && !L->dry, lines = 0;
  double x = x0;
  for (size_t i = 0; i < card->nlinks; i++) {
    const pb_plan_link *l = &card->links[i];
    pb_span_in s = span(l->label, PB_FAMILY_SANS, PB_STYLE_BOLD, META_SIZE + 0.5, LINK);
    double w = pb_text_width(L->fonts, s.text, s.len, PB_FAMILY_SANS, PB_STYLE_BOLD, s.size);
    if (x > L->left && x + w > L->right) {
      x = L->left;
      base -= META_LEADING;
      lines++;
    }
    if (draw) {
      pb_para lp;
      if (set_para(L, &s, 1, L->width, 0, &lp, e->file, l->line ? l->line : e->line) == PB_OK &&
          lp.nlines)
        draw_line(L, L->page, &lp.lines[0], x, base);
      pb_target_kind kind;
      const char *target = link_target(l, &kind);
      link_area(L, L->page, x - 1, base - 3, w + 2, META_SIZE + 5, kind, target);
    }
    x += w + META_ROW_GAP;
  }
  if (c->note) {
    const placed_figure *pf = c->note;
    pb_span_in s = span(pf->caption, PB_FAMILY_SANS, PB_STYLE_ITALIC, 8, GRAY);
    double w = pb_text_width(L->fonts, s.text, s.len, PB_FAMILY_SANS, PB_STYLE_ITALIC, s.size);
    if (x > L->left && x + w > L->right) {
      x = L->left;
      base -= META_LEADING;
      lines++;
    }
    if (draw) {
      /* the code in the margin beside the note's line, below the last one */
      double top = base + 10.5;
      if (L->margin_page == L->page + 1 && top > L->margin_low - 2) top = L->margin_low - 2;
      double qr = draw_qr_margin(L, L->page, pf->fig->url, top);
      if (qr > 0) {
        L->margin_page = L->page + 1;
        L->margin_low = top - qr;
      }
      pb_para p; /* one line: a note wider than the measure is cut */
      if (set_para(L, &s, 1, L->right - x, 0, &p, NULL, 0) == PB_OK && p.nlines)
        draw_line(L, L->page, &p.lines[0], x, base);
      const char *uri = web_uri(L, pf->fig->url);
      if (uri) link_area(L, L->page, x, base - 3, L->right - x, 12, PB_TARGET_URI, uri);
    }
  }
  return lines;
}

static void card_prepare(layout *L, row *r, card_set *c) {
  const pb_entry *e = r->entry;
  memset(c, 0, sizeof *c);
  c->r = r;
  const char *title = e->title && *e->title ? e->title : "(untitled)";
  pb_span_in ts =
      span(pb_utf8_quotes(L->arena, title, 0), PB_FAMILY_SANS, PB_STYLE_BOLD, TITLE_SIZE, BLACK);
  if (set_para(L, &ts, 1, L->width, 0, &c->tp, e->file, e->line) != PB_OK) c->tp.nlines = 0;
  /* Authors under the title: three names, then "et al." */
  const char *authors = pb_biblio_authors_short(L->arena, e);
  if (authors) {
    pb_span_in as = span(authors, PB_FAMILY_SANS, 0, META_SIZE + 0.5, BLACK);
    set_para(L, &as, 1, L->width, 0, &c->ap, e->file, e->line);
  }
  const char *meta = meta_text(L, e);
  if (*meta) {
    pb_span_in ms = span(meta, PB_FAMILY_SANS, 0, META_SIZE, GRAY);
    set_para(L, &ms, 1, L->width, 0, &c->mp, e->file, e->line);
  }
  c->figs = pb_arena_alloc(L->para_arena, (r->card->nfigures + 1) * sizeof *c->figs);
  /* A handout sets its figures itself (handout_card_draw). */
  c->nfigs = L->plan->mode == PB_PLAN_HANDOUT ? 0 : r->card->nfigures;
  for (size_t i = 0; i < c->nfigs; i++) place_figure(L, &r->card->figures[i], &c->figs[i]);
  c->nb = set_text(L, &e->summary, &c->blocks);
  if (!meta_row_screen(L)) {
    c->row_h = r->card->nlinks ? META_LEADING + 2 : 0;
    return;
  }
  if (c->nfigs == 1 && c->figs[0].note) { /* the note joins the meta line */
    c->note = &c->figs[0];
    c->nfigs = 0;
  }
  if (r->card->nlinks || c->note) {
    double x0, base;
    int own = meta_row_start(L, &c->mp, &x0, &base);
    c->row_h = META_LEADING * (own + meta_row(L, c, x0, base, 1)) + 2;
  }
}

/* Whether a remote figure's code, stacked under the codes already in this
 * page's margin, would run past the text block's foot (where it would be
 * pushed up over the one before it): then its note starts the next page.
 * Only notes in a row reach that; a dry run does not draw codes. */
static int margin_full(layout *L, const placed_figure *pf) {
  if (L->dry || pf->image >= 0 || !pf->fig->url || pf->fig->path) return 0;
  if (L->margin_page != L->page + 1 || L->margin_low - 2 >= L->y + 1) return 0;
  double size = margin_qr_size(L, pf->fig->url);
  return size > 0 && L->margin_low - 2 - size < L->bottom;
}

/* A figure keeps its planned size (figure_size): the page breaker moves
 * cards or lets a page run short, it never shrinks one. */
static void card_figures(layout *L, const card_set *c) {
  for (size_t i = 0; i < c->nfigs; i++) {
    placed_figure pf = c->figs[i];
    L->y -= 4;
    if (L->y - pf.h < L->bottom || margin_full(L, &pf)) new_page(L);
    draw_figure(L, &pf);
  }
}

/* What a card keeps together at its start: title, meta, links, figures
 * (unless they follow the first paragraph) and two summary lines. */
static double card_keep_h(const card_set *c, int after) {
  double fig_h = 0;
  for (size_t i = 0; i < c->nfigs; i++) fig_h += c->figs[i].h + 10;
  return para_height(&c->tp, TITLE_LEADING) + para_height(&c->ap, META_LEADING) +
         para_height(&c->mp, META_LEADING) + c->row_h + (after ? 0 : fig_h) +
         (c->nb ? BODY_LEADING * (c->blocks[0].para.nlines >= 2 ? 2 : 1) : 0);
}

static void card_place(layout *L, const card_set *c, const card_choice *ch) {
  int after = ch->fig_after && c->nb && c->nfigs;
  double keep = card_keep_h(c, after);
  if (L->y < L->top - 0.01) {
    if (ch->brk || L->y - CARD_GAP - keep < L->bottom) {
      if (L->after_heading) L->dry_head_moved = 1;
      new_page(L);
    } else if (L->after_heading) {
      L->y -= 6;
    } else {
      L->y -= CARD_GAP * 0.5;
      pb_item *rule = add_item(L, page_at(L, L->page), PB_ITEM_LINE);
      rule->x = L->left;
      rule->y = L->y;
      rule->w = L->width;
      rule->h = 0;
      rule->color = L->opt->print ? GRAY : RULE;
      rule->line_width = 0.4;
      L->y -= CARD_GAP * 0.5;
    }
  }
  L->after_heading = 0;
  if (!L->dry) {
    c->r->page = L->page;
    c->r->y = L->y;
  }
  flow_para(L, &c->tp, L->left, TITLE_LEADING);
  if (c->ap.nlines) flow_para(L, &c->ap, L->left, META_LEADING);
  if (c->mp.nlines) flow_para(L, &c->mp, L->left, META_LEADING);
  if (!meta_row_screen(L)) {
    if (c->r->card->nlinks) layout_links(L, c->r->card);
  } else if (c->r->card->nlinks || c->note) {
    double x0, base;
    int own = meta_row_start(L, &c->mp, &x0, &base);
    /* a row that would run below the page foot starts the next page */
    if (L->y - META_LEADING * (own + meta_row(L, c, x0, base, 1)) < L->bottom - 0.01) {
      new_page(L);
      own = meta_row_start(L, NULL, &x0, &base); /* a line of its own there */
    }
    L->y -= META_LEADING * (own + meta_row(L, c, x0, base, 0)) + 2;
  }
  if (!after) card_figures(L, c);
  if (c->nb) L->y -= 2;
  flow_blocks(L, c->blocks, after ? 1 : c->nb);
  if (after) {
    card_figures(L, c);
    flow_blocks(L, c->blocks + 1, c->nb - 1);
  }
}

/* ==== page breaking over a run of cards ================================
 *
 * The cards between two headings are placed as a whole: a beam search over
 * the cards (states: where the cursor is after each card) tries, for each
 * card, a page break before it or not, its figures before or after its
 * first paragraph (never smaller than planned), and prices every page
 * it finishes by the space left empty at its foot. A card whose figures do
 * not fit in the rest of the page may float past at most FLOAT_MAX of the
 * cards after it that fit there whole: they are set first, and the card
 * starts the next page; the order is otherwise kept. The cheapest sequence
 * is then placed for real. Dry placements draw nothing (see add_item). */

#define PAGE_COST 400.0   /* a page more */
#define EMPTY_COST 5000.0 /* times the square of the empty fraction of a page */
#define SPARSE_COST 6e4   /* a page under a quarter full */
#define AFTER_COST 40.0   /* figures moved after the first paragraph */
#define FLOAT_COST 20.0   /* a card set after one that came before it */
#define HEAD_ALONE_COST 1e6
#define BEAM 6
#define FLOAT_MAX 2

static double page_badness(const layout *L, double left_empty) {
  double text_h = L->top - L->bottom;
  double f = left_empty / text_h;
  if (f < 0) f = 0;
  return PAGE_COST + EMPTY_COST * f * f +
         (f > 0.75 ? SPARSE_COST * (f - 0.75) * 4 + SPARSE_COST : 0);
}

/* A state after the cards before a layer of the beam are placed. The last
 * step placed one card (back = 1) or a group: the card at layer - back set
 * after the back - 1 cards that followed it (a float). */
typedef struct {
  int pages; /* pages started since the run began */
  double y;
  int after_heading;
  double cost;
  int from;           /* index of the state this one came from (layer - back) */
  int back;           /* layers this step spans */
  card_choice choice; /* how the single card was placed (back = 1) */
} run_state;

static double state_rank(const layout *L, const run_state *s) {
  return s->cost + PAGE_COST * (s->pages + (L->top - s->y) / (L->top - L->bottom));
}

static size_t card_choices(const card_set *c, card_choice *out) {
  size_t n = 0;
  for (int brk = 0; brk < 2; brk++)
    for (int after = 0; after < (c->nfigs && c->nb ? 2 : 1); after++) {
      out[n].brk = brk;
      out[n].fig_after = after;
      n++;
    }
  return n;
}

static double choice_cost(const card_set *c, const card_choice *ch) {
  (void)c;
  return ch->fig_after ? AFTER_COST : 0;
}

/* Starts a dry placement at state s. */
static void dry_begin(layout *L, const run_state *s) {
  L->dry = 1;
  L->dry_cost = 0;
  L->dry_pages = 0;
  L->dry_head_moved = 0;
  L->y = s->y;
  L->after_heading = s->after_heading;
}

/* Ends it: fills next from s and what the placement cost. */
static void dry_end(layout *L, const run_state *s, int page, double extra, run_state *next) {
  next->pages = s->pages + L->dry_pages;
  next->y = L->y;
  next->after_heading = 0;
  next->cost = s->cost + L->dry_cost + extra + (L->dry_head_moved ? HEAD_ALONE_COST : 0);
  L->page = page;
  L->dry = 0;
}

/* Tries card c from state s under choice ch; fills next. */
static void try_card(layout *L, const card_set *c, const run_state *s, const card_choice *ch,
                     run_state *next) {
  int page = L->page;
  dry_begin(L, s);
  card_place(L, c, ch);
  dry_end(L, s, page, choice_cost(c, ch), next);
  next->choice = *ch;
  next->back = 1;
}

/* Tries card c[0], whose figures do not fit below state s, after the m
 * cards c[1..m], which must all fit there whole; c[0] then starts the next
 * page. Returns 0 when the float does not apply. */
static int try_float(layout *L, const card_set *c, size_t m, const run_state *s, run_state *next) {
  if (!c[0].nfigs || s->y >= L->top - 0.01 || s->y - CARD_GAP - card_keep_h(&c[0], 0) >= L->bottom)
    return 0;
  int page = L->page;
  dry_begin(L, s);
  const card_choice stay = {0, 0}, brk = {1, 0};
  for (size_t k = 1; k <= m; k++) card_place(L, &c[k], &stay);
  int fits = L->dry_pages == 0; /* they fit whole */
  card_place(L, &c[0], &brk);
  dry_end(L, s, page, FLOAT_COST * (double)m, next);
  next->back = (int)m + 1;
  next->choice = stay;
  return fits;
}

static int cmp_rank(const void *a, const void *b) {
  double x = ((const double *)a)[0], y = ((const double *)b)[0];
  return x < y ? -1 : x > y;
}

/* Adds candidate t to cand[0..*nc): the same cursor reached twice keeps
 * the cheaper. */
static void add_candidate(run_state *cand, size_t *nc, const run_state *t) {
  size_t d = 0;
  while (d < *nc && !(cand[d].pages == t->pages && fabs(cand[d].y - t->y) < 0.5)) d++;
  if (d < *nc) {
    if (t->cost < cand[d].cost) cand[d] = *t;
    return;
  }
  cand[(*nc)++] = *t;
}

/* Chooses how to place cards c[0..n) from the cursor: order[k] is the card
 * placed k-th and choice[k] how. */
static void run_optimise(layout *L, const card_set *c, size_t n, int ends_chapter, size_t *order,
                         card_choice *choice) {
  run_state *beam = pb_arena_alloc(L->para_arena, (n + 1) * BEAM * sizeof *beam);
  size_t *nbeam = pb_arena_alloc(L->para_arena, (n + 1) * sizeof *nbeam);
  beam[0] = (run_state){0, L->y, L->after_heading, 0, -1, 1, {0, 0}};
  nbeam[0] = 1;
  card_choice opts[12];
  const size_t capc = BEAM * (12 + FLOAT_MAX);
  run_state *cand = pb_arena_alloc(L->para_arena, capc * sizeof *cand);
  double *rank = pb_arena_alloc(L->para_arena, capc * 2 * sizeof *rank);
  double y0 = L->y;
  int ah0 = L->after_heading;
  for (size_t j = 1; j <= n; j++) { /* layer j: cards 0..j-1 placed */
    size_t nc = 0;
    size_t i = j - 1, no = card_choices(&c[i], opts);
    for (size_t k = 0; k < nbeam[i]; k++) {
      const run_state *s = &beam[i * BEAM + k];
      for (size_t o = 0; o < no; o++) {
        if (opts[o].brk && s->y >= L->top - 0.01) continue;
        run_state t;
        try_card(L, &c[i], s, &opts[o], &t);
        t.from = (int)k;
        add_candidate(cand, &nc, &t);
      }
    }
    /* card f = j-1-m floated past the m cards after it */
    for (size_t m = 1; m <= FLOAT_MAX && m + 1 <= j; m++) {
      size_t f = j - 1 - m;
      for (size_t k = 0; k < nbeam[f]; k++) {
        run_state t;
        if (!try_float(L, &c[f], m, &beam[f * BEAM + k], &t)) continue;
        t.from = (int)k;
        add_candidate(cand, &nc, &t);
      }
    }
    for (size_t k = 0; k < nc; k++) {
      rank[2 * k] = state_rank(L, &cand[k]);
      rank[2 * k + 1] = (double)k;
    }
    qsort(rank, nc, 2 * sizeof *rank, cmp_rank);
    nbeam[j] = nc < BEAM ? nc : BEAM;
    for (size_t k = 0; k < nbeam[j]; k++) beam[j * BEAM + k] = cand[(size_t)rank[2 * k + 1]];
  }
  /* The last page of a chapter may stay short, but not under a quarter
   * full when its content could have gone on the page before, and the
   * next chapter does not run on below it (when it does, the page is not
   * short: the next chapter fills it). */
  size_t best = 0;
  double best_cost = 0;
  for (size_t k = 0; k < nbeam[n]; k++) {
    const run_state *s = &beam[n * BEAM + k];
    double used = (L->top - s->y) / (L->top - L->bottom);
    int page_ends = s->y - L->bottom < L->next_run_on || L->next_run_on <= 0;
    double cost = s->cost + (ends_chapter ? (s->pages && used < 0.25 && page_ends ? SPARSE_COST : 0)
                                          : PAGE_COST * used);
    /* Room left that the next chapter cannot run on into is a page foot
     * left empty, priced as one. */
    double left = (s->y - L->bottom) / (L->top - L->bottom);
    if (ends_chapter && s->y < L->top - 0.01 && s->y - L->bottom < L->next_run_on)
      cost += EMPTY_COST * left * left;
    if (k == 0 || cost < best_cost) {
      best = k;
      best_cost = cost;
    }
  }
  /* Back from the last layer: a single card, or a group f+1..f+m, f. */
  for (size_t j = n; j > 0;) {
    const run_state *s = &beam[j * BEAM + best];
    size_t back = (size_t)s->back;
    if (back == 1) {
      order[j - 1] = j - 1;
      choice[j - 1] = s->choice;
    } else {
      size_t f = j - back;
      for (size_t k = 0; k + 1 < back; k++) {
        order[f + k] = f + 1 + k;
        choice[f + k] = (card_choice){0, 0};
      }
      order[j - 1] = f;
      choice[j - 1] = (card_choice){1, 0};
    }
    best = (size_t)s->from;
    j -= back;
  }
  L->y = y0;
  L->after_heading = ah0;
}

/* Lays out rows[0..n) (all cards) as one run. The cards' rows take the
 * order they are placed in (a card that floated past others comes after
 * them in the contents too). */
static void layout_run(layout *L, row *cards, size_t n, int ends_chapter, int chapter_level) {
  pb_arena *scratch = pb_arena_new();
  L->para_arena = scratch;
  card_set *c = pb_arena_alloc(scratch, (n + 1) * sizeof *c);
  card_choice *choice = pb_arena_alloc(scratch, (n + 1) * sizeof *choice);
  size_t *order = pb_arena_alloc(scratch, (n + 1) * sizeof *order);
  for (size_t i = 0; i < n; i++) {
    card_prepare(L, &cards[i], &c[i]);
    choice[i] = (card_choice){0, 0};
    order[i] = i;
  }
  if (L->plan->mode != PB_PLAN_HANDOUT) run_optimise(L, c, n, ends_chapter, order, choice);
  size_t moved = 0;
  for (size_t i = 0; i < n; i++) moved += order[i] != i;
  if (moved) {
    row *was = pb_arena_alloc(scratch, n * sizeof *was);
    card_set *cs = pb_arena_alloc(scratch, n * sizeof *cs);
    memcpy(was, cards, n * sizeof *was);
    memcpy(cs, c, n * sizeof *cs);
    for (size_t k = 0; k < n; k++) {
      cards[k] = was[order[k]];
      c[k] = cs[order[k]];
      c[k].r = &cards[k];
      L->row_of_entry[cards[k].entry->index] = (int)(&cards[k] - L->toc.rows);
    }
  }
  for (size_t i = 0; i < n; i++) {
    card_place(L, &c[i], &choice[i]);
    pb_doc_add_mark(L->doc, chapter_level + 1, cards[i].title ? cards[i].title : "(untitled)",
                    cards[i].page, cards[i].y);
  }
  L->para_arena = L->arena;
  pb_arena_free(scratch);
}

/* ==== handout: one glance ============================================
 *
 * A session on at most HANDOUT_PAGES pages: each card whole (never split
 * across pages, so never across sheets two-up) with its title, meta line,
 * summary and a QR code per link. When the cards do not fit, the longest
 * summaries lose lines first (down to two, then one, then none) and a cut
 * summary ends with "…" and the card's page in the booklet. */

#define HANDOUT_PAGES 2
#define HANDOUT_QR 44.0
#define HANDOUT_SIZE 9.0
#define HANDOUT_LEADING 13.5
#define HANDOUT_MODULE 1.15  /* points: scanned from paper by any phone */
#define HANDOUT_QR_STEP 14.0 /* a QR code's label under it, down the column */
#define HANDOUT_COL_GAP 12.0 /* text to QR column: more than the 4-module quiet zone */
#define HANDOUT_GAP 20.0     /* between two cards, the rule in the middle */
#define HANDOUT_FIG_H 150.0  /* a figure's height at most: a glance, not a reading */

typedef struct {
  const char *text; /* the summary as plain text */
  size_t full;      /* its lines */
  size_t keep;      /* lines shown */
  size_t nqr;       /* links shown as QR codes */
  double qr;        /* QR code size: modules of at least HANDOUT_MODULE */
  size_t qc;        /* QR codes side by side in the column (more when the cards do not fit) */
  double tw;        /* the text's measure: the QR codes stand in a column beside it */
  int files;        /* links to files (no QR code): one line */
  double fig_h;     /* the card's local figures, stacked, with their gaps */
  int figs;         /* shown (dropped, tallest first, when the cards do not fit) */
  pb_para sum;
} handout_card;

static const char *summary_plain(layout *L, const pb_text *t) {
  pb_buf b = PB_BUF_INIT;
  for (size_t i = 0; i < t->n; i++) {
    const pb_block *bl = &t->blocks[i];
    if (bl->kind == PB_BLOCK_CODE) continue;
    if (b.len) pb_buf_putc(&b, ' ');
    for (size_t j = 0; j < bl->nspans; j++) {
      const pb_span *sp = &bl->spans[j];
      int plain = !(sp->style & PB_STYLE_CODE) && sp->text && !strstr(sp->text, "://");
      pb_buf_puts(&b, plain ? pb_utf8_quotes(L->para_arena, sp->text,
                                             j ? pb_utf8_last(bl->spans[j - 1].text) : 0)
                            : sp->text);
    }
  }
  const char *r = pb_arena_strdup(L->para_arena, b.data ? b.data : "");
  pb_buf_free(&b);
  return r;
}

static int handout_summary(layout *L, double width, const char *text, size_t len, const char *tail,
                           pb_para *out) {
  const char *t = pb_arena_printf(L->para_arena, "%.*s%s", (int)len, text, tail);
  pb_span_in s = span(t, PB_FAMILY_TEXT, 0, HANDOUT_SIZE, BLACK);
  pb_para_options po;
  memset(&po, 0, sizeof po);
  po.width = width;
  po.justify = 1;
  return pb_para_layout(L->fonts, L->para_arena, &s, 1, &po, out, NULL, 0);
}

/* The QR column's height: a code and its label each, the last label included. */
static double handout_column_h(const handout_card *h) {
  size_t nrow = h->qc ? (h->nqr + h->qc - 1) / h->qc : 0;
  return h->nqr ? 6 + (double)nrow * (h->qr + HANDOUT_QR_STEP) : 0;
}

/* The card's QR column qc codes wide, and its summary's lines beside it. */
static void handout_columns(layout *L, handout_card *h, size_t qc) {
  h->qc = qc;
  h->tw = h->nqr ? L->width - (double)qc * (h->qr + HANDOUT_COL_GAP) : L->width;
  if (handout_summary(L, h->tw, h->text, strlen(h->text), "", &h->sum) != PB_OK) h->sum.nlines = 0;
  h->full = *h->text ? h->sum.nlines : 0;
  if (h->keep > h->full) h->keep = h->full;
}

static double handout_card_h(const card_set *c, const handout_card *h) {
  double text = (double)h->keep * HANDOUT_LEADING + (h->files ? META_LEADING : 0);
  double col = handout_column_h(h);
  return para_height(&c->tp, TITLE_LEADING) + para_height(&c->mp, META_LEADING) + 4 +
         (h->figs ? h->fig_h : 0) + (text > col ? text : col) + HANDOUT_GAP;
}

/* Pages the cards take from the cursor, each card whole. */
static int handout_pages(const layout *L, const card_set *c, const handout_card *h, size_t n) {
  int pages = 1;
  double y = L->y;
  for (size_t i = 0; i < n; i++) {
    double need = handout_card_h(&c[i], &h[i]);
    if (y - need < L->bottom && y < L->top - 0.01) {
      pages++;
      y = L->top;
    }
    y -= need;
  }
  return pages;
}

/* Cuts card i's summary to h->keep lines, ending "… (booklet p. N)". */
static void handout_trim(layout *L, const pb_entry *e, handout_card *h) {
  size_t len = strlen(h->text);
  if (h->keep >= h->full) return;
  const char *page = L->opt->booklet_page ? L->opt->booklet_page[e->index] : NULL;
  const char *tail =
      page ? pb_arena_printf(L->para_arena, "… (full card: booklet p. %s)", page) : "…";
  size_t lo = 0, hi = len;
  pb_para p;
  while (lo < hi) { /* the longest prefix that fits */
    size_t mid = (lo + hi + 1) / 2;
    while (mid > lo && (h->text[mid] & 0xC0) == 0x80) mid--;
    if (mid == lo) break;
    if (handout_summary(L, h->tw, h->text, mid, tail, &p) == PB_OK && p.nlines <= h->keep)
      lo = mid;
    else
      hi = mid - 1;
  }
  while (lo > 0 && (h->text[lo] & 0xC0) == 0x80) lo--;
  /* Rather end at a word than inside one. */
  size_t w = lo;
  while (w > 0 && lo - w < 16 && h->text[w - 1] != ' ') w--;
  if (w > 0 && lo - w < 16 && h->text[lo] != ' ') lo = w;
  while (lo > 0 && h->text[lo - 1] == ' ') lo--;
  if (handout_summary(L, h->tw, h->text, lo, h->keep ? tail : "", &h->sum) != PB_OK)
    h->sum.nlines = 0;
  if (!h->keep) h->sum.nlines = 0;
}

/* A local figure on a handout: its booklet size (figure_size), no taller
 * than HANDOUT_FIG_H. Remote figures are left to the card's links. */
static int handout_figure_size(const layout *L, const pb_plan_figure *f, double *w, double *h) {
  if (!f->ok || !f->path) return 0;
  figure_size(L, f->width_px, f->height_px, w, h);
  if (*h > HANDOUT_FIG_H) {
    *w *= HANDOUT_FIG_H / *h;
    *h = HANDOUT_FIG_H;
  }
  return 1;
}

static void handout_card_draw(layout *L, const card_set *c, const handout_card *h, int first) {
  const pb_plan_card *card = c->r->card;
  double need = handout_card_h(c, h);
  if (L->y < L->top - 0.01) {
    if (L->y - need < L->bottom) {
      new_page(L);
    } else if (!first) {
      L->y -= HANDOUT_GAP * 0.5;
      pb_item *rule = add_item(L, page_at(L, L->page), PB_ITEM_LINE);
      rule->x = L->left;
      rule->y = L->y;
      rule->w = L->width;
      rule->color = GRAY;
      rule->line_width = 0.4;
      L->y -= HANDOUT_GAP * 0.5;
    }
  }
  c->r->page = L->page;
  c->r->y = L->y;
  flow_para(L, &c->tp, L->left, TITLE_LEADING);
  if (c->mp.nlines) flow_para(L, &c->mp, L->left, META_LEADING);
  L->y -= 4;
  for (size_t i = 0; h->figs && i < card->nfigures; i++) {
    const pb_plan_figure *f = &card->figures[i];
    placed_figure pf;
    memset(&pf, 0, sizeof pf);
    if (!handout_figure_size(L, f, &pf.w, &pf.h)) continue;
    pf.fig = f->fig;
    pf.image = pb_doc_add_image(L->doc, f->path, f->fig->src, f->width_px, f->height_px, pf.w, pf.h,
                                f->file, f->line, f->stream);
    double top = L->y;
    draw_figure(L, &pf);
    L->y = top - pf.h - 6;
  }
  double body = L->y;
  if (h->sum.nlines) flow_para(L, &h->sum, L->left, HANDOUT_LEADING);
  /* A QR code per link, labelled, in a column at the right of the text. */
  double x0 = L->right - (double)h->qc * (h->qr + HANDOUT_COL_GAP) + HANDOUT_COL_GAP;
  double x = x0, top = body - 2;
  size_t k = 0;
  pb_buf files = PB_BUF_INIT;
  for (size_t i = 0; i < card->nlinks; i++) {
    const pb_plan_link *l = &card->links[i];
    pb_target_kind kind;
    const char *target = link_target(l, &kind);
    if (!target || !*target) continue;
    if (kind != PB_TARGET_URI) {
      pb_buf_printf(&files, "%s%s: %s", files.len ? "   " : "", l->label,
                    l->local ? l->local : target);
      continue;
    }
    if (draw_qr(L, L->page, target, x, top, h->qr) != 0) {
      pb_warn(card->entry->file, l->line ? l->line : card->entry->line,
              "link too long for a QR code: %s", target);
      continue;
    }
    link_area(L, L->page, x, top - h->qr, h->qr, h->qr, kind, target);
    pb_span_in s = span(l->label, PB_FAMILY_SANS, PB_STYLE_BOLD, META_SIZE, BLACK);
    pb_para lp;
    if (set_para(L, &s, 1, h->qr + HANDOUT_COL_GAP, 0, &lp, NULL, 0) == PB_OK && lp.nlines)
      draw_line(L, L->page, &lp.lines[0], x + 2, top - h->qr - 10);
    if (++k % h->qc == 0) {
      x = x0;
      top -= h->qr + HANDOUT_QR_STEP;
    } else {
      x += h->qr + HANDOUT_COL_GAP;
    }
  }
  if (files.len) {
    pb_span_in s = span(pb_arena_strdup(L->arena, files.data), PB_FAMILY_SANS, 0, META_SIZE, BLACK);
    pb_para fp;
    if (set_para(L, &s, 1, h->tw, 0, &fp, NULL, 0) == PB_OK && fp.nlines)
      draw_line(L, L->page, &fp.lines[0], L->left, L->y - META_LEADING + 3);
    L->y -= META_LEADING;
  }
  if (L->y > body - handout_column_h(h)) L->y = body - handout_column_h(h);
  pb_buf_free(&files);
}

static void handout_run(layout *L, row **cards, size_t n) {
  pb_arena *scratch = pb_arena_new();
  L->para_arena = scratch;
  card_set *c = pb_arena_alloc(scratch, (n + 1) * sizeof *c);
  handout_card *h = pb_arena_alloc(scratch, (n + 1) * sizeof *h);
  for (size_t i = 0; i < n; i++) {
    card_prepare(L, cards[i], &c[i]);
    const pb_plan_card *card = cards[i]->card;
    h[i].qr = HANDOUT_QR;
    for (size_t k = 0; k < card->nlinks; k++) {
      pb_target_kind kind;
      const char *t = link_target(&card->links[k], &kind);
      if (!t || !*t) continue;
      if (kind != PB_TARGET_URI) {
        h[i].files = 1;
        continue;
      }
      h[i].nqr++;
      /* measured as drawn: the code carries the policy's URI (pb_qr_add), which
       * may be longer than the target as written (an IDN host in punycode) */
      char *uri = pb_links_web_uri(t);
      int w = 0;
      unsigned char *mods =
          uri ? pb_qr_modules(qr_store(L), uri, &w) : NULL; /* kept in the store */
      if (mods && (w + 2) * HANDOUT_MODULE > h[i].qr) h[i].qr = (w + 2) * HANDOUT_MODULE;
      free(mods);
      free(uri);
    }
    for (size_t k = 0; k < card->nfigures; k++) {
      double fw, fh;
      if (handout_figure_size(L, &card->figures[k], &fw, &fh)) h[i].fig_h += fh + 6;
    }
    h[i].figs = h[i].fig_h > 0;
    h[i].text = summary_plain(L, &card->entry->summary);
    h[i].keep = (size_t)-1;
    /* one code wide, or wider while the column stands taller than the text */
    handout_columns(L, &h[i], 1);
    while (h[i].qc < h[i].nqr && h[i].qc < 3 &&
           handout_column_h(&h[i]) > (double)h[i].full * HANDOUT_LEADING)
      handout_columns(L, &h[i], h[i].qc + 1);
  }
  /* The pages: as many as the whole text needs without figures, at most
   * HANDOUT_PAGES; figures never add a page. To fit, the longest
   * summaries give up lines down to four, then the tallest figures go,
   * then the summaries' last lines. */
  for (size_t i = 0; i < n; i++) h[i].figs = 0;
  int pages = handout_pages(L, c, h, n);
  if (pages > HANDOUT_PAGES) pages = HANDOUT_PAGES;
  for (size_t i = 0; i < n; i++) h[i].figs = h[i].fig_h > 0;
  while (handout_pages(L, c, h, n) > pages) {
    size_t best = n;
    for (size_t i = 0; i < n; i++)
      if (h[i].keep > 4 && (best == n || h[i].keep > h[best].keep)) best = i;
    if (best == n) {
      for (size_t i = 0; i < n; i++)
        if (h[i].figs && (best == n || h[i].fig_h > h[best].fig_h)) best = i;
      if (best < n) {
        h[best].figs = 0;
        continue;
      }
    }
    for (int floor = 2; floor >= 0 && best == n; floor--)
      for (size_t i = 0; i < n; i++)
        if (h[i].keep > (size_t)floor && (best == n || h[i].keep > h[best].keep)) best = i;
    if (best == n) { /* no lines left to cut: the tallest QR column goes wider */
      double tall = 0;
      for (size_t i = 0; i < n; i++)
        if (h[i].qc < h[i].nqr && handout_column_h(&h[i]) > tall) {
          tall = handout_column_h(&h[i]);
          best = i;
        }
      if (best == n) break;
      handout_columns(L, &h[best], h[best].qc + 1);
      continue;
    }
    h[best].keep--;
  }
  /* Room left goes back to the figures first, */
  for (size_t i = 0; i < n; i++) {
    if (h[i].figs || h[i].fig_h <= 0) continue;
    h[i].figs = 1;
    if (handout_pages(L, c, h, n) > pages) h[i].figs = 0;
  }
  /* then to the summaries, a line at a time. */
  for (int grew = 1; grew;) {
    grew = 0;
    for (size_t i = 0; i < n; i++) {
      if (h[i].keep >= h[i].full) continue;
      h[i].keep++;
      if (handout_pages(L, c, h, n) > pages)
        h[i].keep--;
      else
        grew = 1;
    }
  }
  for (size_t i = 0; i < n; i++) {
    handout_trim(L, cards[i]->entry, &h[i]);
    handout_card_draw(L, &c[i], &h[i], i == 0);
    pb_doc_add_mark(L->doc, 1, cards[i]->title ? cards[i]->title : "(untitled)", cards[i]->page,
                    cards[i]->y);
  }
  L->para_arena = L->arena;
  pb_arena_free(scratch);
}

/* ==== headings and references ======================================== */

/* The figures of a category's reference list, side by side in one row
 * (each as wide as its share of the measure allows), captioned with their
 * names. */
static void layout_category_figures(layout *L, const pb_plan_row *pr) {
  size_t n = pr->nref_figures;
  const double gap = 12;
  /* As many per row as keeps each at least 45% of the measure wide. */
  size_t per_row = n;
  while (per_row > 1 &&
         (L->width - gap * (double)(per_row - 1)) / (double)per_row < L->width * 0.45)
    per_row--;
  double share = (L->width - gap * (double)(per_row - 1)) / (double)per_row;
  for (size_t first = 0; first < n; first += per_row) {
    size_t k = n - first < per_row ? n - first : per_row;
    placed_figure *pf = pb_arena_alloc(L->para_arena, k * sizeof *pf);
    double row_h = 0;
    for (size_t i = 0; i < k; i++) {
      place_figure(L, &pr->ref_figures[first + i], &pf[i]);
      if (pf[i].w > share) {
        pf[i].h *= share / pf[i].w;
        pf[i].w = share;
      }
      if (pf[i].h > row_h) row_h = pf[i].h;
    }
    if (L->y - row_h - 22 < L->bottom) new_page(L);
    double x = L->left;
    double top = L->y - 4;
    for (size_t i = 0; i < k; i++) {
      placed_figure *f = &pf[i];
      pb_item *it =
          add_item(L, page_at(L, L->page), f->image >= 0 ? PB_ITEM_IMAGE : PB_ITEM_PLACEHOLDER);
      it->x = (float)x;
      it->y = (float)(top - f->h);
      it->w = (float)f->w;
      it->h = (float)f->h;
      it->image = f->image;
      it->color = GRAY;
      it->caption = f->image >= 0 ? NULL : f->caption;
      const char *name = f->fig->alt && *f->fig->alt ? f->fig->alt : f->fig->src;
      pb_span_in s = span(name, PB_FAMILY_SANS, 0, 7.5, GRAY);
      pb_para cp;
      if (set_para(L, &s, 1, f->w, 0, &cp, NULL, 0) == PB_OK && cp.nlines)
        draw_line(L, L->page, &cp.lines[0], x, top - row_h - 10);
      x += f->w + gap;
    }
    L->y = top - row_h - 18;
  }
}

/* The height a card's head needs (title, meta, links, first figure, two
 * lines of summary), estimated without side effects, so that a heading
 * is never left alone at the foot of a page. */
static double card_keep(layout *L, const pb_plan_card *card) {
  const pb_entry *e = card->entry;
  pb_span_in ts = span(e->title && *e->title ? e->title : "(untitled)", PB_FAMILY_SANS,
                       PB_STYLE_BOLD, TITLE_SIZE, BLACK);
  pb_para tp;
  pb_para_options po;
  memset(&po, 0, sizeof po);
  po.width = L->width;
  double h = TITLE_LEADING;
  if (pb_para_layout(L->fonts, L->para_arena, &ts, 1, &po, &tp, NULL, 0) == PB_OK)
    h = (double)tp.nlines * TITLE_LEADING;
  /* On screen the link words and a lone remote figure's note end the meta
   * line (meta_row). */
  int meta = *meta_text(L, e) != 0, on_row = meta_row_screen(L);
  int note = on_row && card->nfigures == 1 && !card->figures[0].ok && card->figures[0].remote &&
             card->figures[0].fig->url && !card->figures[0].fig->path;
  h += (meta ? META_LEADING : 0) + (e->summary.n ? 2 * BODY_LEADING : 0) +
       (e->nauthors ? META_LEADING : 0);
  if (e->nlinks || note) h += on_row && meta ? 2 : META_LEADING + 2;
  /* Figures may follow the first paragraph (see card_choice): they count
   * only when there is no paragraph. */
  if (e->nfigures && !e->summary.n && !note) {
    const pb_plan_figure *f = &card->figures[0];
    double fh = f->remote ? REMOTE_NOTE_H : 46;
    if (f->ok && f->width_px > 0) {
      double w;
      figure_size(L, f->width_px, f->height_px, &w, &fh);
    }
    h += fh + 14;
  }
  return h;
}

#define APPX_RUN_ON 0.6 /* an appendix runs on after a page this full, at most */

static void layout_heading(layout *L, row *r) {
  double size = r->kind == ROW_CHAPTER || r->kind == ROW_APPENDIX ? 20
                : r->kind == ROW_SECTION                          ? 15
                                                                  : 12.5;
  double leading = size * 1.3;
  /* A chapter runs on after the last one's end when its head and the head
   * of its first card fit below it: a short chapter wastes no page. */
  double run_on_need = 30 + leading + 22 + (L->keep_next > 0 ? L->keep_next : 150);
  /* An appendix runs on below the last page's content when that page is
   * at most APPX_RUN_ON full, its head keeping the first lines of what
   * follows (keep_next). */
  int run_on = r->kind == ROW_CHAPTER ||
               (r->kind == ROW_APPENDIX && L->top - L->y <= APPX_RUN_ON * (L->top - L->bottom));
  if (run_on && L->page >= L->first_content_page && L->y < L->top - 0.01 &&
      L->y - 36 - run_on_need >= L->bottom) {
    L->running = r->title;
    L->y -= 36;
  } else if (r->kind == ROW_CHAPTER || r->kind == ROW_APPENDIX) {
    L->running = r->title;
    L->chapter_break = 1;
    new_page(L);
    L->chapter_break = 0;
    L->y -= 30;
  } else if (L->y < L->top - 0.01) {
    /* A section heading keeps company with the head of what follows it. */
    double keep = L->keep_next > 0 ? L->keep_next : 90;
    /* Its references come first: the heading keeps two of their lines. */
    if (r->cat && r->cat->references.n) keep = META_LEADING + 2 + 2 * BODY_LEADING;
    if (L->y - 18 - leading - keep < L->bottom)
      new_page(L);
    else
      L->y -= 18;
  }
  L->after_heading = 1;
  pb_rgb color = r->has_color                                        ? r->color
                 : r->kind == ROW_CHAPTER || r->kind == ROW_APPENDIX ? ACCENT
                                                                     : BLACK;
  if (L->opt->print) color = BLACK;
  pb_span_in s = span(r->title, PB_FAMILY_SANS, PB_STYLE_BOLD, size, color);
  pb_para p;
  if (set_para(L, &s, 1, L->width, 0, &p, r->cat ? r->cat->file : NULL,
               r->cat ? r->cat->line : 0) != PB_OK)
    return;
  r->page = L->page;
  r->y = L->y;
  flow_para(L, &p, L->left, leading);
  if (r->kind == ROW_CHAPTER || r->kind == ROW_APPENDIX) {
    pb_item *rule = add_item(L, page_at(L, L->page), PB_ITEM_LINE);
    rule->x = L->left;
    rule->y = L->y - 4;
    rule->w = L->width;
    rule->color = color;
    rule->line_width = 1.2;
    L->y -= 22;
  } else {
    L->y -= 4;
  }
  if (r->plan && r->plan->references) {
    pb_span_in s2 = span(PB_SAY(L->opt->zh, "References", "相关链接"), PB_FAMILY_SANS,
                         PB_STYLE_BOLD, META_SIZE + 1, GRAY);
    pb_para hp;
    if (set_para(L, &s2, 1, L->width, 0, &hp, NULL, 0) == PB_OK)
      flow_para(L, &hp, L->left, META_LEADING + 2);
    set_block *blocks;
    size_t nb = set_text(L, &r->cat->references, &blocks);
    flow_blocks(L, blocks, nb);
    L->y -= 6;
  }
  if (r->plan && r->plan->nref_figures) layout_category_figures(L, r->plan);
}

/* ==== presenter appendix ============================================= */

typedef struct {
  const char *date;
  const pb_entry *entry;     /* a paper read, or */
  const pb_absence *absence; /* a week not read */
  const pb_link *deck;       /* the card's own deck link, NULL if none */
  size_t seq;
} appendix_line;

static int cmp_appendix_line(const void *pa, const void *pb) {
  const appendix_line *a = pa, *b = pb;
  if (a->date && b->date && strcmp(a->date, b->date)) return strcmp(a->date, b->date);
  if (!a->date != !b->date) return a->date ? -1 : 1; /* undated last */
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

#define APPX_INDENT 12.0
#define APPX_DATE_W 58.0
#define APPX_TOTAL_H 44.0 /* the group-total heading with its space */

/* reserve: height that must stay free below the line on its page (so that
 * the closing total never sits alone on a page). */
static void appendix_line_draw(layout *L, const appendix_line *al, double reserve) {
  pb_span_in s[3];
  size_t ns = 0;
  const char *file = NULL;
  int line = 0;
  if (al->entry) {
    const pb_entry *e = al->entry;
    const char *venue = e->venue ? e->venue : e->venue_raw;
    const char *deck = al->deck ? (al->deck->local ? al->deck->local : al->deck->url) : NULL;
    s[ns++] = span(e->title ? e->title : "(untitled)", PB_FAMILY_TEXT, 0, 9.5,
                   L->opt->print ? BLACK : LINK);
    if (venue && *venue)
      s[ns++] = span(pb_arena_printf(L->arena, "  (%s)", venue), PB_FAMILY_TEXT, PB_STYLE_ITALIC, 9,
                     GRAY);
    if (deck)
      s[ns++] = span(pb_arena_printf(L->arena, "  — deck: %s", deck), PB_FAMILY_SANS, 0, 8, GRAY);
    file = e->file;
    line = e->line;
  } else {
    const pb_absence *a = al->absence;
    s[ns++] =
        span(pb_arena_printf(L->arena, "%s%s%s", PB_SAY(L->opt->zh, "not read", "未精读"),
                             a->note ? PB_SAY(L->opt->zh, ": ", "：") : "", a->note ? a->note : ""),
             PB_FAMILY_TEXT, PB_STYLE_ITALIC, 9, GRAY);
    file = a->file;
    line = a->line;
  }
  double tx = L->left + APPX_INDENT + APPX_DATE_W, tw = L->right - tx;
  pb_para p, dp;
  if (set_para(L, s, ns, tw, 0, &p, file, line) != PB_OK) return;
  pb_span_in ds = span(al->date ? al->date : "undated", PB_FAMILY_SANS, 0, 9, GRAY);
  if (set_para(L, &ds, 1, APPX_DATE_W, 0, &dp, NULL, 0) != PB_OK) dp.nlines = 0;
  if (L->y - 13.0 * (double)p.nlines - reserve < L->bottom) new_page(L);
  int page = L->page;
  double y = L->y;
  if (dp.nlines) {
    const pb_line *ln = &dp.lines[0];
    draw_line(L, page, ln, L->left + APPX_INDENT,
              y - 13 + (13 - ln->ascent - ln->descent) / 2 + ln->descent);
  }
  flow_para(L, &p, tx, 13);
  /* The title links to the card's page. */
  const row *card = al->entry ? entry_row(L, al->entry) : NULL;
  if (card) {
    pb_item *lk = add_item(L, page_at(L, page), PB_ITEM_LINK);
    lk->x = tx;
    lk->y = (page == L->page) ? L->y : L->bottom;
    lk->w = tw;
    lk->h = (page == L->page) ? y - L->y : y - L->bottom;
    lk->target = PB_TARGET_PAGE;
    lk->page = card->page;
    lk->dest_y = card->y;
  }
}

/* The sessions module (layout_sessions.c) draws on this layout's pages
 * through a pb_sheet; pages it starts get this layout's running heads. */
static int sheet_new_page(void *ctx) {
  layout *L = ctx;
  new_page(L);
  return L->page;
}

static pb_sheet sheet_of(layout *L) {
  pb_sheet s;
  memset(&s, 0, sizeof s);
  s.doc = L->doc;
  s.fonts = L->fonts;
  s.arena = L->arena;
  s.left = L->left, s.right = L->right, s.top = L->top, s.bottom = L->bottom;
  s.print = L->opt->print;
  s.zh = L->opt->zh;
  s.qr_store = qr_store(L);
  s.new_page = sheet_new_page;
  s.ctx = L;
  s.page = L->page;
  s.y = L->y;
  return s;
}

static void sheet_back(layout *L, const pb_sheet *s) {
  L->page = s->page;
  L->y = s->y;
}

/* An appendix's bookmark: the top of its page, or above its head when it
 * runs on below other content. */
static double appendix_mark_y(const layout *L, const row *ar) {
  return ar->y + 30 > L->top ? L->top : ar->y + 30;
}

static void layout_appendix(layout *L) {
  const pb_plan *P = L->plan;
  size_t nu = P->npresenters_appendix;
  if (!nu) return;

  row *ar = add_row(L, ROW_APPENDIX,
                    PB_SAY(L->opt->zh, "Appendix: sessions by presenter", "附录：报告人与组会"));
  L->keep_next = pb_layout_group_overview_head(&P->record);
  layout_heading(L, ar);
  L->keep_next = 0;
  pb_doc_add_mark(L->doc, 1, ar->title, ar->page, appendix_mark_y(L, ar));
  {
    pb_sheet sh = sheet_of(L);
    pb_layout_group_overview(&sh, &P->record);
    sheet_back(L, &sh);
  }
  const pb_person_index *ix = pb_layout_person_index(L->arena, &P->record);
  for (size_t k = 0; k < nu; k++) {
    const pb_plan_presenter *pp = &P->presenters[k];
    const char *who = pp->name;
    int np = pp->npapers, na = pp->nabsences;
    row sec = {0};
    sec.kind = ROW_SECTION;
    sec.title = pb_arena_printf(
        L->arena,
        PB_SAY(L->opt->zh, "%s — %d papers, %d weeks not read", "%s — 精读 %d 篇，未精读 %d 周"),
        who, np, na);
    /* Presenters run on, each heading kept with its first lines. */
    /* The heading keeps two lines with it; the last presenter's short list
     * keeps the group total too. */
    int nlines = np + na;
    L->keep_next = k + 1 == nu && nlines <= 4 ? 13.0 * nlines + APPX_TOTAL_H
                                              : 13.0 * (nlines < 2 ? nlines : 2);
    layout_heading(L, &sec);
    L->keep_next = 0;
    pb_doc_add_mark(L->doc, 2, who, sec.page, sec.y);
    /* One line per week, papers and weeks not read in one date order
     * (oldest first), the date in a column of its own and wrapped text
     * hanging under the text, not under the dates. */
    appendix_line *lines = pb_arena_alloc(L->arena, (pp->nsessions + 1) * sizeof *lines);
    size_t nl = pp->nsessions;
    for (size_t i = 0; i < nl; i++) {
      const pb_plan_session *ps = &pp->sessions[i];
      lines[i].date = ps->entry ? ps->entry->date : ps->absence->date;
      lines[i].entry = ps->entry;
      lines[i].absence = ps->absence;
      lines[i].deck = ps->deck;
      lines[i].seq = i;
    }
    qsort(lines, nl, sizeof *lines, cmp_appendix_line);
    /* The last two lines keep the group total company. */
    for (size_t i = 0; i < nl; i++)
      appendix_line_draw(L, &lines[i],
                         k + 1 < nu || i + 2 < nl ? 0 : APPX_TOTAL_H + (i + 2 == nl ? 13 : 0));
    pb_sheet sh = sheet_of(L);
    pb_layout_presenter_sessions(&sh, &P->record, ix, who);
    sheet_back(L, &sh);
  }
  row sec = {0};
  sec.kind = ROW_SECTION;
  sec.title = pb_arena_printf(L->arena,
                              PB_SAY(L->opt->zh,
                                     "Group total: %d papers, %d weeks not read, %zu presenters",
                                     "全组：精读 %d 篇，未精读 %d 周，报告人 %zu 位"),
                              P->total_papers, P->total_absences, nu);
  /* The closing line needs nothing after it on its page. */
  L->keep_next = 1;
  layout_heading(L, &sec);
  L->keep_next = 0;
}

/* ==== slide index ==================================================== */

static pb_target_kind deck_kind(pb_plan_target t) {
  return t == PB_PLAN_TARGET_URI        ? PB_TARGET_URI
         : t == PB_PLAN_TARGET_PDF_FILE ? PB_TARGET_PDF_FILE
                                        : PB_TARGET_FILE;
}

/* "11 pages", "9 slides", or NULL. */
static const char *deck_count(layout *L, const pb_slide *d) {
  if (d->slides <= 0) return NULL;
  int pages = d->ext && strcmp(d->ext, "pdf") == 0;
  return pb_arena_printf(L->arena, "%d %s%s", d->slides, pages ? "page" : "slide",
                         d->slides == 1 ? "" : "s");
}

/* The text of one deck entry: name, title, facts, slide titles. */
static size_t deck_spans(layout *L, const pb_slide *d, pb_span_in *s) {
  size_t ns = 0;
  const char *name = d->url ? (d->title ? d->title : short_url(L, d->url)) : d->name;
  s[ns++] = span(name, PB_FAMILY_SANS, PB_STYLE_BOLD, 10, L->opt->print ? BLACK : LINK);
  if (d->title && !d->url)
    s[ns++] = span(pb_arena_printf(L->arena, "\n%s", d->title), PB_FAMILY_TEXT, 0, 9.5, BLACK);
  pb_buf meta = PB_BUF_INIT;
  pb_buf_printf(&meta, "\n%s", d->date ? d->date : "undated");
  if (d->presenter) pb_buf_printf(&meta, " · %s", d->presenter);
  if (d->topic && *d->topic && (!d->title || !strstr(d->title, d->topic)))
    pb_buf_printf(&meta, " · %s", d->topic);
  const char *count = deck_count(L, d);
  if (count) pb_buf_printf(&meta, " · %s", count);
  if (d->url)
    pb_buf_printf(&meta, " · %s",
                  strstr(d->url, "docs.google.com/presentation") ? "Google Slides" : "online");
  else
    pb_buf_printf(&meta, " · %s", d->ext ? d->ext : "file");
  if (d->note) pb_buf_printf(&meta, " · %s", d->note);
  s[ns++] = span(pb_arena_strdup(L->arena, meta.data), PB_FAMILY_SANS, 0, 8.5, GRAY);
  pb_buf_reset(&meta);
  for (size_t i = 0, shown = 0; i < d->nslide_titles && meta.len < 240; i++) {
    const char *t = d->slide_titles[i];
    if (!t || (i && d->slide_titles[i - 1] && strcmp(t, d->slide_titles[i - 1]) == 0)) continue;
    pb_buf_printf(&meta, "%s%zu %s",
                  shown++ ? " · " : PB_SAY(L->opt->zh, "\nSlides: ", "\n幻灯片："), i + 1, t);
  }
  if (meta.len >= 240) pb_buf_puts(&meta, " …");
  if (meta.len) s[ns++] = span(pb_arena_strdup(L->arena, meta.data), PB_FAMILY_SANS, 0, 8, GRAY);
  pb_buf_free(&meta);
  return ns;
}

/* The height deck_picture will use: the thumbnail at thumb_w (at most
 * 120 pt), a remote deck's QR code, or the placeholder. The page break
 * before a deck reserves this, not the tallest picture any deck could
 * have, so a page is not ended early for room a short slide never needs. */
static double deck_picture_h(const pb_plan_deck *pd, double thumb_w) {
  if (pd->thumbnail && pd->thumb_w > 0 && pd->thumb_h > 0) {
    double th = thumb_w * pd->thumb_h / pd->thumb_w;
    return th > 120 ? 120 : th;
  }
  return pd->deck->url ? 64 : thumb_w * 9 / 16;
}

/* The picture of a deck in a box thumb_w wide with its top at top: the
 * thumbnail, a QR code of a remote deck's URL, or a framed placeholder
 * naming the kind of file. Returns the height used. */
static double deck_picture(layout *L, const pb_plan_deck *pd, int page, double top,
                           double thumb_w) {
  const pb_slide *d = pd->deck;
  if (pd->thumbnail && pd->thumb_w > 0 && pd->thumb_h > 0) {
    double th = deck_picture_h(pd, thumb_w);
    /* a portrait page held to the height cap keeps its shape: narrower,
     * not squeezed */
    thumb_w = th * pd->thumb_w / pd->thumb_h < thumb_w ? th * pd->thumb_w / pd->thumb_h : thumb_w;
    int img = pb_doc_add_image(L->doc, pd->thumbnail, d->path, pd->thumb_w, pd->thumb_h, thumb_w,
                               th, NULL, 0, pd->thumb_stream);
    if (img >= 0) {
      pb_item *it = add_item(L, page_at(L, page), PB_ITEM_IMAGE);
      it->x = L->left;
      it->y = top - th;
      it->w = thumb_w;
      it->h = th;
      it->image = img;
      pb_item *fr = add_item(L, page_at(L, page), PB_ITEM_RECT);
      fr->x = (float)L->left; /* not through `it`: adding may move the items */
      fr->y = (float)(top - th);
      fr->w = (float)thumb_w;
      fr->h = (float)th;
      fr->color = RULE;
      fr->line_width = 0.5;
      return th;
    }
  }
  if (d->url && draw_qr(L, page, d->url, L->left, top, 64) == 0) return 64;
  double ph = thumb_w * 9 / 16;
  pb_item *it = pb_page_add_item(L->doc, page_at(L, page), PB_ITEM_PLACEHOLDER);
  it->x = L->left;
  it->y = top - ph;
  it->w = thumb_w;
  it->h = ph;
  it->color = GRAY;
  const char *label = d->ext ? d->ext : "deck";
  pb_span_in s =
      span(pb_arena_printf(L->arena, PB_SAY(L->opt->zh, "%s · no picture", "%s · 无预览"), label),
           PB_FAMILY_SANS, 0, 8, GRAY);
  pb_para p;
  if (set_para(L, &s, 1, thumb_w - 12, 0, &p, NULL, 0) == PB_OK && p.nlines)
    draw_line(L, page, &p.lines[0], L->left + (thumb_w - p.lines[0].width) / 2, top - ph / 2 - 3);
  return ph;
}

#define DECK_THUMB_W 96.0
#define DECK_GAP 12.0

/* One deck: picture on the left; text, links and its cards in a column
 * beside it (the same column with or without a picture). With measure
 * set, nothing is drawn: returns the height the deck needs (the taller of
 * its picture and its text column). */
static double layout_deck(layout *L, const pb_plan_deck *pd, int measure) {
  const pb_plan_record *rec = &L->plan->record;
  const pb_slide *d = pd->deck;
  const double thumb_w = DECK_THUMB_W, gap = DECK_GAP;
  double tx = L->left + thumb_w + gap, tw = L->right - tx;
  pb_span_in s[4];
  size_t ns = deck_spans(L, d, s);
  pb_para p;
  if (set_para(L, s, ns, tw, 0, &p, NULL, 0) != PB_OK) return 0;
  pb_target_kind kind = deck_kind(pd->target_kind);
  const char *target = pd->target;
  /* A PDF deck whose name links to the web keeps a link to the local file. */
  pb_para local = {0};
  if (pd->local_pdf && !L->opt->print) { /* a link is no use on paper */
    pb_span_in ls = span("Open the local copy", PB_FAMILY_SANS, 0, 8, L->opt->print ? GRAY : LINK);
    if (set_para(L, &ls, 1, tw, 0, &local, NULL, 0) != PB_OK) local.nlines = 0;
  }
  pb_para *cards = pb_arena_alloc(L->arena, (d->nentries + 1) * sizeof *cards);
  double h = (double)p.nlines * 13 + (double)local.nlines * 12;
  for (size_t k = 0; k < d->nentries; k++) {
    const pb_entry *e = rec->entries[d->entries[k]];
    pb_span_in cs = span(pb_arena_printf(L->arena, "→ %s%s%s", e->title ? e->title : "(untitled)",
                                         e->date ? "  " : "", e->date ? e->date : ""),
                         PB_FAMILY_TEXT, 0, 9, L->opt->print ? BLACK : LINK);
    if (set_para(L, &cs, 1, tw, 0, &cards[k], e->file, e->line) != PB_OK) cards[k].nlines = 0;
    h += (double)cards[k].nlines * 12.5;
  }
  double need = deck_picture_h(pd, thumb_w);
  if (need < h) need = h;
  if (measure) return need;
  if (L->y - need < L->bottom && L->y < L->top - 0.01) new_page(L);
  double top = L->y;
  int page = L->page;
  double th = deck_picture(L, pd, page, top, thumb_w);
  if (h < th) h = th;
  flow_para(L, &p, tx, 13);
  link_area(L, page, tx, top - 13, tw, 13, kind, target);
  if (local.nlines) {
    double y0 = L->y;
    flow_para(L, &local, tx, 12);
    if (L->page == page)
      link_area(L, page, tx, L->y, local.lines[0].width, y0 - L->y, PB_TARGET_PDF_FILE,
                pd->local_pdf);
  }
  for (size_t k = 0; k < d->nentries; k++) {
    if (!cards[k].nlines) continue;
    double y0 = L->y;
    flow_para(L, &cards[k], tx, 12.5);
    row *r = entry_row(L, rec->entries[d->entries[k]]);
    if (r && L->page == page) {
      pb_item *lk = pb_page_add_item(L->doc, page_at(L, page), PB_ITEM_LINK);
      lk->x = tx;
      lk->y = L->y;
      lk->w = tw;
      lk->h = y0 - L->y;
      lk->target = PB_TARGET_PAGE;
      lk->page = r->page;
      lk->dest_y = r->y;
    }
  }
  if (L->page == page && L->y > top - h) L->y = top - h;
  L->y -= 12;
  return need;
}

/* Every deck under Slide/ and every remote deck: picture, name, title,
 * facts and the cards it belongs to; then the decks the cards name but the
 * library does not have. */
static void layout_slide_index(layout *L) {
  const pb_plan *P = L->plan;
  if (!P->ndecks) return;
  row *ar =
      add_row(L, ROW_APPENDIX, PB_SAY(L->opt->zh, "Appendix: slide decks", "附录：报告幻灯片"));
  /* the head keeps the count line and the first deck whole */
  L->dry = 1; /* measuring: no paragraph counted or reported twice */
  L->keep_next = 13 + 8 + layout_deck(L, &P->decks[0], 1);
  L->dry = 0;
  layout_heading(L, ar);
  L->keep_next = 0;
  pb_doc_add_mark(L->doc, 1, ar->title, ar->page, appendix_mark_y(L, ar));
  size_t files = 0, remote = 0, linked = 0;
  for (size_t i = 0; i < P->ndecks; i++) {
    if (P->decks[i].deck->url)
      remote++;
    else
      files++;
    if (P->decks[i].deck->nentries) linked++;
  }
  pb_buf b = PB_BUF_INIT;
  pb_buf_printf(&b, "%zu deck%s in the library", files, files == 1 ? "" : "s");
  if (remote) pb_buf_printf(&b, " and %zu online", remote);
  pb_buf_printf(&b, "; %zu linked with a reading card (listed under it).", linked);
  pb_span_in is = span(pb_arena_strdup(L->arena, b.data), PB_FAMILY_TEXT, 0, 9.5, GRAY);
  pb_buf_free(&b);
  pb_para ip;
  if (set_para(L, &is, 1, L->width, 0, &ip, NULL, 0) == PB_OK) flow_para(L, &ip, L->left, 13);
  L->y -= 8;
  for (size_t i = 0; i < P->ndecks; i++) layout_deck(L, &P->decks[i], 0);
  /* Decks the cards name that are not there (the report's second part). */
  const char *missing =
      P->deck_report ? strstr(P->deck_report, "cards whose deck is missing: ") : NULL;
  const char *list = missing ? strchr(missing, '\n') : NULL;
  if (list && list[1]) {
    row sec = {0};
    sec.kind = ROW_SECTION;
    sec.title = PB_SAY(L->opt->zh, "Decks the cards name but the library lacks",
                       "卡片提到但库中缺少的幻灯片");
    L->keep_next = 60;
    layout_heading(L, &sec);
    L->keep_next = 0;
    pb_span_in s = span(list + 1, PB_FAMILY_TEXT, 0, 9, BLACK);
    pb_para p;
    if (set_para(L, &s, 1, L->width, 0, &p, NULL, 0) == PB_OK) flow_para(L, &p, L->left, 13);
  }
}

/* ==== cover, contents, running heads ================================= */

static void cover_line(layout *L, pb_page *pg, const char *text, pb_family fam, unsigned style,
                       double size, pb_rgb color, double *y) {
  pb_span_in s = span(text, fam, style, size, color);
  pb_para p;
  pb_para_options po;
  memset(&po, 0, sizeof po);
  po.width = L->width;
  po.center = 1;
  if (pb_para_layout(L->fonts, L->arena, &s, 1, &po, &p, NULL, 0) != PB_OK) return;
  for (size_t i = 0; i < p.nlines; i++) {
    *y -= size * 1.35;
    draw_line(L, (int)(pg - L->doc->pages), &p.lines[i], L->left, *y);
  }
}

static void layout_cover(layout *L, int page) {
  const pb_plan *P = L->plan;
  pb_page *pg = page_at(L, page);
  double y = L->opt->page_h * 0.70;
  cover_line(L, pg, L->title, PB_FAMILY_SANS, PB_STYLE_BOLD, 28, ACCENT, &y);
  y -= 18;
  if (P->group) cover_line(L, pg, P->group, PB_FAMILY_SANS, 0, 15, BLACK, &y);
  if (P->semester) cover_line(L, pg, P->semester, PB_FAMILY_SANS, 0, 13, GRAY, &y);
  /* Date range from the entries and absences. */
  const char *lo = P->date_first, *hi = P->date_last;
  y -= 10;
  const char *range = NULL;
  if (lo) range = strcmp(lo, hi) ? pb_arena_printf(L->arena, "%s — %s", lo, hi) : lo;
  if (range) cover_line(L, pg, range, PB_FAMILY_SANS, 0, 12, BLACK, &y);
  size_t npres = P->npresenters;
  const char *counts =
      npres
          ? pb_arena_printf(
                L->arena,
                PB_SAY(L->opt->zh, "%zu papers · %zu presenters", "论文 %zu 篇 · 报告人 %zu 位"),
                P->npapers, npres)
          : pb_arena_printf(L->arena, PB_SAY(L->opt->zh, "%zu papers", "论文 %zu 篇"), P->npapers);
  cover_line(L, pg, counts, PB_FAMILY_SANS, 0, 12, GRAY, &y);
  if (L->opt->created >= 0) {
    char when[64];
    time_t t = (time_t)L->opt->created;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when,
             PB_SAY(L->opt->zh, "made with paperbook on %Y-%m-%d", "paperbook 制作于 %Y-%m-%d"),
             &tm);
    double y2 = L->bottom + 30;
    cover_line(L, pg, pb_arena_strdup(L->arena, when), PB_FAMILY_SANS, 0, 8.5, GRAY, &y2);
  }
}

#define TOC_LEADING 14.5
#define TOC_TIGHT 13.5 /* a contents a few lines over its last page closes up */
#define TOC_NUM_W 36.0

static double toc_indent(row_kind k) {
  return k == ROW_CHAPTER ? 0 : k == ROW_SECTION ? 14 : k == ROW_SUBSECTION ? 28 : 42;
}

/* Sets every contents row; returns the number of pages they take. */
static int set_toc(layout *L) {
  const char *window = L->plan->mode == PB_PLAN_DIGEST ? L->plan->selection : NULL;
  double head = window ? 64 : 50;
  double avail_first = (L->top - head) - L->bottom, avail = L->top - L->bottom;
  double used = 0, cap = avail_first, used_t = 0, cap_t = avail_first;
  int pages = 1, pages_t = 1;
  for (size_t i = 0; i < L->toc.n; i++) {
    row *r = &L->toc.rows[i];
    int entry = r->kind == ROW_ENTRY;
    pb_span_in s[2];
    size_t ns = 1;
    s[0] = span(r->title ? pb_utf8_quotes(L->arena, r->title, 0) : "(untitled)",
                entry ? PB_FAMILY_TEXT : PB_FAMILY_SANS, entry ? 0 : PB_STYLE_BOLD,
                entry ? 9.5 : 10.5, BLACK);
    if (entry && L->plan->mode == PB_PLAN_DIGEST) {
      const pb_entry *e = r->entry;
      s[ns++] =
          span(pb_arena_printf(L->arena, "  %s",
                               unbreakable(L, pb_arena_printf(L->arena, "— %s%s%s",
                                                              e->presenter ? e->presenter : "",
                                                              e->presenter && e->date ? ", " : "",
                                                              e->date ? e->date : ""))),
               PB_FAMILY_SANS, 0, 8.5, GRAY);
    }
    /* turnover lines hang under the title's first line */
    L->set_hang = entry ? 12 : 0;
    if (set_para(L, s, ns, L->width - toc_indent(r->kind) - TOC_NUM_W, 0, &r->toc_para, NULL, 0) !=
        PB_OK)
      r->toc_para.nlines = 0;
    L->set_hang = 0;
    /* A contents line is a pointer, not the title itself: at most three
     * lines (the card shows the whole title), so no entry outgrows a page. */
    if (r->toc_para.nlines > 3) r->toc_para.nlines = 3;
    double h = (double)r->toc_para.nlines * TOC_LEADING + (r->kind == ROW_CHAPTER ? 8 : 0);
    if (used + h > cap) {
      pages++;
      used = 0;
      cap = avail;
    }
    used += h;
    double ht = (double)r->toc_para.nlines * TOC_TIGHT + (r->kind == ROW_CHAPTER ? 8 : 0);
    if (used_t + ht > cap_t) {
      pages_t++;
      used_t = 0;
      cap_t = avail;
    }
    used_t += ht;
  }
  L->toc_leading = pages_t < pages ? TOC_TIGHT : TOC_LEADING;
  return pages_t < pages ? pages_t : pages;
}

static void draw_toc(layout *L, int first_page, int npages) {
  int page = first_page;
  double y = L->top;
  {
    const char *heading = L->plan->mode == PB_PLAN_DIGEST
                              ? PB_SAY(L->opt->zh, "What's new", "本期新增")
                              : PB_SAY(L->opt->zh, "Contents", "目录");
    pb_span_in s = span(heading, PB_FAMILY_SANS, PB_STYLE_BOLD, 20, L->opt->print ? BLACK : ACCENT);
    pb_para p;
    if (set_para(L, &s, 1, L->width, 0, &p, NULL, 0) == PB_OK && p.nlines)
      draw_line(L, page, &p.lines[0], L->left, y - 26);
    y -= 50;
    const char *window = L->plan->mode == PB_PLAN_DIGEST ? L->plan->selection : NULL;
    if (window) {
      pb_span_in d = span(window, PB_FAMILY_SANS, 0, 10, GRAY);
      if (set_para(L, &d, 1, L->width, 0, &p, NULL, 0) == PB_OK && p.nlines)
        draw_line(L, page, &p.lines[0], L->left, y + 4);
      y -= 14;
    }
    /* First in the outline, as it is first in the book. */
    pb_doc_add_mark(L->doc, 1, heading, first_page, L->top);
    pb_mark m = L->doc->outline[L->doc->noutline - 1];
    memmove(L->doc->outline + 1, L->doc->outline, (L->doc->noutline - 1) * sizeof *L->doc->outline);
    L->doc->outline[0] = m;
  }
  double dot_w = pb_text_width(L->fonts, ".", 1, PB_FAMILY_TEXT, 0, 9.5);
  for (size_t i = 0; i < L->toc.n; i++) {
    row *r = &L->toc.rows[i];
    if (!r->toc_para.nlines) continue;
    double h = (double)r->toc_para.nlines * L->toc_leading + (r->kind == ROW_CHAPTER ? 8 : 0);
    if (y - h < L->bottom && page + 1 < first_page + npages) {
      page++;
      y = L->top;
    }
    if (r->kind == ROW_CHAPTER) y -= 8;
    double x = L->left + toc_indent(r->kind);
    double top = y;
    for (size_t k = 0; k < r->toc_para.nlines; k++) {
      y -= L->toc_leading;
      draw_line(L, page, &r->toc_para.lines[k], x, y + 3.5);
    }
    if (r->page < 0) continue;
    /* Dot leaders from the end of the last line to the page number. */
    const pb_line *last = &r->toc_para.lines[r->toc_para.nlines - 1];
    const char *num = L->doc->pages[r->page].label
                          ? L->doc->pages[r->page].label
                          : pb_arena_printf(L->arena, "%d", r->page - L->first_content_page + 1);
    double num_w = pb_text_width(L->fonts, num, strlen(num), PB_FAMILY_TEXT, 0, 9.5);
    double dots_from = x + last->width + 4, dots_to = L->right - num_w - 4;
    int ndots = dot_w > 0 ? (int)((dots_to - dots_from) / (dot_w * 2.2)) : 0;
    pb_page *pg = page_at(L, page);
    if (ndots > 0) {
      char *dots = pb_arena_alloc(L->arena, (size_t)ndots + 1);
      memset(dots, '.', (size_t)ndots);
      pb_span_in ds = span(dots, PB_FAMILY_TEXT, 0, 9.5, GRAY);
      pb_para dp;
      if (set_para(L, &ds, 1, L->width, 0, &dp, NULL, 0) == PB_OK && dp.nlines) {
        /* Spread the dots to end flush with the numbers. */
        pb_item *t = add_item(L, pg, PB_ITEM_TEXT);
        const pb_run *run = &dp.lines[0].runs[0];
        t->face = run->face;
        t->size = 9.5;
        t->text = dots;
        t->len = (size_t)ndots;
        t->char_space = (dots_to - dots_from) / ndots - dot_w;
        t->x = dots_from;
        t->y = y + 3.5;
        t->w = dots_to - dots_from;
        t->color = GRAY;
      }
    }
    pb_span_in ns = span(num, PB_FAMILY_TEXT, 0, 9.5, BLACK);
    pb_para np;
    if (set_para(L, &ns, 1, 60, 0, &np, NULL, 0) == PB_OK && np.nlines)
      draw_line(L, page, &np.lines[0], L->right - num_w, y + 3.5);
    pb_item *k = add_item(L, pg, PB_ITEM_LINK);
    k->x = x;
    k->y = y;
    k->w = L->right - x;
    k->h = top - y;
    k->target = PB_TARGET_PAGE;
    k->page = r->page;
    k->dest_y = r->y;
  }
}

static const char *roman(pb_arena *a, int n) {
  static const char *ones[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"};
  static const char *tens[] = {"", "x", "xx", "xxx", "xl", "l", "lx", "lxx", "lxxx", "xc"};
  if (n <= 0 || n >= 100) return pb_arena_printf(a, "%d", n);
  return pb_arena_printf(a, "%s%s", tens[n / 10], ones[n % 10]);
}

static void running_heads(layout *L) {
  /* A chapter's opening page shows its title in large: no running head. */
  unsigned char *opening = pb_arena_alloc(L->arena, L->doc->npages + 1);
  for (size_t i = 0; i < L->toc.n; i++) {
    const row *r = &L->toc.rows[i];
    if ((r->kind == ROW_CHAPTER || r->kind == ROW_APPENDIX) && r->page >= 0 &&
        (size_t)r->page < L->doc->npages)
      opening[r->page] = 1;
  }
  for (size_t p = L->plan->mode == PB_PLAN_BOOKLET ? 1 : 0; p < L->doc->npages; p++) {
    pb_page *pg = &L->doc->pages[p];
    const char *num = pg->label;
    pb_span_in s = span(num, PB_FAMILY_SANS, 0, 8.5, GRAY);
    pb_para np;
    if (set_para(L, &s, 1, 80, 0, &np, NULL, 0) == PB_OK && np.nlines)
      draw_line(L, (int)p, &np.lines[0], L->left + (L->width - np.lines[0].width) / 2,
                L->bottom - 30);
    const char *run = p < L->npage_running ? L->page_running[p] : NULL;
    if ((int)p >= L->first_content_page && run && !opening[p]) {
      pb_span_in hs = span(run, PB_FAMILY_SANS, 0, 8, GRAY);
      pb_para hp;
      if (set_para(L, &hs, 1, L->width * 0.6, 0, &hp, NULL, 0) == PB_OK && hp.nlines)
        draw_line(L, (int)p, &hp.lines[0], L->left, L->top + 22);
      const char *bt = L->title;
      pb_span_in ts = span(bt, PB_FAMILY_SANS, 0, 8, GRAY);
      if (set_para(L, &ts, 1, L->width * 0.38, 0, &hp, NULL, 0) == PB_OK && hp.nlines)
        draw_line(L, (int)p, &hp.lines[0], L->right - hp.lines[0].width, L->top + 22);
      pb_item *rule = add_item(L, pg, PB_ITEM_LINE);
      rule->x = L->left;
      rule->y = L->top + 16;
      rule->w = L->width;
      rule->color = RULE;
      rule->line_width = 0.4;
    }
  }
}

/* ==== handout ======================================================== */

static void handout_header(layout *L) {
  const pb_plan *P = L->plan;
  /* a session's date, or a check-in week's dates */
  const char *date = P->session_date ? P->session_date : P->selection;
  L->running = date ? pb_arena_printf(L->arena, "Reading session %s", date) : "Reading session";
  new_page(L);
  pb_span_in s = span(L->title, PB_FAMILY_SANS, PB_STYLE_BOLD, 18, BLACK);
  pb_para p;
  if (set_para(L, &s, 1, L->width, 0, &p, NULL, 0) == PB_OK) flow_para(L, &p, L->left, 24);
  pb_buf who = PB_BUF_INIT;
  size_t n = P->session_presenters ? P->npresenters : 0;
  for (size_t i = 0; i < n; i++)
    pb_buf_printf(&who, "%s%s", i ? "、" : "", unbreakable(L, P->session_presenters[i]));
  const char *line = pb_arena_printf(
      L->arena, "%s%s%s", date ? date : "",
      n ? PB_SAY(L->opt->zh, "    Presenters: ", "    报告人：") : "", n ? who.data : "");
  pb_buf_free(&who);
  pb_span_in d = span(line, PB_FAMILY_SANS, 0, 11, BLACK);
  if (set_para(L, &d, 1, L->width, 0, &p, NULL, 0) == PB_OK) flow_para(L, &p, L->left, 16);
  pb_item *rule = add_item(L, page_at(L, L->page), PB_ITEM_LINE);
  rule->x = L->left;
  rule->y = L->y - 4;
  rule->w = L->width;
  rule->color = BLACK;
  rule->line_width = 1;
  L->y -= 14;
  if (P->nabsences) {
    /* a check-in week: who did not read, with what they wrote */
    pb_buf nr = PB_BUF_INIT;
    pb_buf_puts(&nr, PB_SAY(L->opt->zh, "Not read: ", "未精读："));
    for (size_t i = 0; i < P->nabsences; i++) {
      const pb_absence *a = P->absences[i];
      pb_buf_printf(&nr, "%s%s", i ? PB_SAY(L->opt->zh, "; ", "；") : "",
                    a->presenter ? a->presenter : "?");
      if (a->note && *a->note) pb_buf_printf(&nr, PB_SAY(L->opt->zh, " (%s)", "（%s）"), a->note);
    }
    pb_span_in ns = span(pb_arena_strdup(L->arena, nr.data), PB_FAMILY_TEXT, 0, 9.5, BLACK);
    pb_buf_free(&nr);
    if (set_para(L, &ns, 1, L->width, 0, &p, NULL, 0) == PB_OK) flow_para(L, &p, L->left, 13.5);
    L->y -= 8;
  }
  if (P->session) {
    pb_sheet sh = sheet_of(L);
    pb_layout_session_brief(&sh, &P->record, P->session);
    sheet_back(L, &sh);
  }
}

/* Two pages side by side on each sheet (A5 pages on landscape A4): a pure
 * transform of the laid-out boxes; links and outline follow their pages. */
static void two_up(layout *L) {
  pb_doc *doc = L->doc;
  size_t nsheets = (doc->npages + 1) / 2;
  pb_page *sheets = pb_arena_alloc(L->arena, nsheets * sizeof *sheets);
  for (size_t p = 0; p < doc->npages; p++) {
    pb_page *src = &doc->pages[p];
    pb_page *dst = &sheets[p / 2];
    double dx = (p % 2) ? doc->page_w : 0;
    for (size_t i = 0; i < src->n; i++) {
      pb_item *it = pb_page_add_item(doc, dst, src->items[i].kind);
      *it = src->items[i];
      it->x += dx;
      if (it->kind == PB_ITEM_LINK && it->target == PB_TARGET_PAGE) it->page /= 2;
    }
    if (p % 2 == 0) dst->label = src->label;
  }
  for (size_t i = 0; i < doc->noutline; i++) doc->outline[i].page /= 2;
  for (size_t p = 0; p < doc->npages; p++) free(doc->pages[p].items);
  doc->pages = sheets;
  doc->npages = doc->cappages = nsheets;
  doc->page_w *= 2;
}

/* ==== entry point ==================================================== */

/* The space to keep with the heading at row i: what follows it, further
 * headings then the start of a card, at most a page less 60 pt. */
static double heading_keep(layout *L, size_t i) {
  double keep = 0;
  for (size_t j = i + 1; j < L->toc.n; j++) {
    if (L->toc.rows[j].kind == ROW_ENTRY) {
      pb_arena *scratch = pb_arena_new();
      L->para_arena = scratch;
      keep += card_keep(L, L->toc.rows[j].card);
      L->para_arena = L->arena;
      pb_arena_free(scratch);
      break;
    }
    if (L->toc.rows[j].kind == ROW_CHAPTER) break;
    keep += 40;
  }
  return keep > L->top - L->bottom - 60 ? L->top - L->bottom - 60 : keep;
}

/* The options the pages are laid out with: a two-up handout's pages are
 * half sheets turned (A5 on landscape A4, half Letter on Letter); two_up
 * means nothing to the other modes. */
static pb_layout_options page_options(const pb_plan *plan, const pb_layout_options *sheet) {
  pb_layout_options o = *sheet;
  o.two_up = plan->mode == PB_PLAN_HANDOUT && sheet->two_up;
  if (o.two_up) {
    o.page_w = sheet->page_h / 2;
    o.page_h = sheet->page_w;
  }
  return o;
}

pb_doc *pb_layout_plan(const pb_plan *plan, pb_fonts *fonts, const pb_layout_options *sheet) {
  const pb_plan_record *rec = &plan->record;
  const pb_layout_options page = page_options(plan, sheet);
  const pb_layout_options *opt = &page;
  layout L;
  memset(&L, 0, sizeof L);
  L.plan = plan;
  L.opt = opt;
  L.fonts = fonts;
  L.doc = pb_doc_new(fonts, opt->page_w, opt->page_h);
  L.arena = L.doc->arena;
  L.left = MARGIN_SIDE;
  L.right = opt->page_w - MARGIN_SIDE;
  L.width = L.right - L.left;
  L.top = opt->page_h - MARGIN_TOP;
  L.bottom = MARGIN_BOTTOM;
  if (opt->two_up) {
    /* Half sheets: the booklet's margins would take a third of an A5 page. */
    L.left = 34;
    L.right = opt->page_w - 34;
    L.width = L.right - L.left;
    L.top = opt->page_h - 50;
    L.bottom = 44;
  }
  L.first_content_page = 1 << 30; /* until the front matter is made */
  L.para_arena = L.arena;
  L.doc->created = opt->created;
  L.title = plan->title_given ? plan->title : pb_one_voice(L.arena, plan->title, opt->zh);
  L.doc->title = pb_arena_strdup(L.arena, plan->title_given ? plan->title
                                          : opt->zh         ? L.title
                                                            : "Paper Reading Booklet");
  L.doc->author = pb_arena_strdup(L.arena, plan->author ? plan->author : plan->group);
  L.doc->subject =
      pb_arena_printf(L.arena, "%zu papers%s%s", plan->npapers, plan->semester ? ", " : "",
                      plan->semester ? plan->semester : "");

  build_structure(&L);
  L.row_of_entry = pb_arena_alloc(L.arena, (rec->nentries + 1) * sizeof *L.row_of_entry);
  for (size_t i = 0; i < rec->nentries; i++) L.row_of_entry[i] = -1;
  for (size_t t = 0; t < L.toc.n; t++)
    if (L.toc.rows[t].entry) L.row_of_entry[L.toc.rows[t].entry->index] = (int)t;
  L.doc->keywords = pb_arena_strdup(L.arena, plan->keywords);

  /* Cover and contents pages first, so content page indexes are final. A
   * digest opens with its "what is new" list instead; a handout with the
   * session's header and no contents. */
  int toc_pages = 0, front = 0;
  if (plan->mode != PB_PLAN_HANDOUT) {
    toc_pages = set_toc(&L);
    if (plan->mode == PB_PLAN_BOOKLET) {
      new_page(&L);
      front = 1;
    }
    for (int i = 0; i < toc_pages; i++) new_page(&L);
  }
  L.first_content_page = (int)L.doc->npages;
  for (int i = 0; i < L.first_content_page; i++) L.doc->pages[i].label = roman(L.arena, i + 1);
  if (plan->mode == PB_PLAN_HANDOUT) handout_header(&L);

  int level_of[ROW_APPENDIX + 1] = {1, 2, 3, 0, 1};
  int chapter_level = 0;
  for (size_t i = 0; i < L.toc.n; i++) {
    row *r = &L.toc.rows[i];
    if (r->kind == ROW_ENTRY && plan->mode == PB_PLAN_HANDOUT) {
      row **cards = pb_arena_alloc(L.arena, (L.toc.n + 1) * sizeof *cards);
      size_t n = 0;
      for (size_t j = i; j < L.toc.n; j++)
        if (L.toc.rows[j].kind == ROW_ENTRY) cards[n++] = &L.toc.rows[j];
      handout_run(&L, cards, n);
      break;
    }
    if (r->kind == ROW_ENTRY) {
      if (L.doc->npages == (size_t)L.first_content_page) new_page(&L);
      size_t n = 1;
      while (i + n < L.toc.n && L.toc.rows[i + n].kind == ROW_ENTRY) n++;
      int ends_chapter = i + n == L.toc.n || L.toc.rows[i + n].kind == ROW_CHAPTER;
      /* a month chapter runs on when its head and first card fit below
       * (layout_heading: 36 above, the head and its rule, keep_next) */
      L.next_run_on =
          ends_chapter && i + n < L.toc.n ? 36 + 30 + 26 + 22 + heading_keep(&L, i + n) : 0;
      layout_run(&L, r, n, ends_chapter, chapter_level);
      i += n - 1;
    } else if (plan->mode != PB_PLAN_HANDOUT) {
      L.keep_next = heading_keep(&L, i);
      layout_heading(&L, r);
      L.keep_next = 0;
      chapter_level = level_of[r->kind];
      pb_doc_add_mark(L.doc, chapter_level, r->title, r->page, r->y + 30);
    }
  }
  if (plan->appendix_presenters) layout_appendix(&L);
  if (plan->appendix_slides) layout_slide_index(&L);
  for (size_t p = (size_t)L.first_content_page; p < L.doc->npages; p++)
    L.doc->pages[p].label = pb_arena_printf(L.arena, "%zu", p - (size_t)L.first_content_page + 1);
  L.doc->nentry_page = rec->nentries;
  L.doc->entry_page = pb_arena_alloc(L.arena, (rec->nentries + 1) * sizeof(const char *));
  for (size_t t = 0; t < L.toc.n; t++) {
    const row *r = &L.toc.rows[t];
    if (r->entry && r->page >= 0 && (size_t)r->page < L.doc->npages)
      L.doc->entry_page[r->entry->index] = L.doc->pages[r->page].label;
  }
  if (front) layout_cover(&L, 0);
  if (toc_pages) draw_toc(&L, front, toc_pages);
  running_heads(&L);
  if (opt->two_up) two_up(&L);
  pb_doc_shape(L.doc);

  if (opt->layout_report)
    pb_buf_printf(&L.doc->report,
                  "layout report: %d paragraphs, %d overfull lines, %d punctuation violations, "
                  "%d widows, %d orphans, %d large gaps, %zu pages\n",
                  L.n_paras, L.n_overfull, L.n_punct, L.n_widows, L.n_orphans, L.n_gaps,
                  L.doc->npages);
  return L.doc;
}
