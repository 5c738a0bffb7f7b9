/* The content-addressed store (base stage): a record kept under
 * <cache root>/<kind>/<hash of its key><ext>, read back while its key is
 * the same; the key holds every input the record depends on. Writing is
 * atomic (a temporary file renamed, mem.c's pb_write_file_atomic);
 * reading never follows a symbolic link and stops at a size cap. A store
 * is a cache: every failure (no record, a damaged one, a link, a kind
 * directory that is a link) is a miss, never an error; the caller's own
 * check of what it reads (a magic line, the key written back, a format
 * sniffed) turns a damaged record into a miss too.
 *
 * Users: the layout's QR codes (qr/) and HarfBuzz's shaping results
 * (shapes/, fonts.c), broken paragraphs (paras/, para.c), fontconfig's
 * answers (fontconfig/, fonts.c), figures' content hashes by file identity
 * (figids/, imgcache.c); under the thumbnail directory, the deck
 * index (decks/, slides.c: keyed by the deck file's path, inode, size and time), the thumbnails
 * (images/, by their bytes) and the renderings they come from (pdf/ and html/, slides_deck.c: keyed
 * by the deck's or page's bytes and the thumbnail width); the download cache (fetch.c: url/
 * indexes, by the URL as written, the image kept in data/ by its bytes) and the enrich cache
 * (enrich.c: q/ indexes, by the lookup key, the answer kept in data/ by
 * its bytes). */
#ifndef PB_STORE_H
#define PB_STORE_H

#include <stddef.h>

#include "mem.h"

/* The path of the record of key[0..klen) of kind under root (malloc'd):
 * root/kind/HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH.ext, 128 bits of hash;
 * NULL when root is NULL or empty. ext includes its dot ("" for none). */
char *pb_store_path(const char *root, const char *kind, const void *key, size_t klen,
                    const char *ext);
/* The file name of key's record (the last step of pb_store_path): what an
 * index record writes to name a record kept by another key. */
#define PB_STORE_NAME_MAX 48
void pb_store_name(const void *key, size_t klen, const char *ext, char out[PB_STORE_NAME_MAX]);
/* The path (malloc'd) of the record of kind under root named name (as
 * pb_store_name gives it: 32 hex digits and an extension of letters and
 * digits), when it is a regular file reached without a symbolic link in its
 * last two steps; else NULL. For a record used as a file (a figure to
 * embed) rather than read. */
char *pb_store_find(const char *root, const char *kind, const char *name);
/* Reads the record named name into out, as pb_store_get does. */
int pb_store_get_named(const char *root, const char *kind, const char *name, size_t max_bytes,
                       pb_buf *out);
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
