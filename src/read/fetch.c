/* Remote figures: download once, cache by content, reuse offline (see
 * fetch.h).
 *
 * The cache is two kinds of the content-addressed store (store.h) under
 * the cache directory:
 *   url/<32 hex>        index, keyed by the URL as written in the card; holds
 *                       "paperbook-fetch 1\n<data name>\n<URL>\n" so that a
 *                       hash collision is noticed instead of trusted
 *   data/<32 hex>.<ext> the image bytes, keyed by the bytes, so an image
 *                       reached by several URLs is stored once
 * A URL's record lives until the next --fetch replaces it (no expiry: the
 * servers of figures give none that the cards could rely on). Every failure
 * to read it (gone, damaged, a link) is a miss. */
#include "fetch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curlapi.h"
#include "diag.h"
#include "images.h"
#include "progress.h"
#include "store.h"

#define INDEX_MAGIC "paperbook-fetch 1\n"
#define MAX_REDIRECTS 5L

/* ==================================================================== */
/* Small helpers                                                         */
/* ==================================================================== */

/* libcurl's functions, opened when a download is first needed */
static const pb_curl_api *cu;

static int is_http_url(const char *s) {
  return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

/* What to ask the server for: the URL as written, or https:// before a
 * bare "www." address (which cards write and browsers accept). NULL for
 * other schemes. malloc'd. */
static char *request_url(const char *url) {
  if (is_http_url(url)) return pb_xstrdup(url);
  if (strncasecmp(url, "www.", 4) != 0) return NULL;
  size_t n = strlen(url) + sizeof "https://";
  char *out = pb_xmalloc(n);
  snprintf(out, n, "https://%s", url);
  return out;
}

/* The image format of the first bytes of the file at path, or UNKNOWN. */
static pb_img_format sniff_file(const char *path) {
  unsigned char head[64];
  FILE *f = fopen(path, "rb");
  if (!f) return PB_IMG_UNKNOWN;
  size_t n = fread(head, 1, sizeof head, f);
  fclose(f);
  const char *name;
  return pb_image_sniff(head, n, &name);
}

static int embeddable(pb_img_format f) {
  return f == PB_IMG_PNG || f == PB_IMG_JPEG || f == PB_IMG_WEBP || f == PB_IMG_GIF;
}

static const char *format_ext(pb_img_format f) {
  switch (f) {
  case PB_IMG_PNG: return "png";
  case PB_IMG_JPEG: return "jpg";
  case PB_IMG_WEBP: return "webp";
  case PB_IMG_GIF: return "gif";
  default: return "bin";
  }
}

char *pb_fetch_raw_url(const char *url) {
  static const char *const hosts[] = {"https://github.com/", "http://github.com/",
                                      "https://www.github.com/", "http://www.github.com/"};
  const char *rest = NULL;
  for (size_t i = 0; i < sizeof hosts / sizeof *hosts && !rest; i++)
    if (strncasecmp(url, hosts[i], strlen(hosts[i])) == 0) rest = url + strlen(hosts[i]);
  if (!rest) return NULL;
  /* OWNER/REPO/blob/... */
  const char *slash = strchr(rest, '/');
  if (!slash || slash == rest) return NULL;
  const char *repo_end = strchr(slash + 1, '/');
  if (!repo_end || repo_end == slash + 1 || strncmp(repo_end, "/blob/", 6) != 0) return NULL;
  if (strchr(url, '#')) return NULL;
  const char *query = strchr(url, '?');
  if (query && (strstr(query, "raw=true") || strstr(query, "raw=1"))) return NULL;
  size_t n = strlen(url) + sizeof "&raw=true";
  char *out = pb_xmalloc(n);
  snprintf(out, n, "%s%sraw=true", url, query ? (query[1] ? "&" : "") : "?");
  return out;
}

/* ==================================================================== */
/* Cache                                                                 */
/* ==================================================================== */

/* The cached file for url (malloc'd), or NULL when there is none, it was
 * written for another URL with the same hash, or it is no image: the index
 * record (url/, keyed by the URL as written) names the data record (data/,
 * named by the image's bytes); the store reaches neither through a link. */
static char *cache_lookup(const char *dir, const char *url) {
  pb_buf idx = PB_BUF_INIT;
  char *result = NULL;
  if (pb_store_get(dir, "url", url, strlen(url), "", 65536, &idx) != 0) goto done;
  size_t ml = strlen(INDEX_MAGIC);
  if (idx.len < ml || memcmp(idx.data, INDEX_MAGIC, ml) != 0) goto done;
  char *name = idx.data + ml;
  char *nl = strchr(name, '\n');
  if (!nl) goto done;
  const char *u = nl + 1;
  size_t ul = strlen(url);
  if (strncmp(u, url, ul) != 0 || u[ul] != '\n') goto done;
  *nl = 0;
  /* a regular file of the cache's own, never a link a clone committed (it
   * could name a picture of the user's, to be embedded in the PDF), and an
   * image still (a damaged file is a miss, repaired by the next --fetch) */
  result = pb_store_find(dir, "data", name);
  if (result && !embeddable(sniff_file(result))) {
    free(result);
    result = NULL;
  }
done:
  pb_buf_free(&idx);
  return result;
}

/* Stores body as url's image; returns the data file (malloc'd) or NULL
 * with a message in err. */
static char *cache_store(const char *dir, const char *url, const pb_buf *body, pb_img_format fmt,
                         char *err, size_t errlen) {
  char ext[16], name[PB_STORE_NAME_MAX];
  snprintf(ext, sizeof ext, ".%s", format_ext(fmt));
  pb_store_name(body->data, body->len, ext, name);
  /* Written even when the name exists (the same bytes reached by another
   * URL): renaming over it costs little and repairs a damaged file. */
  if (pb_store_put(dir, "data", body->data, body->len, ext, body->data, body->len) != 0) {
    snprintf(err, errlen, "cannot write to the cache %s/data: %s", dir, strerror(errno));
    return NULL;
  }
  pb_buf idx = PB_BUF_INIT;
  pb_buf_printf(&idx, "%s%s\n%s\n", INDEX_MAGIC, name, url);
  int rc = pb_store_put(dir, "url", url, strlen(url), "", idx.data, idx.len);
  pb_buf_free(&idx);
  if (rc != 0) {
    snprintf(err, errlen, "cannot write to the cache %s/url: %s", dir, strerror(errno));
    return NULL;
  }
  return pb_store_find(dir, "data", name);
}

/* ==================================================================== */
/* Downloads                                                             */
/* ==================================================================== */

/* One URL, however many figures name it. */
typedef struct {
  const char *url; /* as written (arena); the cache key */
  char *get_url;   /* what is requested (malloc'd) */
  char *raw_url;   /* the ?raw=true retry, once tried (malloc'd) */
  char *path;      /* cached file (malloc'd), NULL when none */
  char *error;     /* why not (malloc'd), NULL when no attempt failed */
  pb_buf body;
  size_t max_bytes;
  int too_large;
  int allow_private; /* PAPERBOOK_FETCH_ALLOW_PRIVATE=1: the user's override */
  char refused[64];  /* an address the connection was refused to, "" if none */
  char curl_err[CURL_ERROR_SIZE];
  CURL *easy;
} fetch_job;

typedef struct {
  const pb_entry *entry;
  pb_figure *fig;
  size_t job;
} figure_ref;

static size_t on_data(char *data, size_t size, size_t n, void *user) {
  fetch_job *j = user;
  size_t len = size * n;
  if (j->body.len + len > j->max_bytes) {
    j->too_large = 1;
    return 0; /* ends the transfer with CURLE_WRITE_ERROR */
  }
  pb_buf_append(&j->body, data, len);
  return len;
}

/* What kind of address a card's URL may not reach (loopback, private,
 * link-local, unique-local, unspecified), or NULL when it may. */
static const char *private_kind_v4(const unsigned char a[4]) {
  if (a[0] == 127) return "loopback";
  if (a[0] == 0) return "unspecified";
  if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168))
    return "private";
  if (a[0] == 169 && a[1] == 254) return "link-local";
  return NULL;
}

