#include "cards_write.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine.h"
#include "diag.h"
#include "utf8.h"

/* A YAML double-quoted scalar: safe for any text. */
static void yaml_quote(pb_buf *b, const char *s) {
  pb_buf_putc(b, '"');
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') {
      pb_buf_putc(b, '\\');
      pb_buf_putc(b, *p);
    } else if (*p == '\n') {
      pb_buf_puts(b, "\\n");
    } else if (*p == '\t') {
      pb_buf_puts(b, "\\t");
    } else if (*p >= 0x20) {
      pb_buf_putc(b, *p);
    }
  }
  pb_buf_putc(b, '"');
}

/* Markdown inline text: characters Markdown would read as markup are
 * escaped, so the summary reads back as the same text. */
static void md_escape(pb_buf *b, const char *s, int at_line_start) {
  for (const char *p = s; *p; p++) {
    char c = *p;
    if (strchr("\\`*_[]<>!|~", c) || (c == '#' && at_line_start) ||
        ((c == '-' || c == '+') && at_line_start) || (c == '&' && p[1] && p[1] != ' '))
      pb_buf_putc(b, '\\');
    if (c == '\n') {
      /* A newline inside a paragraph stays a line break, not a new block. */
      pb_buf_puts(b, "\\\n");
      at_line_start = 1;
      continue;
    }
    /* "1." at the start of a line would begin a list. */
    if (at_line_start && c >= '0' && c <= '9') {
      const char *q = p;
      while (*q >= '0' && *q <= '9') q++;
      if (*q == '.' || *q == ')') {
        pb_buf_append(b, p, (size_t)(q - p));
        pb_buf_putc(b, '\\');
        p = q - 1;
        at_line_start = 0;
        continue;
      }
    }
    pb_buf_putc(b, c);
    if (c != ' ') at_line_start = 0;
  }
}

static void md_spans(pb_buf *b, const pb_block *bl) {
  int start = 1;
  for (size_t i = 0; i < bl->nspans; i++) {
    const pb_span *s = &bl->spans[i];
    if (!s->text || !*s->text) continue;
    if (s->style & PB_STYLE_CODE) {
      /* Backtick fences longer than any run of backticks inside. */
      size_t run = 0, maxrun = 0;
      for (const char *p = s->text; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > maxrun) maxrun = run;
      }
      for (size_t k = 0; k <= maxrun; k++) pb_buf_putc(b, '`');
      if (s->text[0] == '`') pb_buf_putc(b, ' ');
      pb_buf_puts(b, s->text);
      if (s->text[strlen(s->text) - 1] == '`') pb_buf_putc(b, ' ');
      for (size_t k = 0; k <= maxrun; k++) pb_buf_putc(b, '`');
      start = 0;
      continue;
    }
    const char *mark = (s->style & PB_STYLE_BOLD) && (s->style & PB_STYLE_ITALIC) ? "***"
                       : (s->style & PB_STYLE_BOLD)                               ? "**"
                       : (s->style & PB_STYLE_ITALIC)                             ? "*"
                                                                                  : "";
    if (s->url) pb_buf_putc(b, '[');
    pb_buf_puts(b, mark);
    md_escape(b, s->text, start);
    pb_buf_puts(b, mark);
    if (s->url) {
      pb_buf_puts(b, "](<");
      for (const char *p = s->url; *p; p++) {
        if (*p == '<' || *p == '>' || *p == '\\') pb_buf_putc(b, '\\');
        pb_buf_putc(b, *p);
      }
      pb_buf_puts(b, ">)");
    }
    start = 0;
  }
}

static void md_text(pb_buf *b, const pb_text *t) {
  for (size_t i = 0; i < t->n; i++) {
    const pb_block *bl = &t->blocks[i];
    if (i) pb_buf_putc(b, '\n');
    switch (bl->kind) {
    case PB_BLOCK_ITEM: {
      int depth = bl->depth > 0 ? bl->depth : 1;
      for (int k = 1; k < depth; k++) pb_buf_puts(b, "    ");
      if (bl->continuation)
        pb_buf_puts(b, "    ");
      else if (bl->ordinal)
        pb_buf_printf(b, "%d. ", bl->ordinal);
      else
        pb_buf_puts(b, "- ");
      md_spans(b, bl);
      break;
    }
    case PB_BLOCK_CODE:
      pb_buf_puts(b, "~~~~\n");
      for (size_t k = 0; k < bl->nspans; k++) pb_buf_puts(b, bl->spans[k].text);
      if (b->len && b->data[b->len - 1] != '\n') pb_buf_putc(b, '\n');
      pb_buf_puts(b, "~~~~");
      break;
    case PB_BLOCK_HEADING:
      pb_buf_puts(b, "### ");
      md_spans(b, bl);
      break;
    default: md_spans(b, bl);
    }
    pb_buf_putc(b, '\n');
  }
}

/* The figure as a card should name it: relative to the library root when
 * it is a local file there, else as written. */
