/* The BibTeX writer (see bibtex.h): what `paperbook build --format bib`
 * writes. Classic bibtex reads bytes, so UTF-8 (Chinese included) passes
 * through as it is; only TeX's specials are escaped, and braces in text
 * are written as \textbraceleft{} / \textbraceright{} because bibtex
 * counts even escaped braces. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibtex.h"
#include "diag.h"
#include "output.h"
#include "plan.h"

int pb_bibtex_is_conference(const char *venue) {
  static const char *const words[] = {"conference", "proceedings", "workshop", "symposium",
                                      "congress",   "meeting",     "会议"};
  static const char *const acronyms[] = {
      "CVPR", "ICCV",  "ECCV",   "NeurIPS",     "NIPS",   "ICLR",    "ICML", "AAAI",     "IJCAI",
      "ACL",  "EMNLP", "NAACL",  "COLING",      "ACM MM", "MM",      "KDD",  "WWW",      "SIGIR",
      "WACV", "BMVC",  "ICASSP", "INTERSPEECH", "CoRL",   "RSS",     "ICRA", "IROS",     "ACCV",
      "ICME", "ICPR",  "FG",     "MICCAI",      "UAI",    "AISTATS", "CHI",  "SIGGRAPH", "3DV"};
  if (!venue) return 0;
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (strcasestr(venue, words[i])) return 1;
  /* The venue's first word, as an acronym. */
  size_t n = 0;
  while (venue[n] && venue[n] != ' ' && venue[n] != '-' && venue[n] != '\'' &&
         !isdigit((unsigned char)venue[n]))
    n++;
  for (size_t i = 0; i < sizeof acronyms / sizeof *acronyms; i++)
    if (strlen(acronyms[i]) == n && strncasecmp(acronyms[i], venue, n) == 0) return 1;
  if (strncasecmp(venue, "ACM MM", 6) == 0) return 1;
  return 0;
}

char *pb_bibtex_note(const pb_entry *e) {
  if (!e->presenter && !e->date) return NULL;
  pb_buf b = PB_BUF_INIT;
  pb_buf_puts(&b, "Presented");
  if (e->presenter) pb_buf_printf(&b, " by %s", e->presenter);
  if (e->date) pb_buf_printf(&b, " on %s", e->date);
  return pb_buf_detach(&b);
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

static void write_entry(pb_buf *b, const pb_entry *e, const char *key, const char *url) {
  int arxiv_only = !e->venue || strcasecmp(e->venue, "arXiv") == 0;
  int full = e->nauthors && e->year > 0 && !arxiv_only;
  const char *type = !full                               ? "misc"
                     : pb_bibtex_is_conference(e->venue) ? "inproceedings"
                                                         : "article";
  pb_buf_printf(b, "@%s{%s,\n", type, key);
  if (e->nauthors) {
    pb_buf_puts(b, "  author = {");
    for (size_t i = 0; i < e->nauthors; i++) {
      if (i) pb_buf_puts(b, " and ");
      int group = needs_group(e->authors[i]);
      if (group) pb_buf_putc(b, '{');
      tex_text(b, e->authors[i]);
      if (group) pb_buf_putc(b, '}');
    }
    pb_buf_puts(b, "},\n");
  } else {
    /* plain.bst sorts an entry without authors by its key field. */
    field_tex(b, "key", e->title && *e->title ? e->title : key, 0);
  }
  field_tex(b, "title", e->title && *e->title ? e->title : "(untitled)", 1);
  if (strcmp(type, "inproceedings") == 0)
    field_tex(b, "booktitle", e->venue, 0);
  else if (strcmp(type, "article") == 0)
    field_tex(b, "journal", e->venue, 0);
  else if (e->arxiv) {
    pb_buf tmp = PB_BUF_INIT;
    pb_buf_printf(&tmp, "arXiv preprint arXiv:%s", e->arxiv);
    field_tex(b, "howpublished", tmp.data, 0);
    pb_buf_free(&tmp);
  } else if (e->venue) {
    field_tex(b, "howpublished", e->venue, 0);
  }
  if (e->year > 0) pb_buf_printf(b, "  year = {%d},\n", e->year);
  if (e->doi) field_raw(b, "doi", e->doi);
  if (e->arxiv) {
    field_raw(b, "eprint", e->arxiv);
    pb_buf_puts(b, "  archiveprefix = {arXiv},\n");
  }
  if (url) field_raw(b, "url", url);
  char *note = pb_bibtex_note(e);
  if (note) {
    field_tex(b, "note", note, 0);
    free(note);
  }
  pb_buf_puts(b, "}\n\n");
}

void pb_bibtex_write(const pb_entry *const *entries, const char *const *keys,
                     const char *const *urls, size_t n, pb_buf *out) {
  pb_buf_puts(out, "% Written by paperbook: one entry per paper card.\n"
                   "% Encoding: UTF-8.\n\n");
  for (size_t i = 0; i < n; i++) write_entry(out, entries[i], keys[i], urls ? urls[i] : NULL);
}

void pb_bib_export_buf(const pb_plan *plan, pb_buf *out, int csl) {
  pb_arena *a = pb_arena_new();
  const char **all = pb_biblio_keys(a, plan->lib);
  size_t n = plan->ncards;
  const pb_entry **v = pb_arena_alloc(a, (n + 1) * sizeof *v);
  const char **keys = pb_arena_alloc(a, (n + 1) * sizeof *keys);
  const char **urls = pb_arena_alloc(a, (n + 1) * sizeof *urls);
  for (size_t i = 0; i < n; i++) {
    v[i] = plan->cards[i].entry;
    keys[i] = all[v[i]->index];
    /* the plan's paper link (an http(s) URL under the link policy) */
    urls[i] = plan->cards[i].paper ? plan->cards[i].paper->target : NULL;
  }
  if (csl)
    pb_csljson_write(v, keys, urls, n, out);
  else
    pb_bibtex_write(v, keys, urls, n, out);
  pb_arena_free(a);
}

int pb_bib_export(const pb_plan *plan, const char *path, int csl, const pb_output_rules *rules) {
  pb_buf out = PB_BUF_INIT;
  pb_bib_export_buf(plan, &out, csl);
  int rc = pb_output_write(path, out.data ? out.data : "", out.len, rules) == 0 ? PB_OK : PB_EIO;
  pb_buf_free(&out);
  return rc;
}
