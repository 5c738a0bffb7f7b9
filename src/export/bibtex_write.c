/* The BibTeX writer (see bibtex_write.h): what `paperbook build --format bib`
 * writes. Classic bibtex reads bytes, so UTF-8 (Chinese included) passes
 * through as it is; only TeX's specials are escaped, and braces in text
 * are written as \textbraceleft{} / \textbraceright{} because bibtex
 * counts even escaped braces. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibtex_write.h"
#include "diag.h"
#include "links.h"
#include "output.h"
#include "plan.h"
#include "read.h"

int pb_bibtex_is_conference(const char *venue) {
  return pb_venue_kind_of(venue) == PB_VENUE_CONFERENCE;
}

/* s with TeX's specials escaped, control characters dropped. */
static void tex_text(pb_buf *b, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '&':
    case '%':
    case '$':
    case '#':
    case '_':
      pb_buf_putc(b, '\\');
      pb_buf_putc(b, *p);
      break;
    case '{': pb_buf_puts(b, "\\textbraceleft{}"); break;
    case '}': pb_buf_puts(b, "\\textbraceright{}"); break;
    case '~': pb_buf_puts(b, "\\textasciitilde{}"); break;
    case '^': pb_buf_puts(b, "\\textasciicircum{}"); break;
    case '\\': pb_buf_puts(b, "\\textbackslash{}"); break;
    case '\n':
    case '\t':
    case '\r': pb_buf_putc(b, ' '); break;
    default:
      if (*p >= 0x20 && *p != 0x7f) pb_buf_putc(b, *p);
    }
  }
}

/* A URL or DOI as it is, except what would unbalance bibtex's braces or
 * break the line (percent-encoded). */
static void raw_text(pb_buf *b, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '{' || *p == '}' || *p == '\\' || *p <= 0x20 || *p == 0x7f)
      pb_buf_printf(b, "%%%02X", *p);
    else
      pb_buf_putc(b, *p);
  }
}

static void field_tex(pb_buf *b, const char *name, const char *value, int protect) {
  pb_buf_printf(b, "  %s = {%s", name, protect ? "{" : "");
  tex_text(b, value);
  pb_buf_printf(b, "%s},\n", protect ? "}" : "");
}

static void field_raw(pb_buf *b, const char *name, const char *value) {
  pb_buf_printf(b, "  %s = {", name);
  raw_text(b, value);
  pb_buf_puts(b, "},\n");
}

/* Whether name must be braced to stay one name: a comma or a lone "and". */
static int needs_group(const char *name) {
  if (strchr(name, ',')) return 1;
  for (const char *p = strcasestr(name, "and"); p; p = strcasestr(p + 1, "and"))
    if ((p == name || p[-1] == ' ') && (p[3] == ' ' || !p[3])) return 1;
  return 0;
}

static int ascii_alnum(unsigned char c) { return c < 0x80 && isalnum(c); }

/* Whether a run of ASCII letters and digits s[0..n), in a word that
 * starts at word, keeps its capitals whatever the style does: a capital
 * after its first letter (CLIP, ViT, LLaMA), letters and digits mixed
 * (2D, GPT4), or a lone capital joined to more of the word (ViT-B, X-ray). */
static int must_protect(const char *s, size_t n, int joined) {
  size_t upper = 0, digits = 0, alpha = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (isupper(c) && i > 0) upper++;
    if (isdigit(c)) digits++;
    if (isalpha(c)) alpha++;
  }
  if (upper) return 1;
  if (digits && alpha) return 1;
  return n == 1 && isupper((unsigned char)s[0]) && joined;
}

/* A title paperbook writes itself: TeX specials escaped, and every run
 * whose capitals matter in braces ("{CLIP} and {ViT} in {2D}"). */
static void title_text(pb_buf *b, const char *s) {
  size_t n = strlen(s), i = 0;
  while (i < n) {
    if (!ascii_alnum((unsigned char)s[i])) {
      char one[2] = {s[i], 0};
      tex_text(b, one);
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && ascii_alnum((unsigned char)s[j])) j++;
    int joined = (i > 0 && s[i - 1] != ' ') || (j < n && s[j] != ' ');
    int protect = must_protect(s + i, j - i, joined);
    if (protect) pb_buf_putc(b, '{');
    pb_buf_append(b, s + i, j - i);
    if (protect) pb_buf_putc(b, '}');
    i = j;
  }
}

/* Whether a value read from a bibliography can be written back between
 * braces as it is: balanced braces, no control characters. */
