#include "model.h"

#include "collate.h"
#include "dates.h"
#include "sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

pb_library *pb_library_new(const char *root) {
  pb_arena *a = pb_arena_new();
  pb_library *lib = pb_arena_alloc(a, sizeof *lib);
  lib->arena = a;
  lib->root = pb_arena_strdup(a, root ? root : ".");
  lib->root_category = pb_arena_alloc(a, sizeof(pb_category));
  return lib;
}

void pb_library_free(pb_library *lib) {
  if (lib) pb_arena_free(lib->arena);
}

pb_entry *pb_library_add_entry(pb_library *lib, const char *file, int line) {
  pb_entry *e = pb_arena_alloc(lib->arena, sizeof *e);
  e->file = pb_arena_strdup(lib->arena, file);
  e->line = line;
  e->index = (int)lib->nentries;
  *PB_PUSH(lib->arena, lib->entries, lib->nentries, lib->capentries) = e;
  return e;
}

pb_absence *pb_library_add_absence(pb_library *lib) {
  return PB_PUSH(lib->arena, lib->absences, lib->nabsences, lib->capabsences);
}

pb_category *pb_library_category(pb_library *lib, const char **path, size_t n, const char *file,
                                 int line) {
  pb_category *cat = lib->root_category;
  for (size_t i = 0; i < n; i++) {
    pb_category *found = NULL;
    for (size_t j = 0; j < cat->nchildren; j++)
      if (strcmp(cat->children[j]->name, path[i]) == 0) {
        found = cat->children[j];
        break;
      }
    if (!found) {
      found = pb_arena_alloc(lib->arena, sizeof *found);
      found->name = pb_arena_strdup(lib->arena, path[i]);
      found->level = cat->level + 1;
      found->parent = cat;
      found->file = pb_arena_strdup(lib->arena, file);
      found->line = line;
      *PB_PUSH(lib->arena, cat->children, cat->nchildren, cat->capchildren) = found;
    }
    cat = found;
  }
  return cat;
}

void pb_library_file_entry(pb_library *lib, pb_category *cat, pb_entry *e) {
  *PB_PUSH(lib->arena, cat->entries, cat->nentries, cat->capentries) = e->index;
  size_t depth = 0;
  for (pb_category *c = cat; c && c->level > 0; c = c->parent) depth++;
  e->category = pb_arena_alloc(lib->arena, (depth ? depth : 1) * sizeof(char *));
  e->ncategory = depth;
  for (pb_category *c = cat; c && c->level > 0; c = c->parent) e->category[--depth] = c->name;
}

pb_link *pb_entry_add_link(pb_library *lib, pb_entry *e) {
  return PB_PUSH(lib->arena, e->links, e->nlinks, e->caplinks);
}
pb_figure *pb_entry_add_figure(pb_library *lib, pb_entry *e) {
  return PB_PUSH(lib->arena, e->figures, e->nfigures, e->capfigures);
}
pb_block *pb_text_add_block(pb_library *lib, pb_text *t, pb_block_kind kind, const char *file,
                            int line) {
  pb_block *b = PB_PUSH(lib->arena, t->blocks, t->n, t->cap);
  b->kind = kind;
  b->file = file;
  b->line = line;
  return b;
}
pb_span *pb_block_add_span(pb_library *lib, pb_block *b, const char *text, size_t len,
                           unsigned style, const char *url) {
  pb_span *s = PB_PUSH(lib->arena, b->spans, b->nspans, b->capspans);
  s->text = pb_arena_strndup(lib->arena, text, len);
  s->style = style;
  s->url = url ? pb_arena_strdup(lib->arena, url) : NULL;
  if (url) s->style |= PB_STYLE_LINK;
  return s;
}

const char *pb_link_display_label(const pb_link *l) {
  switch (l->kind) {
  case PB_LINK_PAPER: return "Paper";
  case PB_LINK_CODE: return "Code";
  case PB_LINK_BLOG: return "Blog";
  case PB_LINK_SLIDE: return "Slides";
  case PB_LINK_PROJECT: return "Project";
  case PB_LINK_VIDEO: return "Video";
  case PB_LINK_DATA: return "Data";
  default: return l->label && *l->label ? l->label : "Link";
  }
}

