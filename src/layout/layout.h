/* The layout stage's output: pages of positioned boxes, a display list.
 * The renderer draws exactly these and never measures, breaks or shapes
 * anything itself: text comes as glyph runs the layout shaped.
 *
 * Coordinates are PDF points with the origin at the page's bottom-left.
 * A pb_doc owns its memory (arena) and is freed with pb_doc_free. */
#ifndef PB_LAYOUT_H
#define PB_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "fonts.h"
#include "mem.h"
#include "model.h"
#include "plan.h"

typedef struct {
  float r, g, b;
} pb_rgb;

typedef enum {
  PB_ITEM_TEXT,        /* a run of text in one face */
  PB_ITEM_IMAGE,       /* a figure, scaled into (x, y, w, h) */
  PB_ITEM_LINE,        /* a stroked line from (x, y) to (x + w, y + h) */
  PB_ITEM_RECT,        /* a rectangle, stroked and/or filled */
  PB_ITEM_LINK,        /* a clickable area (x, y, w, h), no border */
  PB_ITEM_PLACEHOLDER, /* a framed box with a caption: a figure that cannot be shown */
  PB_ITEM_QR           /* a QR code: qr's dark modules, drawn as filled black runs */
} pb_item_kind;

/* A QR code's modules and where they go. One item holds the whole code:
 * as one filled rectangle per run of dark modules it took ~300 items
 * (~35 KB) a code, which a card of thousands of remote figures multiplied.
 * The geometry stays in doubles so that the runs land where the separate
 * rectangles did (pb_qr_run gives them to the dump and the PDF alike). */
typedef struct {
  double x, top, module; /* top-left corner of the quiet zone; module size */
  int n;                 /* n x n modules */
  unsigned char dark[];  /* n * n, 1 = dark, row by row from the top */
} pb_qr;

typedef enum {
  PB_TARGET_URI,  /* uri: a URL */
  PB_TARGET_PAGE, /* page / dest_y: a page of this document */
  /* uri: a library file relative to the PDF; the PDF back end gives it a
   * GoToR action when the link policy allows one (pb_links_gotor_allowed),
   * else no link; never a Launch action */
  PB_TARGET_FILE,
  /* uri: a PDF file relative to this one, opened at its first page (GoToR) */
  PB_TARGET_PDF_FILE
} pb_target_kind;

/* A run of text in one face as the layout shaped it (pb_fonts_shape with
 * pair kerning off: the layout puts its kerns and spacing between glyphs
 * itself). Each glyph's cluster is the byte offset in text of the first
 * character it draws, so the text a glyph stands for (for ToUnicode,
 * searching and copying) is text[cluster, next glyph's cluster). Advances
 * and offsets are 1/1000 em; text and glyphs live in the doc's arena. */
typedef struct {
  int face;
  const char *text;
  size_t len;
  const pb_glyph *glyphs;
  size_t nglyphs;
} pb_glyph_run;

typedef struct {
  /* Lengths are floats: a point to 1e-4 is all a page needs, and a booklet
   * of 10,000 cards holds millions of these. */
  pb_item_kind kind;
  float x, y, w, h; /* TEXT: (x, y) is the baseline start, w the width */
  pb_rgb color;     /* text colour / stroke colour */
  /* TEXT */
  int face;
  float size;
  float char_space; /* extra space after each character, points */
  const char *text; /* UTF-8, only code points the face has */
  size_t len;
  /* the glyphs that draw text (see pb_glyph_run); NULL until pb_doc_shape */
  const pb_glyph *glyphs;
  uint32_t nglyphs;
  /* PLACEHOLDER, IMAGE: caption (when set) as runs of glyphs, one per face */
  uint32_t ncaption_runs;
  const pb_glyph_run *caption_runs;
  /* IMAGE */
  int image; /* index into pb_doc.images */
  /* LINE, RECT, PLACEHOLDER */
  float line_width;
  int filled;
  pb_rgb fill;
  const char *caption; /* PLACEHOLDER */
  const pb_qr *qr;     /* QR (arena); x, y, w, h its whole square */
  /* LINK */
  pb_target_kind target;
  int page; /* 0-based */
  float dest_y;
  const char *uri;
} pb_item;

typedef struct {
  pb_item *items; /* malloc'd (not in the arena: it grows), freed by pb_doc_free */
  size_t n, cap;
  const char *label; /* page label ("i", "3"), NULL = arabic from 1 */
} pb_page;

typedef struct {
  int level; /* 1 = top */
  const char *title;
  int page;
  double y;
} pb_mark;

