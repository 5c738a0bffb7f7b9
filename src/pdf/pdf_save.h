/* Saving the document faster than libharu's HPDF_SaveToFile, with the same
 * bytes: page content streams compressed before the save on every core,
 * with the same zlib settings libharu uses (libharu deflates each stream
 * on the saving thread: a fifth of a warm build of the 2024 archive), and
 * the file written in 1 MB blocks instead of libharu's 4 KB stdio writes.
 *
 * Used from the thread that owns the document, after the last drawing on
 * its pages. */
#ifndef PB_PDF_SAVE_H
#define PB_PDF_SAVE_H

#include <hpdf.h>
#include <stddef.h>

/* Compresses every stream libharu would deflate on the save and that has
 * nothing hooked to its writing: the content stream of each of the n pages
 * whose drawing is complete (no open path, text object or saved graphics
 * state), the fonts and ToUnicode maps. libharu gets the compressed bytes
 * as a stream it writes as it is, with the /Filter it would have written.
 * Streams it cannot take (compression off, a page in another state, out
 * of memory) are left to libharu. The returned object owns the compressed
 * bytes and must outlive the save; free it with pb_pdf_deflate_free after
 * HPDF_Free or the save. */
typedef struct pb_pdf_deflate pb_pdf_deflate;
pb_pdf_deflate *pb_pdf_deflate_pages(HPDF_Doc pdf, HPDF_Page *pages, size_t n);
void pb_pdf_deflate_free(pb_pdf_deflate *d);

/* Saves the document to fd (open for writing, at its start), as
 * HPDF_SaveToFile would write it. Returns HPDF_OK or libharu's error, which
 * has then gone through the document's error handler (a failed write with
 * errno set, as HPDF_FILE_IO_ERROR). */
HPDF_STATUS pb_pdf_save_fd(HPDF_Doc pdf, int fd);

#endif