static int raw_ok(const char *v) {
  int depth = 0;
  for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
    if (*p == '{') depth++;
    if (*p == '}' && --depth < 0) return 0;
    if (*p < 0x20 && *p != '\n' && *p != '\t') return 0;
  }
  return depth == 0;
}

/* 1 when the web link u (the text of a url field, or of a \url{} or
 * \href{} argument) passes the link policy as written: http, https or
 * (mailto_ok) mailto. */
static int link_ok(const char *u, size_t len, int mailto_ok) {
  char *t = pb_xstrndup(u, len);
  char *clean = pb_links_web_uri(t);
  /* as written: only the scheme's case may differ from the judged form */
  int ok = clean && strlen(clean) == len && strcasecmp(clean, t) == 0 &&
           (strncmp(clean, "http", 4) == 0 || (mailto_ok && strncmp(clean, "mailto:", 7) == 0));
  free(clean);
  free(t);
  return ok;
}

/* Whether a field of the group's entry may be copied as written: a url
 * field that passes the link policy, and in any field each \url{} and
 * \href{} target (LaTeX makes them links: \url{javascript:...} in a
 * howpublished would be one in the user's PDF). */
static int links_ok(const char *name, const char *v) {
  if (strcasecmp(name, "url") == 0) return link_ok(v, strlen(v), 0);
  for (const char *p = v; (p = strchr(p, '\\')) != NULL; p++) {
    size_t n = strncmp(p, "\\url", 4) == 0 ? 4 : strncmp(p, "\\href", 5) == 0 ? 5 : 0;
    if (!n) continue;
    const char *a = p + n;
    while (*a == ' ' || *a == '\t' || *a == '\n') a++;
    if (*a != '{') return 0; /* \url|...| and the like: not judged, so not kept */
    const char *end = strchr(a + 1, '}');
    if (!end || !link_ok(a + 1, (size_t)(end - a - 1), 1)) return 0;
  }
  return 1;
}

static int has_field(const pb_bibrec *r, const char *name) {
  return r && pb_bibrec_field(r, name) != NULL;
}

static void write_authors(pb_buf *b, const pb_entry *e) {
  pb_buf_puts(b, "  author = {");
  for (size_t i = 0; i < e->nauthors; i++) {
    if (i) pb_buf_puts(b, " and ");
    int group = needs_group(e->authors[i]);
    if (group) pb_buf_putc(b, '{');
    tex_text(b, e->authors[i]);
    if (group) pb_buf_putc(b, '}');
  }
  pb_buf_puts(b, "},\n");
}

/* The BibTeX type of a CSL type (a CSL-JSON bibliography's own). */
static const char *bibtex_type_of_csl(const char *t) {
  static const char *const map[][2] = {{"paper-conference", "inproceedings"},
                                       {"article-journal", "article"},
                                       {"book", "book"},
                                       {"chapter", "incollection"},
                                       {"thesis", "phdthesis"},
                                       {"report", "techreport"},
                                       {"manuscript", "unpublished"}};
  for (size_t i = 0; t && i < sizeof map / sizeof *map; i++)
    if (strcmp(t, map[i][0]) == 0) return map[i][1];
  return "misc";
}