typedef struct {
  const char *path; /* file on disk */
  const char *src;  /* as written in the card, for messages */
  int width_px, height_px;
  double placed_w, placed_h; /* largest placement, points (for --dpi) */
  const char *file;          /* card file:line that uses it first */
  int line;
  const struct pb_figstream *stream; /* the plan's encoded stream (opaque here), or NULL */
  /* src shaped, for the placeholder drawn when the figure cannot be
   * encoded (a --dpi stream made when the PDF is written); set by
   * pb_doc_shape */
  const pb_glyph_run *caption_runs;
  size_t ncaption_runs;
} pb_doc_image;

typedef struct {
  pb_arena *arena;
  double page_w, page_h;
  pb_page *pages;
  size_t npages, cappages;
  pb_mark *outline;
  size_t noutline, capoutline;
  pb_doc_image *images;
  size_t nimages, capimages;
  const char *title, *author, *subject, *keywords;
  long long created;       /* seconds since the epoch, -1 = none */
  pb_fonts *fonts;         /* borrowed */
  pb_buf report;           /* the layout report (--layout-report), empty when not asked */
  const char **entry_page; /* per entry index: its card's page label, NULL when not laid
                              out (arena) */
  size_t nentry_page;
} pb_doc;

/* How to lay out a plan: the page and what the plan leaves to the medium. */
typedef struct {
  double page_w, page_h;           /* the sheet, in points; A4 = 595.276 x 841.89 */
  int print;                       /* print mode: URLs as footnotes, grayscale */
  int layout_report;               /* fill doc->report with paragraph/page findings */
  long long created;               /* SOURCE_DATE_EPOCH or now; -1 = none */
  int two_up;                      /* handout: two half-sheet pages (A5) to a sheet */
  const char *const *booklet_page; /* handout: per entry index, the card's page label
                                      in the booklet (NULL = unknown) */
  const char *cache_dir;           /* QR codes' modules kept here (qr-*.bin); NULL = none */
  int zh; /* labels, headings and dates in Chinese (`lang: zh`), else English */
} pb_layout_options;

void pb_layout_options_default(pb_layout_options *o);

/* Lays out a plan: its mode (booklet, digest, handout), chapters, cards
 * and appendices. Reads none of the library's files (what is shown was
 * decided by the plan); the only files it touches are the QR codes' cache
 * (qr-*.bin under opt->cache_dir, read and written when set). It warns of a
 * link too long for a QR code. Returns NULL on failure (diagnostics
 * printed). The doc borrows fonts and the plan's strings: free
 * it before the plan. opt's page is the sheet: a handout with opt->two_up
 * is laid out on its halves, turned, two to a sheet. */
pb_doc *pb_layout_plan(const pb_plan *plan, pb_fonts *fonts, const pb_layout_options *opt);
void pb_doc_free(pb_doc *doc); /* accepts NULL */

/* Helpers for layout code building a doc. */
pb_doc *pb_doc_new(pb_fonts *fonts, double page_w, double page_h);
pb_page *pb_doc_add_page(pb_doc *doc);
pb_item *pb_page_add_item(pb_doc *doc, pb_page *page, pb_item_kind kind);
/* Returns the image index for path, adding it once (placed size max'd);
 * stream is the plan's encoded stream for it (NULL: the PDF back end
 * encodes it). */
int pb_doc_add_image(pb_doc *doc, const char *path, const char *src, int wpx, int hpx,
                     double placed_w, double placed_h, const char *file, int line,
                     const struct pb_figstream *stream);
/* An outline entry; title's straight quotes are educated (“ ” ‘ ’) as the
 * body's are. */
pb_mark *pb_doc_add_mark(pb_doc *doc, int level, const char *title, int page, double y);

/* Shapes what the doc draws as text, so that the renderer only encodes
 * glyphs: every TEXT item's run in its face, the caption of every item
 * that has one, and every image's src (the caption of a figure that fails
 * when it is encoded), each split into runs by the sans family's face for
 * each character (characters no face has are left out). Items already
 * shaped are kept. The layout calls it once, last; a doc built by hand
 * must call it before it is drawn. Results live in the doc's arena. A doc
 * without fonts is left as it is. */
void pb_doc_shape(pb_doc *doc);

/* Text listing of every page and box, for tests. */
void pb_doc_dump(const pb_doc *doc, pb_buf *out);
/* The next run of dark modules of a QR item at or after module *pos (start
 * at 0), rows from the top, left to right, as a filled black rectangle
 * item in *rect; *pos moves past it. Returns 0, or -1 when there is none:
 * for (size_t k = 0; pb_qr_run(it, &k, &r) == 0;) ... */
int pb_qr_run(const pb_item *it, size_t *pos, pb_item *rect);

#endif
