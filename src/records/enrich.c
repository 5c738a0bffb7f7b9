/* Filling cards from bibliography files and scholarly APIs (see enrich.h).
 *
 * The cache is two kinds of the content-addressed store (store.h) under
 * the cache directory, like fetch.c's:
 *   q/<32 hex>          index, keyed by the lookup key ("crossref:doi:10.1/x",
 *                       the id or title asked for); holds
 *                       "paperbook-enrich 1\n<data name>\n<key>\n"
 *   data/<32 hex>.<ext> the answer as received, keyed by its bytes (.xml
 *                       from arXiv, .json from Crossref)
 * An answer is kept until the cache is removed (ids do not change their
 * records often enough for an expiry). Every failure to read it (gone,
 * damaged, a link) is a miss.
 * An answer is cached only once it has been parsed. The data files are
 * kept under a size cap: past it, new answers are used but not kept. */
#include "enrich.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "biblio.h"
#include "bibtex.h"
#include "confine.h"
#include "curlapi.h"
#include "diag.h"
#include "store.h"

#define INDEX_MAGIC "paperbook-enrich 1\n"
#define MAX_FAILURES 3   /* in a row, before a service is given up */
#define MAX_BACKOFF 60.0 /* seconds */
#define TITLE_ROWS "5"   /* answers asked for in a title search */

typedef struct {
  const char *name; /* "arxiv", "crossref" */
  const char *base;
  double next_ok; /* monotonic time before which it is not asked */
  int failures;   /* in a row */
  int given_up;
} service;

typedef struct {
  int network;
  const char *dir; /* cache directory, NULL: none */
  const char *mailto;
  double interval, timeout, deadline_at, cache_cap;
  int attempts;
  CURL *curl;
  struct curl_slist *headers;
  char ua[512];
  service arxiv, crossref;
  int deadline_warned, cache_full_warned, cache_scanned;
  double cache_bytes;
  /* counts for the summary */
  int asked, cached, by_id, by_title, not_found, failed;
} enricher;

/* ==================================================================== */
/* Time                                                                  */
/* ==================================================================== */

/* libcurl's functions, opened when a lookup is first needed */
static const pb_curl_api *cu;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_until(double t) {
  for (;;) {
    double d = t - now_s();
    if (d <= 0) return;
    struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
    nanosleep(&ts, NULL);
  }
}

/* ==================================================================== */
/* Cache                                                                 */
/* ==================================================================== */

/* A data name: 32 hex digits, ".xml" or ".json". */
static int valid_data_name(const char *s, size_t n) {
  if (n < 36 || n > 37) return 0;
  for (size_t i = 0; i < 32; i++)
    if (!isxdigit((unsigned char)s[i])) return 0;
  return (n == 36 && memcmp(s + 32, ".xml", 4) == 0) ||
         (n == 37 && memcmp(s + 32, ".json", 5) == 0);
}

/* The cached answer for key into out; 1 when found. The index record (q/,
 * keyed by the lookup key) names the answer (data/, named by its bytes);
 * the store reaches neither through a link, and an index that is not ours
 * (no magic, another key, a name that is not a data name) is a miss. */
static int cache_get(enricher *E, const char *key, pb_buf *out) {
  if (!E->dir) return 0;
  pb_buf idx = PB_BUF_INIT;
  int found = 0;
  if (pb_store_get(E->dir, "q", key, strlen(key), "", 65536, &idx) != 0) goto done;
  size_t ml = strlen(INDEX_MAGIC);
  if (idx.len < ml || memcmp(idx.data, INDEX_MAGIC, ml) != 0) goto done;
  char *name = idx.data + ml;
  char *nl = strchr(name, '\n');
  if (!nl || !valid_data_name(name, (size_t)(nl - name))) goto done;
  size_t kl = strlen(key);
  if (strncmp(nl + 1, key, kl) != 0 || nl[1 + kl] != '\n') goto done; /* a collision */
  *nl = 0;
  found = pb_store_get_named(E->dir, "data", name, PB_ENRICH_MAX_RESPONSE, out) == 0;
done:
  pb_buf_free(&idx);
  return found;
}

