/* Stand-ins for pdf_image.c while it is not in the tree: every figure
 * fails, so the renderer draws placeholders. Linked into pdf_test only when
 * src/pdf_image.c does not exist (tests/pdf.cmake). */
#include <stdio.h>

#include "pdf_image.h"

static char dummy;

pb_figset *pb_figset_prepare(const pb_doc *doc, const pb_pdf_options *opt) {
  (void)doc;
  (void)opt;
  printf("figures: stub\n");
  return (pb_figset *)&dummy;
}

int pb_figset_failed(const pb_figset *fs, size_t i) {
  (void)fs;
  (void)i;
  return 1;
}

HPDF_Image pb_figset_xobject(pb_figset *fs, HPDF_Doc pdf, size_t i) {
  (void)fs;
  (void)pdf;
  (void)i;
  return NULL;
}

void pb_figset_free(pb_figset *fs) { (void)fs; }