const char *pb_fetch_private_kind(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET)
    return private_kind_v4((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr);
  if (sa->sa_family != AF_INET6) return "non-IP";
  const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
  static const unsigned char zero[16], mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (memcmp(b, mapped, 12) == 0) return private_kind_v4(b + 12); /* ::ffff:a.b.c.d */
  if (memcmp(b, zero, 15) == 0 && b[15] == 1) return "loopback";  /* ::1 */
  if (memcmp(b, zero, 16) == 0) return "unspecified";             /* :: */
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local"; /* fe80::/10 */
  if ((b[0] & 0xfe) == 0xfc) return "unique-local";               /* fc00::/7 */
  return NULL;
}

/* Every connection a transfer opens, redirects' too, goes to an address
 * checked here after name resolution: a host name that resolves to
 * 127.0.0.1 or the intranet is refused like the literal address. */
static curl_socket_t open_socket(void *user, curlsocktype purpose, struct curl_sockaddr *addr) {
  fetch_job *j = user;
  (void)purpose;
  const char *kind = j->allow_private ? NULL : pb_fetch_private_kind(&addr->addr);
  if (kind) {
    char ip[INET6_ADDRSTRLEN] = "?";
    const void *src = addr->family == AF_INET6
                          ? (const void *)&((const struct sockaddr_in6 *)&addr->addr)->sin6_addr
                          : (const void *)&((const struct sockaddr_in *)&addr->addr)->sin_addr;
    if (addr->family == AF_INET || addr->family == AF_INET6)
      inet_ntop(addr->family, src, ip, sizeof ip);
    snprintf(j->refused, sizeof j->refused, "%s (%s)", ip, kind);
    return CURL_SOCKET_BAD;
  }
  return socket(addr->family, addr->socktype, addr->protocol);
}

