/* Bibliographic records, title keys, identifiers in links, and filling a
 * card's empty fields (see biblio.h). */
#include "biblio.h"

#include <ctype.h>
#include <stdio.h>
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

void pb_bibrec_set_field(pb_biblist *l, pb_bibrec *r, const char *name, const char *value) {
  if (!name || !value) return;
  for (size_t i = 0; i < r->nfields; i++)
    if (strcmp(r->fields[i].name, name) == 0) {
      r->fields[i].value = pb_arena_strdup(l->arena, value);
      return;
    }
  pb_bibfield *f = PB_PUSH(l->arena, r->fields, r->nfields, r->capfields);
  f->name = pb_arena_strdup(l->arena, name);
  f->value = pb_arena_strdup(l->arena, value);
}

const char *pb_bibrec_field(const pb_bibrec *r, const char *name) {
  for (size_t i = 0; r && i < r->nfields; i++)
    if (strcmp(r->fields[i].name, name) == 0) return r->fields[i].value;
  return NULL;
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

/* r deep-copied into arena a. */
static const pb_bibrec *bibrec_copy(pb_arena *a, const pb_bibrec *r) {
  pb_bibrec *c = pb_arena_alloc(a, sizeof *c);
  *c = *r;
#define DUP(f) c->f = r->f ? pb_arena_strdup(a, r->f) : NULL
  DUP(type);
  DUP(key);
  DUP(title);
  DUP(venue);
  DUP(doi);
  DUP(arxiv);
  DUP(url);
  DUP(abstract);
  DUP(source);
  DUP(file);
#undef DUP
  c->authors = pb_arena_alloc(a, (r->nauthors + 1) * sizeof *c->authors);
  for (size_t i = 0; i < r->nauthors; i++) c->authors[i] = pb_arena_strdup(a, r->authors[i]);
  c->capauthors = r->nauthors;
  c->fields = pb_arena_alloc(a, (r->nfields + 1) * sizeof *c->fields);
  for (size_t i = 0; i < r->nfields; i++) {
    c->fields[i].name = pb_arena_strdup(a, r->fields[i].name);
    c->fields[i].value = pb_arena_strdup(a, r->fields[i].value);
  }
  c->capfields = r->nfields;
  return c;
}

size_t pb_biblio_apply(pb_library *lib, const pb_biblist *list) {
  size_t filled = 0;
  if (!list || list->n == 0) return 0;
  const pb_bibrec **copies = pb_xcalloc(list->n, sizeof *copies);
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
      if (!e->bibrec) {
        if (!copies[k]) copies[k] = bibrec_copy(lib->arena, r);
        e->bibrec = copies[k];
      }
      break;
    }
    free(ek);
  }
  for (size_t k = 0; k < list->n; k++) free(keys[k]);
  free(keys);
  free(copies);
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

/* The family name in a name: its last word ("Ashish Vaswani" ->
 * "Vaswani"), a generational suffix skipped ("King Jr." -> "King"). */
static void family_part(const char *name, const char **s, size_t *n) {
  static const char *const suffixes[] = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"};
  size_t len = strlen(name);
  for (int round = 0; round < 2; round++) {
    while (len && (name[len - 1] == ' ' || name[len - 1] == ',')) len--;
    size_t start = len;
    while (start && name[start - 1] != ' ') start--;
    *s = name + start;
    *n = len - start;
    int suffix = 0;
    for (size_t k = 0; k < sizeof suffixes / sizeof *suffixes; k++)
      suffix |= strlen(suffixes[k]) == *n && strncasecmp(suffixes[k], *s, *n) == 0;
    if (!suffix || start == 0) return;
    len = start;
  }
}

/* Title words a key skips: articles, prepositions, conjunctions. */
static int is_skip_word(const char *w) {
  static const char *const skip[] = {
      "a",    "an",     "the",     "on",    "of",     "towards", "toward", "to",      "in",
      "for",  "from",   "with",    "and",   "at",     "by",      "via",    "into",    "is",
      "are",  "as",     "or",      "nor",   "but",    "over",    "under",  "through", "upon",
      "onto", "within", "without", "about", "beyond", "versus",  "vs"};
  for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
    if (strcmp(w, skip[i]) == 0) return 1;
  return 0;
}

