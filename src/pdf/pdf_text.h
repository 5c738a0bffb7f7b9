/* Text for the PDF back end: the glyph runs the layout shaped, shown as
 * 2-byte glyph codes of Type0 fonts (Identity-H) with TJ adjustments that
 * put each glyph where the layout placed it. The fonts are written through
 * libharu's object layer (libharu's own font loader reads only TrueType
 * and its UTF-8 encoder stops at U+FFFF): CFF outlines as FontFile3
 * (CIDFontType0C), TrueType as FontFile2 (CIDFontType2), each a subset of
 * the glyphs drawn (made by the fonts module, which owns HarfBuzz:
 * pb_fonts_subset), with a ToUnicode CMap from the runs' clusters so that
 * copying and searching give the source text (ligatures, marks and every
 * plane included).
 *
 * A pb_pdf_text belongs to one document and is used from one thread. */
#ifndef PB_PDF_TEXT_H
#define PB_PDF_TEXT_H

#include <hpdf.h>
#include <stddef.h>

#include "fonts.h"
#include "layout.h"

typedef struct pb_pdf_text pb_pdf_text;

/* Borrows pdf and fonts (both must outlive it). cache_dir (may be NULL)
 * keeps the last subset of each font, so that a rebuild with the same
 * glyphs does not subset again. */
pb_pdf_text *pb_pdf_text_new(HPDF_Doc pdf, pb_fonts *fonts, const char *cache_dir);
void pb_pdf_text_free(pb_pdf_text *t); /* accepts NULL */

/* Draws a run the layout shaped (pb_glyph_run: glyphs in face, the UTF-8
 * text of their clusters for ToUnicode) at size with its baseline starting
 * at (x, y), char_space points after every character. Nothing is shaped
 * or measured here: each glyph goes where its advance and offset put it.
 * Consecutive runs on one baseline share a text object and a TJ array.
 * Returns the advance drawn, points (0 for an empty run). */
double pb_pdf_text_draw(pb_pdf_text *t, HPDF_Page page, const pb_glyph_run *run, double size,
                        double x, double y, double char_space, pb_rgb color);

/* Closes the open text object on page, if any: call before any other
 * drawing on it and when the page is done. */
void pb_pdf_text_end(pb_pdf_text *t, HPDF_Page page);

/* Writes the fonts used (subsets, widths, ToUnicode) into the document.
 * Call once, after all pages are drawn. Returns 0 or a PB_E* code. */
int pb_pdf_text_finish(pb_pdf_text *t);

#endif
