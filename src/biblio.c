/* Bibliographic records, title keys, identifiers in links, and filling a
 * card's empty fields (see biblio.h). */
#include "biblio.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read.h"
#include "utf8.h"

/* ==================================================================== */
/* Lists                                                                 */
/* ==================================================================== */

void pb_biblist_init(pb_biblist *l) {
  memset(l, 0, sizeof *l);
  l->arena = pb_arena_new();
}

void pb_biblist_free(pb_biblist *l) {
  if (!l) return;
  pb_arena_free(l->arena);
  memset(l, 0, sizeof *l);
}

pb_bibrec *pb_biblist_add(pb_biblist *l, const char *source, const char *file, int line) {
  pb_bibrec *r = PB_PUSH(l->arena, l->recs, l->n, l->cap);
  r->source = pb_arena_strdup(l->arena, source);
  r->file = pb_arena_strdup(l->arena, file);
  r->line = line;
  return r;
}

void pb_bibrec_add_author(pb_biblist *l, pb_bibrec *r, const char *name) {
  if (!name || !*name) return;
  *PB_PUSH(l->arena, r->authors, r->nauthors, r->capauthors) = pb_arena_strdup(l->arena, name);
}

/* ==================================================================== */
/* Title keys                                                            */
/* ==================================================================== */

/* The ASCII base letter of a Latin-1 or Latin Extended-A letter, '_' for
 * none, 0 outside those blocks. */
static char latin_base(uint32_t cp) {
  static const char latin1[] = "aaaaaaaceeeeiiiidnooooo_ouuuuytsaaaaaaaceeeeiiiidnooooo_ouuuuyty";
  static const char ext_a[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkk"
                              "llllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuu"
                              "wwyyyzzzzzzs";
  if (cp >= 0xC0 && cp <= 0xFF) return latin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) return ext_a[cp - 0x100];
  return 0;
}

/* Full-width ASCII forms and the ideographic space as their ASCII twins. */
static uint32_t fold_width(uint32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;
  if (cp == 0x3000) return ' ';
  return cp;
}

/* Punctuation and marks that a title key drops beyond ASCII. */
static int is_wide_punct(uint32_t cp) {
  return (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
         (cp >= 0x300 && cp <= 0x36F) ||                                     /* combining marks */
         (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) || /* CJK punctuation */
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF65) || cp == 0xFFFD ||
         pb_is_cjk_punct(cp);
}

/* A word of a venue tag: a year (2 or 4 digits, '24), an acronym with at
 * least two capitals (CVPR, NeurIPS, AAAI-24, ICLR'24, CVPR2023), or a
 * word that goes with one (oral, workshop, under review...). */
static int tag_word(const char *w, size_t n, int *has_venue) {
  static const char *const extra[] = {"oral",     "spotlight", "poster", "workshop", "findings",
                                      "main",     "long",      "short",  "under",    "review",
                                      "accepted", "paper",     "track",  "in",       "submission",
                                      "of",       "the"};
  size_t digits = 0, upper = 0, alpha = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)w[i];
    if (isdigit(c)) digits++;
    if (isupper(c)) upper++;
    if (isalpha(c)) alpha++;
    if (c >= 0x80) return 0;
  }
  if (alpha == 0 && (digits == 2 || digits == 4)) return 1;
  if (upper >= 2 && alpha >= 2) {
    *has_venue = 1;
    return 1;
  }
  for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
    if (strlen(extra[i]) == n && strncasecmp(extra[i], w, n) == 0) return 1;
  return 0;
}

/* Whether s[0..n) reads as a venue tag: one to five tag words, at least
 * one of them a venue acronym. */
static int venue_tag(const char *s, size_t n) {
  int has_venue = 0, words = 0;
  size_t i = 0;
  while (i < n) {
    while (i < n && (s[i] == ' ' || s[i] == ',' || s[i] == '-' || s[i] == '\'')) i++;
    size_t start = i;
    while (i < n && s[i] != ' ' && s[i] != ',') i++;
    if (i == start) break;
    if (!tag_word(s + start, i - start, &has_venue)) return 0;
    words++;
  }
  return has_venue && words >= 1 && words <= 5;
}

/* The length of title without a trailing venue tag: "(CVPR 2023)",
 * "[ICLR'24]", "（AAAI 2024）", "【TMM】", or one after " - ", " – ", " | "
 * or ", ". */
