/* The few facts the PDF needs from a CFF table (an OpenType font's 'CFF '
 * outlines): whether its first font is CID-keyed, and then which CID each
 * glyph id carries (its charset).
 *
 * A PDF draws the glyphs of a CID-keyed CFF (CIDFontType0) by CID, while
 * HarfBuzz shapes to glyph ids. In Noto CJK the two are equal; in a font
 * subset by another tool, or built from a CIDFont with unused CIDs, they
 * are not, and drawing glyph ids as CIDs shows wrong or blank glyphs.
 *
 * Pure byte parsing; every offset is checked against the table's length. */
#ifndef PB_CFF_H
#define PB_CFF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  int cid_keyed;  /* the Top DICT starts with ROS (12 30) */
  size_t nglyphs; /* charstrings in the font */
  uint16_t *cid;  /* CID of each glyph id (nglyphs entries), malloc'd;
                     NULL when not CID-keyed or when every CID equals its
                     glyph id */
} pb_cff_info;

/* Reads the table d[0..n). Returns 0, or -1 when the table cannot be
 * understood (then *out says not CID-keyed and holds no map). */
int pb_cff_read(const unsigned char *d, size_t n, pb_cff_info *out);
void pb_cff_info_free(pb_cff_info *info);

#endif