static int cmp_date(const pb_entry *x, const pb_entry *y, int newest_first) {
  if (!x->date || !y->date) {
    if (x->date != y->date) return x->date ? -1 : 1; /* undated last */
    return x->index - y->index;
  }
  int c = strcmp(x->date, y->date);
  if (c == 0) return x->index - y->index;
  return newest_first ? -c : c;
}
static int cmp_oldest(const void *a, const void *b) {
  return cmp_date(*(const pb_entry *const *)a, *(const pb_entry *const *)b, 0);
}
static int cmp_newest(const void *a, const void *b) {
  return cmp_date(*(const pb_entry *const *)a, *(const pb_entry *const *)b, 1);
}
static int cmp_presenter(const void *a, const void *b) {
  const pb_entry *x = *(const pb_entry *const *)a, *y = *(const pb_entry *const *)b;
  const char *px = x->presenter, *py = y->presenter; /* none: last */
  int c = pb_name_cmp(px, py);
  if (c) return c;
  if (x->date && y->date && strcmp(x->date, y->date)) return strcmp(x->date, y->date);
  return x->index - y->index;
}

void pb_entries_sort(const pb_entry **v, size_t n, pb_entry_order order) {
  if (n < 2) return;
  qsort(v, n, sizeof *v,
        order == PB_ORDER_PRESENTER      ? cmp_presenter
        : order == PB_ORDER_NEWEST_FIRST ? cmp_newest
                                         : cmp_oldest);
}

size_t pb_entry_groups(pb_arena *a, const pb_library *lib, const unsigned char *include,
                       pb_entry_order order, pb_entry_group **out) {
  const pb_entry **sorted = pb_arena_alloc(a, (lib->nentries + 1) * sizeof *sorted);
  size_t n = 0;
  for (size_t i = 0; i < lib->nentries; i++)
    if (!include || include[lib->entries[i]->index]) sorted[n++] = lib->entries[i];
  pb_entries_sort(sorted, n, order);
  pb_entry_group *groups = pb_arena_alloc(a, (n + 1) * sizeof *groups);
  size_t ng = 0;
  for (size_t i = 0; i < n; i++) {
    const pb_entry *e = sorted[i];
    const char *key = order != PB_ORDER_PRESENTER ? pb_month_label(a, e->date)
                      : e->presenter              ? e->presenter
                                                  : "Unknown presenter · 未署名";
    if (!ng || strcmp(groups[ng - 1].key, key) != 0) {
      groups[ng].key = key;
      groups[ng].entries = sorted + i;
      ng++;
    }
    groups[ng - 1].n++;
  }
  *out = groups;
  return ng;
}