static size_t strip_venue_tag(const char *t, size_t n) {
  while (n && (t[n - 1] == ' ' || t[n - 1] == '\t')) n--;
  static const char *const close[] = {")", "]", "\xEF\xBC\x89", "\xE3\x80\x91"};
  static const char *const open[] = {"(", "[", "\xEF\xBC\x88", "\xE3\x80\x90"};
  for (size_t k = 0; k < 4; k++) {
    size_t cl = strlen(close[k]), ol = strlen(open[k]);
    if (n < cl || memcmp(t + n - cl, close[k], cl) != 0) continue;
    for (size_t i = n - cl; i-- > 0;) {
      if (i + ol <= n - cl && memcmp(t + i, open[k], ol) == 0) {
        if (i > 0 && venue_tag(t + i + ol, n - cl - i - ol)) return strip_venue_tag(t, i);
        break;
      }
    }
  }
  static const char *const seps[] = {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " | ", ", "};
  for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
    size_t sl = strlen(seps[k]);
    for (size_t i = n; i-- > 0;) {
      if (i + sl <= n && memcmp(t + i, seps[k], sl) == 0) {
        if (i > 0 && venue_tag(t + i + sl, n - i - sl)) return i;
        break;
      }
    }
  }
  return n;
}

char *pb_title_key(const char *title) {
  if (!title) return pb_xstrdup("");
  size_t n = strip_venue_tag(title, strlen(title));
  pb_buf b = PB_BUF_INIT;
  pb_buf_puts(&b, "");
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    int k = pb_utf8_decode(title + i, n - i, &cp);
    i += (size_t)k;
    cp = fold_width(cp);
    if (cp < 0x80) {
      if (isalnum((int)cp)) pb_buf_putc(&b, tolower((int)cp));
      continue;
    }
    char base = latin_base(cp);
    if (base == '_') continue;
    if (base) {
      pb_buf_putc(&b, base);
      continue;
    }
    if (is_wide_punct(cp) || pb_is_space(cp)) continue;
    pb_utf8_put(&b, cp);
  }
  return pb_buf_detach(&b);
}

/* ==================================================================== */
/* Identifiers in links                                                  */
/* ==================================================================== */

static int is_alnum_ascii(char c) { return isalnum((unsigned char)c) != 0; }

/* The host of url (lower case, no "www.") into host[hn]; returns the path
 * after it (at the '/' or the end), NULL when url is not http(s). */
static const char *split_url(const char *url, char *host, size_t hn) {
  const char *p = NULL;
  if (strncasecmp(url, "https://", 8) == 0)
    p = url + 8;
  else if (strncasecmp(url, "http://", 7) == 0)
    p = url + 7;
  if (!p) return NULL;
  if (strncasecmp(p, "www.", 4) == 0) p += 4;
  size_t i = 0;
  while (*p && *p != '/' && *p != '?' && *p != '#' && *p != ':') {
    if (i + 1 < hn) host[i++] = (char)tolower((unsigned char)*p);
    p++;
  }
  host[i] = 0;
  while (*p == ':' || isdigit((unsigned char)*p)) p++; /* a port */
  return p;
}

/* A new-style (2404.02905, version dropped) or old-style (cs/0112017) arXiv
 * id at the start of s, malloc'd, or NULL. */
static char *arxiv_id_at(const char *s) {
  size_t i = 0;
  while (isdigit((unsigned char)s[i])) i++;
  if (i == 4 && s[4] == '.') {
    size_t j = 5;
    while (isdigit((unsigned char)s[j])) j++;
    if (j - 5 == 4 || j - 5 == 5) return pb_xstrndup(s, j);
    return NULL;
  }
  /* archive(.SUBJ)?/YYMMNNN */
  i = 0;
  while (isalpha((unsigned char)s[i]) || s[i] == '-' || s[i] == '.') i++;
  if (i == 0 || s[i] != '/') return NULL;
  size_t j = i + 1;
  while (isdigit((unsigned char)s[j])) j++;
  return j - i - 1 == 7 ? pb_xstrndup(s, j) : NULL;
}

/* A DOI at s ("10.NNNN/suffix"), ended by '?', '#', blanks or the end;
 * trailing ".pdf" and slashes dropped. malloc'd or NULL. */