static const char *figure_ref(const pb_library *lib, const pb_figure *f, pb_buf *tmp) {
  /* a URL (into the group's repository too) reads back the same from any
   * folder: kept as written */
  if (f->src && strstr(f->src, "://")) return f->src;
  if (f->path) {
    char rroot[PATH_MAX], rpath[PATH_MAX];
    if (realpath(lib->root, rroot) && realpath(f->path, rpath)) {
      size_t n = strlen(rroot);
      if (strncmp(rroot, rpath, n) == 0 && rpath[n] == '/') {
        pb_buf_reset(tmp);
        pb_buf_puts(tmp, rpath + n + 1);
        return tmp->data;
      }
    }
    return f->path;
  }
  return f->url ? f->url : f->src;
}

void pb_card_format(const pb_library *lib, const pb_entry *e, pb_buf *b) {
  pb_buf tmp = PB_BUF_INIT;
  pb_buf_puts(b, "---\ntitle: ");
  yaml_quote(b, e->title);
  /* a venue and year read from a link (a CVF URL) are read from it again,
   * so that dump says where they came from as before */
  int venue_from_link = e->src.venue && strcmp(e->src.venue, "link") == 0;
  int year_from_link = e->src.year && strcmp(e->src.year, "link") == 0;
  if (e->venue && !venue_from_link) {
    pb_buf_puts(b, "\nvenue: ");
    yaml_quote(b, e->venue);
  }
  if (e->year && !year_from_link) pb_buf_printf(b, "\nyear: %d", e->year);
  if (e->note) {
    pb_buf_puts(b, "\nnote: ");
    yaml_quote(b, e->note);
  }
  if (e->ncategory) {
    pb_buf_puts(b, "\ncategory: [");
    for (size_t i = 0; i < e->ncategory; i++) {
      if (i) pb_buf_puts(b, ", ");
      yaml_quote(b, e->category[i]);
    }
    pb_buf_puts(b, "]");
  }
  if (e->presenter) {
    pb_buf_puts(b, "\npresenter: ");
    yaml_quote(b, e->presenter);
  }
  if (e->date) pb_buf_printf(b, "\ndate: %s", e->date);
  if (e->nlinks) {
    pb_buf_puts(b, "\nlinks:");
    for (size_t i = 0; i < e->nlinks; i++) {
      const pb_link *l = &e->links[i];
      /* The label as written (none when none was), and the kind when the
       * label alone would not give it back */
      /* a URL (one into the group's repository resolves to the local file
       * again) as written, else the local path */
      const char *url = l->url && strstr(l->url, "://") ? l->url : l->local ? l->local : l->url;
      const char *label = l->label && *l->label ? l->label : NULL;
      pb_buf_puts(b, "\n  - {");
      if (label) {
        pb_buf_puts(b, "label: ");
        yaml_quote(b, label);
        pb_buf_puts(b, ", ");
      }
      if (pb_link_kind_from_label(label, url) != l->kind)
        pb_buf_printf(b, "kind: %s, ", pb_link_kind_name(l->kind));
      pb_buf_puts(b, "url: ");
      yaml_quote(b, url);
      pb_buf_puts(b, "}");
    }
  }
  if (e->nfigures) {
    pb_buf_puts(b, "\nfigures:");
    for (size_t i = 0; i < e->nfigures; i++) {
      pb_buf_puts(b, "\n  - ");
      if (e->figures[i].width_hint) {
        /* the width written in the log's <img width=...> */
        pb_buf_puts(b, "{src: ");
        yaml_quote(b, figure_ref(lib, &e->figures[i], &tmp));
        pb_buf_printf(b, ", width: %d}", e->figures[i].width_hint);
      } else {
        yaml_quote(b, figure_ref(lib, &e->figures[i], &tmp));
      }
    }
  }
  if (e->ntags) {
    pb_buf_puts(b, "\ntags: [");
    for (size_t i = 0; i < e->ntags; i++) {
      if (i) pb_buf_puts(b, ", ");
      yaml_quote(b, e->tags[i]);
    }
    pb_buf_puts(b, "]");
  }
  pb_buf_printf(b, "\n# imported from %s:%d\n---\n", e->file ? e->file : "", e->line);
  md_text(b, &e->summary);
  pb_buf_free(&tmp);
}

