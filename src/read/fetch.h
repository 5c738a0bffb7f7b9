/* Remote figures: a card may name a figure by an http(s) URL that is not a
 * file of the library's own repository. With fetching on, each such URL is
 * downloaded once (libcurl) into a content-addressed cache under build/, and
 * the figure's path is pointed at the cached file; later builds reuse the
 * cache offline, without --fetch. Only this module talks to the network. */
#ifndef PB_FETCH_H
#define PB_FETCH_H

#include <stddef.h>

#include "model.h"

/* Defaults for the fields of pb_fetch_options left 0. */
#define PB_FETCH_CONNECT_TIMEOUT 10L          /* seconds */
#define PB_FETCH_TIMEOUT 30L                  /* seconds, whole transfer */
#define PB_FETCH_MAX_BYTES ((size_t)20 << 20) /* 20 MB per figure */
#define PB_FETCH_JOBS 4                       /* downloads at a time */

typedef struct {
  int fetch;             /* download figures that are not in the cache */
  const char *cache_dir; /* NULL: <lib->root>/build/cache/fetch */
  long connect_timeout;  /* seconds; 0: PB_FETCH_CONNECT_TIMEOUT */
  long timeout;          /* seconds; 0: $PB_FETCH_TIMEOUT, else PB_FETCH_TIMEOUT */
  size_t max_bytes;      /* 0: $PB_FETCH_MAX_BYTES, else PB_FETCH_MAX_BYTES */
  int jobs;              /* parallel downloads; 0: PB_FETCH_JOBS */
  int no_note;           /* no note about figures left remote: the caller counts
                            those of its selection (pb_fetch_note_missing) */
} pb_fetch_options;

/* The note that n remote figures are not embedded (nothing when n is 0). */
void pb_fetch_note_missing(size_t n);

/* Gives every figure of lib that has a url and no path (http, https, or a
 * bare "www." address, asked for as https) the path of its cached copy, an
 * arena string. The cache is
 * <cache_dir>/url/<hash of the URL> (a small index file naming the content)
 * and <cache_dir>/data/<hash of the bytes>.<ext>, so an image reached by
 * two URLs is stored once; every file is written to a temporary name and
 * renamed.
 *
 * When a URL is not cached and opt->fetch is set, it is downloaded once
 * (however many figures name it), with the timeouts and size limit of opt,
 * at most 5 redirects, http and https only; bytes that are not PNG, JPEG,
 * WebP or GIF are not cached (a github.com ".../blob/..." URL that answers
 * with a web page is tried once more as "?raw=true"). A failure is a
 * warning at the figure's file:line; its path stays NULL, so the layout
 * draws a placeholder with the URL. Without opt->fetch, figures not in the
 * cache are left alone and one note says how many there are.
 *
 * A missing cache directory is not an error (nothing is cached); it is
 * created only when something is downloaded. opt may be NULL (no fetching).
 * The environment variables PB_FETCH_TIMEOUT (seconds) and
 * PB_FETCH_MAX_BYTES replace the defaults, for tests. No connection, a
 * redirect's included, goes to an address pb_fetch_private_kind names
 * (checked once the host name is resolved) unless the user's environment
 * says PAPERBOOK_FETCH_ALLOW_PRIVATE=1. Returns the number of
 * figures that got a path (downloaded now or found in the cache). */
int pb_fetch_figures(pb_library *lib, const pb_fetch_options *opt);

/* The "?raw=true" form of a github.com ".../blob/..." URL (which answers
 * with a web page around the file), malloc'd; NULL for any other URL or one
 * that already asks for the raw file. */
char *pb_fetch_raw_url(const char *url);

/* "loopback", "private" (10/8, 172.16/12, 192.168/16), "link-local"
 * (169.254/16, fe80::/10), "unique-local" (fc00::/7), "unspecified" (0/8,
 * ::) or "non-IP" for an address a library's figure may not be fetched
 * from (IPv4-mapped IPv6 addresses judged as IPv4); NULL for any other. */
struct sockaddr;
const char *pb_fetch_private_kind(const struct sockaddr *sa);

#endif