static char *doi_at(const char *s) {
  if (strncmp(s, "10.", 3) != 0) return NULL;
  size_t i = 3;
  while (isdigit((unsigned char)s[i])) i++;
  if (i < 7 || s[i] != '/' || !s[i + 1]) return NULL;
  size_t n = i + 1;
  while (s[n] && s[n] != '?' && s[n] != '#' && s[n] != ' ' && s[n] != '"' && s[n] != '>') n++;
  while (n > i + 1 && s[n - 1] == '/') n--;
  if (n > i + 5 && strncasecmp(s + n - 4, ".pdf", 4) == 0) n -= 4;
  if (n <= i + 1) return NULL;
  return pb_xstrndup(s, n);
}

/* The value of query parameter name in url, malloc'd, or NULL. */
static char *query_param(const char *url, const char *name) {
  const char *q = strchr(url, '?');
  size_t nl = strlen(name);
  while (q) {
    q++;
    if (strncmp(q, name, nl) == 0 && q[nl] == '=') {
      const char *v = q + nl + 1;
      size_t n = strcspn(v, "&#");
      return n ? pb_xstrndup(v, n) : NULL;
    }
    q = strchr(q, '&');
  }
  return NULL;
}

/* CVF open access: /content/CVPR2023/..., /content_CVPR_2019/...,
 * /content/CVPR2021W/... (a workshop), /content/WACV2024/... */
static void cvf_venue(const char *path, pb_link_ids *out) {
  const char *p = NULL;
  if (strncmp(path, "/content/", 9) == 0)
    p = path + 9;
  else if (strncmp(path, "/content_", 9) == 0)
    p = path + 9;
  if (!p) return;
  size_t i = 0;
  while (isupper((unsigned char)p[i])) i++;
  if (i < 3) return;
  size_t j = i + (p[i] == '_');
  if (!(isdigit((unsigned char)p[j]) && isdigit((unsigned char)p[j + 1]) &&
        isdigit((unsigned char)p[j + 2]) && isdigit((unsigned char)p[j + 3])))
    return;
  int year = atoi(p + j);
  int workshop = p[j + 4] == 'W' || strncmp(p + j + 4, "_workshops", 10) == 0;
  pb_buf v = PB_BUF_INIT;
  pb_buf_append(&v, p, i);
  if (workshop) pb_buf_puts(&v, " Workshop");
  out->venue = pb_buf_detach(&v);
  out->year = year;
}

/* proceedings.neurips.cc/paper/2022/... or /paper_files/paper/2023/... */
static void neurips_venue(const char *path, pb_link_ids *out) {
  const char *p = strstr(path, "/paper/");
  if (!p) return;
  p += 7;
  if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
      isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) && (p[4] == '/' || !p[4])) {
    out->venue = pb_xstrdup("NeurIPS");
    out->year = atoi(p);
  }
}

/* An ACL Anthology id (2023.acl-long.123, P19-1001) as its DOI. */
static char *acl_doi(const char *path) {
  if (*path != '/') return NULL;
  const char *p = path + 1;
  size_t n = strcspn(p, "/?#");
  if (n > 5 && strncmp(p + n - 4, ".pdf", 4) == 0) n -= 4;
  if (n < 5) return NULL;
  for (size_t i = 0; i < n; i++)
    if (!is_alnum_ascii(p[i]) && p[i] != '.' && p[i] != '-') return NULL;
  if (!isdigit((unsigned char)p[n - 1])) return NULL;
  pb_buf b = PB_BUF_INIT;
  pb_buf_puts(&b, "10.18653/v1/");
  pb_buf_append(&b, p, n);
  return pb_buf_detach(&b);
}

void pb_link_ids_parse(const char *url, pb_link_ids *out) {
  memset(out, 0, sizeof *out);
  if (!url) return;
  char host[128];
  const char *path = split_url(url, host, sizeof host);
  if (!path) return;
  if (strcmp(host, "arxiv.org") == 0 || strcmp(host, "export.arxiv.org") == 0) {
    static const char *const pre[] = {"/abs/", "/pdf/", "/html/", "/format/"};
    for (size_t i = 0; i < 4 && !out->arxiv; i++)
      if (strncmp(path, pre[i], strlen(pre[i])) == 0)
        out->arxiv = arxiv_id_at(path + strlen(pre[i]));
    return;
  }
  if (strcmp(host, "openreview.net") == 0) {
    out->openreview = query_param(path, "id");
    return;
  }
  if (strcmp(host, "aclanthology.org") == 0) {
    out->doi = acl_doi(path);
    return;
  }
  if (strcmp(host, "openaccess.thecvf.com") == 0) cvf_venue(path, out);
  if (strcmp(host, "proceedings.neurips.cc") == 0 || strcmp(host, "papers.nips.cc") == 0)
    neurips_venue(path, out);
  if (strcmp(host, "doi.org") == 0 || strcmp(host, "dx.doi.org") == 0) {
    out->doi = doi_at(path + (*path == '/'));
    return;
  }
  /* Any publisher path that spells a DOI: dl.acm.org/doi/10.1145/...,
   * link.springer.com/article/10.1007/..., onlinelibrary.wiley.com/doi/... */
  for (const char *p = strstr(path, "/10."); p && !out->doi; p = strstr(p + 1, "/10."))
    out->doi = doi_at(p + 1);
}