/* Appends the first significant title word with Latin letters or digits,
 * folded; returns 0 (nothing appended) when there is none. */
static int first_word(pb_buf *b, const char *title) {
  const char *p = title ? title : "";
  pb_buf w = PB_BUF_INIT;
  while (*p) {
    while (*p && strchr(" -:/,.;!?()[]'\"", *p)) p++;
    size_t n = strcspn(p, " -:/,.;!?()[]'\"");
    pb_buf_reset(&w);
    ascii_fold(&w, p, n);
    p += n;
    if (w.len && !is_skip_word(w.data)) {
      pb_buf_puts(b, w.data);
      pb_buf_free(&w);
      return 1;
    }
  }
  pb_buf_free(&w);
  return 0;
}

/* n base-32 letters (a-z, 2-7) of h. */
static void put_b32(pb_buf *b, uint64_t h, int n) {
  static const char digits[] = "abcdefghijklmnopqrstuvwxyz234567";
  for (int i = 0; i < n; i++, h >>= 5) pb_buf_putc(b, digits[h & 31]);
}

static uint64_t str_hash(const char *s) { return pb_hash64(s, strlen(s), 0x70617065726b6579ULL); }

/* The derived key of a merged record (see pb_biblio_papers). */
static void derived_key(pb_buf *b, const pb_entry *r) {
  char *tk = pb_title_key(r->title);
  uint64_t th = str_hash(tk);
  pb_buf_reset(b);
  pb_buf_puts(b, "");
  int by_title = 0;
  if (r->nauthors) {
    const char *s;
    size_t len;
    family_part(r->authors[0], &s, &len);
    ascii_fold(b, s, len);
    if (b->len == 0) {
      /* no Latin letter (a Chinese name): a hash of the name, blanks left out */
      pb_buf nm = PB_BUF_INIT;
      for (const char *p = r->authors[0]; *p; p++)
        if (*p != ' ') pb_buf_putc(&nm, *p);
      pb_buf_putc(b, 'n');
      put_b32(b, str_hash(nm.data ? nm.data : ""), 5);
      pb_buf_free(&nm);
    }
  }
  if (b->len == 0) {
    pb_buf_putc(b, 't');
    put_b32(b, th, 6);
    by_title = 1;
  }
  if (r->year > 0)
    pb_buf_printf(b, "%d", r->year);
  else
    pb_buf_puts(b, "nd");
  if (!first_word(b, r->title) && !by_title) {
    pb_buf_putc(b, 't');
    put_b32(b, th, 4);
  }
  free(tk);
}

/* A union-find over the library's entries. */
static size_t uf_find(size_t *up, size_t i) {
  while (up[i] != i) {
    up[i] = up[up[i]];
    i = up[i];
  }
  return i;
}

static void uf_join(size_t *up, size_t a, size_t b) {
  a = uf_find(up, a);
  b = uf_find(up, b);
  if (a < b)
    up[b] = a;
  else if (b < a)
    up[a] = b;
}

static const char **sort_keys; /* for the qsort comparator */
static int by_key(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  const char *p = sort_keys[x] ? sort_keys[x] : "", *q = sort_keys[y] ? sort_keys[y] : "";
  int c = strcmp(p, q);
  return c ? c : (x > y) - (x < y);
}

/* Positions of keys[0..n) sorted by key (ties in index order); malloc'd. */
static size_t *sorted_order(const char **keys, size_t n) {
  size_t *ord = pb_xmalloc((n ? n : 1) * sizeof *ord);
  for (size_t i = 0; i < n; i++) ord[i] = i;
  sort_keys = keys;
  qsort(ord, n, sizeof *ord, by_key);
  sort_keys = NULL;
  return ord;
}

/* Joins the entries whose key (strings, NULL: none) is equal; with
 * title keys, only pairs whose identifiers do not differ. */