static void slug(pb_buf *b, const char *s, size_t max) {
  int dash = 0;
  size_t start = b->len;
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && b->len - start < max;
       p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
      pb_buf_putc(b, *p);
      dash = 0;
    } else if (*p >= 'A' && *p <= 'Z') {
      pb_buf_putc(b, *p + 32);
      dash = 0;
    } else if (*p >= 0x80) {
      /* Whole UTF-8 characters only. */
      uint32_t cp;
      int n = pb_utf8_decode((const char *)p, strlen((const char *)p), &cp);
      if (cp != 0xFFFD && (pb_is_cjk(cp) && !pb_is_cjk_punct(cp))) {
        pb_buf_append(b, p, (size_t)n);
        dash = 0;
      } else if (!dash && b->len > start) {
        pb_buf_putc(b, '-');
        dash = 1;
      }
      p += n - 1;
    } else if (!dash && b->len > start) {
      pb_buf_putc(b, '-');
      dash = 1;
    }
  }
  /* cut short: at the last word boundary, not inside a word */
  if (b->len - start >= max && b->len > start && b->data[b->len - 1] != '-') {
    size_t k = b->len;
    while (k > start && b->data[k - 1] != '-') k--;
    if (k > start + max / 3) {
      b->len = k;
      b->data[b->len] = 0;
    }
  }
  while (b->len > start && b->data[b->len - 1] == '-') b->data[--b->len] = 0;
  if (b->len == start) pb_buf_puts(b, "card");
}

int pb_cards_write(const pb_library *lib, const char *dir) {
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    pb_error(dir, 0, "cannot create: %s", strerror(errno));
    return PB_EIO;
  }
  int written = 0;
  pb_buf path = PB_BUF_INIT, card = PB_BUF_INIT;
  for (size_t i = 0; i < lib->nentries; i++) {
    const pb_entry *e = lib->entries[i];
    pb_buf_reset(&path);
    pb_buf_printf(&path, "%s/", dir);
    if (e->ncategory)
      slug(&path, e->category[0], 40);
    else if (e->date)
      pb_buf_append(&path, e->date, 7);
    else
      pb_buf_puts(&path, "undated");
    if (mkdir(path.data, 0777) != 0 && errno != EEXIST) {
      pb_error(path.data, 0, "cannot create: %s", strerror(errno));
      continue;
    }
    /* a category folder committed as a link out of dir (papers/cv ->
     * ~/.config) would put the card, named by the library, there */
    char *real = NULL;
    if (pb_confine_outside(path.data, dir, &real)) {
      pb_error(path.data, 0, "resolves to '%s', outside %s (a symbolic link); not imported",
               real ? real : "?", dir);
      free(real);
      continue;
    }
    free(real);
    pb_buf_printf(&path, "/%s-", e->date ? e->date : "undated");
    slug(&path, e->title, 60);
    pb_buf_puts(&path, ".md");
    pb_buf_reset(&card);
    pb_card_format(lib, e, &card);
    int fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0 && errno == EEXIST) {
      /* Two papers with one slug: number the second. */
      for (int k = 2; k < 100 && fd < 0 && errno == EEXIST; k++) {
        path.len -= 3;
        if (k > 2) {
          while (path.len && path.data[path.len - 1] != '-') path.len--;
          path.len--;
        }
        path.data[path.len] = 0;
        pb_buf_printf(&path, "-%d.md", k);
        fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL, 0666);
      }
    }
    if (fd < 0) {
      pb_warn(e->file, e->line, "not imported: %s: %s", path.data, strerror(errno));
      continue;
    }
    ssize_t w = write(fd, card.data, card.len);
    if (close(fd) != 0 || w != (ssize_t)card.len) {
      pb_error(path.data, 0, "write failed: %s", strerror(errno));
      unlink(path.data);
      continue;
    }
    written++;
  }
  /* the weeks not read and the heads that name no single paper: one file,
   * read back by pb_read_card */
  if (lib->nabsences || lib->nnotes) {
    pb_buf_reset(&card);
    pb_buf_puts(&card, "---\n# weeks not read and notes, imported\n");
    for (int which = 0; which < 2; which++) {
      const pb_absence *v = which ? lib->notes : lib->absences;
      size_t n = which ? lib->nnotes : lib->nabsences;
      if (!n) continue;
      pb_buf_puts(&card, which ? "notes:\n" : "absences:\n");
      for (size_t i = 0; i < n; i++) {
        pb_buf_puts(&card, "  - {date: ");
        yaml_quote(&card, v[i].date ? v[i].date : "");
        pb_buf_puts(&card, ", presenter: ");
        yaml_quote(&card, v[i].presenter ? v[i].presenter : "");
        if (v[i].note) {
          pb_buf_puts(&card, ", note: ");
          yaml_quote(&card, v[i].note);
        }
        pb_buf_printf(&card, "}  # %s:%d\n", v[i].file ? v[i].file : "", v[i].line);
      }
    }
    pb_buf_puts(&card, "---\n");
    pb_buf_reset(&path);
    pb_buf_printf(&path, "%s/absences.md", dir);
    int fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
      pb_warn(path.data, 0, "weeks not read not imported: %s", strerror(errno));
    } else {
      ssize_t w = write(fd, card.data, card.len);
      if (close(fd) != 0 || w != (ssize_t)card.len) {
        pb_error(path.data, 0, "write failed: %s", strerror(errno));
        unlink(path.data);
      }
    }
  }
  pb_buf_free(&path);
  pb_buf_free(&card);
  return written;
}