/* The bytes of the data files already cached. */
static double cache_size(const char *ddir) {
  double total = 0;
  DIR *d = opendir(ddir);
  if (!d) return 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!valid_data_name(de->d_name, strlen(de->d_name))) continue;
    char *p = pb_path_join(ddir, de->d_name);
    struct stat st;
    if (stat(p, &st) == 0) total += (double)st.st_size;
    free(p);
  }
  closedir(d);
  return total;
}

static void cache_put(enricher *E, const char *key, const pb_buf *body, const char *ext_name) {
  if (!E->dir) return;
  char *ddir = pb_path_join(E->dir, "data");
  if (!E->cache_scanned) {
    E->cache_bytes = cache_size(ddir);
    E->cache_scanned = 1;
  }
  if (E->cache_bytes + (double)body->len > E->cache_cap) {
    if (!E->cache_full_warned)
      pb_warn(E->dir, 0, "the enrich cache is at its cap of %.0f MB: new answers are not kept",
              E->cache_cap / 1048576.0);
    E->cache_full_warned = 1;
    goto done;
  }
  char ext[8], name[PB_STORE_NAME_MAX];
  snprintf(ext, sizeof ext, ".%s", ext_name);
  pb_store_name(body->data, body->len, ext, name);
  pb_buf idx = PB_BUF_INIT;
  pb_buf_printf(&idx, "%s%s\n%s\n", INDEX_MAGIC, name, key);
  if (pb_store_put(E->dir, "data", body->data, body->len, ext, body->data, body->len) != 0 ||
      pb_store_put(E->dir, "q", key, strlen(key), "", idx.data, idx.len) != 0)
    pb_warn(E->dir, 0, "cannot write to the enrich cache: %s", strerror(errno));
  else
    E->cache_bytes += (double)body->len;
  pb_buf_free(&idx);
done:
  free(ddir);
}

/* ==================================================================== */
/* HTTP                                                                  */
/* ==================================================================== */

typedef struct {
  pb_buf *body;
  int too_large;
} sink;

static size_t on_body(char *data, size_t size, size_t n, void *user) {
  sink *s = user;
  size_t len = size * n;
  if (s->body->len + len > PB_ENRICH_MAX_RESPONSE) {
    s->too_large = 1;
    return 0;
  }
  pb_buf_append(s->body, data, len);
  return len;
}

enum { GOT = 0, NOT_FOUND = 1, FAILED = -1, OFFLINE = -2 };

/* One request, with retries: GOT (out holds the answer), NOT_FOUND,
 * FAILED (err says why) or OFFLINE (not asked: no --enrich). */
static int perform(enricher *E, service *s, const char *url, long *status, pb_buf *out, char *err,
                   size_t errlen) {
  double left = E->deadline_at - now_s();
  double t = E->timeout < left ? E->timeout : left;
  CURL *c = E->curl;
  sink sk = {out, 0};
  pb_buf_reset(out);
  cu->easy_setopt(c, CURLOPT_URL, url);
  cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  cu->easy_setopt(c, CURLOPT_WRITEDATA, (void *)&sk);
  cu->easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(t * 1000) + 1);
  cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)((t < 10 ? t : 10) * 1000) + 1);
  char cerr[CURL_ERROR_SIZE] = "";
  cu->easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
  CURLcode rc = cu->easy_perform(c);
  s->next_ok = now_s() + E->interval;
  E->asked++;
  *status = 0;
  if (sk.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    pb_errf(err, errlen, "the answer is larger than the limit of %zu bytes",
            PB_ENRICH_MAX_RESPONSE);
    return -3;
  }
  if (rc != CURLE_OK) {
    pb_errf(err, errlen, "%s", cerr[0] ? cerr : cu->easy_strerror(rc));
    return FAILED;
  }
  cu->easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
  return GOT;
}

/* The run's deadline is reached (or would be before the next request):
 * said once; the remaining cards are not looked up. */
static void deadline(enricher *E, char *err, size_t errlen) {
  pb_errf(err, errlen, "the deadline of the run passed");
  if (!E->deadline_warned)
    pb_warn(NULL, 0, "enrich: the deadline passed; the remaining cards are not looked up");
  E->deadline_warned = 1;
}

