/* Reading the contents of deck files for the slide index (internal to
 * slides.c): PDF decks through poppler-glib and cairo, .pptx slide titles
 * through libxml2, HTML decks through libxml2's HTML parser with a
 * thumbnail from headless Chromium when it is installed.
 *
 * Decks come from strangers: PDFs are opened and rendered in a child
 * process with a time limit and (outside sanitizer builds) a memory limit,
 * at a small scale with a cap on the page size; Chromium runs in its own
 * process group with a private profile, no network and a time limit. A
 * deck that cannot be read gets a warning naming the file and stays in the
 * index without what could not be read. */
#ifndef PB_SLIDES_DECK_H
#define PB_SLIDES_DECK_H

#include <stddef.h>

#include "mem.h"
#include "model.h"

#define PB_DECK_THUMB_PX 320 /* width of rendered thumbnails, pixels */

typedef struct {
  pb_library *lib;       /* strings go into lib->arena */
  const char *thumb_dir; /* where thumbnails are stored; created when missing */
  int thumb_dir_failed;  /* warned once already: no more thumbnails */
  int in_process;        /* open PDFs in this process (fuzzing): no time limit */
  int no_browser;        /* never start Chromium */
  double timeout;        /* seconds for one PDF render or one browser run (0: default) */
  int warned;            /* warnings given about decks so far (none: a deck's index may be kept) */
} pb_deck_ctx;

/* A warning about a deck, counted in c->warned. */
#define pb_deck_warn(c, deck, ...) ((c)->warned++, pb_warn(deck, 0, __VA_ARGS__))

/* Stores bytes in the thumbnail directory's store as
 * <thumb_dir>/images/<content hash>.<ext> unless the same bytes are there
 * already. Returns the path (in the arena), or NULL after a warning naming
 * deck. */
const char *pb_deck_store_thumbnail(pb_deck_ctx *c, const char *deck, const void *bytes, size_t len,
                                    const char *ext);

/* PDF deck at file (absolute or relative to the working directory): page
 * count into s->slides, title into s->title (Info /Title, else the first
 * line of the first page's text), first page rendered into s->thumbnail. */
void pb_deck_read_pdf(pb_deck_ctx *c, pb_slide *s, const char *file);

/* HTML deck (a Marp or reveal.js export, or sections by hand): title from
 * <title>, og:title or the first <h1>; slide count = Marp's
 * data-marpit-pagination-total, else the number of <section> elements; thumbnail by headless
 * Chromium (skipped with s->note when it is not installed or PAPERBOOK_BROWSER=none). */
void pb_deck_read_html(pb_deck_ctx *c, pb_slide *s, const char *file);

/* The title of one slide part (ppt/slides/slideN.xml): the text of the
 * shape whose placeholder is "title" or "ctrTitle", paragraphs joined by a
 * space. Returns 1 with *title set (in the arena), 0 when the slide has no
 * title, or -1 when the XML is malformed, with "line:col: reason" in why. */
int pb_deck_slide_title(pb_arena *a, const char *xml, size_t len, const char **title, char *why,
                        size_t whylen);

/* Is t a title that says nothing ("Presentation", "PowerPoint 演示文稿",
 * "Untitled", a file name), as converters write when the author did not? */
int pb_deck_is_junk_title(const char *t);

/* Collapses white space (line breaks included) to single spaces, trims,
 * replaces invalid UTF-8 and drops control characters, and cuts at max
 * bytes on a character boundary with an ellipsis. NULL when nothing is
 * left. */
const char *pb_deck_tidy_text(pb_arena *a, const char *s, size_t len, size_t max);

#endif