const pb_category **pb_top_categories(pb_arena *a, const pb_library *lib, const char *const *order,
                                      size_t norder) {
  const pb_category *root = lib->root_category;
  const pb_category **v = pb_arena_alloc(a, (root->nchildren + 1) * sizeof *v);
  char *done = pb_arena_alloc(a, root->nchildren + 1);
  size_t n = 0;
  for (size_t k = 0; k < norder; k++)
    for (size_t i = 0; i < root->nchildren; i++)
      if (!done[i] && order[k] && root->children[i]->name &&
          strcmp(root->children[i]->name, order[k]) == 0) {
        v[n++] = root->children[i];
        done[i] = 1;
      }
  for (size_t i = 0; i < root->nchildren; i++)
    if (!done[i]) v[n++] = root->children[i];
  return v;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A date more than LONE_GAP days from every other is a misdated card (its
 * reader warns about it): the range is the span of the rest. */
#define LONE_GAP 90

void pb_library_date_range(const pb_library *lib, const char **first, const char **last) {
  const char **d = pb_xmalloc((lib->nentries + 1) * sizeof *d);
  size_t n = 0;
  for (size_t i = 0; i < lib->nentries; i++)
    if (lib->entries[i]->date) d[n++] = lib->entries[i]->date;
  *first = *last = NULL;
  if (n) {
    qsort(d, n, sizeof *d, cmp_str);
    size_t lo = 0, hi = n - 1;
    if (n >= 4 && pb_date_days(d[0]) >= 0 && pb_date_days(d[1]) - pb_date_days(d[0]) > LONE_GAP)
      lo = 1;
    if (n >= 4 && pb_date_days(d[n - 1]) - pb_date_days(d[n - 2]) > LONE_GAP &&
        pb_date_days(d[n - 2]) >= 0)
      hi = n - 2;
    *first = d[lo];
    *last = d[hi];
  }
  free(d);
}

static int cmp_name(const void *a, const void *b) {
  return pb_name_cmp(*(const char *const *)a, *(const char *const *)b);
}

size_t pb_library_presenters(pb_arena *a, const pb_library *lib, int with_absences,
                             const char ***out) {
  const char **names = pb_arena_alloc(a, (lib->nentries + lib->nabsences + 1) * sizeof *names);
  size_t n = 0;
  for (size_t i = 0; i < lib->nentries; i++)
    if (lib->entries[i]->presenter) names[n++] = lib->entries[i]->presenter;
  for (size_t i = 0; with_absences && i < lib->nabsences; i++)
    if (lib->absences[i].presenter) names[n++] = lib->absences[i].presenter;
  if (n > 1) qsort(names, n, sizeof *names, cmp_name);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (!u || strcmp(names[u - 1], names[i])) names[u++] = names[i];
  *out = names;
  return u;
}

const char *pb_month_label(pb_arena *a, const char *date) {
  int y = 0, m = 0;
  if (!pb_date_scan_month(date, &y, &m)) return "Undated";
  return pb_arena_printf(a, "%d年%d月 · %s %d", y, m, pb_month_name(m), y);
}

char *pb_text_plain(pb_library *lib, const pb_text *t) {
  pb_buf b = PB_BUF_INIT;
  for (size_t i = 0; i < t->n; i++) {
    if (i) pb_buf_putc(&b, '\n');
    for (size_t j = 0; j < t->blocks[i].nspans; j++) pb_buf_puts(&b, t->blocks[i].spans[j].text);
  }
  char *s = pb_arena_strdup(lib->arena, b.data ? b.data : "");
  pb_buf_free(&b);
  return s;
}

static const char *link_names[] = {"paper",   "code",  "blog", "slide",
                                   "project", "video", "data", "other"};

const char *pb_link_kind_name(pb_link_kind k) {
  return (unsigned)k < sizeof link_names / sizeof *link_names ? link_names[k] : "other";
}

pb_link_kind pb_link_kind_from_label(const char *label, const char *url) {
  static const struct {
    const char *word;
    pb_link_kind kind;
  } words[] = {
      {"paper", PB_LINK_PAPER},     {"pdf", PB_LINK_PAPER},        {"arxiv", PB_LINK_PAPER},
      {"论文", PB_LINK_PAPER},      {"code", PB_LINK_CODE},        {"github", PB_LINK_CODE},
      {"代码", PB_LINK_CODE},       {"blog", PB_LINK_BLOG},        {"博客", PB_LINK_BLOG},
      {"知乎", PB_LINK_BLOG},       {"slide", PB_LINK_SLIDE},      {"ppt", PB_LINK_SLIDE},
      {"project", PB_LINK_PROJECT}, {"homepage", PB_LINK_PROJECT}, {"主页", PB_LINK_PROJECT},
      {"video", PB_LINK_VIDEO},     {"视频", PB_LINK_VIDEO},       {"data", PB_LINK_DATA},
      {"数据", PB_LINK_DATA},
  };
  if (label)
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
      if (strcasestr(label, words[i].word)) return words[i].kind;
  if (url) {
    if (strncmp(url, "Slide/", 6) == 0 || strstr(url, "/Slide/")) return PB_LINK_SLIDE;
    if (strstr(url, "github.com")) return PB_LINK_CODE;
    if (strstr(url, "arxiv.org") || strstr(url, ".pdf")) return PB_LINK_PAPER;
  }
  return PB_LINK_OTHER;
}

/* ---- JSON dump ---- */
static void indent(pb_buf *b, int n) {
  for (int i = 0; i < n; i++) pb_buf_puts(b, "  ");
}

static void dump_text(const pb_text *t, pb_buf *b, int ind) {
  pb_buf_puts(b, "[");
  for (size_t i = 0; i < t->n; i++) {
    const pb_block *bl = &t->blocks[i];
    static const char *kinds[] = {"para", "item", "code", "heading"};
    pb_buf_puts(b, i ? ",\n" : "\n");
    indent(b, ind + 1);
    pb_buf_printf(b, "{\"kind\": \"%s\", \"depth\": %d, \"ordinal\": %d, \"line\": %d, \"text\": ",
                  kinds[bl->kind], bl->depth, bl->ordinal, bl->line);
    pb_buf tx = PB_BUF_INIT;
    for (size_t j = 0; j < bl->nspans; j++) pb_buf_puts(&tx, bl->spans[j].text);
    pb_buf_json_str(b, tx.data ? tx.data : "");
    pb_buf_free(&tx);
    int nlinks = 0;
    for (size_t j = 0; j < bl->nspans; j++)
      if (bl->spans[j].url) {
        pb_buf_puts(b, nlinks++ ? ", " : ", \"links\": [");
        pb_buf_json_str(b, bl->spans[j].url);
      }
    if (nlinks) pb_buf_puts(b, "]");
    pb_buf_puts(b, "}");
  }
  if (t->n) {
    pb_buf_putc(b, '\n');
    indent(b, ind);
  }
  pb_buf_puts(b, "]");
}

/* The bibliographic fields and where each came from, when there are any:
 * "biblio": {"authors": [...], "doi": ..., "arxiv": ..., "abstract": ...,
 *            "sources": {"authors": "crossref", "venue": "card", ...}} */
static void dump_biblio(const pb_entry *e, pb_buf *b) {
  const pb_sources *s = &e->src;
  const char *names[] = {"authors", "venue", "year", "doi", "arxiv", "abstract", "link"};
  const char *vals[] = {s->authors, s->venue, s->year, s->doi, s->arxiv, s->abstract, s->link};
  int any = 0;
  for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) any |= vals[i] != NULL;
  if (!any && !e->nauthors && !e->doi && !e->arxiv && !e->abstract) return;
  pb_buf_puts(b, ",\n      \"biblio\": {\"authors\": [");
  for (size_t i = 0; i < e->nauthors; i++) {
    if (i) pb_buf_puts(b, ", ");
    pb_buf_json_str(b, e->authors[i]);
  }
  pb_buf_puts(b, "], \"doi\": ");
  pb_buf_json_str(b, e->doi);
  pb_buf_puts(b, ", \"arxiv\": ");
  pb_buf_json_str(b, e->arxiv);
  pb_buf_puts(b, ",\n        \"abstract\": ");
  pb_buf_json_str(b, e->abstract);
  pb_buf_puts(b, ",\n        \"sources\": {");
  int n = 0;
  for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
    if (!vals[i]) continue;
    pb_buf_printf(b, "%s\"%s\": ", n++ ? ", " : "", names[i]);
    pb_buf_json_str(b, vals[i]);
  }
  pb_buf_puts(b, "}}");
}