static void join_equal(size_t *up, const pb_entry *const *entries, size_t n, const char **keys,
                       int titles) {
  size_t *ord = sorted_order(keys, n);
  for (size_t i = 1; i < n; i++) {
    const char *x = keys[ord[i - 1]], *y = keys[ord[i]];
    if (!x || !y || strcmp(x, y) != 0) continue;
    const pb_entry *e = entries[ord[i - 1]], *f = entries[ord[i]];
    if (titles && ((e->arxiv && f->arxiv && strcasecmp(e->arxiv, f->arxiv) != 0) ||
                   (e->doi && f->doi && strcasecmp(e->doi, f->doi) != 0)))
      continue;
    uf_join(up, ord[i - 1], ord[i]);
  }
  free(ord);
}

/* How much of a record a card states. */
static int richness(const pb_entry *e) {
  return (e->nauthors > 0) + (e->venue != NULL) + (e->year > 0) + (e->doi != NULL) +
         (e->arxiv != NULL);
}

/* Sessions first by date, undated cards after them; then library order. */
static int by_session(const void *a, const void *b) {
  const pb_entry *x = *(const pb_entry *const *)a, *y = *(const pb_entry *const *)b;
  if (x->date && y->date) {
    int c = strcmp(x->date, y->date);
    if (c) return c;
  } else if (x->date || y->date) {
    return x->date ? -1 : 1;
  }
  return (x->index > y->index) - (x->index < y->index);
}