static void write_paper(pb_buf *b, const pb_paper *p, const char *url) {
  const pb_entry *e = &p->rec;
  const pb_bibrec *r = p->bib;
  int bibtex_rec = r && r->source && strncmp(r->source, "bibtex:", 7) == 0;
  const char *type;
  if (bibtex_rec && r->type)
    type = r->type;
  else if (r && r->type)
    type = bibtex_type_of_csl(r->type);
  else {
    pb_venue_kind kind = pb_venue_kind_of(e->venue);
    type = kind == PB_VENUE_CONFERENCE ? "inproceedings"
           : kind == PB_VENUE_JOURNAL  ? "article"
                                       : "misc";
  }
  pb_buf_printf(b, "@%s{%s,\n", type, p->key);
  /* the group's entry as written */
  const pb_bibrec *own = bibtex_rec ? r : NULL;
  int own_url_refused = 0;
  for (size_t i = 0; own && i < own->nfields; i++) {
    const pb_bibfield *f = &own->fields[i];
    if (strcasecmp(f->name, "url") == 0 && !links_ok(f->name, f->value)) {
      own_url_refused = 1; /* the plan's link, if any, instead */
      continue;
    }
    if (raw_ok(f->value) && links_ok(f->name, f->value)) {
      pb_buf_printf(b, "  %s = {", f->name);
      for (const char *q = f->value; *q; q++) pb_buf_putc(b, *q == '\n' || *q == '\t' ? ' ' : *q);
      pb_buf_puts(b, "},\n");
    } else {
      char *plain = pb_bibtex_detex(f->value, strlen(f->value));
      field_tex(b, f->name, plain, 0);
      free(plain);
    }
  }
  /* what it lacks, from the cards */
  if (e->nauthors && !has_field(own, "author") && !has_field(own, "editor"))
    write_authors(b, e);
  else if (!e->nauthors && !own)
    /* plain.bst sorts an entry without authors by its key field. */
    field_tex(b, "key", e->title && *e->title ? e->title : p->key, 0);
  if (!has_field(own, "title")) {
    pb_buf_puts(b, "  title = {");
    title_text(b, e->title && *e->title ? e->title : "(untitled)");
    pb_buf_puts(b, "},\n");
  }
  int placed = has_field(own, "booktitle") || has_field(own, "journal") ||
               has_field(own, "journaltitle") || has_field(own, "howpublished");
  if (!placed) {
    if (strcmp(type, "inproceedings") == 0 && e->venue)
      field_tex(b, "booktitle", e->venue, 0);
    else if (strcmp(type, "article") == 0 && e->venue)
      field_tex(b, "journal", e->venue, 0);
    else if (e->arxiv) {
      pb_buf tmp = PB_BUF_INIT;
      pb_buf_printf(&tmp, "arXiv preprint arXiv:%s", e->arxiv);
      field_tex(b, "howpublished", tmp.data, 0);
      pb_buf_free(&tmp);
    } else if (e->venue) {
      field_tex(b, "howpublished", e->venue, 0);
    }
  }
  if (e->year > 0 && !has_field(own, "year") && !has_field(own, "date"))
    pb_buf_printf(b, "  year = {%d},\n", e->year);
  if (e->doi && !has_field(own, "doi")) field_raw(b, "doi", e->doi);
  if (e->arxiv && !has_field(own, "eprint")) {
    field_raw(b, "eprint", e->arxiv);
    if (!has_field(own, "archiveprefix")) pb_buf_puts(b, "  archiveprefix = {arXiv},\n");
  }
  if (url && (!has_field(own, "url") || own_url_refused)) field_raw(b, "url", url);
  char *note = pb_paper_note(p);
  if (note) {
    /* the group's own note stays; the sessions go to an addendum then */
    const char *name = !has_field(own, "note")       ? "note"
                       : !has_field(own, "addendum") ? "addendum"
                                                     : NULL;
    if (name) field_tex(b, name, note, 0);
    free(note);
  }
  pb_buf_puts(b, "}\n\n");
}

void pb_bibtex_write(const pb_paper *const *papers, const char *const *urls, size_t n,
                     pb_buf *out) {
  pb_buf_puts(out, "% Written by paperbook: one entry per paper.\n"
                   "% Encoding: UTF-8.\n\n");
  for (size_t i = 0; i < n; i++) write_paper(out, papers[i], urls ? urls[i] : NULL);
}

void pb_bib_export_buf(const pb_plan *plan, pb_buf *out, int csl) {
  pb_arena *a = pb_arena_new();
  pb_papers ps = pb_biblio_papers_of(a, plan->record.entries, plan->record.nentries);
  size_t n = plan->ncards, np = 0;
  const pb_paper **v = pb_arena_alloc(a, (n + 1) * sizeof *v);
  const char **urls = pb_arena_alloc(a, (n + 1) * sizeof *urls);
  size_t *at = pb_arena_alloc(a, (ps.n + 1) * sizeof *at); /* 0: not yet; else slot + 1 */
  for (size_t i = 0; i < n; i++) {
    const pb_entry *e = plan->cards[i].entry;
    size_t p = ps.of_entry[e->index];
    /* the plan's paper link (an http(s) URL under the link policy) */
    const char *url = plan->cards[i].paper ? plan->cards[i].paper->target : NULL;
    if (!at[p]) {
      v[np] = &ps.papers[p];
      urls[np] = url;
      at[p] = ++np;
    } else if (!urls[at[p] - 1]) {
      urls[at[p] - 1] = url;
    }
  }
  if (csl)
    pb_csljson_write(v, urls, np, out);
  else
    pb_bibtex_write(v, urls, np, out);
  pb_arena_free(a);
}

int pb_bib_export(const pb_plan *plan, const char *path, int csl, const pb_output_rules *rules) {
  pb_buf out = PB_BUF_INIT;
  pb_bib_export_buf(plan, &out, csl);
  int rc = pb_output_write(path, out.data ? out.data : "", out.len, rules) == 0 ? PB_OK : PB_EIO;
  pb_buf_free(&out);
  return rc;
}