void pb_link_ids_free(pb_link_ids *ids) {
  free(ids->arxiv);
  free(ids->doi);
  free(ids->openreview);
  free(ids->venue);
  memset(ids, 0, sizeof *ids);
}

/* ==================================================================== */
/* Cards and records                                                     */
/* ==================================================================== */

static int has_paper_link(const pb_entry *e) {
  for (size_t i = 0; i < e->nlinks; i++)
    if (e->links[i].kind == PB_LINK_PAPER && e->links[i].url && *e->links[i].url) return 1;
  return 0;
}

/* The card names a venue the reader could not parse: it stays as written. */
static int venue_unparsed(const pb_entry *e) { return e->venue_raw && !e->venue && !e->year; }

void pb_biblio_from_cards(pb_library *lib) {
  for (size_t i = 0; i < lib->nentries; i++) {
    pb_entry *e = lib->entries[i];
    if (e->venue && !e->src.venue) e->src.venue = "card";
    if (e->year && !e->src.year) e->src.year = "card";
    if (has_paper_link(e) && !e->src.link) e->src.link = "card";
    for (size_t k = 0; k < e->nlinks; k++) {
      if (e->links[k].source) continue; /* filled, not written */
      pb_link_ids ids;
      pb_link_ids_parse(e->links[k].url, &ids);
      if (ids.arxiv && !e->arxiv) {
        e->arxiv = pb_arena_strdup(lib->arena, ids.arxiv);
        e->src.arxiv = "card";
      }
      if (ids.doi && !e->doi) {
        e->doi = pb_arena_strdup(lib->arena, ids.doi);
        e->src.doi = "card";
      }
      if (ids.venue && !e->venue && !e->year && !e->venue_raw) {
        e->venue = pb_venue_canonical(lib, pb_arena_strdup(lib->arena, ids.venue));
        e->year = ids.year;
        e->src.venue = e->src.year = "link";
      }
      pb_link_ids_free(&ids);
    }
  }
}

int pb_biblio_matches(const pb_entry *e, const pb_bibrec *r) {
  if (e->arxiv && r->arxiv) return strcasecmp(e->arxiv, r->arxiv) == 0;
  if (e->doi && r->doi) return strcasecmp(e->doi, r->doi) == 0;
  if (!e->title || !r->title) return 0;
  char *a = pb_title_key(e->title), *b = pb_title_key(r->title);
  int same = strlen(a) >= 4 && strcmp(a, b) == 0;
  free(a);
  free(b);
  return same;
}

static int is_http(const char *u) {
  return u && (strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "http://", 7) == 0);
}

/* The link a record gives for its paper (arena string), or NULL. */
static const char *record_link(pb_library *lib, const pb_bibrec *r) {
  if (r->doi) return pb_arena_printf(lib->arena, "https://doi.org/%s", r->doi);
  if (r->arxiv) return pb_arena_printf(lib->arena, "https://arxiv.org/abs/%s", r->arxiv);
  if (is_http(r->url)) return pb_arena_strdup(lib->arena, r->url);
  return NULL;
}

