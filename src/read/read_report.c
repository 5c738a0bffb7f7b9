/* REPORT.md style: headings form the category tree; a card is a blockquote
 * whose first line is the title with the venue in parentheses, followed by
 * link lines, figures, and a nested ">>" quote holding the summary. A
 * blockquote that lists links ("相关链接：", "一些参考链接") is the
 * category's references instead.
 *
 * Read line by line rather than through cmark's tree because the file's
 * structure (title over two lines by lazy continuation, link lines, figure
 * lines, the nested summary) is positional, not Markdown; cmark is used for
 * what is Markdown: the summaries and the reference lists. */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "read_common.h"

#define PB_REPORT_MAX_LEVELS 8
#define PB_REPORT_MAX_TITLE_LINES 3

typedef struct {
  const char *name;
  const char *color;
  int line;
} heading;

typedef struct {
  pb_library *lib;
  const pb_read_options *opt;
  pb_read_source *src;
  heading stack[PB_REPORT_MAX_LEVELS];
  size_t depth;
  int base_level; /* the heading level that makes a chapter */
} report_ctx;

/* One line of a blockquote: its depth (inherited for lazy lines) and the
 * text after the markers. */
typedef struct {
  int depth;
  int lineno;
  pb_read_str raw;  /* the whole line */
  pb_read_str text; /* after all quote markers, trimmed */
} qline;

static int heading_level(pb_read_str t, pb_read_str *name) {
  size_t i = 0;
  while (i < t.len && i < 3 && t.s[i] == ' ') i++;
  size_t h = i;
  while (i < t.len && t.s[i] == '#') i++;
  int level = (int)(i - h);
  if (level < 1 || level > 6) return 0;
  if (i < t.len && t.s[i] != ' ' && t.s[i] != '\t') return 0;
  pb_read_str n = pb_read_trim((pb_read_str){t.s + i, t.len - i});
  /* closing hashes are decoration */
  while (n.len && n.s[n.len - 1] == '#') n.len--;
  *name = pb_read_trim(n);
  return level;
}

/* The category for the current headings, created on first use so that a
 * heading with no cards and no references makes no chapter. */
static pb_category *current_category(report_ctx *c) {
  const char *path[PB_REPORT_MAX_LEVELS];
  pb_category *cat = c->lib->root_category;
  for (size_t i = 0; i < c->depth; i++) {
    path[i] = c->stack[i].name;
    cat = pb_library_category(c->lib, path, i + 1, c->src->file, c->stack[i].line);
    if (!cat->color && c->stack[i].color) cat->color = c->stack[i].color;
  }
  return cat;
}

/* The level of the first heading, unless the file opens with a single
 * title heading above the real chapters. */
static int find_base_level(const pb_read_source *src) {
  int counts[7] = {0}, first = 0;
  int in_comment = 0;
  for (size_t i = 0; i < src->nlines; i++) {
    pb_read_str t = src->lines[i], name;
    if (in_comment) {
      if (memmem(t.s, t.len, "-->", 3)) in_comment = 0;
      continue;
    }
    pb_read_str tt = pb_read_trim(t);
    if (pb_read_starts_with(tt, "<!--") && !memmem(tt.s, tt.len, "-->", 3)) {
      in_comment = 1;
      continue;
    }
    int lv = heading_level(t, &name);
    if (!lv) continue;
    if (!first) first = lv;
    counts[lv]++;
  }
  int min = 0;
  for (int lv = 1; lv <= 6; lv++)
    if (counts[lv]) {
      min = lv;
      break;
    }
  if (!min) return 1;
  if (counts[min] == 1 && first == min) {
    for (int lv = min + 1; lv <= 6; lv++)
      if (counts[lv]) return lv;
  }
  return min;
}

static int is_reference_label(pb_read_str t) {
  t = pb_read_trim(t);
  if (!t.len || t.len > 60) return 0;
  if (memmem(t.s, t.len, "链接", 6) || memmem(t.s, t.len, "参考", 6) ||
      memmem(t.s, t.len, "连接", 6))
    return 1;
  const char *last = t.s + t.len;
  return t.s[t.len - 1] == ':' || (t.len >= 3 && memcmp(last - 3, "：", 3) == 0);
}

