/* Paragraph typesetting: styled spans in, fitted lines of positioned runs
 * out. Break opportunities come from libunibreak, with Chinese line-start
 * and line-end rules on top; lines are chosen by total fit (Knuth-Plass),
 * with hyphenation from libhyphen; a quarter em goes between Chinese and
 * Latin runs; justified lines spread between words or between Chinese
 * characters. No line is ever wider than the measure. */
#ifndef PB_PARA_H
#define PB_PARA_H

#include <stddef.h>

#include "fonts.h"
#include "layout.h"
#include "mem.h"

typedef struct {
  const char *text; /* UTF-8 (may contain '\n' = forced line break) */
  size_t len;
  pb_family family;
  unsigned style; /* PB_STYLE_BOLD | ITALIC | CODE | LINK */
  double size;    /* points */
  pb_rgb color;
  const char *url; /* link target of this span, NULL if none */
} pb_span_in;

typedef struct {
  double width;        /* measure, points */
  double first_indent; /* extra indent of the first line, points */
  double hang;         /* indent of every line but the first (list items) */
  int justify;         /* spread lines to the measure, last line ragged */
  int hyphenate;       /* allow hyphenating English words */
  int center;          /* center each line (titles on the cover) */
} pb_para_options;

typedef struct {
  int face;
  double size;
  double x;         /* offset from the line's left edge, points */
  double w;         /* width including char_space (after every character,
                       the last one too), points. x + w never passes the
                       next run's x nor the line's right edge; a closing
                       mark that ends a line counts without the blank after
                       its ink (set half width at the line end). */
  const char *text; /* UTF-8, in the doc arena */
  size_t len;
  double char_space; /* Tc for this run, points */
  pb_rgb color;
  const char *url; /* link target, NULL if none */
  unsigned style;
  size_t span; /* the index of the span it comes from (color, url, style are its) */
} pb_run;

typedef struct {
  pb_run *runs;
  size_t nruns;
  double width;        /* natural width after justification: the right edge of the
                          last run from the line's left edge (indent and centring
                          included), so a justified line has width == measure */
  double ascent;       /* largest ascent above baseline, points */
  double descent;      /* largest descent below baseline, points (positive) */
  double ratio;        /* adjustment ratio used (0 = natural) */
  int hyphenated;      /* the line ends with an inserted hyphen */
  int overfull;        /* could not be fitted (should never happen) */
  int punct_violation; /* starts with closing or ends with opening punctuation
                          at a break this module chose (not at the paragraph's
                          start or end, nor at a forced '\n' break) */
} pb_line;

typedef struct {
  pb_line *lines;
  size_t nlines;
  double demerits;      /* total-fit demerits of the chosen breaks */
  int overfull;         /* number of overfull lines */
  int punct_violations; /* lines starting with closing / ending with opening punctuation */
} pb_para;

/* Sets spans[0..n) as one paragraph. All output memory comes from arena.
 * Returns 0 or a PB_E* code. Characters no font has are drawn as a visible
 * replacement mark (and reported once per code point by the caller's
 * diagnostics, file:line given in diag_file/diag_line, may be NULL/0). */
/* The longest paragraph set, in bytes; the rest is dropped with a warning. */
#define PB_PARA_MAX_BYTES (64 * 1024)

int pb_para_layout(pb_fonts *fonts, pb_arena *arena, const pb_span_in *spans, size_t n,
                   const pb_para_options *opt, pb_para *out, const char *diag_file, int diag_line);

/* Paragraphs kept in the store: when fonts has a store root
 * (pb_fonts_use_shape_store), pb_para_layout looks each paragraph up by
 * its content (spans: text, family, style, size, colour, link; options:
 * measure, indents, justification, hyphenation) under a record named by
 * the faces it uses (pb_fonts_identity), the setting code's version and
 * the line-breaking and hyphenation data, and sets only what it does not
 * find. A paragraph that gave a warning (a character no font draws, a cut
 * at PB_PARA_MAX_BYTES, no hyphenation dictionary) or uses a face found
 * later for a character is not kept, so a warm build warns as a cold one.
 * pb_para_save_store writes the record when paragraphs were added (call
 * once, when the layout is done); a damaged record is ignored whole. */
void pb_para_save_store(void);

/* Natural width of a single line of text in one family/style/size, points
 * (for headers, table-of-contents entries, link rows). Measured as
 * pb_para_layout would set it (quarter em between Chinese and Latin,
 * squeezed punctuation, runs of spaces collapsed), except that spaces at the
 * start and end count, so pieces measured separately add up. With '\n',
 * the widest line. */
double pb_text_width(pb_fonts *fonts, const char *text, size_t len, pb_family family,
                     unsigned style, double size);

#endif
