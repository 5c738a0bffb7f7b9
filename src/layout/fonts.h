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
  /* The library root, when the overrides come from its paperbook.yml: a
   * font file it names is looked for relative to it, and must resolve
   * inside it, dir, or a directory fontconfig searches for fonts, unless
   * allow_outside (--allow-outside). NULL: paths are taken as given. */
  const char *root;
  int allow_outside;
  /* The store's root where fontconfig's answers for the default faces are
   * kept (fontconfig/, fonts.c); NULL: fontconfig is asked every time. */
  const char *store;
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
 * else any loaded face that has it, else an installed font with outlines
 * that fontconfig finds for it (loaded then as a new face); -1 when no font
 * can draw it (the caller substitutes a visible replacement mark). */
int pb_fonts_face_for(pb_fonts *f, pb_family family, unsigned style, uint32_t cp);
int pb_fonts_has_glyph(pb_fonts *f, int face, uint32_t cp);

/* Horizontal advance of cp's nominal glyph in face, in 1/1000 em (0 if no
 * glyph): the width the PDF's /W array gives that glyph. */
double pb_fonts_advance(pb_fonts *f, int face, uint32_t cp);
/* The same for a glyph id. */
double pb_fonts_glyph_advance(pb_fonts *f, int face, uint32_t gid);

/* One shaped glyph. Lengths in 1/1000 em. */
typedef struct {
  uint32_t gid;
  uint32_t cluster; /* byte offset in the shaped text of the first character
                       this glyph draws (HarfBuzz's cluster, monotone) */
  float adv;        /* advance after shaping */
  float dx, dy;     /* offset of the glyph from its pen position */
} pb_glyph;

/* Shapes UTF-8 text in face with HarfBuzz and the font's default features
 * (ligatures, kerning, mark positioning, contextual forms); kern = 0 leaves
 * pair kerning out. The layout shapes words and keeps what shaping adds to
 * the glyphs' widths as a kern it can drop at a line break; the PDF back
 * end shapes each run again and places it where the layout says.
 * Han ideographs are shaped one by one (no default feature acts between
 * two), everything else in the longest pieces between them; pieces are
 * cached in f. The result stays valid until the next call; *n receives the
 * glyph count. NULL (and *n = 0) for a bad face or empty text. */
const pb_glyph *pb_fonts_shape(pb_fonts *f, int face, const char *text, size_t len, int kern,
                               size_t *n);
/* Keeps shaping results across runs in the content-addressed store under
 * root (shapes/, one record per font file, read when a font is first
 * shaped with); NULL or "" turns it off. pb_fonts_save_shapes writes the
 * records of the fonts whose shaping added entries. A record that cannot
 * be read or is damaged is ignored: the text is shaped again. */
void pb_fonts_use_shape_store(pb_fonts *f, const char *root);
void pb_fonts_save_shapes(pb_fonts *f);
/* The store's root given to pb_fonts_use_shape_store (borrowed), or NULL. */
const char *pb_fonts_store_root(const pb_fonts *f);
/* Appends to out what identifies the faces open so far, for the keys of
 * results computed with them (the paragraph store): each face's font file
 * (path, member, size, modification time, inode), HarfBuzz's version, the
 * faked bold and italic, and which face serves each family and style.
 * Returns the number of faces it covers: a face opened later (a fallback
 * found for a character) has a number at or above it. */
int pb_fonts_identity(pb_fonts *f, pb_buf *out);
/* A memo of measurements made with f's faces, kept while f lives, so that
 * text measured again (a card's meta row tried on every page it may go
 * to) is looked up: key[0, klen) is the caller's encoding of what was
 * measured and how, value the result. pb_fonts_memo_get returns 1 and sets
 * *value when key was put, else 0. pb_fonts_memo_put copies key; putting
 * a key again replaces its value. */
int pb_fonts_memo_get(pb_fonts *f, const void *key, size_t klen, double *value);
void pb_fonts_memo_put(pb_fonts *f, const void *key, size_t klen, double value);
/* Left and right edge of cp's ink in face, 1/1000 em from its origin.
 * Returns 0 when unknown (no glyph, or an empty one). */
int pb_fonts_ink(pb_fonts *f, int face, uint32_t cp, double *left, double *right);
/* Ascender / descender (negative) / cap height, in 1/1000 em. */
double pb_fonts_ascent(pb_fonts *f, int face);
double pb_fonts_descent(pb_fonts *f, int face);

/* When a Latin bold or italic face is missing and a regular one stands in,
 * the renderer fakes it (stroke or skew); these say whether to. CJK faces
 * are never faked: Chinese bold is a real bold face, and Chinese has no
 * italic (emphasis in an italic span stays upright). */
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

typedef enum {
  PB_FONT_TRUETYPE, /* glyf outlines: embedded as FontFile2 (CIDFontType2) */
  PB_FONT_CFF       /* CFF outlines: the bare CFF table as FontFile3 (CIDFontType0C) */
} pb_font_format;

/* What a PDF font descriptor needs, 1/1000 em. */
typedef struct {
  char psname[64]; /* PostScript name, only [A-Za-z0-9-_] */
  pb_font_format format;
  int cid_keyed; /* CFF with a CID-keyed top dict */
  /* A CID-keyed CFF whose CIDs differ from its glyph ids: the CID of each
   * glyph id below nglyphs (borrowed from f); NULL when they are equal. A
   * PDF draws such a font by CID. */
  const uint16_t *cid;
  size_t nglyphs;
  double bbox[4], ascent, descent, cap_height, italic_angle;
  int fixed_pitch, serif;
} pb_font_info;

void pb_fonts_info(pb_fonts *f, int face, pb_font_info *out);

/* Writes a subset of face holding gids[0..n) (and .notdef) to out, glyph
 * ids kept (a PDF code is the original glyph id): a TrueType font, or for
 * CFF fonts the bare CFF table. Hinting, layout and bitmap tables are
 * dropped. Returns 0 or a PB_E* code (reported). */
int pb_fonts_subset(pb_fonts *f, int face, const uint32_t *gids, size_t n, pb_buf *out);

#endif