static int is_list_item(pb_read_str t) {
  if (t.len >= 2 && (t.s[0] == '-' || t.s[0] == '*' || t.s[0] == '+') && t.s[1] == ' ') return 1;
  size_t i = 0;
  while (i < t.len && i < 3 && t.s[i] >= '0' && t.s[i] <= '9') i++;
  return i && i + 1 < t.len && (t.s[i] == '.' || t.s[i] == ')') && t.s[i + 1] == ' ';
}

/* ---- references ---------------------------------------------------- */

static void read_references(report_ctx *c, qline *q, size_t n) {
  pb_library *lib = c->lib;
  const char *file = c->src->file;
  pb_category *cat = current_category(c);
  pb_buf md = PB_BUF_INIT, rest = PB_BUF_INIT;
  pb_read_lines map = {0};
  pb_entry holder; /* collects the figures of the list */
  memset(&holder, 0, sizeof holder);
  size_t first = 0;
  while (first < n && !q[first].text.len) first++;
  if (first < n && is_reference_label(q[first].text) && !is_list_item(q[first].text)) first++;
  for (size_t k = first; k < n; k++) {
    /* keep one level of quoting off, so that list indentation survives */
    size_t off = pb_read_unquote(q[k].raw.s, q[k].raw.len, 1, NULL);
    pb_read_str body = {q[k].raw.s + off, q[k].raw.len - off};
    if (q[k].depth >= 2) body = q[k].text;
    pb_buf_reset(&rest);
    pb_read_take_images(lib, &holder, body, &rest, c->src->dir, c->opt, file, q[k].lineno);
    pb_read_str r = {rest.data ? rest.data : "", rest.len};
    /* what is left of "![a](x), ![b](y)" is commas */
    pb_read_str left = pb_read_trim(r);
    int only_commas = left.len > 0;
    for (size_t i = 0; i < left.len; i++)
      if (left.s[i] != ',' && left.s[i] != ' ') only_commas = 0;
    if (only_commas) r.len = 0;
    pb_buf_append(&md, r.s, r.len);
    pb_buf_putc(&md, '\n');
    pb_read_lines_push(&map, q[k].lineno);
  }
  pb_read_md m = {lib, NULL, file, c->src->dir, c->opt, map.v, map.n};
  pb_read_markdown_text(&m, &cat->references, md.data ? md.data : "", md.len);
  /* the figures of a reference list are shown with it */
  for (size_t i = 0; i < holder.nfigures; i++)
    *PB_PUSH(lib->arena, cat->figures, cat->nfigures, cat->capfigures) = holder.figures[i];
  pb_buf_free(&md);
  pb_buf_free(&rest);
  pb_read_lines_free(&map);
}

/* ---- cards ------------------------------------------------------------ */

