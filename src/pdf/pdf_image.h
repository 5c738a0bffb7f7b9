/* Figures for the PDF back end: the streams the plan judged (and the few
 * encoded here, in parallel, through the content-addressed cache), handed to
 * libharu as image XObjects whose bytes are read at save time and freed
 * right after. */
#ifndef PB_PDF_IMAGE_H
#define PB_PDF_IMAGE_H

#include <hpdf.h>

#include "layout.h"
#include "pdf.h"

/* pb_figset_prepare and pb_figset_free are in pdf.h. */

/* 1 when image i cannot be drawn (a placeholder is). */
int pb_figset_failed(const pb_figset *fs, size_t i);
/* The XObject for image i, created on first use; NULL on failure. */
HPDF_Image pb_figset_xobject(pb_figset *fs, HPDF_Doc pdf, size_t i);

#endif
