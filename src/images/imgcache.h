/* A content-addressed cache of encoded figure streams: one file per
 * (source bytes, encode options, encoder version), so that rebuilding after
 * editing one card re-encodes no figure. Besides streams it keeps, by the
 * same content hash, the verdicts of figures judged only (the LaTeX
 * export's) and the files other outputs make of a figure (the mail's JPEG
 * thumbnails, the LaTeX export's PNGs). Files are written to a temporary
 * name and renamed, so a crash never leaves a half-written entry under a
 * real name; the directory is kept under a size cap by deleting the entries
 * used least recently (mtime is refreshed on every hit).
 *
 * Thread-safe: lookups and stores from several threads need no lock (the
 * file system arbitrates, and a duplicate store just renames over an equal
 * file). Only pb_imgcache_trim should run alone. */
#ifndef PB_IMGCACHE_H
#define PB_IMGCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "images.h"

/* Default size cap: 256 MB. */
#define PB_IMGCACHE_DEFAULT_CAP ((uint64_t)256 << 20)

typedef struct pb_imgcache pb_imgcache;

/* A content hash: 128 bits plus the length. */
typedef struct {
  uint64_t h[2];
  uint64_t len;
} pb_imgcache_hash;

/* What an entry holds. */
typedef enum {
  PB_IMGCACHE_STREAM,  /* a PDF image stream: meta, data and smask */
  PB_IMGCACHE_VERDICT, /* nothing but the verdict (pb_encode_options.judge_only): meta has
                          the displayed width and height, no data */
  PB_IMGCACHE_FILE     /* a whole image file made from the figure: data is the file (a JPEG
                          when meta.filter is DCTDecode, else a PNG), meta has its size */
} pb_imgcache_kind;

/* Where an entry's streams are, and everything else about them: meta has the
 * stream's fields with empty data/smask buffers and a malloc'd palette (free
 * it with pb_image_stream_free). */
typedef struct {
  pb_imgcache_kind kind;
  pb_image_stream meta;
  uint64_t data_off, data_len;
  uint64_t smask_off, smask_len;
} pb_imgcache_entry;

/* Opens (creating it and its parents) the cache directory dir. cap 0 means
 * PB_IMGCACHE_DEFAULT_CAP; UINT64_MAX means unbounded. Returns NULL with a
 * message in err when the directory cannot be created. */
pb_imgcache *pb_imgcache_open(const char *dir, uint64_t cap, char *err, size_t errlen);
/* Closes; with remove_all, deletes every entry and the directory itself
 * (for private temporary caches). Accepts NULL. */
void pb_imgcache_close(pb_imgcache *c, int remove_all);
const char *pb_imgcache_dir(const pb_imgcache *c);

/* Hashes data[0..len). Not cryptographic: content addressing only. */
pb_imgcache_hash pb_imgcache_hash_bytes(const void *data, size_t len);
/* The entry name for content hash h encoded with opt (NULL = defaults):
 * 32 hex digits + ".pbi", written into name (at least 40 bytes). */
void pb_imgcache_name(const pb_imgcache_hash *h, const pb_encode_options *opt, char name[40]);

/* Looks name up. Returns 1 and fills e on a hit (refreshing the entry's
 * mtime), 0 on a miss; a damaged entry is deleted and counts as a miss. */
int pb_imgcache_lookup(pb_imgcache *c, const char *name, pb_imgcache_entry *e);
/* Stores s under name (temp file + rename) and fills e as a lookup would.
 * Returns 0 or PB_EIO with a message in err. */
int pb_imgcache_store(pb_imgcache *c, const char *name, const pb_image_stream *s,
                      pb_imgcache_entry *e, char *err, size_t errlen);
/* The path of entry name, malloc'd. */
char *pb_imgcache_path(const pb_imgcache *c, const char *name);
/* Appends len bytes at off of the file at path to out. 0 or PB_EIO. */
int pb_imgcache_read(const char *path, uint64_t off, uint64_t len, pb_buf *out);
/* Deletes least recently used entries until the total is under the cap,
 * and temporary files older than an hour. Returns the number deleted. */
int pb_imgcache_trim(pb_imgcache *c);

/* ---- encoding many figures at once ------------------------------------ */

/* One figure to encode, and the verdict on it. A figure's verdict is the
 * encoder's: its data decoded (and, for a pass-through, its compressed
 * data checked), not only its header. The plan judges every figure this
 * way once, and the PDF back end reads the streams judged (struct tag
 * pb_figstream: the plan and the layout carry it as an opaque pointer). */
typedef struct pb_figstream {
  const char *path;      /* in: the file (borrowed) */
  pb_encode_options opt; /* in: placed_w/h the size it is drawn at (--dpi); judge_only
                            for a verdict without a stream */
  /* out */
  pb_imgcache *cache; /* the cache of the batch (borrowed), for the files below */
  int failed;         /* the file could not be read or encoded */
  char err[256];      /* why, for a message (nothing is reported here) */
  char name[40];      /* the cache entry (content hash + options) */
  char *file;         /* its path in the cache, malloc'd */
  pb_imgcache_entry entry;
  /* private: the batch's own */
  pb_imgcache_hash hash;
  pb_buf bytes;
  size_t first; /* the first job with the same content */
} pb_figstream;

/* Encodes jobs[0..n) into c (each file read once and hashed; identical
 * content is looked up or encoded once, at the largest placed size of its
 * jobs, and every job with it gets the same name and entry), with up to
 * threads workers (threads < 1: pb_jobs(), jobs.h). Counts one progress
 * step per distinct content. Workers report nothing and touch no shared
 * state besides their own jobs and the cache directory, so the verdicts are
 * the same for any number of threads; failures are left in failed/err for
 * the caller to report in its own order. */
void pb_imgcache_encode_all(pb_imgcache *c, pb_figstream *jobs, size_t n, int threads);
/* Frees what a job owns (file, entry's palette, bytes); accepts NULL. */
void pb_figstream_free(pb_figstream *job);

/* ---- files made from a judged figure ---------------------------------- */

/* For outputs that do not draw PDF streams: fig is a job of
 * pb_imgcache_encode_all that did not fail (its verdict is the one these
 * follow; nothing is judged again). On a miss the figure's file is read
 * again, and when its bytes are no longer those judged that is an error
 * ("changed since it was judged"), never another verdict. */

/* The file xelatex includes for fig (pb_image_latex_file): appended to out,
 * with *ext "png" or "jpg" and *angle the rotation to apply. A file made
 * from the figure (a WebP, a GIF, a PNG without IEND converted to PNG) is
 * kept in the cache by the figure's content, so a second export costs one
 * lookup; a JPEG or PNG xelatex reads as it is is the figure's own bytes.
 * Returns 0, or a PB_E* code with a message in err. */
int pb_imgcache_latex_file(const pb_figstream *fig, pb_buf *out, const char **ext, int *angle,
                           char *err, size_t errlen);
/* fig's JPEG thumbnail (pb_image_thumbnail with these arguments) appended
 * to out, its pixels in *w, *h; kept in the cache by the figure's content
 * and the arguments, so the same figure mailed again costs one lookup.
 * Returns 0, or a PB_E* code with a message in err. */
int pb_imgcache_thumbnail(const pb_figstream *fig, int max_w, int max_h, int quality, pb_buf *out,
                          int *w, int *h, char *err, size_t errlen);
#endif