int pb_biblio_fill(pb_library *lib, pb_entry *e, const pb_bibrec *r) {
  int n = 0;
  const char *src = pb_arena_strdup(lib->arena, r->source ? r->source : "record");
  if (!e->nauthors && r->nauthors) {
    e->authors = pb_arena_alloc(lib->arena, r->nauthors * sizeof *e->authors);
    for (size_t i = 0; i < r->nauthors; i++)
      e->authors[i] = pb_arena_strdup(lib->arena, r->authors[i]);
    e->nauthors = r->nauthors;
    e->src.authors = src;
    n++;
  }
  if (!venue_unparsed(e)) {
    if (!e->venue && r->venue && *r->venue) {
      e->venue = pb_venue_canonical(lib, pb_arena_strdup(lib->arena, r->venue));
      e->src.venue = src;
      n++;
    }
    if (!e->year && r->year > 0) {
      e->year = r->year;
      e->src.year = src;
      n++;
    }
  }
  if (!e->doi && r->doi) {
    e->doi = pb_arena_strdup(lib->arena, r->doi);
    e->src.doi = src;
    n++;
  }
  if (!e->arxiv && r->arxiv) {
    e->arxiv = pb_arena_strdup(lib->arena, r->arxiv);
    e->src.arxiv = src;
    n++;
  }
  if (!e->abstract && r->abstract && *r->abstract) {
    e->abstract = pb_arena_strdup(lib->arena, r->abstract);
    e->src.abstract = src;
    n++;
  }
  if (!has_paper_link(e)) {
    const char *url = record_link(lib, r);
    if (url) {
      pb_link *l = pb_entry_add_link(lib, e);
      l->kind = PB_LINK_PAPER;
      l->label = "Paper";
      l->url = url;
      l->source = src;
      e->src.link = src;
      n++;
    }
  }
  return n;
}

size_t pb_biblio_apply(pb_library *lib, const pb_biblist *list) {
  size_t filled = 0;
  if (!list || list->n == 0) return 0;
  /* Title keys of the records once, not once per card. */
  char **keys = pb_xcalloc(list->n, sizeof *keys);
  for (size_t k = 0; k < list->n; k++) keys[k] = pb_title_key(list->recs[k].title);
  for (size_t i = 0; i < lib->nentries; i++) {
    pb_entry *e = lib->entries[i];
    char *ek = pb_title_key(e->title);
    for (size_t k = 0; k < list->n; k++) {
      const pb_bibrec *r = &list->recs[k];
      int same;
      if (e->arxiv && r->arxiv)
        same = strcasecmp(e->arxiv, r->arxiv) == 0;
      else if (e->doi && r->doi)
        same = strcasecmp(e->doi, r->doi) == 0;
      else
        same = strlen(ek) >= 4 && strcmp(ek, keys[k]) == 0;
      if (!same) continue;
      if (pb_biblio_fill(lib, e, r) > 0) filled++;
      break;
    }
    free(ek);
  }
  for (size_t k = 0; k < list->n; k++) free(keys[k]);
  free(keys);
  return filled;
}

/* ==================================================================== */
/* Citation keys and short author lists                                  */
/* ==================================================================== */

/* Appends the ASCII letters and digits of s[0..n), accents dropped, lower
 * case. */
static void ascii_fold(pb_buf *b, const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    i += (size_t)pb_utf8_decode(s + i, n - i, &cp);
    cp = fold_width(cp);
    if (cp < 0x80) {
      if (isalnum((int)cp)) pb_buf_putc(b, tolower((int)cp));
    } else {
      char base = latin_base(cp);
      if (base && base != '_') pb_buf_putc(b, base);
    }
  }
}

/* The last word of a name ("Ashish Vaswani" -> "Vaswani"). */
static void family_part(const char *name, const char **s, size_t *n) {
  size_t len = strlen(name);
  while (len && name[len - 1] == ' ') len--;
  size_t start = len;
  while (start && name[start - 1] != ' ') start--;
  *s = name + start;
  *n = len - start;
}

static int is_article(const char *w) {
  return strcmp(w, "a") == 0 || strcmp(w, "an") == 0 || strcmp(w, "the") == 0;
}

/* The first title word with Latin letters or digits that is not an
 * article, folded. */
static void first_word(pb_buf *b, const char *title) {
  const char *p = title ? title : "";
  pb_buf w = PB_BUF_INIT;
  while (*p) {
    while (*p && (*p == ' ' || *p == '-' || *p == ':' || *p == '/')) p++;
    size_t n = strcspn(p, " -:/");
    pb_buf_reset(&w);
    ascii_fold(&w, p, n);
    p += n;
    if (w.len && !is_article(w.data)) {
      pb_buf_puts(b, w.data);
      pb_buf_free(&w);
      return;
    }
  }
  pb_buf_free(&w);
  pb_buf_puts(b, "untitled");
}

static const char **sort_keys; /* for the qsort comparator */
static int by_key(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  int c = strcmp(sort_keys[x], sort_keys[y]);
  return c ? c : (x > y) - (x < y);
}

