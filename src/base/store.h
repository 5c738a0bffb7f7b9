/* The content-addressed store (base stage): a record kept under
 * <cache root>/<kind>/<hash of its inputs><ext>, read back while its inputs
 * are the same. Writing is atomic (a temporary file renamed, mem.c's
 * pb_write_file_atomic); reading never follows a symbolic link and stops
 * at a size cap. A store is a cache: every failure is a miss, never an
 * error. Used by the layout's QR codes (qr/), HarfBuzz's shaping results
 * (shapes/, fonts.c), broken paragraphs (paras/, para.c) and the deck index
 * (thumbs/decks/); the download, enrich and thumbnail caches still keep
 * their own files. */
#ifndef PB_STORE_H
#define PB_STORE_H

#include <stddef.h>

#include "mem.h"

/* The path of the record of key[0..klen) of kind under root (malloc'd):
 * root/kind/HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH.ext, 128 bits of hash;
 * NULL when root is NULL or empty. ext includes its dot ("" for none). */
char *pb_store_path(const char *root, const char *kind, const void *key, size_t klen,
                    const char *ext);
/* Reads the record into out (replacing its contents). Returns 0 when there
 * is one of at most max_bytes that is a regular file reached without a
 * symbolic link in its last two steps (kind directory, file); else -1. */
int pb_store_get(const char *root, const char *kind, const void *key, size_t klen, const char *ext,
                 size_t max_bytes, pb_buf *out);
/* Writes the record (making root/kind when missing; never through a kind
 * directory that is a symbolic link). Returns 0 or -1. */
int pb_store_put(const char *root, const char *kind, const void *key, size_t klen, const char *ext,
                 const void *data, size_t len);

#endif