static int http_get(enricher *E, service *s, const char *url, const char *key, pb_buf *out,
                    int *from_cache, int use_cache, char *err, size_t errlen) {
  *from_cache = 0;
  if (use_cache && cache_get(E, key, out)) {
    *from_cache = 1;
    E->cached++;
    return GOT;
  }
  if (!E->network) return OFFLINE;
  if (s->given_up) {
    pb_errf(err, errlen, "%s is not asked again in this run", s->name);
    return FAILED;
  }
  for (int attempt = 0; attempt < E->attempts; attempt++) {
    double backoff = 1.0;
    for (int k = 0; k < attempt && backoff < MAX_BACKOFF; k++) backoff *= 2;
    if (s->next_ok >= E->deadline_at || now_s() >= E->deadline_at) {
      deadline(E, err, errlen);
      break;
    }
    sleep_until(s->next_ok);
    long status;
    int rc = perform(E, s, url, &status, out, err, errlen);
    if (rc == -3) break; /* too large: asking again gives the same */
    if (rc == FAILED) {  /* timeout, refused connection: back off, try again */
      s->next_ok = now_s() + (backoff > E->interval ? backoff : E->interval);
      continue;
    }
    if (status == 200) {
      s->failures = 0;
      return GOT;
    }
    if (status == 404 || status == 410) {
      s->failures = 0;
      return NOT_FOUND;
    }
    if (status == 429 || status == 503 || status >= 500) {
      curl_off_t ra = -1;
      cu->easy_getinfo(E->curl, CURLINFO_RETRY_AFTER, &ra);
      double wait = ra > 0 ? (double)ra : backoff;
      pb_errf(err, errlen, "HTTP %ld%s", status, ra > 0 ? " (Retry-After honoured)" : "");
      if (now_s() + wait >= E->deadline_at) {
        deadline(E, err, errlen);
        break;
      }
      s->next_ok = now_s() + (wait > E->interval ? wait : E->interval);
      continue;
    }
    pb_errf(err, errlen, "HTTP %ld", status);
    break;
  }
  if (++s->failures >= MAX_FAILURES && !s->given_up) {
    s->given_up = 1;
    pb_warn(NULL, 0, "enrich: %s failed %d lookups in a row; not asked again in this run", s->name,
            MAX_FAILURES);
  }
  return FAILED;
}

/* ==================================================================== */
/* Answers                                                               */
/* ==================================================================== */

