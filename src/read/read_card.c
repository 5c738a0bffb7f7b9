/* papers/ cards: one paper per Markdown file, YAML front matter (parsed
 * with libyaml) for the fields and the Markdown body for the summary. The
 * format is in docs/card-format.md. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "confine.h"
#include "diag.h"
#include "read_common.h"
#include "yamlguard.h"

/* Subdirectories deeper than this are not cards but a mistake (or a loop). */
#define PB_CARDS_MAX_DEPTH 16

typedef struct {
  pb_library *lib;
  const pb_read_options *opt;
  pb_read_source *src;
  yaml_document_t *doc;
  int first_line; /* source line of the YAML's first line */
  pb_entry *e;
} card_ctx;

static int node_line(const card_ctx *c, const yaml_node_t *n) {
  return c->first_line + (int)n->start_mark.line;
}

/* A scalar's text, or NULL (with a warning) when the node is not one. */
static const char *scalar(card_ctx *c, yaml_node_t *n, const char *key) {
  if (!n || n->type != YAML_SCALAR_NODE) {
    pb_warn(c->src->file, n ? node_line(c, n) : c->first_line, "'%s' should be a single value",
            key);
    return NULL;
  }
  pb_read_str t =
      pb_read_trim((pb_read_str){(const char *)n->data.scalar.value, n->data.scalar.length});
  return pb_arena_strndup(c->lib->arena, t.s, t.len);
}

/* Calls back for each scalar of a sequence, or for a single scalar. */
static size_t each_scalar(card_ctx *c, yaml_node_t *n, const char *key, const char **out,
                          size_t max) {
  size_t count = 0;
  if (n && n->type == YAML_SEQUENCE_NODE) {
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
      const char *s = scalar(c, yaml_document_get_node(c->doc, *it), key);
      if (s && *s && count < max) out[count++] = s;
    }
  } else {
    const char *s = scalar(c, n, key);
    if (s && *s && count < max) out[count++] = s;
  }
  return count;
}

static void read_category(card_ctx *c, yaml_node_t *n) {
  enum { MAX = 8 };
  const char *path[MAX];
  size_t np = 0;
  if (n && n->type == YAML_SCALAR_NODE) {
    /* "CV / Facial expression recognition" */
    const char *s = scalar(c, n, "category");
    while (s && *s && np < MAX) {
      const char *sep = strstr(s, " / ");
      const char *gt = strstr(s, " > ");
      if (!sep || (gt && gt < sep)) sep = gt;
      size_t len = sep ? (size_t)(sep - s) : strlen(s);
      pb_read_str part = pb_read_trim((pb_read_str){s, len});
      if (part.len) path[np++] = pb_arena_strndup(c->lib->arena, part.s, part.len);
      s = sep ? sep + 3 : NULL;
    }
  } else {
    np = each_scalar(c, n, "category", path, MAX);
  }
  if (!np) return;
  pb_category *cat = pb_library_category(c->lib, path, np, c->src->file, node_line(c, n));
  pb_library_file_entry(c->lib, cat, c->e);
}