static void set_error(fetch_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(fetch_job *j, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  free(j->error);
  j->error = pb_xstrdup(tmp);
}

typedef struct {
  long connect_timeout, timeout;
  size_t max_bytes;
  int jobs;
} limits;

static long env_long(const char *name) {
  const char *s = getenv(name);
  if (!s || !*s) return 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (*end || v <= 0) {
    pb_warn(NULL, 0, "%s='%s' is not a positive number; ignored", name, s);
    return 0;
  }
  return v > (long long)(LONG_MAX / 2) ? LONG_MAX / 2 : (long)v;
}

static void start_transfer(CURLM *multi, fetch_job *j, const char *url, const limits *lim) {
  pb_buf_reset(&j->body);
  j->too_large = 0;
  j->refused[0] = 0;
  j->curl_err[0] = 0;
  j->max_bytes = lim->max_bytes;
  if (!j->easy) {
    j->easy = cu->easy_init();
    if (!j->easy) {
      fprintf(stderr, "paperbook: out of memory (curl)\n");
      abort();
    }
  }
  CURL *c = j->easy;
  cu->easy_setopt(c, CURLOPT_URL, url);
  cu->easy_setopt(c, CURLOPT_PRIVATE, (void *)j);
  cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  cu->easy_setopt(c, CURLOPT_WRITEDATA, (void *)j);
  cu->easy_setopt(c, CURLOPT_ERRORBUFFER, j->curl_err);
  cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  cu->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  cu->easy_setopt(c, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
  cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  cu->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  cu->easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  cu->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  cu->easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT, lim->connect_timeout);
  cu->easy_setopt(c, CURLOPT_TIMEOUT, lim->timeout);
  cu->easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)lim->max_bytes);
  cu->easy_setopt(c, CURLOPT_USERAGENT, "paperbook/" PB_VERSION);
  cu->easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  cu->easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  cu->easy_setopt(c, CURLOPT_OPENSOCKETDATA, (void *)j);
  cu->multi_add_handle(multi, c);
}

/* Handles a finished transfer. Returns 1 when it was started again (the
 * ?raw=true form of a GitHub page), 0 when the job is done. */