/* Sorted positions of keys[0..n) (ties in library order); malloc'd. */
static size_t *sorted_order(const char **keys, size_t n) {
  size_t *ord = pb_xmalloc((n ? n : 1) * sizeof *ord);
  for (size_t i = 0; i < n; i++) ord[i] = i;
  sort_keys = keys;
  qsort(ord, n, sizeof *ord, by_key);
  sort_keys = NULL;
  return ord;
}

/* The suffix of the k-th repeat of a key (k >= 1): "b" ... "z", then
 * "z26", "z27"... (the unsuffixed first counts as "a"). */
static void suffix(pb_buf *b, size_t k) {
  if (k < 26)
    pb_buf_putc(b, (int)('a' + k));
  else
    pb_buf_printf(b, "z%zu", k);
}

/* A set of strings (borrowed), open addressing: for the keys taken. */
typedef struct {
  const char **slot;
  size_t mask;
} strset;

static void strset_init(strset *t, size_t n) {
  size_t cap = 16;
  while (cap < 4 * n + 4) cap *= 2; /* room for every key and its suffixed form */
  t->slot = pb_xcalloc(cap, sizeof *t->slot);
  t->mask = cap - 1;
}

static size_t strset_find(const strset *t, const char *s) {
  size_t i = (size_t)pb_hash64(s, strlen(s), 0) & t->mask;
  while (t->slot[i] && strcmp(t->slot[i], s) != 0) i = (i + 1) & t->mask;
  return i;
}

static int strset_has(const strset *t, const char *s) { return t->slot[strset_find(t, s)] != NULL; }
static void strset_add(strset *t, const char *s) { t->slot[strset_find(t, s)] = s; }
static void strset_free(strset *t) { free(t->slot); }

const char **pb_biblio_keys(pb_arena *a, const pb_library *lib) {
  size_t n = lib->nentries;
  const char **keys = pb_arena_alloc(a, (n ? n : 1) * sizeof *keys);
  pb_buf b = PB_BUF_INIT;
  for (size_t i = 0; i < n; i++) {
    const pb_entry *e = lib->entries[i];
    pb_buf_reset(&b);
    size_t before = b.len;
    if (e->nauthors) {
      const char *s;
      size_t len;
      family_part(e->authors[0], &s, &len);
      ascii_fold(&b, s, len);
    }
    if (b.len == before) pb_buf_puts(&b, "anon");
    if (e->year > 0)
      pb_buf_printf(&b, "%d", e->year);
    else
      pb_buf_puts(&b, "nd");
    first_word(&b, e->title);
    keys[i] = pb_arena_strdup(a, b.data);
  }
  /* Repeats, in library order: the first keeps its key, later ones get
   * b, c, ... skipping every suffixed key that is taken or that another
   * entry has as its own key, so that no two entries share a key. */
  strset taken;
  strset_init(&taken, n);
  for (size_t i = 0; i < n; i++) strset_add(&taken, keys[i]);
  size_t *ord = sorted_order(keys, n);
  const char **base = pb_xmalloc((n ? n : 1) * sizeof *base);
  memcpy(base, keys, n * sizeof *base);
  for (size_t i = 1, k = 0; i < n; i++) {
    if (strcmp(base[ord[i]], base[ord[i - 1]]) != 0) {
      k = 0;
      continue;
    }
    do {
      pb_buf_reset(&b);
      pb_buf_puts(&b, base[ord[i]]);
      suffix(&b, ++k);
    } while (strset_has(&taken, b.data));
    keys[ord[i]] = pb_arena_strdup(a, b.data);
    strset_add(&taken, keys[ord[i]]);
  }
  free(ord);
  free(base);
  strset_free(&taken);
  pb_buf_free(&b);
  return keys;
}

const char *pb_biblio_authors_short(pb_arena *a, const pb_entry *e) {
  if (!e->nauthors) return NULL;
  pb_buf b = PB_BUF_INIT;
  size_t shown = e->nauthors > 3 ? 3 : e->nauthors;
  for (size_t i = 0; i < shown; i++) {
    if (i) pb_buf_puts(&b, ", ");
    pb_buf_puts(&b, e->authors[i]);
  }
  if (e->nauthors > 3) pb_buf_puts(&b, " et al.");
  const char *s = pb_arena_strdup(a, b.data ? b.data : "");
  pb_buf_free(&b);
  return s;
}