static void read_links(card_ctx *c, yaml_node_t *n) {
  pb_library *lib = c->lib;
  const char *file = c->src->file;
  if (n->type == YAML_MAPPING_NODE) {
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      const char *label = scalar(c, yaml_document_get_node(c->doc, p->key), "links");
      yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
      const char *url = scalar(c, v, "links");
      if (!label || !url || !*url) continue;
      pb_read_str l = {label, strlen(label)}, u = {url, strlen(url)};
      pb_read_add_link(lib, c->e, l, u, pb_link_kind_from_label(label, url), c->src->dir, c->opt,
                       file, node_line(c, v));
    }
    return;
  }
  if (n->type != YAML_SEQUENCE_NODE) {
    const char *url = scalar(c, n, "links");
    if (url && *url)
      pb_read_add_link(lib, c->e, (pb_read_str){"", 0}, (pb_read_str){url, strlen(url)},
                       pb_link_kind_from_label(NULL, url), c->src->dir, c->opt, file,
                       node_line(c, n));
    return;
  }
  for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
    yaml_node_t *item = yaml_document_get_node(c->doc, *it);
    const char *label = NULL, *url = NULL;
    int kind = -1;
    if (item && item->type == YAML_MAPPING_NODE) {
      for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top;
           p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        const char *key =
            k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        if (strcmp(key, "label") == 0)
          label = scalar(c, v, "label");
        else if (strcmp(key, "kind") == 0) {
          const char *k2 = scalar(c, v, "kind");
          for (int kk = PB_LINK_PAPER; k2 && kk <= PB_LINK_OTHER; kk++)
            if (strcmp(k2, pb_link_kind_name((pb_link_kind)kk)) == 0) kind = kk;
          if (kind < 0) pb_warn(file, node_line(c, v), "unknown link kind '%s'", k2 ? k2 : "");
        } else if (strcmp(key, "url") == 0)
          url = scalar(c, v, "url");
        else if (!label && !url && v && v->type == YAML_SCALAR_NODE) {
          /* "- paper: https://..." */
          label = pb_arena_strdup(lib->arena, key);
          url = scalar(c, v, key);
        } else
          pb_warn(file, node_line(c, k), "unknown link key '%s'", key);
      }
    } else {
      url = scalar(c, item, "links");
    }
    if (!url || !*url) {
      pb_warn(file, item ? node_line(c, item) : c->first_line, "link without a url");
      continue;
    }
    pb_read_str l = {label ? label : "", label ? strlen(label) : 0};
    pb_read_add_link(lib, c->e, l, (pb_read_str){url, strlen(url)},
                     kind >= 0 ? (pb_link_kind)kind : pb_link_kind_from_label(label, url),
                     c->src->dir, c->opt, file, node_line(c, item));
  }
}

