/* The CSL-JSON writer (see bibtex_write.h): what `paperbook dump --format
 * csl-json` writes, one item per paper. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibtex.h"
#include "bibtex_write.h"
#include "read.h"
#include "utf8.h"

/* Whether name has Latin letters (then "Given Family" is split at the last
 * blank; other names stay whole). */
static int latin_name(const char *name) {
  for (const char *p = name; *p; p++)
    if (isalpha((unsigned char)*p)) return 1;
  return 0;
}

static void csl_author(pb_buf *b, const char *name) {
  const char *sp = strrchr(name, ' ');
  if (latin_name(name) && sp && sp[1]) {
    pb_buf_puts(b, "{\"family\": ");
    pb_buf_json_str(b, sp + 1);
    char *given = pb_xstrndup(name, (size_t)(sp - name));
    pb_buf_puts(b, ", \"given\": ");
    pb_buf_json_str(b, given);
    free(given);
    pb_buf_puts(b, "}");
  } else {
    pb_buf_puts(b, "{\"literal\": ");
    pb_buf_json_str(b, name);
    pb_buf_puts(b, "}");
  }
}

/* The CSL type of a BibTeX type (the group's bibliography's own). */
static const char *csl_type_of_bibtex(const char *t) {
  static const char *const map[][2] = {{"inproceedings", "paper-conference"},
                                       {"conference", "paper-conference"},
                                       {"article", "article-journal"},
                                       {"book", "book"},
                                       {"incollection", "chapter"},
                                       {"inbook", "chapter"},
                                       {"phdthesis", "thesis"},
                                       {"mastersthesis", "thesis"},
                                       {"thesis", "thesis"},
                                       {"techreport", "report"},
                                       {"report", "report"},
                                       {"unpublished", "manuscript"}};
  for (size_t i = 0; t && i < sizeof map / sizeof *map; i++)
    if (strcasecmp(t, map[i][0]) == 0) return map[i][1];
  return "document";
}

/* A field of the group's BibTeX entry, TeX decoded, as a member. */
static void csl_member_from(pb_buf *out, const pb_bibrec *r, const char *field,
                            const char *member) {
  const char *v = r ? pb_bibrec_field(r, field) : NULL;
  if (!v) return;
  char *plain = pb_bibtex_detex(v, strlen(v));
  if (*plain) {
    pb_buf_printf(out, ",\n   \"%s\": ", member);
    pb_buf_json_str(out, plain);
  }
  free(plain);
}

void pb_csljson_write(const pb_paper *const *papers, const char *const *urls, size_t n,
                      pb_buf *out) {
  pb_buf_puts(out, "[");
  for (size_t i = 0; i < n; i++) {
    const pb_paper *p = papers[i];
    const pb_entry *e = &p->rec;
    const pb_bibrec *r = p->bib;
    const pb_bibrec *own = r && r->source && strncmp(r->source, "bibtex:", 7) == 0 ? r : NULL;
    pb_buf_puts(out, i ? ",\n  {" : "\n  {");
    pb_buf_puts(out, "\"id\": ");
    pb_buf_json_str(out, p->key);
    const char *type = "article";
    if (own && own->type)
      type = csl_type_of_bibtex(own->type);
    else if (r && r->type)
      type = r->type; /* a CSL-JSON bibliography's own */
    else {
      pb_venue_kind kind = pb_venue_kind_of(e->venue);
      if (kind == PB_VENUE_CONFERENCE) type = "paper-conference";
      if (kind == PB_VENUE_JOURNAL) type = "article-journal";
    }
    pb_buf_puts(out, ", \"type\": ");
    pb_buf_json_str(out, type);
    pb_buf_puts(out, ",\n   \"title\": ");
    pb_buf_json_str(out, e->title ? e->title : "(untitled)");
    if (e->nauthors) {
      pb_buf_puts(out, ",\n   \"author\": [");
      for (size_t k = 0; k < e->nauthors; k++) {
        if (k) pb_buf_puts(out, ", ");
        csl_author(out, e->authors[k]);
      }
      pb_buf_puts(out, "]");
    }
    const char *container = own ? pb_bibrec_field(own, "booktitle") : NULL;
    if (!container && own) container = pb_bibrec_field(own, "journal");
    if (container)
      csl_member_from(out, own, pb_bibrec_field(own, "booktitle") ? "booktitle" : "journal",
                      "container-title");
    else if (e->venue) {
      pb_buf_puts(out, ",\n   \"container-title\": ");
      pb_buf_json_str(out, e->venue);
    }
    csl_member_from(out, own, "volume", "volume");
    csl_member_from(out, own, "number", "issue");
    if (own && pb_bibrec_field(own, "pages")) {
      char *pg =
          pb_bibtex_detex(pb_bibrec_field(own, "pages"), strlen(pb_bibrec_field(own, "pages")));
      pb_buf_puts(out, ",\n   \"page\": ");
      pb_buf_json_str(out, pg);
      free(pg);
    }
    csl_member_from(out, own, "publisher", "publisher");
    csl_member_from(out, own, "address", "publisher-place");
    if (e->year > 0) pb_buf_printf(out, ",\n   \"issued\": {\"date-parts\": [[%d]]}", e->year);
    if (e->doi) {
      pb_buf_puts(out, ",\n   \"DOI\": ");
      pb_buf_json_str(out, e->doi);
    }
    const char *url = urls ? urls[i] : NULL;
    if (url) {
      pb_buf_puts(out, ",\n   \"URL\": ");
      pb_buf_json_str(out, url);
    }
    if (e->arxiv) {
      pb_buf_puts(out, ",\n   \"number\": ");
      char *ax = pb_xmalloc(strlen(e->arxiv) + 8);
      sprintf(ax, "arXiv:%s", e->arxiv);
      pb_buf_json_str(out, ax);
      free(ax);
    }
    char *note = pb_paper_note(p);
    if (note) {
      pb_buf_puts(out, ",\n   \"note\": ");
      pb_buf_json_str(out, note);
      free(note);
    }
    if (e->abstract) {
      pb_buf_puts(out, ",\n   \"abstract\": ");
      pb_buf_json_str(out, e->abstract);
    }
    pb_buf_puts(out, "}");
  }
  pb_buf_puts(out, n ? "\n]\n" : "]\n");
}
