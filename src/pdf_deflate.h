/* Page content streams compressed before libharu saves the document, on
 * every core, with the same zlib settings libharu uses (so the PDF is the
 * same, byte for byte): libharu deflates each stream on the saving thread,
 * about a fifth of a warm build of the 2024 archive.
 *
 * Used from the thread that owns the document, after the last drawing on
 * its pages and before it is saved. */
#ifndef PB_PDF_DEFLATE_H
#define PB_PDF_DEFLATE_H

#include <hpdf.h>
#include <stddef.h>

/* Compresses the content stream of each of the n pages whose drawing is
 * complete (no open path, text object or saved graphics state) and hands
 * the compressed bytes to libharu as a stream it writes as it is, with the
 * /Filter libharu would have written. Pages it cannot take (compression
 * off, a page in another state, out of memory) are left to libharu.
 * The returned object owns the compressed bytes and must outlive the
 * save; free it with pb_pdf_deflate_free after HPDF_Free or the save. */
typedef struct pb_pdf_deflate pb_pdf_deflate;
pb_pdf_deflate *pb_pdf_deflate_pages(HPDF_Doc pdf, HPDF_Page *pages, size_t n);
void pb_pdf_deflate_free(pb_pdf_deflate *d);

#endif