static int is_name(xmlNodePtr n, const char *name) {
  return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static char *node_text(xmlNodePtr n) {
  xmlChar *c = xmlNodeGetContent(n);
  char *r = pb_bib_clean_text(c ? (const char *)c : "");
  xmlFree(c);
  return r;
}

/* One Atom <entry> of arXiv's answer as a record. */
static void atom_entry(xmlNodePtr entry, pb_biblist *out) {
  pb_bibrec *r = pb_biblist_add(out, "arxiv", NULL, 0);
  for (xmlNodePtr c = entry->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    char *t = NULL;
    if (is_name(c, "author")) {
      for (xmlNodePtr a = c->children; a; a = a->next)
        if (is_name(a, "name")) {
          t = node_text(a);
          pb_bibrec_add_author(out, r, t);
          free(t);
          t = NULL;
        }
      continue;
    }
    t = node_text(c);
    if (is_name(c, "id")) {
      pb_link_ids ids;
      pb_link_ids_parse(t, &ids);
      if (ids.arxiv) r->arxiv = pb_arena_strdup(out->arena, ids.arxiv);
      pb_link_ids_free(&ids);
    } else if (is_name(c, "title") && *t) {
      r->title = pb_arena_strdup(out->arena, t);
    } else if (is_name(c, "published") && strlen(t) >= 4) {
      r->year = atoi(t);
    } else if (is_name(c, "summary") && *t) {
      r->abstract = pb_arena_strdup(out->arena, t);
    } else if (is_name(c, "doi") && strncmp(t, "10.", 3) == 0) {
      r->doi = pb_arena_strdup(out->arena, t);
    }
    free(t);
  }
  if (!r->arxiv || !r->title)
    out->n--; /* an error entry, or not a paper */
  else
    r->venue = "arXiv";
}

/* arXiv's Atom feed into records; -1 with err when it is not XML or not a
 * feed. */
static int parse_atom(const pb_buf *body, pb_biblist *out, char *err, size_t errlen) {
  if (body->len == 0 || body->len > (size_t)0x7fffffff) {
    pb_errf(err, errlen, "an empty answer");
    return -1;
  }
  xmlResetLastError();
  xmlDocPtr doc = xmlReadMemory(body->data, (int)body->len, "arxiv.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    const xmlError *x = xmlGetLastError();
    pb_errf(err, errlen, "not well-formed XML (line %d: %s)", x ? x->line : 0,
            x && x->message ? x->message : "?");
    size_t n = strlen(err);
    while (n && (err[n - 1] == '\n' || err[n - 1] == ' ')) err[--n] = 0;
    return -1;
  }
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (!root || !is_name(root, "feed")) {
    pb_errf(err, errlen, "XML that is not an Atom feed");
    xmlFreeDoc(doc);
    return -1;
  }
  for (xmlNodePtr c = root->children; c; c = c->next)
    if (is_name(c, "entry")) atom_entry(c, out);
  xmlFreeDoc(doc);
  return 0;
}

/* Crossref's JSON (a work, or a list of works) into records. */
static int parse_crossref(const pb_buf *body, pb_biblist *out, char *err, size_t errlen) {
  char jerr[200];
  struct json_object *root =
      pb_json_parse(body->data ? body->data : "", body->len, jerr, sizeof jerr);
  if (!root) {
    pb_errf(err, errlen, "not valid JSON (%s)", jerr);
    return -1;
  }
  struct json_object *msg, *items, *type;
  int rc = 0;
  if (!json_object_is_type(root, json_type_object) ||
      !json_object_object_get_ex(root, "message", &msg) ||
      !json_object_is_type(msg, json_type_object)) {
    pb_errf(err, errlen, "JSON without a \"message\" object");
    rc = -1;
  } else if (json_object_object_get_ex(msg, "items", &items) &&
             json_object_is_type(items, json_type_array)) {
    size_t n = json_object_array_length(items);
    for (size_t i = 0; i < n; i++) {
      struct json_object *it = json_object_array_get_idx(items, i);
      if (!json_object_is_type(it, json_type_object)) continue;
      if (json_object_object_get_ex(it, "type", &type) &&
          json_object_is_type(type, json_type_string)) {
        const char *t = json_object_get_string(type);
        if (strcmp(t, "peer-review") == 0 || strcmp(t, "component") == 0 ||
            strcmp(t, "dataset") == 0)
          continue; /* a review of the paper has its title too */
      }
      pb_bibrec *r = pb_biblist_add(out, "crossref", NULL, 0);
      pb_csl_item_record(it, out, r);
      r->source = "crossref";
    }
  } else {
    pb_bibrec *r = pb_biblist_add(out, "crossref", NULL, 0);
    pb_csl_item_record(msg, out, r);
    r->source = "crossref";
  }
  json_object_put(root);
  return rc;
}

/* ==================================================================== */
/* Lookups                                                               */
/* ==================================================================== */

/* Asks service s (or the cache) and parses the answer into out. GOT,
 * NOT_FOUND, OFFLINE or FAILED (a warning at the card was given). */
static int lookup(enricher *E, service *s, const pb_entry *e, const char *url, const char *key,
                  pb_biblist *out) {
  pb_buf body = PB_BUF_INIT;
  char err[512] = "";
  int from_cache = 0;
  int isxml = s == &E->arxiv;
  int rc = http_get(E, s, url, key, &body, &from_cache, 1, err, sizeof err);
  if (rc == GOT && from_cache &&
      (isxml ? parse_atom(&body, out, err, sizeof err)
             : parse_crossref(&body, out, err, sizeof err)) != 0) {
    /* A kept answer that no longer parses (a damaged record) is a miss:
     * asked again when the network may be used, else as if never kept. */
    pb_biblist_free(out);
    pb_biblist_init(out);
    E->cached--;
    err[0] = 0;
    rc = http_get(E, s, url, key, &body, &from_cache, 0, err, sizeof err);
  } else if (rc == GOT && from_cache) {
    goto done;
  }
  if (rc == GOT) {
    int prc = isxml ? parse_atom(&body, out, err, sizeof err)
                    : parse_crossref(&body, out, err, sizeof err);
    if (prc != 0) {
      pb_warn(e->file, e->line, "%s: unusable answer for %s: %s", s->name, key, err);
      rc = FAILED;
    } else if (!from_cache) {
      cache_put(E, key, &body, isxml ? "xml" : "json");
    }
  } else if (rc == FAILED) {
    pb_warn(e->file, e->line, "%s: lookup failed: %s", s->name, err);
  }
done:
  if (rc == FAILED) E->failed++;
  pb_buf_free(&body);
  return rc;
}

static char *escape(enricher *E, const char *s) {
  char *c = cu->easy_escape(E->curl, s, 0);
  char *r = pb_xstrdup(c ? c : "");
  cu->free(c);
  return r;
}

/* Crossref's URL for a path and query, with mailto= when configured. */
static char *crossref_url(enricher *E, const char *path_query) {
  pb_buf b = PB_BUF_INIT;
  pb_buf_printf(&b, "%s%s", E->crossref.base, path_query);
  if (E->mailto) {
    char *m = escape(E, E->mailto);
    pb_buf_printf(&b, "%smailto=%s", strchr(path_query, '?') ? "&" : "?", m);
    free(m);
  }
  return pb_buf_detach(&b);
}

/* The record of list with identifier id (arXiv or DOI), or NULL. */
static const pb_bibrec *find_id(const pb_biblist *l, const char *arxiv, const char *doi) {
  for (size_t i = 0; i < l->n; i++) {
    const pb_bibrec *r = &l->recs[i];
    if (arxiv && r->arxiv && strcasecmp(r->arxiv, arxiv) == 0) return r;
    if (doi && r->doi && strcasecmp(r->doi, doi) == 0) return r;
  }
  return NULL;
}

static int by_doi(enricher *E, pb_library *lib, pb_entry *e, const char *doi) {
  char *d = escape(E, doi);
  pb_buf p = PB_BUF_INIT, key = PB_BUF_INIT;
  pb_buf_printf(&p, "/works/%s", d);
  char *url = crossref_url(E, p.data);
  pb_buf_printf(&key, "crossref:doi:%s", doi);
  for (char *c = key.data; *c; c++) *c = (char)tolower((unsigned char)*c);
  pb_biblist l;
  pb_biblist_init(&l);
  int found = 0;
  if (lookup(E, &E->crossref, e, url, key.data, &l) == GOT) {
    const pb_bibrec *r = find_id(&l, NULL, doi);
    if (r) {
      pb_biblio_fill(lib, e, r);
      found = 1;
    }
  }
  pb_biblist_free(&l);
  pb_buf_free(&p);
  pb_buf_free(&key);
  free(url);
  free(d);
  return found;
}

static int by_arxiv(enricher *E, pb_library *lib, pb_entry *e) {
  char *id = escape(E, e->arxiv);
  pb_buf url = PB_BUF_INIT, key = PB_BUF_INIT;
  pb_buf_printf(&url, "%s?id_list=%s&max_results=1", E->arxiv.base, id);
  pb_buf_printf(&key, "arxiv:id:%s", e->arxiv);
  pb_biblist l;
  pb_biblist_init(&l);
  int found = 0;
  if (lookup(E, &E->arxiv, e, url.data, key.data, &l) == GOT) {
    const pb_bibrec *r = find_id(&l, e->arxiv, NULL);
    if (r) {
      found = 1;
      /* The published version's venue first, when arXiv names its DOI. */
      if (r->doi && !e->venue) by_doi(E, lib, e, r->doi);
      pb_biblio_fill(lib, e, r);
    }
  }
  pb_biblist_free(&l);
  pb_buf_free(&url);
  pb_buf_free(&key);
  free(id);
  return found;
}

/* The title as a search phrase: letters, digits and blanks only. */
static char *search_words(const char *title) {
  pb_buf b = PB_BUF_INIT;
  int space = 0;
  for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
    if (isalnum(*p) || *p >= 0x80) {
      if (space && b.len) pb_buf_putc(&b, ' ');
      space = 0;
      pb_buf_putc(&b, *p);
    } else {
      space = 1;
    }
  }
  if (!b.data) pb_buf_puts(&b, "");
  return pb_buf_detach(&b);
}