void pb_link_dump(pb_buf *b, const pb_link *l) {
  pb_buf_puts(b, "{\"kind\": ");
  pb_buf_json_str(b, pb_link_kind_name(l->kind));
  pb_buf_puts(b, ", \"label\": ");
  pb_buf_json_str(b, l->label);
  pb_buf_puts(b, ", \"url\": ");
  pb_buf_json_str(b, l->url);
  if (l->local) {
    pb_buf_puts(b, ", \"local\": ");
    pb_buf_json_str(b, l->local);
  }
  if (l->source) {
    pb_buf_puts(b, ", \"source\": ");
    pb_buf_json_str(b, l->source);
  }
  pb_buf_putc(b, '}');
}

static void dump_entry(const pb_entry *e, pb_buf *b) {
  pb_buf_puts(b, "    {\n      \"source\": ");
  pb_buf *s = b;
  pb_buf loc = PB_BUF_INIT;
  pb_buf_printf(&loc, "%s:%d", e->file ? e->file : "", e->line);
  pb_buf_json_str(s, loc.data);
  pb_buf_free(&loc);
  pb_buf_puts(b, ",\n      \"title\": ");
  pb_buf_json_str(b, e->title);
  pb_buf_puts(b, ",\n      \"venue\": ");
  pb_buf_json_str(b, e->venue);
  pb_buf_printf(b, ",\n      \"year\": %d", e->year);
  pb_buf_puts(b, ",\n      \"note\": ");
  pb_buf_json_str(b, e->note);
  pb_buf_puts(b, ",\n      \"presenter\": ");
  pb_buf_json_str(b, e->presenter);
  pb_buf_puts(b, ",\n      \"date\": ");
  pb_buf_json_str(b, e->date);
  pb_buf_puts(b, ",\n      \"category\": [");
  for (size_t i = 0; i < e->ncategory; i++) {
    if (i) pb_buf_puts(b, ", ");
    pb_buf_json_str(b, e->category[i]);
  }
  pb_buf_puts(b, "],\n      \"tags\": [");
  for (size_t i = 0; i < e->ntags; i++) {
    if (i) pb_buf_puts(b, ", ");
    pb_buf_json_str(b, e->tags[i]);
  }
  pb_buf_puts(b, "],\n      \"links\": [");
  for (size_t i = 0; i < e->nlinks; i++) {
    pb_buf_puts(b, i ? ",\n        " : "\n        ");
    pb_link_dump(b, &e->links[i]);
  }
  pb_buf_puts(b, e->nlinks ? "\n      ]" : "]");
  pb_buf_puts(b, ",\n      \"figures\": [");
  for (size_t i = 0; i < e->nfigures; i++) {
    const pb_figure *f = &e->figures[i];
    pb_buf_puts(b, i ? ",\n        " : "\n        ");
    pb_buf_puts(b, "{\"src\": ");
    pb_buf_json_str(b, f->src);
    pb_buf_puts(b, ", \"path\": ");
    pb_buf_json_str(b, f->path);
    pb_buf_puts(b, ", \"url\": ");
    pb_buf_json_str(b, f->url);
    pb_buf_printf(b, ", \"width\": %d, \"line\": %d}", f->width_hint, f->line);
  }
  pb_buf_puts(b, e->nfigures ? "\n      ]" : "]");
  pb_buf_puts(b, ",\n      \"summary\": ");
  dump_text(&e->summary, b, 3);
  dump_biblio(e, b);
  pb_buf_puts(b, "\n    }");
}