/* The merged record of p's cards (see pb_paper). */
static void merge(pb_paper *p) {
  const pb_entry *head = p->cards[0];
  for (size_t i = 1; i < p->ncards; i++)
    if (richness(p->cards[i]) > richness(head)) head = p->cards[i];
  pb_entry *r = &p->rec;
  *r = *head;
  r->links = NULL;
  r->nlinks = r->caplinks = 0;
  for (size_t i = 0; i < p->ncards; i++) {
    const pb_entry *e = p->cards[i];
    if (!r->title || !*r->title) r->title = e->title;
    if (!r->nauthors && e->nauthors) {
      r->authors = e->authors;
      r->nauthors = e->nauthors;
      r->src.authors = e->src.authors;
    }
    if (!r->venue && e->venue) {
      r->venue = e->venue;
      r->src.venue = e->src.venue;
    }
    if (!r->year && e->year) {
      r->year = e->year;
      r->src.year = e->src.year;
    }
    if (!r->doi && e->doi) {
      r->doi = e->doi;
      r->src.doi = e->src.doi;
    }
    if (!r->arxiv && e->arxiv) {
      r->arxiv = e->arxiv;
      r->src.arxiv = e->src.arxiv;
    }
    if (!r->abstract && e->abstract) {
      r->abstract = e->abstract;
      r->src.abstract = e->src.abstract;
    }
    if (!p->bib && e->bibrec) p->bib = e->bibrec;
  }
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

/* The keys of the papers (see pb_biblio_papers). */
static void paper_keys(pb_arena *a, pb_paper *ps, size_t n) {
  strset taken;
  strset_init(&taken, 2 * n);
  const char **base = pb_xcalloc(n + 1, sizeof *base);
  /* The group's own keys first, in the order of its file; a key two of
   * its entries share goes to the first, the other is derived. */
  const pb_bibrec **own = pb_xcalloc(n + 1, sizeof *own);
  for (size_t i = 0; i < n; i++) own[i] = ps[i].bib && ps[i].bib->key ? ps[i].bib : NULL;
  for (size_t i = 0; i < n; i++) {
    if (!own[i] || ps[i].key) continue;
    size_t best = i; /* simple selection: such groups are small */
    for (size_t j = 0; j < n; j++) {
      if (!own[j] || ps[j].key || strcmp(own[j]->key, own[i]->key) != 0) continue;
      int c = strcmp(own[j]->file ? own[j]->file : "", own[best]->file ? own[best]->file : "");
      if (c < 0 || (c == 0 && own[j]->line < own[best]->line)) best = j;
    }
    if (strset_has(&taken, own[best]->key)) continue;
    ps[best].key = own[best]->key;
    strset_add(&taken, ps[best].key);
    if (best != i) i--; /* i itself is still to place */
  }
  pb_buf b = PB_BUF_INIT;
  for (size_t i = 0; i < n; i++) {
    if (ps[i].key) continue;
    derived_key(&b, &ps[i].rec);
    base[i] = pb_arena_strdup(a, b.data);
  }
  /* Derived keys that are equal, or taken by the group's: every one of
   * them gets a suffix from its own content. */
  size_t *ord = sorted_order(base, n);
  char *clash = pb_xcalloc(n + 1, 1);
  for (size_t i = 0; i < n; i++) {
    size_t k = ord[i];
    if (!base[k]) continue;
    if (strset_has(&taken, base[k])) clash[k] = 1;
    if (i + 1 < n && base[ord[i + 1]] && strcmp(base[k], base[ord[i + 1]]) == 0)
      clash[k] = clash[ord[i + 1]] = 1;
  }
  for (size_t i = 0; i < n; i++) {
    if (!base[i] || clash[i]) continue;
    ps[i].key = base[i];
    strset_add(&taken, ps[i].key);
  }
  for (int round = 0; round < 3; round++) {
    for (size_t i = 0; i < n; i++) {
      if (!base[i] || !clash[i] || ps[i].key) continue;
      const pb_entry *r = &ps[i].rec;
      char *tk = pb_title_key(r->title);
      pb_buf_reset(&b);
      pb_buf_printf(&b, "%s-", base[i]);
      if (round == 0) {
        put_b32(&b, str_hash(*tk ? tk : (r->doi ? r->doi : (r->arxiv ? r->arxiv : ""))), 4);
      } else {
        pb_buf id = PB_BUF_INIT;
        pb_buf_printf(&id, "%s\n%s\n%s", tk, r->arxiv ? r->arxiv : "", r->doi ? r->doi : "");
        put_b32(&b, str_hash(id.data), 8);
        pb_buf_free(&id);
        if (round == 2) pb_buf_printf(&b, "%zu", i); /* hashes equal too: by position */
      }
      free(tk);
      /* a suffixed key that another paper of this round also gets waits
       * for the next round, as does one that is taken */
      int shared = strset_has(&taken, b.data);
      for (size_t j = 0; j < n && !shared && round < 2; j++) {
        if (j == i || !base[j] || !clash[j] || ps[j].key || strcmp(base[j], base[i]) != 0) continue;
        const pb_entry *q = &ps[j].rec;
        char *tq = pb_title_key(q->title);
        pb_buf o = PB_BUF_INIT;
        pb_buf_printf(&o, "%s-", base[j]);
        if (round == 0) {
          put_b32(&o, str_hash(*tq ? tq : (q->doi ? q->doi : (q->arxiv ? q->arxiv : ""))), 4);
        } else {
          pb_buf id = PB_BUF_INIT;
          pb_buf_printf(&id, "%s\n%s\n%s", tq, q->arxiv ? q->arxiv : "", q->doi ? q->doi : "");
          put_b32(&o, str_hash(id.data), 8);
          pb_buf_free(&id);
        }
        shared = strcmp(o.data, b.data) == 0;
        pb_buf_free(&o);
        free(tq);
      }
      if (shared) continue;
      ps[i].key = pb_arena_strdup(a, b.data);
      strset_add(&taken, ps[i].key);
    }
  }
  free(clash);
  free(ord);
  free(base);
  free(own);
  pb_buf_free(&b);
  strset_free(&taken);
}

pb_papers pb_biblio_papers_of(pb_arena *a, const pb_entry *const *entries, size_t n) {
  pb_papers out;
  memset(&out, 0, sizeof out);
  out.of_entry = pb_arena_alloc(a, (n + 1) * sizeof *out.of_entry);
  size_t *up = pb_xmalloc((n + 1) * sizeof *up);
  for (size_t i = 0; i < n; i++) up[i] = i;
  const char **k = pb_xcalloc(n + 1, sizeof *k);
  char **own = pb_xcalloc(n + 1, sizeof *own);
  for (size_t i = 0; i < n; i++) k[i] = entries[i]->arxiv;
  join_equal(up, entries, n, k, 0);
  for (size_t i = 0; i < n; i++) k[i] = entries[i]->doi;
  join_equal(up, entries, n, k, 0);
  for (size_t i = 0; i < n; i++) {
    const pb_entry *e = entries[i];
    if (e->bibrec) {
      own[i] = pb_xmalloc(32);
      snprintf(own[i], 32, "%p", (const void *)e->bibrec);
    }
    k[i] = own[i];
  }
  join_equal(up, entries, n, k, 0);
  for (size_t i = 0; i < n; i++) {
    free(own[i]);
    own[i] = pb_title_key(entries[i]->title);
    k[i] = strlen(own[i]) >= 4 ? own[i] : NULL;
  }
  join_equal(up, entries, n, k, 1);
  for (size_t i = 0; i < n; i++) free(own[i]);
  free(own);
  free(k);
  /* papers in the order of their first cards */
  size_t *slot = pb_xmalloc((n + 1) * sizeof *slot);
  size_t *count = pb_xcalloc(n + 1, sizeof *count);
  for (size_t i = 0; i < n; i++) {
    size_t r = uf_find(up, i);
    if (r == i) slot[i] = out.n++;
    count[slot[r]]++;
    out.of_entry[i] = slot[r];
  }
  out.papers = pb_arena_alloc(a, (out.n + 1) * sizeof *out.papers);
  for (size_t p = 0; p < out.n; p++)
    out.papers[p].cards = pb_arena_alloc(a, (count[p] + 1) * sizeof *out.papers[p].cards);
  for (size_t i = 0; i < n; i++) {
    pb_paper *p = &out.papers[out.of_entry[i]];
    if (p->ncards == 0) p->first = i;
    p->cards[p->ncards++] = entries[i];
  }
  for (size_t p = 0; p < out.n; p++) {
    qsort(out.papers[p].cards, out.papers[p].ncards, sizeof *out.papers[p].cards, by_session);
    merge(&out.papers[p]);
  }
  free(slot);
  free(count);
  free(up);
  paper_keys(a, out.papers, out.n);
  return out;
}

pb_papers pb_biblio_papers(pb_arena *a, const pb_library *lib) {
  return pb_biblio_papers_of(a, (const pb_entry *const *)lib->entries, lib->nentries);
}

const char **pb_biblio_keys(pb_arena *a, const pb_library *lib) {
  pb_papers ps = pb_biblio_papers(a, lib);
  const char **keys = pb_arena_alloc(a, (lib->nentries + 1) * sizeof *keys);
  for (size_t i = 0; i < lib->nentries; i++) keys[i] = ps.papers[ps.of_entry[i]].key;
  return keys;
}

char *pb_paper_note(const pb_paper *p) {
  /* the distinct sessions (a session written twice counts once) */
  const pb_entry **v = pb_xcalloc(p->ncards + 1, sizeof *v);
  size_t n = 0;
  for (size_t i = 0; i < p->ncards; i++) {
    const pb_entry *e = p->cards[i];
    if (!e->presenter && !e->date) continue;
    int repeat = 0;
    for (size_t j = 0; j < n && !repeat; j++)
      repeat = (e->presenter ? v[j]->presenter && strcmp(e->presenter, v[j]->presenter) == 0
                             : !v[j]->presenter) &&
               (e->date ? v[j]->date && strcmp(e->date, v[j]->date) == 0 : !v[j]->date);
    if (!repeat) v[n++] = e;
  }
  char *note = NULL;
  if (n) {
    pb_buf b = PB_BUF_INIT;
    pb_buf_puts(&b, "Presented");
    for (size_t i = 0; i < n; i++) {
      if (i) pb_buf_puts(&b, i + 1 < n ? "," : (n > 2 ? ", and" : " and"));
      if (v[i]->presenter) pb_buf_printf(&b, " by %s", v[i]->presenter);
      if (v[i]->date) pb_buf_printf(&b, " on %s", v[i]->date);
    }
    note = pb_buf_detach(&b);
  }
  free(v);
  return note;
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