static int finish_transfer(CURLM *multi, fetch_job *j, CURLcode rc, const char *dir,
                           const limits *lim) {
  if (j->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    set_error(j, "larger than the limit of %zu bytes", lim->max_bytes);
    return 0;
  }
  if (rc != CURLE_OK && j->refused[0]) {
    set_error(j,
              "refused to connect to %s: a library's figures do not reach local or intranet "
              "addresses (PAPERBOOK_FETCH_ALLOW_PRIVATE=1 allows it)",
              j->refused);
    return 0;
  }
  if (rc != CURLE_OK) {
    set_error(j, "%s", j->curl_err[0] ? j->curl_err : cu->easy_strerror(rc));
    return 0;
  }
  const char *fmt_name = "unknown";
  pb_img_format fmt = pb_image_sniff(j->body.data ? j->body.data : "", j->body.len, &fmt_name);
  if (!embeddable(fmt)) {
    char *raw = j->raw_url ? NULL : pb_fetch_raw_url(j->get_url);
    if (raw) {
      j->raw_url = raw;
      start_transfer(multi, j, raw, lim);
      return 1;
    }
    char *ctype = NULL;
    cu->easy_getinfo(j->easy, CURLINFO_CONTENT_TYPE, &ctype);
    if (fmt == PB_IMG_OTHER)
      set_error(j, "the server sent a %s image, which cannot be embedded", fmt_name);
    else
      set_error(j, "the server sent %zu bytes of %s, not an image", j->body.len,
                ctype && *ctype ? ctype : "unknown content");
    return 0;
  }
  char err[512];
  j->path = cache_store(dir, j->url, &j->body, fmt, err, sizeof err);
  if (!j->path) set_error(j, "%s", err);
  return 0;
}

/* Downloads queue[0..n) with at most lim->jobs transfers at a time. */
static void download_all(fetch_job **queue, size_t n, const char *dir, const limits *lim) {
  CURLM *multi = cu->multi_init();
  if (!multi) {
    fprintf(stderr, "paperbook: out of memory (curl)\n");
    abort();
  }
  pb_progress_stage("downloading figures", n);
  size_t next = 0;
  int active = 0;
  while (next < n || active > 0) {
    while (active < lim->jobs && next < n) {
      fetch_job *j = queue[next++];
      start_transfer(multi, j, j->get_url, lim);
      active++;
    }
    int running = 0;
    CURLMcode mc = cu->multi_perform(multi, &running);
    if (mc != CURLM_OK) {
      /* Only a broken multi handle gets here; fail what is left. */
      for (size_t i = 0; i < n; i++)
        if (!queue[i]->path && !queue[i]->error) set_error(queue[i], "%s", cu->multi_strerror(mc));
      break;
    }
    CURLMsg *msg;
    int left;
    while ((msg = cu->multi_info_read(multi, &left))) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL *easy = msg->easy_handle;
      CURLcode rc = msg->data.result;
      void *priv = NULL;
      cu->easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
      fetch_job *j = priv;
      cu->multi_remove_handle(multi, easy);
      if (!finish_transfer(multi, j, rc, dir, lim)) {
        pb_buf_free(&j->body);
        active--;
        pb_progress_step(1);
      }
    }
    if (active > 0) cu->multi_poll(multi, NULL, 0, 1000, NULL);
  }
  pb_progress_done();
  for (size_t i = 0; i < n; i++) {
    if (queue[i]->easy) {
      cu->multi_remove_handle(multi, queue[i]->easy);
      cu->easy_cleanup(queue[i]->easy);
      queue[i]->easy = NULL;
    }
  }
  cu->multi_cleanup(multi);
}

/* ==================================================================== */
/* Figures                                                               */
/* ==================================================================== */

static const figure_ref *sort_refs; /* for the qsort comparator */
static int by_url(const void *a, const void *b) {
  const size_t *x = a, *y = b;
  int c = strcmp(sort_refs[*x].fig->url, sort_refs[*y].fig->url);
  return c ? c : (*x > *y) - (*x < *y);
}

void pb_fetch_note_missing(size_t missing) {
  if (missing > 0)
    pb_note(NULL, 0,
            "%zu remote figure%s not embedded; use --fetch to download %s (until then each "
            "prints as a one-line note with a QR code in the margin; --fetch saves %s once under "
            "the cache's fetch/ directory and prints the figure%s, offline afterwards)",
            missing, missing == 1 ? "" : "s", missing == 1 ? "it" : "them",
            missing == 1 ? "it" : "them", missing == 1 ? "" : "s");
}