/* Title search at one service: 1 matched (filled), 0 not, -1 not asked /
 * failed. *nearest gets the first answer's title (malloc'd) when none
 * matched. */
static int by_title_at(enricher *E, service *s, pb_library *lib, pb_entry *e, char **nearest) {
  char *words = search_words(e->title);
  if (!*words) {
    free(words);
    return 0;
  }
  char *w = escape(E, words);
  pb_buf url = PB_BUF_INIT, key = PB_BUF_INIT;
  if (s == &E->arxiv) {
    pb_buf_printf(&url, "%s?search_query=ti:%%22%s%%22&max_results=" TITLE_ROWS, s->base, w);
  } else {
    pb_buf q = PB_BUF_INIT;
    pb_buf_printf(&q, "/works?query.bibliographic=%s&rows=" TITLE_ROWS, w);
    char *u = crossref_url(E, q.data);
    pb_buf_puts(&url, u);
    free(u);
    pb_buf_free(&q);
  }
  pb_buf_printf(&key, "%s:title:%s", s->name, words);
  pb_biblist l;
  pb_biblist_init(&l);
  int rc = lookup(E, s, e, url.data, key.data, &l);
  int matched = rc == GOT ? 0 : -1;
  if (rc == GOT) {
    char *ek = pb_title_key(e->title);
    for (size_t i = 0; i < l.n && !matched; i++) {
      char *rk = pb_title_key(l.recs[i].title);
      if (strlen(ek) >= 4 && strcmp(ek, rk) == 0) {
        pb_biblio_fill(lib, e, &l.recs[i]);
        matched = 1;
      }
      free(rk);
    }
    if (!matched && l.n && l.recs[0].title && !*nearest) *nearest = pb_xstrdup(l.recs[0].title);
    free(ek);
  }
  pb_biblist_free(&l);
  pb_buf_free(&url);
  pb_buf_free(&key);
  free(w);
  free(words);
  return matched;
}