static void read_field(card_ctx *c, const char *key, yaml_node_t *v, int line) {
  pb_library *lib = c->lib;
  pb_entry *e = c->e;
  const char *file = c->src->file;
  if (strcmp(key, "title") == 0) {
    const char *s = scalar(c, v, key);
    if (s) pb_read_title(lib, e, (pb_read_str){s, strlen(s)});
  } else if (strcmp(key, "venue") == 0) {
    const char *s = scalar(c, v, key);
    if (s && *s) {
      int year = e->year;
      const char *note = e->note;
      pb_read_venue(lib, e, (pb_read_str){s, strlen(s)});
      if (!e->venue) e->venue = s;
      if (year) e->year = year; /* an explicit year: wins */
      if (note) e->note = note;
    }
  } else if (strcmp(key, "year") == 0) {
    const char *s = scalar(c, v, key);
    char *end = NULL;
    long y = s ? strtol(s, &end, 10) : 0;
    if (s && *s && (!end || *end || y < 1900 || y > 2199))
      pb_warn(file, line, "year '%s' is not a year", s);
    else if (s && *s)
      e->year = (int)y;
  } else if (strcmp(key, "note") == 0) {
    const char *s = scalar(c, v, key);
    if (s && *s) e->note = s;
  } else if (strcmp(key, "category") == 0 || strcmp(key, "categories") == 0) {
    read_category(c, v);
  } else if (strcmp(key, "presenter") == 0) {
    const char *s = scalar(c, v, key);
    if (s && *s) e->presenter = s;
  } else if (strcmp(key, "date") == 0) {
    const char *s = scalar(c, v, key);
    char iso[11];
    pb_read_str t = {s ? s : "", s ? strlen(s) : 0};
    if (s && *s) {
      if (pb_read_date(t, iso) == t.len)
        e->date = pb_arena_strdup(lib->arena, iso);
      else
        pb_warn(file, line, "date '%s' is not a date (YYYY-MM-DD)", s);
    }
  } else if (strcmp(key, "links") == 0) {
    if (v) read_links(c, v);
  } else if ((strcmp(key, "figures") == 0 || strcmp(key, "figure") == 0) && v &&
             v->type == YAML_SEQUENCE_NODE) {
    /* each a path or URL, or {src: ..., width: 512} */
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
      yaml_node_t *item = yaml_document_get_node(c->doc, *it);
      const char *src = NULL;
      int width = 0;
      if (item && item->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top;
             p++) {
          yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
          const char *fk =
              k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
          yaml_node_t *fv = yaml_document_get_node(c->doc, p->value);
          const char *sv = scalar(c, fv, fk);
          if (strcmp(fk, "src") == 0)
            src = sv;
          else if (strcmp(fk, "width") == 0 && sv)
            width = atoi(sv) > 0 && atoi(sv) < 100000 ? atoi(sv) : 0;
          else
            pb_warn(file, node_line(c, k), "unknown figure key '%s'", fk);
        }
      } else {
        src = scalar(c, item, key);
      }
      if (src && *src)
        pb_read_add_figure(lib, e, (pb_read_str){src, strlen(src)}, (pb_read_str){"", 0}, width,
                           c->src->dir, c->opt, file, item ? node_line(c, item) : line);
    }
  } else if (strcmp(key, "figures") == 0 || strcmp(key, "figure") == 0) {
    enum { MAX = 64 };
    const char *f[MAX];
    size_t n = each_scalar(c, v, key, f, MAX);
    for (size_t i = 0; i < n; i++)
      pb_read_add_figure(lib, e, (pb_read_str){f[i], strlen(f[i])}, (pb_read_str){"", 0}, 0,
                         c->src->dir, c->opt, file, line);
  } else if (strcmp(key, "tags") == 0) {
    enum { MAX = 64 };
    const char *t[MAX];
    size_t n = each_scalar(c, v, key, t, MAX);
    for (size_t i = 0; i < n; i++) {
      /* "a, b" in one scalar is two tags */
      const char *s = t[i];
      while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        pb_read_str tag = pb_read_trim((pb_read_str){s, len});
        if (tag.len)
          *PB_PUSH(lib->arena, e->tags, e->ntags, e->captags) =
              pb_arena_strndup(lib->arena, tag.s, tag.len);
        s += len + (comma ? 1 : 0);
      }
    }
  } else {
    pb_warn(file, line, "unknown key '%s' ignored", key);
  }
}

static int is_fence(pb_read_str l, int closing) {
  l = pb_read_trim(l);
  return pb_read_eq_word(l, "---") || (closing && pb_read_eq_word(l, "..."));
}

/* A file of weeks not read (what import writes as absences.md): front
 * matter with `absences:` and `notes:` lists of {date, presenter, note}
 * and no title. Returns 1 when root is such a list (then read). */