int pb_fetch_figures(pb_library *lib, const pb_fetch_options *opt) {
  pb_fetch_options none = {0};
  if (!opt) opt = &none;

  /* The remote figures, in library order. */
  figure_ref *refs = NULL;
  size_t nrefs = 0, caprefs = 0;
  for (size_t i = 0; i < lib->nentries; i++) {
    pb_entry *e = lib->entries[i];
    for (size_t k = 0; k < e->nfigures; k++) {
      pb_figure *f = &e->figures[k];
      if (f->path || !f->url) continue;
      if (nrefs == caprefs) {
        caprefs = caprefs ? caprefs * 2 : 16;
        refs = pb_xrealloc(refs, caprefs * sizeof *refs);
      }
      refs[nrefs++] = (figure_ref){e, f, 0};
    }
  }
  if (nrefs == 0) return 0;

  char *dir = NULL;
  if (opt->cache_dir) {
    dir = pb_xstrdup(opt->cache_dir);
  } else {
    char *build = pb_path_join(lib->root ? lib->root : ".", "build");
    char *cache = pb_path_join(build, "cache");
    dir = pb_path_join(cache, "fetch");
    free(build);
    free(cache);
  }

  /* One job per distinct URL. */
  size_t *order = pb_xmalloc(nrefs * sizeof *order);
  for (size_t i = 0; i < nrefs; i++) order[i] = i;
  sort_refs = refs;
  qsort(order, nrefs, sizeof *order, by_url);
  sort_refs = NULL;
  fetch_job *jobs = pb_xcalloc(nrefs, sizeof *jobs);
  size_t njobs = 0;
  for (size_t i = 0; i < nrefs; i++) {
    figure_ref *r = &refs[order[i]];
    if (njobs == 0 || strcmp(jobs[njobs - 1].url, r->fig->url) != 0)
      jobs[njobs++].url = r->fig->url;
    r->job = njobs - 1;
  }
  free(order);

  limits lim;
  lim.connect_timeout = opt->connect_timeout > 0 ? opt->connect_timeout : PB_FETCH_CONNECT_TIMEOUT;
  lim.timeout = opt->timeout > 0 ? opt->timeout : env_long("PB_FETCH_TIMEOUT");
  if (lim.timeout <= 0) lim.timeout = PB_FETCH_TIMEOUT;
  if (lim.connect_timeout > lim.timeout) lim.connect_timeout = lim.timeout;
  lim.max_bytes = opt->max_bytes ? opt->max_bytes : (size_t)env_long("PB_FETCH_MAX_BYTES");
  if (!lim.max_bytes) lim.max_bytes = PB_FETCH_MAX_BYTES;
  lim.jobs = opt->jobs > 0 ? opt->jobs : PB_FETCH_JOBS;

  /* The cache first; the network only for what it lacks. */
  fetch_job **queue = pb_xmalloc(njobs * sizeof *queue);
  size_t nqueue = 0;
  const char *allow = getenv("PAPERBOOK_FETCH_ALLOW_PRIVATE");
  int allow_private = allow && strcmp(allow, "1") == 0;
  struct stat st;
  int have_cache = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
  for (size_t i = 0; i < njobs; i++) {
    fetch_job *j = &jobs[i];
    j->allow_private = allow_private;
    j->get_url = request_url(j->url);
    if (!j->get_url) {
      if (opt->fetch) set_error(j, "only http and https figures are downloaded");
      continue;
    }
    if (have_cache) j->path = cache_lookup(dir, j->url);
    if (!j->path && opt->fetch) queue[nqueue++] = j;
  }
  char why[256];
  if (nqueue > 0 && !(cu = pb_curl(why, sizeof why))) {
    for (size_t i = 0; i < nqueue; i++) set_error(queue[i], "%s", why);
  } else if (nqueue > 0) {
    cu->global_init(CURL_GLOBAL_DEFAULT);
    download_all(queue, nqueue, dir, &lim);
    cu->global_cleanup();
  }
  free(queue);

  int found = 0;
  size_t missing = 0;
  for (size_t i = 0; i < nrefs; i++) {
    figure_ref *r = &refs[i];
    fetch_job *j = &jobs[r->job];
    const char *file = r->fig->file ? r->fig->file : r->entry->file;
    int line = r->fig->line ? r->fig->line : r->entry->line;
    if (j->path) {
      r->fig->path = pb_arena_strdup(lib->arena, j->path);
      found++;
    } else if (j->error) {
      pb_warn(file, line, "figure %s: download failed: %s", r->fig->url, j->error);
    } else {
      missing++;
    }
  }
  if (!opt->no_note) pb_fetch_note_missing(missing);

  for (size_t i = 0; i < njobs; i++) {
    free(jobs[i].get_url);
    free(jobs[i].raw_url);
    free(jobs[i].path);
    free(jobs[i].error);
    pb_buf_free(&jobs[i].body);
  }
  free(jobs);
  free(refs);
  free(dir);
  return found;
}
