/* The slide-deck index, model side: reading date, presenter and topic from
 * the file names people give their decks, reading slide counts and
 * thumbnails out of .pptx files, and linking decks with the cards of the
 * same presenter and date. Results live in the library (lib->slides); the
 * layout reads them from there. */
#ifndef PB_SLIDES_H
#define PB_SLIDES_H

#include <stddef.h>

#include "mem.h"
#include "model.h"

/* Reads date, presenter and topic from a deck's file name (no directory),
 * e.g. "2023.11.3 程浩-扫盲贴.pdf" gives date "2023-11-03", presenter 程浩,
 * topic 扫盲贴, ext "pdf".
 *
 * Fills *out completely: name, ext (lower case, NULL when the name has no
 * extension), date (ISO, NULL if none), presenter (NULL if none), topic
 * (NULL if nothing is left); path, thumbnail and entries are cleared and
 * slides is 0. All strings are copied into a (known_presenters may be
 * freed afterwards).
 *
 * Dates: YYYY.M.D, YYYY-M-D, YYYY_M_D (one or two digits for month and
 * day), YYYYMMDD and YYYY年M月D日, anywhere in the name but not glued to other
 * digits or ASCII letters; an impossible date (2023.2.30) is not a date and
 * stays in the topic. The first valid date wins.
 *
 * Presenters: see the comment above find_presenter in slides.c. In short,
 * a name from known_presenters (may be NULL when npresenters is 0) is taken
 * wherever it stands as a field of its own; failing that, a lone 2–3 Han
 * character field next to the date, or at either end of the name, that
 * begins with a common Chinese surname is taken; anything doubtful stays
 * in the topic.
 *
 * Topic: what is left once the date and presenter are taken out, with the
 * separators around them trimmed, a field wholly in brackets unwrapped
 * ("[Visual-Prompt-Tuning]") and underscores read as spaces.
 *
 * Returns 0, or PB_EPARSE when filename is empty (out is then cleared). */
int pb_slide_parse_name(pb_arena *a, const char *filename, const char *const *known_presenters,
                        size_t npresenters, pb_slide *out);

typedef struct {
  /* Where extracted thumbnails go; NULL means <lib->root>/build/cache/thumbs.
   * Created when missing. */
  const char *thumb_dir;
  int in_process; /* open PDF decks in this process, without a time limit (fuzzing) */
  int no_browser; /* never start a headless browser for HTML thumbnails */
  /* read decks that resolve outside lib->root (a link committed into
   * Slide/, or Slide/ itself a link); otherwise such a deck is left out of
   * the index with a warning (--allow-outside, the command line's) */
  int allow_outside;
  /* Scan names only: date, presenter, topic and the links with the cards,
   * which is all a booklet without a slide index or presenter appendix
   * draws; pb_slides_read reads the contents later when an output needs
   * them. */
  int names_only;
} pb_slides_options;

/* Scans <lib->root>/<slide_dir_rel> (NULL means "Slide"; not recursive;
 * sorted by name in byte order; directories, dotfiles, PowerPoint's "~$"
 * lock files and scripts or notes beside the decks (.py, .sh, .md, .json,
 * .yml, ...) skipped) and
 * replaces lib->slides with one pb_slide per file, path "<slide_dir_rel>/
 * <name>". Presenters are recognised from the distinct presenters of
 * lib->entries, so read the cards first.
 *
 * For an Office Open XML presentation (.pptx, .pptm, .ppsx, .potx) it
 * reads the slide count (ppt/slides/slideN.xml entries, else <Slides> in
 * docProps/app.xml), the slide titles from the slide XML (libxml2; the
 * deck's title is the first slide's) and copies docProps/thumbnail.jpeg (at
 * most 5 MB, JPEG or PNG by its bytes) into the store (store.h) as
 * <thumb_dir>/images/<content hash>.jpeg|.png, setting slide->thumbnail to
 * that path. PDF and HTML decks are read
 * by slides_deck.c (page count, title, rendered thumbnail). A deck that
 * cannot be read, an oversized or unreadable thumbnail, or a thumbnail
 * directory that cannot be written give a warning naming the file (and,
 * for slide XML, the part and line:col); the deck is still listed, with
 * slide->note saying what is missing. A presenter read from a name that no
 * card has gets a note.
 *
 * Remote decks already in lib->slides (pb_slides_add_remote, from the
 * minutes) are kept after the files; decks the cards link by URL (a link
 * of kind slide, or any Google Slides link) are added the same way.
 *
 * Then links decks and cards (slide->entries, entry indexes in library
 * order, each once): a card links to a deck when one of its links points at
 * the deck's file (link->local, a relative URL, or a URL into the
 * repository such as .../blob/main/Slide/x.pptx, percent-encoded or not), or
 * when the card's presenter equals the deck's and the dates are at most 3
 * days apart.
 *
 * Returns the number of deck files (0 when the directory does not exist),
 * or PB_EIO when it exists but cannot be read. */
int pb_slides_scan(pb_library *lib, const char *slide_dir_rel);
int pb_slides_scan_ex(pb_library *lib, const char *slide_dir_rel, const pb_slides_options *opt);

/* Reads what each deck file in lib->slides holds (slide count, titles,
 * thumbnail; the .pptx, PDF and HTML readers above), for decks scanned with
 * names_only; a deck already read is skipped, so a second call costs
 * nothing. opt as for pb_slides_scan_ex (names_only ignored; NULL for the
 * defaults). Warnings name the deck; nothing is returned. */
void pb_slides_read(pb_library *lib, const pb_slides_options *opt);

/* Adds a deck that lives at a URL (Google Slides, a web page) unless one
 * with the same address (fragment and query aside; for Google Slides the
 * document id) is there; fills in date, presenter and title where the
 * existing one has none. file and line say where it was named. All strings
 * are copied. Returns the deck, or NULL when url is not absolute. */
pb_slide *pb_slides_add_remote(pb_library *lib, const char *url, const char *date,
                               const char *presenter, const char *title, const char *file,
                               int line);

/* Appends to out, as text lines, the decks no card is linked with and the
 * cards whose deck is missing (a link pointing into the slide directory, or
 * a Slide link with a local path, whose file does not exist under
 * lib->root):
 *
 *   decks no card mentions: 1
 *     Slide/实验记录管理方案.pdf
 *   cards whose deck is missing: 1
 *     Archived/log.md:12: "Some title" (陈银, 2024-01-19) -> Slide/x.pptx
 *
 * A section with nothing in it prints its header with 0. Returns the total
 * number of items listed. */
size_t pb_slides_report(const pb_library *lib, pb_buf *out);

#endif