static int read_absence_list(card_ctx *c, yaml_node_t *root) {
  int lists = 0;
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
       p++) {
    yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
    const char *key = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
    if (strcmp(key, "title") == 0) return 0;
    if (strcmp(key, "absences") == 0 || strcmp(key, "notes") == 0) lists++;
  }
  if (!lists) return 0;
  pb_library *lib = c->lib;
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
       p++) {
    yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
    const char *key = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
    yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
    int notes = strcmp(key, "notes") == 0;
    if (!notes && strcmp(key, "absences") != 0) {
      pb_warn(c->src->file, node_line(c, k), "unknown key '%s' ignored", key);
      continue;
    }
    if (!v || v->type != YAML_SEQUENCE_NODE) {
      pb_warn(c->src->file, node_line(c, k), "'%s' is not a list", key);
      continue;
    }
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
      yaml_node_t *item = yaml_document_get_node(c->doc, *it);
      if (!item || item->type != YAML_MAPPING_NODE) {
        pb_warn(c->src->file, item ? node_line(c, item) : node_line(c, k),
                "an entry of '%s' is not {date, presenter, note}", key);
        continue;
      }
      pb_absence *a = notes ? PB_PUSH(lib->arena, lib->notes, lib->nnotes, lib->capnotes)
                            : pb_library_add_absence(lib);
      memset(a, 0, sizeof *a);
      a->file = c->src->file;
      a->line = node_line(c, item);
      for (yaml_node_pair_t *q = item->data.mapping.pairs.start; q < item->data.mapping.pairs.top;
           q++) {
        yaml_node_t *fk = yaml_document_get_node(c->doc, q->key);
        const char *f =
            fk && fk->type == YAML_SCALAR_NODE ? (const char *)fk->data.scalar.value : "";
        const char *val = scalar(c, yaml_document_get_node(c->doc, q->value), f);
        if (!val || !*val) continue;
        char iso[11];
        if (strcmp(f, "date") == 0) {
          if (pb_read_date((pb_read_str){val, strlen(val)}, iso) == strlen(val))
            a->date = pb_arena_strdup(lib->arena, iso);
          else
            pb_warn(c->src->file, node_line(c, fk), "date '%s' is not a date (YYYY-MM-DD)", val);
        } else if (strcmp(f, "presenter") == 0)
          a->presenter = val;
        else if (strcmp(f, "note") == 0)
          a->note = val;
        else
          pb_warn(c->src->file, node_line(c, fk), "unknown key '%s' ignored", f);
      }
    }
  }
  return 1;
}

int pb_read_card(pb_library *lib, const char *path, const pb_read_options *opt) {
  pb_read_source src;
  yaml_parser_t parser;
  yaml_document_t doc;
  int have_parser = 0, have_doc = 0;
  pb_buf md = PB_BUF_INIT;
  pb_read_lines map = {0};
  int rc = pb_read_source_load(lib, path, &src);
  if (rc) goto done;
  pb_read_repo_from_git(lib);
  size_t i = 0;
  while (i < src.nlines && pb_read_is_blank(src.lines[i])) i++;
  if (i >= src.nlines || !is_fence(src.lines[i], 0)) {
    pb_warn(src.file, (int)i + 1, "no YAML front matter ('---' first line); not a card");
    goto done;
  }
  size_t open = i, close = i + 1;
  while (close < src.nlines && !is_fence(src.lines[close], 1)) close++;
  if (close >= src.nlines) {
    pb_error(src.file, (int)open + 1, "front matter is not closed by '---'");
    rc = PB_EPARSE;
    goto done;
  }
  const char *ys = src.lines[open + 1 <= close - 1 ? open + 1 : close].s;
  size_t ylen = (size_t)(src.lines[close].s - ys);
  int deep_line = 0;
  if (pb_yaml_guard(ys, ylen, PB_YAML_MAX_DEPTH, &deep_line) != 0) {
    pb_error(src.file, (int)open + 1 + deep_line,
             "YAML nested more than %d levels deep; card not read", PB_YAML_MAX_DEPTH);
    rc = PB_EPARSE;
    goto done;
  }
  if (!yaml_parser_initialize(&parser)) {
    rc = PB_ENOMEM;
    goto done;
  }
  have_parser = 1;
  yaml_parser_set_input_string(&parser, (const unsigned char *)ys, ylen);
  if (!yaml_parser_load(&parser, &doc)) {
    pb_diag(PB_DIAG_ERROR, src.file, (int)(open + 2 + parser.problem_mark.line),
            (int)parser.problem_mark.column + 1, "YAML: %s",
            parser.problem ? parser.problem : "cannot parse");
    rc = PB_EPARSE;
    goto done;
  }
  have_doc = 1;
  card_ctx c = {lib, opt, &src, &doc, (int)open + 2, NULL};
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (root && root->type != YAML_MAPPING_NODE) {
    pb_error(src.file, (int)open + 2, "front matter is not a mapping of keys to values");
    rc = PB_EPARSE;
    goto done;
  }
  if (root && read_absence_list(&c, root)) goto done;
  c.e = pb_library_add_entry(lib, src.file, (int)open + 1);
  if (root) {
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
      yaml_node_t *k = yaml_document_get_node(&doc, p->key);
      yaml_node_t *v = yaml_document_get_node(&doc, p->value);
      if (!k || k->type != YAML_SCALAR_NODE) continue;
      read_field(&c, (const char *)k->data.scalar.value, v, node_line(&c, k));
    }
  }
  if (!c.e->title || !*c.e->title) {
    /* keep the card under its file name rather than lose it */
    const char *base = strrchr(src.file, '/');
    base = base ? base + 1 : src.file;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".md") == 0) n -= 3;
    c.e->title = pb_arena_strndup(lib->arena, base, n);
    pb_warn(src.file, (int)open + 1, "card has no title; using '%s'", c.e->title);
  }
  for (size_t k = close + 1; k < src.nlines; k++) {
    pb_buf_append(&md, src.lines[k].s, src.lines[k].len);
    pb_buf_putc(&md, '\n');
    pb_read_lines_push(&map, (int)k + 1);
  }
  if (md.len) {
    pb_read_md m = {lib, c.e, src.file, src.dir, opt, map.v, map.n};
    pb_read_markdown_text(&m, &c.e->summary, md.data, md.len);
  }