static void dump_category(const pb_category *c, pb_buf *b, int ind) {
  indent(b, ind);
  pb_buf_puts(b, "{\"name\": ");
  pb_buf_json_str(b, c->name);
  pb_buf_printf(b, ", \"level\": %d, \"line\": %d, \"color\": ", c->level, c->line);
  pb_buf_json_str(b, c->color);
  pb_buf_puts(b, ", \"entries\": [");
  for (size_t i = 0; i < c->nentries; i++) pb_buf_printf(b, "%s%d", i ? ", " : "", c->entries[i]);
  pb_buf_puts(b, "],\n");
  indent(b, ind + 1);
  pb_buf_puts(b, "\"references\": ");
  dump_text(&c->references, b, ind + 1);
  pb_buf_puts(b, ",\n");
  indent(b, ind + 1);
  pb_buf_puts(b, "\"figures\": [");
  for (size_t i = 0; i < c->nfigures; i++) {
    pb_buf_puts(b, i ? ", " : "");
    pb_buf_puts(b, "{\"src\": ");
    pb_buf_json_str(b, c->figures[i].src);
    pb_buf_puts(b, ", \"path\": ");
    pb_buf_json_str(b, c->figures[i].path);
    pb_buf_printf(b, ", \"line\": %d}", c->figures[i].line);
  }
  pb_buf_puts(b, "]");
  pb_buf_puts(b, ",\n");
  indent(b, ind + 1);
  pb_buf_puts(b, "\"children\": [");
  for (size_t i = 0; i < c->nchildren; i++) {
    pb_buf_puts(b, i ? ",\n" : "\n");
    dump_category(c->children[i], b, ind + 2);
  }
  if (c->nchildren) {
    pb_buf_putc(b, '\n');
    indent(b, ind + 1);
  }
  pb_buf_puts(b, "]}");
}

