/* The PDF back end: draws a laid-out pb_doc with libharu. The pdf stage
 * (src/pdf/: pdf.c, pdf_save.c, pdf_image.c, pdf_text.c) is the only one
 * that includes hpdf.h; the build poisons it for every other stage. Fonts are subset before libharu
 * sees them; figures go in through the object layer; the file is written to
 * a temporary name beside the target and renamed only when complete. */
#ifndef PB_PDF_H
#define PB_PDF_H

#include "layout.h"

typedef struct {
  double dpi;            /* figure downsampling, 0 = full resolution */
  const char *cache_dir; /* encoded-figure cache, NULL = none */
  int threads;           /* figure encoding threads, 0 = pb_jobs() */
  int compress;          /* deflate content streams (default on) */
  int gray;              /* figures in grayscale (print mode) */
} pb_pdf_options;

void pb_pdf_options_default(pb_pdf_options *o);

/* Writes doc to path. Returns 0 or a PB_E* code (diagnostics printed). On
 * failure the previous file at path, if any, is untouched. The figures the
 * plan judged are read from its streams; an image no plan judged is encoded
 * here, and one that fails is drawn as a placeholder (with a warning). */
int pb_pdf_write(const pb_doc *doc, const pb_pdf_options *opt, const char *path);

/* The figures of a doc, ready to draw (pdf_image.h): the plan's streams,
 * and the ones encoded here (--dpi's smaller streams, images no plan
 * judged), each failure reported at its card's file:line. */
typedef struct pb_figset pb_figset;
pb_figset *pb_figset_prepare(const pb_doc *doc, const pb_pdf_options *opt);
void pb_figset_free(pb_figset *fs); /* accepts NULL; call after the write */

#endif