done:
  if (have_doc) yaml_document_delete(&doc);
  if (have_parser) yaml_parser_delete(&parser);
  pb_buf_free(&md);
  pb_read_lines_free(&map);
  pb_read_source_free(&src);
  return rc;
}

/* ---- the directory ---------------------------------------------- */

typedef struct {
  char **v;
  size_t n, cap;
} path_list;

static void collect(const char *dir, int depth, path_list *out) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    pb_buf p = PB_BUF_INIT;
    pb_buf_printf(&p, "%s/%s", dir, de->d_name);
    struct stat st;
    /* lstat: a symlinked directory could loop */
    if (lstat(p.data, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        if (depth < PB_CARDS_MAX_DEPTH)
          collect(p.data, depth + 1, out);
        else
          pb_warn(p.data, 0, "directory nested too deep; not read");
      } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
        size_t n = strlen(de->d_name);
        if (n > 3 && strcmp(de->d_name + n - 3, ".md") == 0) {
          if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->v = pb_xrealloc(out->v, out->cap * sizeof *out->v);
          }
          out->v[out->n++] = pb_buf_detach(&p);
        }
      }
    }
    pb_buf_free(&p);
  }
  closedir(d);
}

static int cmp_paths(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int pb_read_cards_dir(pb_library *lib, const char *dir, const pb_read_options *opt) {
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
  path_list list = {0};
  collect(dir, 0, &list);
  if (list.n) qsort(list.v, list.n, sizeof *list.v, cmp_paths);
  int rc = 0;
  for (size_t i = 0; i < list.n; i++) {
    /* a card committed as a link to a file of the user's (notes, a key) is
     * not read, nor a FIFO or device behind a link */
    char *real = NULL;
    const char *special = NULL;
    int r;
    if (pb_confine_is_special(list.v[i], &special)) {
      pb_error(list.v[i], 0, "is %s, not a regular file; not read", special);
      r = PB_EPARSE;
    } else if (lib->root && !(opt && opt->allow_outside) &&
               pb_confine_outside(list.v[i], lib->root, &real) && real) { /* dangling: below */
      pb_error(list.v[i], 0,
               "is a link to '%s', outside the library root; not read (--allow-outside on the "
               "command line permits it)",
               real ? real : "?");
      r = PB_EPARSE;
    } else {
      r = pb_read_card(lib, list.v[i], opt);
    }
    free(real);
    if (r && !rc) rc = r;
    free(list.v[i]);
  }
  free(list.v);
  /* one bad card is reported and skipped; the others still make a booklet */
  return rc == PB_EIO || rc == PB_ELIMIT ? rc : 0;
}