void pb_library_dump_json(const pb_library *lib, pb_buf *b) {
  pb_buf_printf(b, "{\n  \"entries_count\": %zu,\n  \"absences_count\": %zu,\n", lib->nentries,
                lib->nabsences);
  pb_buf_puts(b, "  \"entries\": [");
  for (size_t i = 0; i < lib->nentries; i++) {
    pb_buf_puts(b, i ? ",\n" : "\n");
    dump_entry(lib->entries[i], b);
  }
  pb_buf_puts(b, lib->nentries ? "\n  ],\n" : "],\n");
  pb_buf_puts(b, "  \"absences\": [");
  for (size_t i = 0; i < lib->nabsences; i++) {
    const pb_absence *a = &lib->absences[i];
    pb_buf_puts(b, i ? ",\n    " : "\n    ");
    pb_buf_puts(b, "{\"date\": ");
    pb_buf_json_str(b, a->date);
    pb_buf_puts(b, ", \"presenter\": ");
    pb_buf_json_str(b, a->presenter);
    pb_buf_puts(b, ", \"note\": ");
    pb_buf_json_str(b, a->note);
    pb_buf_puts(b, ", \"source\": ");
    pb_buf loc = PB_BUF_INIT;
    pb_buf_printf(&loc, "%s:%d", a->file ? a->file : "", a->line);
    pb_buf_json_str(b, loc.data);
    pb_buf_free(&loc);
    pb_buf_puts(b, "}");
  }
  pb_buf_puts(b, lib->nabsences ? "\n  ],\n" : "],\n");
  pb_sessions_dump_json(lib, b);
  pb_buf_puts(b, "  \"categories\": [");
  const pb_category *r = lib->root_category;
  for (size_t i = 0; i < r->nchildren; i++) {
    pb_buf_puts(b, i ? ",\n" : "\n");
    dump_category(r->children[i], b, 2);
  }
  pb_buf_puts(b, r->nchildren ? "\n  ],\n" : "],\n");
  pb_buf_puts(b, "  \"slides\": [");
  for (size_t i = 0; i < lib->nslides; i++) {
    const pb_slide *s = &lib->slides[i];
    pb_buf_puts(b, i ? ",\n    " : "\n    ");
    pb_buf_puts(b, "{\"path\": ");
    pb_buf_json_str(b, s->path);
    pb_buf_puts(b, ", \"date\": ");
    pb_buf_json_str(b, s->date);
    pb_buf_puts(b, ", \"presenter\": ");
    pb_buf_json_str(b, s->presenter);
    pb_buf_puts(b, ", \"topic\": ");
    pb_buf_json_str(b, s->topic);
    pb_buf_puts(b, ", \"title\": ");
    pb_buf_json_str(b, s->title);
    if (s->url) {
      pb_buf_puts(b, ", \"url\": ");
      pb_buf_json_str(b, s->url);
    }
    if (s->note) {
      pb_buf_puts(b, ", \"note\": ");
      pb_buf_json_str(b, s->note);
    }
    pb_buf_printf(b, ", \"thumbnail\": %s", s->thumbnail ? "true" : "false");
    pb_buf_printf(b, ", \"slides\": %d, \"entries\": [", s->slides);
    for (size_t j = 0; j < s->nentries; j++) pb_buf_printf(b, "%s%d", j ? ", " : "", s->entries[j]);
    pb_buf_puts(b, "]}");
  }
  pb_buf_puts(b, lib->nslides ? "\n  ]\n}\n" : "]\n}\n");
}