static void read_card_quote(report_ctx *c, qline *q, size_t n) {
  pb_library *lib = c->lib;
  const char *file = c->src->file;
  size_t k = 0;
  while (k < n && !q[k].text.len) k++;
  if (k == n) return;
  pb_entry *e = pb_library_add_entry(lib, file, q[k].lineno);
  pb_buf title = PB_BUF_INIT, md = PB_BUF_INIT, rest = PB_BUF_INIT;
  pb_read_lines map = {0};

  /* the title: depth-1 lines up to the first link or figure line */
  size_t tl = 0;
  while (k < n && q[k].depth == 1 && q[k].text.len && tl < PB_REPORT_MAX_TITLE_LINES &&
         !pb_read_is_link_line(q[k].text) && !pb_read_starts_with(q[k].text, "![") &&
         !pb_read_starts_with(q[k].text, "<img")) {
    pb_read_str t = q[k].text;
    /* a trailing backslash or two trailing blanks: a Markdown line break */
    if (t.len && t.s[t.len - 1] == '\\') t.len--;
    if (title.len) pb_buf_putc(&title, ' ');
    pb_buf_append(&title, t.s, t.len);
    k++, tl++;
  }
  char *plain = pb_read_strip_html(lib, (pb_read_str){title.data ? title.data : "", title.len},
                                   NULL, file, e->line);
  pb_read_title(lib, e, (pb_read_str){plain, strlen(plain)});
  if (!*e->title) pb_warn(file, e->line, "card without a title");

  int summary_started = 0;
  for (; k < n; k++) {
    pb_buf_reset(&rest);
    pb_read_str body;
    if (q[k].depth >= 2) {
      /* keep what follows the summary's own two markers (list indentation) */
      size_t off = pb_read_unquote(q[k].raw.s, q[k].raw.len, 2, NULL);
      body = (pb_read_str){q[k].raw.s + off, q[k].raw.len - off};
    } else {
      body = q[k].text;
    }
    pb_read_take_images(lib, e, body, &rest, c->src->dir, c->opt, file, q[k].lineno);
    pb_read_str r = {rest.data ? rest.data : "", rest.len};
    pb_read_str tr = pb_read_trim(r);
    int only_commas = tr.len > 0;
    for (size_t i = 0; i < tr.len; i++)
      if (tr.s[i] != ',' && tr.s[i] != ' ') only_commas = 0;
    if (only_commas) continue;
    if (q[k].depth == 1 && !summary_started && tr.len && pb_read_is_link_line(tr)) {
      pb_read_take_links(lib, e, tr, c->src->dir, c->opt, file, q[k].lineno);
      continue;
    }
    if (tr.len && tr.s[tr.len - 1] == '\\') {
      tr = pb_read_drop_hard_break(tr);
      r = tr;
    }
    if (tr.len) {
      size_t lab = pb_read_summary_label(tr);
      if (lab) {
        r = pb_read_trim((pb_read_str){tr.s + lab, tr.len - lab});
        if (!r.len) continue;
      }
      summary_started = 1;
    }
    pb_buf_append(&md, r.s, r.len);
    pb_buf_putc(&md, '\n');
    pb_read_lines_push(&map, q[k].lineno);
  }
  if (md.len) {
    pb_read_md m = {lib, e, file, c->src->dir, c->opt, map.v, map.n};
    pb_read_markdown_text(&m, &e->summary, md.data, md.len);
  }
  if (c->depth)
    pb_library_file_entry(lib, current_category(c), e);
  else
    pb_warn(file, e->line, "card before the first heading has no category");
  pb_buf_free(&title);
  pb_buf_free(&md);
  pb_buf_free(&rest);
  pb_read_lines_free(&map);
}

/* Decides what a blockquote is and reads it. */
static void read_quote(report_ctx *c, qline *q, size_t n) {
  size_t k = 0;
  while (k < n && !q[k].text.len) k++;
  if (k == n) return;
  if (q[k].depth != 1) {
    pb_read_str shown = pb_read_cut(q[k].text, 60);
    pb_warn(c->src->file, q[k].lineno, "nested quote without a card title ignored: '%.*s'",
            (int)shown.len, shown.s);
    return;
  }
  int refs = is_reference_label(q[k].text) || is_list_item(q[k].text);
  int card_like = 0;
  for (size_t i = k; i < n; i++) {
    if (q[i].depth == 1 && i > k && is_list_item(q[i].text)) refs = 1;
    if (q[i].depth == 1 && pb_read_is_link_line(q[i].text)) card_like = 1;
  }
  pb_read_str first = q[k].text;
  if (first.len && first.s[first.len - 1] == ')') card_like = 1;
  if (!c->depth && !card_like) {
    pb_read_str shown = pb_read_cut(first, 60);
    pb_note(c->src->file, q[k].lineno, "blockquote before the first heading is not a card: '%.*s'",
            (int)shown.len, shown.s);
    return;
  }
  if (refs && !(card_like && !is_reference_label(first)))
    read_references(c, q, n);
  else
    read_card_quote(c, q, n);
}

/* A heading at line: the category path at its level (the document's
 * title above the base level is skipped). */
static void read_heading(report_ctx *c, int lv, pb_read_str name, int line) {
  const char *color = NULL;
  char *clean = pb_read_strip_html(c->lib, name, &color, c->src->file, line);
  if (lv < c->base_level) return; /* the document's title */
  size_t d = (size_t)(lv - c->base_level);
  if (d >= PB_REPORT_MAX_LEVELS) d = PB_REPORT_MAX_LEVELS - 1;
  if (!*clean) {
    pb_warn(c->src->file, line, "heading without a name ignored");
    return;
  }
  if (d > c->depth) d = c->depth; /* a skipped level nests one deeper */
  c->stack[d].name = clean;
  c->stack[d].color = color;
  c->stack[d].line = line;
  c->depth = d + 1;
}