static int complete(const pb_entry *e) {
  int link = 0;
  for (size_t i = 0; i < e->nlinks; i++) link |= e->links[i].kind == PB_LINK_PAPER;
  return e->nauthors && e->year && e->venue && link && (e->doi || e->arxiv);
}

static void enrich_entry(enricher *E, pb_library *lib, pb_entry *e) {
  if (complete(e) || E->deadline_warned) return;
  if (e->arxiv) {
    if (by_arxiv(E, lib, e)) E->by_id++;
    return;
  }
  if (e->doi) {
    if (by_doi(E, lib, e, e->doi)) E->by_id++;
    return;
  }
  if (!e->title || !*e->title) return;
  char *nearest = NULL;
  int c = by_title_at(E, &E->crossref, lib, e, &nearest);
  int a = c == 1 ? -1 : by_title_at(E, &E->arxiv, lib, e, &nearest);
  if (c == 1 || a == 1) {
    E->by_title++;
  } else if (c == 0 || a == 0) {
    E->not_found++;
    if (nearest)
      pb_note(e->file, e->line,
              "no record with this title; nearest answer: '%s' (card left as it is)", nearest);
    else
      pb_note(e->file, e->line, "no record with this title (card left as it is)");
  }
  free(nearest);
}

/* ==================================================================== */
/* The run                                                               */
/* ==================================================================== */

