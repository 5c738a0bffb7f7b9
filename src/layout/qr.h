/* QR codes on the layout's pages (layout stage): one module matrix per
 * text, kept in the store (one record for all the codes), and one PB_ITEM_QR item per code drawn.
 * Used by the booklet (layout.c) and the minutes' handout (layout_sessions.c). */
#ifndef PB_QR_H
#define PB_QR_H

#include "layout.h"

/* The modules of uri's QR code (n x n bytes, 1 = dark; malloc'd), or NULL
 * when it cannot be encoded (too long). store_root is the cache directory
 * (NULL or "" with --no-cache). */
unsigned char *pb_qr_modules(const char *store_root, const char *uri, int *n);

/* Writes the codes made since the store was read back to it (one record
 * for all: qr.c), when there are any. Called once the pages are drawn. */
void pb_qr_save_store(void);

/* Puts a QR code of text on pg, size points square, its top-left corner at
 * (x, top), one quiet module each side. Returns 0, or -1 when it cannot be
 * encoded or the link policy refuses text (a QR code is a link on paper). */
int pb_qr_add(pb_doc *doc, pb_page *pg, const char *store_root, const char *text, double x,
              double top, double size);

#endif