int pb_read_report(pb_library *lib, const char *path, const pb_read_options *opt) {
  pb_read_source src;
  qline *q = NULL;
  size_t capq = 0;
  int rc = pb_read_source_load(lib, path, &src);
  if (rc) goto done;
  pb_read_repo_from_git(lib);
  report_ctx c;
  memset(&c, 0, sizeof c);
  c.lib = lib;
  c.opt = opt;
  c.src = &src;
  c.base_level = find_base_level(&src);
  int in_comment = 0, in_toc = 0;
  size_t i = 0;
  while (i < src.nlines) {
    pb_read_str raw = src.lines[i], t = pb_read_trim(raw), name;
    if (in_comment) {
      if (memmem(t.s, t.len, "-->", 3)) in_comment = 0;
      i++;
      continue;
    }
    if (pb_read_starts_with(t, "<!--")) {
      if (!memmem(t.s + 4, t.len - 4, "-->", 3)) in_comment = 1;
      /* "<!-- TOC -->" ... "<!-- TOC -->" (or "<!-- /TOC -->") brackets a
       * generated table of contents: noise, as the booklet makes its own */
      else if (memmem(t.s, t.len, "TOC", 3))
        in_toc = !in_toc;
      i++;
      continue;
    }
    if (in_toc) {
      i++;
      continue;
    }
    if (pb_read_is_blank(t) || pb_read_is_separator(t)) {
      i++;
      continue;
    }
    int lv = heading_level(raw, &name);
    if (lv) {
      read_heading(&c, lv, name, (int)i + 1);
      i++;
      continue;
    }
    int qd;
    pb_read_unquote(raw.s, raw.len, 0, &qd);
    if (qd) {
      /* the quote and its lazy continuation lines */
      size_t nq = 0;
      int depth = qd;
      while (i < src.nlines) {
        pb_read_str l = src.lines[i];
        int d;
        size_t off = pb_read_unquote(l.s, l.len, 0, &d);
        pb_read_str lt = pb_read_trim(l);
        if (!d) {
          if (pb_read_is_blank(lt) || pb_read_is_separator(lt) || heading_level(l, &name) ||
              pb_read_starts_with(lt, "<!--"))
            break;
          d = depth; /* lazy continuation */
        }
        depth = d;
        if (nq == capq) {
          capq = capq ? capq * 2 : 32;
          q = pb_xrealloc(q, capq * sizeof *q);
        }
        q[nq].depth = d;
        q[nq].lineno = (int)i + 1;
        q[nq].raw = l;
        q[nq].text = pb_read_trim((pb_read_str){l.s + off, l.len - off});
        if (pb_read_is_blank(q[nq].text)) q[nq].text.len = 0;
        nq++;
        i++;
      }
      read_quote(&c, q, nq);
      continue;
    }
    /* text outside a quote: a list of links belongs to the category */
    size_t start = i;
    int links = 0;
    size_t nq = 0;
    while (i < src.nlines) {
      pb_read_str l = src.lines[i], lt = pb_read_trim(l);
      int d;
      pb_read_unquote(l.s, l.len, 0, &d);
      if (d || pb_read_is_blank(lt) || pb_read_is_separator(lt) || heading_level(l, &name) ||
          pb_read_starts_with(lt, "<!--"))
        break;
      if (memmem(lt.s, lt.len, "](", 2)) links = 1;
      if (nq == capq) {
        capq = capq ? capq * 2 : 32;
        q = pb_xrealloc(q, capq * sizeof *q);
      }
      q[nq].depth = 1;
      q[nq].lineno = (int)i + 1;
      q[nq].raw = l;
      q[nq].text = lt;
      nq++;
      i++;
    }
    if (links && c.depth) {
      read_references(&c, q, nq);
    } else if (c.depth || nq > 1 || !pb_read_is_blank(pb_read_trim(src.lines[start]))) {
      pb_read_str shown = pb_read_cut(pb_read_trim(src.lines[start]), 60);
      if (c.depth)
        pb_warn(src.file, (int)start + 1, "text outside any card ignored: '%.*s'", (int)shown.len,
                shown.s);
      else
        pb_note(src.file, (int)start + 1, "text before the first heading ignored: '%.*s'",
                (int)shown.len, shown.s);
    }
  }
done:
  free(q);
  pb_read_source_free(&src);
  return rc;
}
