/* Fonts: finding the font files (fonts/ first, then fontconfig), choosing
 * a face for every character (Latin text font, CJK font, symbol fallback),
 * measuring, and subsetting for the PDF (HarfBuzz).
 *
 * Faces are numbered 0..pb_fonts_count()-1. Measuring happens in the layout
 * stage only; the PDF stage asks for subsets of the code points it draws.
 * A pb_fonts caches advances as it measures: use it from one thread at a
 * time. */
#ifndef PB_FONTS_H
#define PB_FONTS_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

/* What a piece of text is typeset as. */
typedef enum {
  PB_FAMILY_TEXT, /* body text: serif Latin + Ming/Song CJK */
  PB_FAMILY_SANS, /* titles and headings: sans Latin + Hei CJK */
  PB_FAMILY_MONO  /* inline code */
} pb_family;

/* Style bits are PB_STYLE_BOLD and PB_STYLE_ITALIC from model.h. */

typedef struct {
  const char *dir; /* project font directory searched first (may be NULL) */
  /* Optional overrides by file path or fontconfig pattern; NULL = default. */
  const char *text, *text_bold, *text_italic, *text_bold_italic;
  const char *sans, *sans_bold, *mono, *cjk_text, *cjk_sans, *symbol;
} pb_fonts_config;

typedef struct pb_fonts pb_fonts;

/* Opens the configured faces. On a missing font, prints an error naming the
 * Debian package that provides it and returns NULL. */
pb_fonts *pb_fonts_open(const pb_fonts_config *cfg);
void pb_fonts_free(pb_fonts *f); /* accepts NULL */

int pb_fonts_count(const pb_fonts *f);

/* The face to draw cp with in the given family and style: the family's Latin
 * face when it has the glyph, else its CJK face, else the symbol fallback,
 * else any loaded face that has it; -1 when no face has it (the caller
 * substitutes a visible replacement mark). */
int pb_fonts_face_for(pb_fonts *f, pb_family family, unsigned style, uint32_t cp);
int pb_fonts_has_glyph(pb_fonts *f, int face, uint32_t cp);

/* Horizontal advance of cp in face, in 1/1000 em (0 if no glyph). */
double pb_fonts_advance(pb_fonts *f, int face, uint32_t cp);
/* No kerning: each run is drawn with one TextOut, which applies none, so the
 * layout measures without it too (widths agree with what is drawn). */
/* Ascender / descender (negative) / cap height, in 1/1000 em. */
double pb_fonts_ascent(pb_fonts *f, int face);
double pb_fonts_descent(pb_fonts *f, int face);

/* When a bold or italic face is missing and a regular one stands in, the
 * renderer fakes it (stroke or skew); these say whether to. */
int pb_fonts_fake_bold(const pb_fonts *f, int face);
int pb_fonts_fake_italic(const pb_fonts *f, int face);

/* Human-readable description ("NotoSerif-Regular.ttf"). */
const char *pb_fonts_name(const pb_fonts *f, int face);

/* The face whose font file face uses: faces that differ only in faked
 * bold/italic share one font, which the PDF embeds once under the base
 * face's number. Returns face itself for a real face, -1 for a bad index. */
int pb_fonts_base(const pb_fonts *f, int face);
/* The font file face comes from (borrowed) and its index in a collection
 * (index may be NULL); NULL for a bad face. */
const char *pb_fonts_path(const pb_fonts *f, int face, int *index);

/* Writes a TrueType subset of face holding cps[0..n) (and .notdef) to out.
 * Glyph ids are renumbered small, which also avoids libharu 2.3.0's
 * composite-glyph bug. Returns 0 or a PB_E* code. */
int pb_fonts_subset(pb_fonts *f, int face, const uint32_t *cps, size_t n, pb_buf *out);

#endif
