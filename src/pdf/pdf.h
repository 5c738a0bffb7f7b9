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
  int threads;           /* figure encoding threads, 0 = all cores */
  int compress;          /* deflate content streams (default on) */
  int gray;              /* figures in grayscale (print mode) */
} pb_pdf_options;

void pb_pdf_options_default(pb_pdf_options *o);

/* Writes doc to path. Returns 0 or a PB_E* code (diagnostics printed). On
 * failure the previous file at path, if any, is untouched. Figures are
 * prepared here; one that fails to encode is drawn as a placeholder that
 * the doc does not show (use the two steps below to avoid that). */
int pb_pdf_write(const pb_doc *doc, const pb_pdf_options *opt, const char *path);

/* The figures of a doc, encoded (or found in the cache) before anything is
 * drawn, so that a caller can lay out again without the ones that failed.
 * Each failure is reported at its card's file:line. */
typedef struct pb_figset pb_figset;
pb_figset *pb_figset_prepare(const pb_doc *doc, const pb_pdf_options *opt);
/* Why image i of the doc could not be encoded; NULL when it is ready. */
const char *pb_figset_error(const pb_figset *fs, size_t i);
void pb_figset_free(pb_figset *fs); /* accepts NULL; call after the write */

/* pb_pdf_write with figs from pb_figset_prepare for this same doc and opt
 * (borrowed; NULL: prepared here). */
int pb_pdf_write_prepared(const pb_doc *doc, const pb_pdf_options *opt, pb_figset *figs,
                          const char *path);

#endif