static void enricher_init(enricher *E, const pb_config *cfg, const pb_enrich_options *opt) {
  memset(E, 0, sizeof *E);
  E->network = opt && opt->network;
  E->dir = opt ? opt->cache_dir : NULL;
  E->mailto = cfg && cfg->enrich_mailto && *cfg->enrich_mailto ? cfg->enrich_mailto : NULL;
  E->interval = opt && opt->interval > 0          ? opt->interval
                : cfg && cfg->enrich_interval > 0 ? cfg->enrich_interval
                                                  : PB_ENRICH_INTERVAL;
  E->timeout = opt && opt->timeout > 0          ? opt->timeout
               : cfg && cfg->enrich_timeout > 0 ? cfg->enrich_timeout
                                                : PB_ENRICH_TIMEOUT;
  double deadline = opt && opt->deadline > 0          ? opt->deadline
                    : cfg && cfg->enrich_deadline > 0 ? cfg->enrich_deadline
                                                      : PB_ENRICH_DEADLINE;
  E->deadline_at = now_s() + deadline;
  E->cache_cap =
      (cfg && cfg->enrich_cache_mb > 0 ? cfg->enrich_cache_mb : PB_ENRICH_CACHE_MB) * 1048576.0;
  E->attempts = 1 + (cfg && cfg->enrich_retries_set ? cfg->enrich_retries : PB_ENRICH_RETRIES);
  E->arxiv.name = "arxiv";
  /* the servers are the user's choice, never a library's */
  const char *env = getenv("PAPERBOOK_ARXIV_API");
  E->arxiv.base = env && *env ? env : PB_ENRICH_ARXIV_API;
  E->crossref.name = "crossref";
  env = getenv("PAPERBOOK_CROSSREF_API");
  E->crossref.base = env && *env ? env : PB_ENRICH_CROSSREF_API;
  snprintf(E->ua, sizeof E->ua, "paperbook/%s (reading-group booklets%s%s)", PB_VERSION,
           E->mailto ? "; mailto:" : "", E->mailto ? E->mailto : "");
  E->curl = cu->easy_init();
  if (!E->curl) {
    fprintf(stderr, "paperbook: out of memory (curl)\n");
    abort();
  }
  CURL *c = E->curl;
  cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  cu->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  cu->easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
#if LIBCURL_VERSION_NUM >= 0x075500
  cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  cu->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  cu->easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  cu->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  cu->easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)PB_ENRICH_MAX_RESPONSE);
  cu->easy_setopt(c, CURLOPT_USERAGENT, E->ua);
  cu->easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  E->headers = cu->slist_append(NULL, "Accept: application/json, application/atom+xml;q=0.9");
  cu->easy_setopt(c, CURLOPT_HTTPHEADER, E->headers);
}

static void enricher_free(enricher *E) {
  cu->easy_cleanup(E->curl);
  cu->slist_free_all(E->headers);
}

/* Step 2: the bibliography files, which the library names: inside it
 * (links resolved) unless the command line allows outside. Returns the
 * entries filled. */
static size_t apply_bibliographies(pb_library *lib, const pb_config *cfg,
                                   const pb_enrich_options *opt) {
  size_t filled = 0;
  const char *root = lib->root ? lib->root : ".";
  for (size_t i = 0; cfg && i < cfg->nbibliography; i++) {
    const char *name = cfg->bibliography[i];
    char *path = name[0] == '/' ? pb_xstrdup(name) : pb_path_join(root, name);
    int line = cfg->bibliography_lines ? cfg->bibliography_lines[i] : 0;
    if (pb_confine_input_at(path, root, opt && opt->allow_outside, cfg->path, line,
                            "bibliography") != 0) {
      free(path);
      continue;
    }
    pb_biblist l;
    pb_biblist_init(&l);
    if (pb_bibliography_read(path, name, &l) == PB_OK) filled += pb_biblio_apply(lib, &l);
    pb_biblist_free(&l);
    free(path);
  }
  return filled;
}

static int any_cached(const char *dir) {
  struct stat st;
  return dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

int pb_enrich_library(pb_library *lib, const pb_config *cfg, const pb_enrich_options *opt) {
  pb_biblio_from_cards(lib);
  size_t from_files = apply_bibliographies(lib, cfg, opt);
  int network = opt && opt->network;
  if (!network && !any_cached(opt ? opt->cache_dir : NULL)) return (int)from_files;
  char why[256];
  if (!(cu = pb_curl(why, sizeof why))) {
    pb_warn(cfg ? cfg->path : NULL, 0, "enrich: %s; no card looked up", why);
    return (int)from_files;
  }
  cu->global_init(CURL_GLOBAL_DEFAULT);
  enricher E;
  enricher_init(&E, cfg, opt);
  if (network && !E.mailto)
    pb_note(cfg ? cfg->path : NULL, cfg ? cfg->enrich_line : 0,
            "enrich: no contact address (enrich: mailto: in paperbook.yml); Crossref and arXiv "
            "ask API clients to give one");
  for (size_t i = 0; i < lib->nentries; i++) enrich_entry(&E, lib, lib->entries[i]);
  if (network || E.by_id || E.by_title)
    pb_info("paperbook: enrich: %d cards found by identifier, %d by title, %d not found, %d "
            "lookups failed; %d answers from the cache, %d requests\n",
            E.by_id, E.by_title, E.not_found, E.failed, E.cached, E.asked);
  enricher_free(&E);
  cu->global_cleanup();
  return (int)from_files + E.by_id + E.by_title;
}
