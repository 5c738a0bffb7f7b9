/* LaTeX export: model in, booklet.tex (xelatex, ctexbook) and its figures
 * out.
 *
 * Order of work: learn which characters the fonts have (fontconfig), write
 * the body (chapters, cards, appendix) into a buffer while writing the
 * figures the plan judged (the image cache gives their files), then write
 * the preamble, which needs to know what the
 * body used (characters for xeCJK's classes, chapter names for the PDF
 * keywords), and finally put both into booklet.tex through a temporary file.
 *
 * Everything from the model passes through put_text (text) or put_url
 * (link targets): nothing from a card reaches the .tex unescaped. */
#include "tex.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "biblio.h"
#include "context.h"
#include "diag.h"
#include "imgcache.h"
#include "links.h"
#include "utf8.h"

/* ==== fonts the .tex names ============================================ */

/* The six fonts the .tex sets, each with the families that may stand in
 * for it, first choice first, and the Debian package of the first. The
 * export names only families fontconfig finds (the first of each list
 * that is installed), so xelatex never stops on a missing font. */
enum { FONT_MAIN, FONT_SANS, FONT_MONO, FONT_CJK_MAIN, FONT_CJK_SANS, FONT_CJK_MONO, NFONTS };
static const struct {
  const char *role;
  const char *package;
  const char *families[4];
} FONT_CHOICES[NFONTS] = {
    {"main", "fonts-noto-core", {"Noto Serif", "DejaVu Serif", NULL}},
    {"sans", "fonts-noto-core", {"Noto Sans", "DejaVu Sans", NULL}},
    {"mono", "fonts-noto-mono", {"Noto Sans Mono", "DejaVu Sans Mono", NULL}},
    /* The PDF's own faces first: Noto Serif/Sans CJK SC have real bold
     * weights; the stand-ins after them are given a synthetic bold. */
    {"CJK main",
     "fonts-noto-cjk",
     {"Noto Serif CJK SC", "AR PL UMing CN", "WenQuanYi Micro Hei", NULL}},
    {"CJK sans", "fonts-noto-cjk", {"Noto Sans CJK SC", "WenQuanYi Micro Hei", NULL}},
    {"CJK mono",
     "fonts-noto-cjk",
     {"Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", "WenQuanYi Micro Hei", NULL}},
};

#define FIGURE_DIR "figures"
#define CP_LIMIT 0x110000u

/* ==== state ============================================================ */

typedef struct {
  const char *path; /* source file on disk */
  const char *name; /* "figures/fig-001.png"; NULL when it cannot be shown */
  const char *why;  /* the reason when name is NULL */
  int angle;        /* rotation that undoes JPEG EXIF orientation */
} tex_figure;

typedef struct {
  const pb_plan *plan;
  pb_tex_options opt;
  pb_arena *arena; /* scratch for this run */
  const char *outdir;
  const char *figdir;
  pb_buf body;
  /* Character sets of the Latin and CJK main fonts; NULL when fontconfig
   * does not find the font (then only emoji planes are dropped). */
  FcCharSet *latin, *cjk;
  /* Code points used that only one of the two fonts has: the preamble puts
   * them into the xeCJK class that selects that font. Bitmaps. */
  unsigned char *only_cjk, *only_latin;
  /* Characters dropped from the piece being written, for one warning. */
  uint32_t dropped[4];
  int ndropped;
  const char *fonts[NFONTS]; /* the families chosen (installed ones) */
  tex_figure *figs;
  size_t nfigs, capfigs;
  int nfig_files;
  const char **chapters; /* chapter names (escaped) for pdfkeywords */
  size_t nchapters, capchapters;
  unsigned text_steps; /* characters written, for break_long_line */
} tex;

/* TeX reads its input a line at a time into a buffer of 200,000 bytes
 * (buf_size in texmf.cnf): a paragraph written on one line longer than
 * that stops xelatex. Lines of text are kept under this length. */
#define TEX_MAX_LINE 4096

/* ==== fonts: which characters survive ================================= */

/* config is a private fontconfig configuration (destroyed by the caller),
 * not the library-wide one, which would live until the process ends. */
static FcCharSet *family_charset(FcConfig *config, const char *family) {
  if (!config) return NULL;
  FcPattern *pat = FcPatternCreate();
  if (!pat) return NULL;
  FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
  FcConfigSubstitute(config, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult res;
  FcPattern *match = FcFontMatch(config, pat, &res);
  FcCharSet *cs = NULL;
  if (match) {
    /* fontconfig always answers with something; only the family asked for
     * tells what xelatex will load. */
    FcChar8 *fam;
    int same = 0;
    for (int i = 0; FcPatternGetString(match, FC_FAMILY, i, &fam) == FcResultMatch; i++)
      if (strcasecmp((const char *)fam, family) == 0) same = 1;
    FcCharSet *found;
    if (same && FcPatternGetCharSet(match, FC_CHARSET, 0, &found) == FcResultMatch)
      cs = FcCharSetCopy(found);
    FcPatternDestroy(match);
  }
  FcPatternDestroy(pat);
  return cs;
}

/* Invisible format characters nobody misses, and that fonts rarely have. */
/* Picks, for each font the .tex sets, the first family fontconfig has. When
 * none is installed the first is named anyway, with a warning that says
 * which package to install (xelatex will stop without it). */
static void choose_fonts(tex *T, FcConfig *fc) {
  for (int i = 0; i < NFONTS; i++) {
    T->fonts[i] = NULL;
    for (int k = 0; !T->fonts[i] && FONT_CHOICES[i].families[k]; k++) {
      FcCharSet *cs = family_charset(fc, FONT_CHOICES[i].families[k]);
      if (cs) {
        T->fonts[i] = FONT_CHOICES[i].families[k];
        FcCharSetDestroy(cs);
      }
    }
    if (!T->fonts[i]) {
      T->fonts[i] = FONT_CHOICES[i].families[0];
      pb_warn(NULL, 0,
              "LaTeX export: no %s font installed (%s or a stand-in); xelatex needs it "
              "(Debian: %s)",
              FONT_CHOICES[i].role, T->fonts[i], FONT_CHOICES[i].package);
    }
  }
}

static int is_invisible(uint32_t cp) {
  return (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0000 && cp <= 0xE01EF);
}

static void mark(unsigned char *bits, uint32_t cp) {
  bits[cp >> 3] |= (unsigned char)(1u << (cp & 7));
}
static int marked(const unsigned char *bits, uint32_t cp) { return bits[cp >> 3] >> (cp & 7) & 1; }

/* 1 when cp (outside ASCII) can be typeset: some font has it. Characters
 * only one of the fonts has are recorded so that xeCJK is told which. */
static int font_has(tex *T, uint32_t cp) {
  if (!T->latin || !T->cjk) return cp < 0x1F000 || cp >= 0x20000;
  int in_latin = FcCharSetHasChar(T->latin, cp), in_cjk = FcCharSetHasChar(T->cjk, cp);
  if (in_latin && !in_cjk) mark(T->only_latin, cp);
  /* Han, kana, hangul and CJK punctuation are xeCJK's already, and its
   * punctuation classes must stay as they are. */
  if (in_cjk && !in_latin && !pb_is_cjk(cp) && !pb_is_cjk_punct(cp)) mark(T->only_cjk, cp);
  return in_latin || in_cjk;
}

static void note_dropped(tex *T, uint32_t cp) {
  for (int i = 0; i < T->ndropped && i < 4; i++)
    if (T->dropped[i] == cp) return;
  if (T->ndropped < 4) T->dropped[T->ndropped] = cp;
  T->ndropped++;
}

/* Reports the characters dropped since the last call, at file:line. */
static void flush_dropped(tex *T, const char *file, int line) {
  if (!T->ndropped) return;
  char list[64] = "";
  size_t used = 0;
  for (int i = 0; i < T->ndropped && i < 4; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%sU+%04X", i ? " " : "",
                             (unsigned)T->dropped[i]);
  pb_warn(file, line, "LaTeX export: dropped %s%s: no configured font has %s", list,
          T->ndropped > 4 ? " ..." : "", T->ndropped > 1 ? "them" : "it");
  T->ndropped = 0;
}

/* ==== escaping ========================================================= */

enum {
  ESC_TEXT,     /* running text, PDF strings */
  ESC_TITLE,    /* titles and headings: a run of spaces is one space, as
                   in the PDF booklet's pages and bookmarks */
  ESC_CODE,     /* a code block's lines: spaces kept, newlines are paragraphs */
  ESC_BREAKABLE /* text that may be a long URL: breaks allowed after / . etc. */
};

/* Appends s[0..len) as LaTeX that prints exactly s. */
/* Ends the line of b when it has grown past TEX_MAX_LINE bytes, with "%"
 * (a comment: the line end adds no space, and TeX skips the next line's
 * leading blanks). Called between whole characters and escapes, so it never
 * splits a command; looks back at most TEX_MAX_LINE bytes every 256th call. */
static void break_long_line(tex *T, pb_buf *b) {
  if ((++T->text_steps & 255) != 0 || b->len < TEX_MAX_LINE) return;
  if (!memchr(b->data + b->len - TEX_MAX_LINE, '\n', TEX_MAX_LINE)) pb_buf_puts(b, "%\n");
}

static void put_text(tex *T, pb_buf *b, const char *s, size_t len, int mode) {
  size_t i = 0;
  int after_space = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    break_long_line(T, b);
    if (mode == ESC_TITLE && (c == ' ' || c == '\t' || c == '\n')) {
      if (!after_space) pb_buf_putc(b, ' ');
      after_space = 1;
      i++;
      continue;
    }
    after_space = 0;
    if (c >= 0x80) {
      uint32_t cp;
      int n = pb_utf8_decode(s + i, len - i, &cp);
      i += (size_t)n;
      if (cp < 0xA0 || is_invisible(cp)) continue; /* C1 controls */
      if (cp == 0xA0) {
        pb_buf_putc(b, '~');
        continue;
      }
      if (cp == 0x2028 || cp == 0x2029) {
        pb_buf_putc(b, ' ');
        continue;
      }
      if (!font_has(T, cp)) {
        note_dropped(T, cp);
        continue;
      }
      pb_utf8_put(b, cp);
      continue;
    }
    i++;
    switch (c) {
    case '\\': pb_buf_puts(b, "\\textbackslash{}"); break;
    case '{':
    case '}':
    case '#':
    case '$':
    case '%':
    case '&':
    case '_':
      pb_buf_putc(b, '\\');
      pb_buf_putc(b, c);
      break;
    case '^': pb_buf_puts(b, "\\textasciicircum{}"); break;
    case '~': pb_buf_puts(b, "\\textasciitilde{}"); break;
    case '`': pb_buf_puts(b, "\\textasciigrave{}"); break;
    /* Brackets would end an optional argument ([...]) or be read as one
     * after \\ or \item. */
    case '[': pb_buf_puts(b, "{[}"); break;
    case ']': pb_buf_puts(b, "{]}"); break;
    case '-':
      /* "--" and "---" are dash ligatures in TeX fonts. */
      pb_buf_putc(b, '-');
      if (i < len && s[i] == '-') pb_buf_puts(b, "{}");
      break;
    /* \mbox{} starts each code line, so that empty lines stay. */
    case '\n': pb_buf_puts(b, mode == ESC_CODE ? "\\par\n\\mbox{}" : " "); break;
    case '\t': pb_buf_puts(b, mode == ESC_CODE ? "\\ \\ \\ \\ " : " "); break;
    case ' ': pb_buf_puts(b, mode == ESC_CODE ? "\\ " : " "); break;
    default:
      if (c < 0x20 || c == 0x7F) break;
      pb_buf_putc(b, c);
    }
    if (mode == ESC_BREAKABLE &&
        (c == '/' || c == '.' || c == '?' || c == '&' || c == '=' || c == '_' || c == '#'))
      pb_buf_puts(b, "\\allowbreak{}");
  }
}

static void put_str(tex *T, pb_buf *b, const char *s) {
  if (s) put_text(T, b, s, strlen(s), ESC_TEXT);
}

static void put_title(tex *T, pb_buf *b, const char *s) {
  if (s) put_text(T, b, s, strlen(s), ESC_TITLE);
}

/* The escaped form of s (a title or heading), in the scratch arena. */
static const char *esc(tex *T, const char *s) {
  pb_buf b = PB_BUF_INIT;
  put_title(T, &b, s ? s : "");
  const char *r = pb_arena_strdup(T->arena, b.data ? b.data : "");
  pb_buf_free(&b);
  return r;
}

/* Appends a link target for \href. # and % are escaped (hyperref turns \#
 * and \% back into the characters, also inside other commands' arguments),
 * a second # is percent-encoded and a final empty fragment dropped;
 * bytes that TeX would read as commands, ties or groups, spaces and
 * non-ASCII are percent-encoded, which leaves the URL's meaning unchanged.
 * keep_utf8 keeps non-ASCII and spaces as they are (local file names). */
static void put_url(pb_buf *b, const char *url, int keep_utf8) {
  int fragment = 0;
  for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
    unsigned c = *p;
    if (c == '#' && !p[1]) break; /* an empty fragment: hyperref drops it anyway */
    if (c == '#' && fragment) {
      /* A fragment cannot hold '#'; hyperref would cut the URL there. */
      pb_buf_puts(b, "\\%23");
    } else if (c == '#' || c == '%') {
      if (c == '#') fragment = 1;
      pb_buf_putc(b, '\\');
      pb_buf_putc(b, (int)c);
    } else if (keep_utf8 && (c >= 0x80 || c == ' ')) {
      pb_buf_putc(b, (int)c);
    } else if (c <= 0x20 || c >= 0x7F || strchr("\\{}^~\"<>|`", (int)c)) {
      pb_buf_printf(b, "\\%%%02X", c);
    } else {
      pb_buf_putc(b, (int)c);
    }
  }
}

static int is_remote(const char *url) {
  return url && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0 ||
                 strncasecmp(url, "mailto:", 7) == 0 || strncasecmp(url, "ftp://", 6) == 0);
}

/* Print mode: the target of a link as a footnote, since paper cannot be
 * clicked. Nothing when the text already shows the URL. */
static void put_url_note(tex *T, pb_buf *b, const char *target, const char *text) {
  if (!T->opt.print || !target || !*target) return;
  if (text && strcmp(text, target) == 0) return;
  pb_buf_puts(b, "\\footnote{\\texttt{");
  put_text(T, b, target, strlen(target), ESC_BREAKABLE);
  pb_buf_puts(b, "}}");
}

/* ==== files ============================================================ */

static int make_dirs(const char *path) {
  char *p = pb_xstrdup(path);
  int rc = 0;
  for (char *s = p + 1;; s++) {
    if (*s != '/' && *s) continue;
    char saved = *s;
    *s = 0;
    if (mkdir(p, 0777) != 0 && errno != EEXIST) rc = -1;
    *s = saved;
    if (!saved) break;
  }
  struct stat st;
  if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) rc = -1;
  free(p);
  return rc;
}

/* ==== figures ========================================================== */

/* Whether path already holds exactly data: then it is left alone, so that
 * a second run does not make xelatex tools think the figures changed. */
static int same_contents(const char *path, const void *data, size_t len) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len) return 0;
  pb_buf old = PB_BUF_INIT;
  int same = pb_read_file(path, len + 1, &old) == PB_OK && old.len == len &&
             (len == 0 || memcmp(old.data, data, len) == 0);
  pb_buf_free(&old);
  return same;
}

/* Writes the figure the plan judged into figures/ once (the file the
 * image cache gives for it: pb_imgcache_latex_file); later uses of the
 * same file share it. */
static const tex_figure *use_figure(tex *T, const pb_plan_figure *pf) {
  for (size_t i = 0; i < T->nfigs; i++)
    if (strcmp(T->figs[i].path, pf->path) == 0) return &T->figs[i];
  tex_figure *f = PB_PUSH(T->arena, T->figs, T->nfigs, T->capfigs);
  f->path = pb_arena_strdup(T->arena, pf->path);
  if (!pf->stream) {
    f->why = "its data was not checked (a plan without pb_plan_options.figures)";
    return f;
  }
  pb_buf bytes = PB_BUF_INIT;
  char err[300] = "";
  const char *ext = NULL;
  if (pb_imgcache_latex_file(pf->stream, &bytes, &ext, &f->angle, err, sizeof err) != PB_OK) {
    f->why = pb_arena_strdup(T->arena, err);
  } else {
    const char *name =
        pb_arena_printf(T->arena, "%s/fig-%03d.%s", FIGURE_DIR, T->nfig_files + 1, ext);
    const char *dest = pb_arena_printf(T->arena, "%s/%s", T->outdir, name);
    if (!same_contents(dest, bytes.data, bytes.len) &&
        pb_output_write(dest, bytes.data, bytes.len, T->opt.rules) != 0) {
      f->why = pb_arena_printf(T->arena, "cannot write %s (said above)", dest);
    } else {
      T->nfig_files++;
      f->name = name;
    }
  }
  pb_buf_free(&bytes);
  return f;
}

/* Removes figures/fig-NNN.png|jpg files an earlier run wrote and this one
 * did not, so that the directory holds what booklet.tex uses. Other files
 * are left alone. */
static void remove_stale_figures(tex *T) {
  DIR *d = opendir(T->figdir);
  if (!d) return;
  for (struct dirent *de; (de = readdir(d));) {
    const char *n = de->d_name;
    if (strncmp(n, "fig-", 4) != 0) continue;
    size_t digits = 0;
    while (isdigit((unsigned char)n[4 + digits])) digits++;
    const char *ext = n + 4 + digits;
    if (digits < 3 || (strcmp(ext, ".png") != 0 && strcmp(ext, ".jpg") != 0)) continue;
    int used = 0;
    for (size_t i = 0; i < T->nfigs && !used; i++)
      if (T->figs[i].name && strcmp(T->figs[i].name + strlen(FIGURE_DIR) + 1, n) == 0) used = 1;
    if (!used) unlink(pb_arena_printf(T->arena, "%s/%s", T->figdir, n));
  }
  closedir(d);
}

static const char *span_target(tex *T, const char *url) {
  char *u = pb_links_web_uri(url);
  const char *a = u ? pb_arena_strdup(T->arena, u) : NULL;
  free(u);
  return a;
}

/* ==== rich text ======================================================== */

static void put_spans(tex *T, pb_buf *b, const pb_block *blk) {
  for (size_t i = 0; i < blk->nspans; i++) {
    const pb_span *s = &blk->spans[i];
    if (!s->text || !*s->text) continue;
    int close = 0;
    const char *target = (s->style & PB_STYLE_LINK) ? span_target(T, s->url) : NULL;
    if (target) {
      pb_buf_puts(b, "\\href{");
      put_url(b, target, 0);
      pb_buf_puts(b, "}{");
      close++;
    }
    if (s->style & PB_STYLE_BOLD) pb_buf_puts(b, "\\textbf{"), close++;
    if (s->style & PB_STYLE_ITALIC) pb_buf_puts(b, "\\textit{"), close++;
    if (s->style & PB_STYLE_CODE) pb_buf_puts(b, "\\texttt{"), close++;
    /* Link text that is itself a URL may break after its separators. */
    int breakable = is_remote(s->text) || (s->url && strcmp(s->text, s->url) == 0);
    /* straight quotes educated, not in code or a URL */
    const char *text = s->text;
    if (!breakable && !(s->style & PB_STYLE_CODE) && blk->kind != PB_BLOCK_CODE &&
        !strstr(text, "://"))
      text = pb_utf8_quotes(T->arena, text, i ? pb_utf8_last(blk->spans[i - 1].text) : 0);
    put_text(T, b, text, strlen(text), breakable ? ESC_BREAKABLE : ESC_TEXT);
    while (close--) pb_buf_putc(b, '}');
    if (target) put_url_note(T, b, target, s->text);
  }
}

#define MAX_LIST_DEPTH 4 /* LaTeX allows four nested itemize lists */

/* Writes a summary or a category's references: paragraphs, lists (nested
 * itemize, ordered items keep their numbers as labels), code, headings. */
static void put_blocks(tex *T, pb_buf *b, const pb_text *t) {
  int depth = 0; /* open itemize environments */
  int has_item[MAX_LIST_DEPTH + 1] = {0};
  for (size_t i = 0; i < t->n; i++) {
    const pb_block *blk = &t->blocks[i];
    if (!blk->nspans) continue;
    if (blk->kind == PB_BLOCK_ITEM) {
      int want = blk->depth < 1 ? 1 : blk->depth > MAX_LIST_DEPTH ? MAX_LIST_DEPTH : blk->depth;
      while (depth > want) {
        pb_buf_puts(b, "\\end{itemize}\n");
        depth--;
      }
      while (depth < want) {
        /* A list nested with no item above it still needs one to hang on. */
        if (depth > 0 && !has_item[depth]) {
          pb_buf_puts(b, "\\item[]\n");
          has_item[depth] = 1;
        }
        pb_buf_puts(b, "\\begin{itemize}\n");
        depth++;
        has_item[depth] = 0;
      }
      if (blk->continuation && has_item[depth]) {
        pb_buf_puts(b, "\\par ");
      } else if (blk->ordinal > 0 && !blk->continuation) {
        pb_buf_printf(b, "\\item[%d.] ", blk->ordinal);
      } else {
        pb_buf_puts(b, blk->continuation ? "\\item[] " : "\\item ");
      }
      has_item[depth] = 1;
      put_spans(T, b, blk);
      pb_buf_putc(b, '\n');
      flush_dropped(T, blk->file, blk->line);
      continue;
    }
    while (depth > 0) {
      pb_buf_puts(b, "\\end{itemize}\n");
      depth--;
    }
    switch (blk->kind) {
    case PB_BLOCK_CODE:
      pb_buf_puts(b, "\\begin{pbcode}\n");
      for (size_t j = 0; j < blk->nspans; j++)
        if (blk->spans[j].text)
          put_text(T, b, blk->spans[j].text, strlen(blk->spans[j].text), ESC_CODE);
      pb_buf_puts(b, "\n\\end{pbcode}\n");
      break;
    case PB_BLOCK_HEADING:
      pb_buf_puts(b, "\\pbsubhead{");
      put_spans(T, b, blk);
      pb_buf_puts(b, "}\n");
      break;
    default: put_spans(T, b, blk); pb_buf_puts(b, "\n\n");
    }
    flush_dropped(T, blk->file, blk->line);
  }
  while (depth > 0) {
    pb_buf_puts(b, "\\end{itemize}\n");
    depth--;
  }
}

/* ==== cards ============================================================ */

static const char *const LEVEL_NAMES[] = {"chapter",       "section",   "subsection",
                                          "subsubsection", "paragraph", "subparagraph"};

static const char *level_name(int level) {
  if (level < 0) level = 0;
  if (level > 5) level = 5;
  return LEVEL_NAMES[level];
}

/* "% file:line" above each card and heading, for finding the source; a
 * line break in a file name must not end the comment. */
static void put_source_comment(pb_buf *b, const char *file, int line) {
  pb_buf_puts(b, "\n% ");
  for (const char *p = file ? file : "paperbook"; *p; p++)
    pb_buf_putc(b, (unsigned char)*p < 0x20 ? '?' : *p);
  pb_buf_printf(b, ":%d\n", line);
}

static void put_meta(tex *T, pb_buf *b, const pb_entry *e) {
  pb_buf m = PB_BUF_INIT;
  if (e->venue) put_str(T, &m, e->venue);
  if (e->year) pb_buf_printf(&m, "%s%d", m.len ? " " : "", e->year);
  if (e->note) {
    if (m.len) pb_buf_puts(&m, " · ");
    put_str(T, &m, e->note);
  }
  if (!e->venue && !e->year && e->venue_raw) put_str(T, &m, e->venue_raw);
  if (e->presenter) {
    if (m.len) pb_buf_puts(&m, "\\quad ");
    put_str(T, &m, e->presenter);
  }
  if (e->date) {
    if (m.len) pb_buf_puts(&m, " · ");
    put_str(T, &m, e->date);
  }
  if (m.len) pb_buf_printf(b, "\\pbmeta{%s}\n", m.data);
  pb_buf_free(&m);
}

/* Figures of a card or of a category's references: copied or converted
 * into figures/, or a placeholder box with a warning. */
static void put_figures(tex *T, pb_buf *b, const pb_plan_figure *figs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const pb_figure *f = figs[i].fig;
    const char *file = figs[i].file;
    int line = figs[i].line;
    const char *shown = f->src ? f->src : f->path ? f->path : f->url ? f->url : "?";
    if (!f->path) {
      pb_buf_puts(b, "\\pbplaceholder{");
      const char *target = span_target(T, f->url);
      if (target) {
        pb_buf_puts(b, "\\href{");
        put_url(b, target, 0);
        pb_buf_puts(b, "}{remote figure not included: ");
        put_text(T, b, f->url, strlen(f->url), ESC_BREAKABLE);
        pb_buf_puts(b, "}}\n");
      } else {
        pb_buf_puts(b, "figure not found: ");
        put_text(T, b, shown, strlen(shown), ESC_BREAKABLE);
        pb_buf_puts(b, "}\n");
      }
      pb_warn(file, line, "LaTeX export: figure %s is not a local file; a placeholder is shown",
              shown);
      flush_dropped(T, file, line);
      continue;
    }
    if (!figs[i].ok) {
      /* The plan could not read it (and said why at file:line). */
      pb_buf_puts(b, "\\pbplaceholder{figure not shown: ");
      put_text(T, b, shown, strlen(shown), ESC_BREAKABLE);
      pb_buf_puts(b, " (");
      put_str(T, b, figs[i].reason ? figs[i].reason : "?");
      pb_buf_puts(b, ")}\n");
      flush_dropped(T, file, line);
      continue;
    }
    const tex_figure *tf = use_figure(T, &figs[i]);
    if (tf->name) {
      if (tf->angle)
        pb_buf_printf(b, "\\pbfigure[angle=%d]{%s}\n", tf->angle, tf->name);
      else
        pb_buf_printf(b, "\\pbfigure{%s}\n", tf->name);
      continue;
    }
    pb_warn(file, line, "LaTeX export: figure %s: %s; a placeholder is shown", shown, tf->why);
    pb_buf_puts(b, "\\pbplaceholder{figure not shown: ");
    put_text(T, b, shown, strlen(shown), ESC_BREAKABLE);
    pb_buf_puts(b, " (");
    put_str(T, b, tf->why);
    pb_buf_puts(b, ")}\n");
    flush_dropped(T, file, line);
  }
}

static void put_card(tex *T, const pb_plan_card *c, int level) {
  const pb_entry *e = c->entry;
  pb_buf *b = &T->body;
  const char *title = e->title && *e->title ? e->title : "(untitled)";
  put_source_comment(b, e->file, e->line);
  pb_buf_printf(b, "\\pbcard{%s}{pb-card-%d}{", level_name(level), e->index);
  put_title(T, b, pb_utf8_quotes(T->arena, title, 0));
  pb_buf_puts(b, "}\n");
  /* the authors under the title, as in the PDF: three, then et al. */
  const char *authors = pb_biblio_authors_short(T->arena, e);
  if (authors) {
    pb_buf_puts(b, "\\pbauthors{");
    put_str(T, b, authors);
    pb_buf_puts(b, "}\n");
  }
  put_meta(T, b, e);
  flush_dropped(T, e->file, e->line);
  if (e->nlinks) {
    pb_buf_puts(b, "\\pblinks{");
    int n = 0;
    for (size_t i = 0; i < c->nlinks; i++) {
      const pb_plan_link *l = &c->links[i];
      if (l->matched || (!(l->url && *l->url) && !l->local)) continue;
      if (n++) pb_buf_puts(b, "\\quad ");
      const char *target = l->target; /* the plan's, under the link policy */
      if (target) {
        pb_buf_puts(b, "\\href{");
        put_url(b, target, l->target_kind != PB_PLAN_TARGET_URI);
        pb_buf_puts(b, "}{");
      } else {
        pb_buf_putc(b, '{');
      }
      put_str(T, b, l->label);
      pb_buf_putc(b, '}');
      /* print mode: the target as a footnote, also when it is not linked */
      put_url_note(T, b, l->local ? l->local : target ? target : l->url, NULL);
      flush_dropped(T, e->file, l->line ? l->line : e->line);
    }
    pb_buf_puts(b, "}\n");
  }
  put_figures(T, b, c->figures, c->nfigures);
  if (e->summary.n) {
    pb_buf_puts(b, "\\pbsummary\n");
    put_blocks(T, b, &e->summary);
  }
}

/* ==== headings and grouping ============================================ */

static void put_heading(tex *T, int level, const char *title, const float *rgb, const char *file,
                        int line) {
  pb_buf *b = &T->body;
  const char *t = esc(T, title);
  flush_dropped(T, file, line);
  if (level == 0) *PB_PUSH(T->arena, T->chapters, T->nchapters, T->capchapters) = t;
  /* the colour as the plan read it, in 8 bits per channel */
  int hex = rgb != NULL;
  unsigned v = 0;
  for (int k = 0; hex && k < 3; k++) v = v << 8 | (unsigned)(rgb[k] * 255.0f + 0.5f);
  put_source_comment(b, file, line);
  if (level <= 2) {
    if (hex && !T->opt.print)
      pb_buf_printf(b, "\\%s[%s]{\\textcolor[HTML]{%06X}{%s}}\n", level_name(level), t, v, t);
    else
      pb_buf_printf(b, "\\%s{%s}\n", level_name(level), t);
  } else {
    pb_buf_printf(b, "\\pbdeephead{%s}{%s}\n", level_name(level), t);
  }
}

/* The chapters, headings and cards of the plan, in its order. */
static void put_content(tex *T) {
  for (size_t i = 0; i < T->plan->nrows; i++) {
    const pb_plan_row *r = &T->plan->rows[i];
    if (r->card) {
      put_card(T, r->card, r->level - 1);
      continue;
    }
    const pb_category *c = r->cat;
    const char *title = r->title ? r->title : "(unnamed)";
    if (r->level == 1) title = pb_chapter_voice(T->arena, title, T->opt.zh);
    put_heading(T, r->level - 1, title, r->has_rgb ? r->rgb : NULL, c ? c->file : NULL,
                c ? c->line : 0);
    if (r->references) {
      pb_buf_puts(&T->body, "\\pbrefs\n");
      put_blocks(T, &T->body, &c->references);
      put_figures(T, &T->body, r->ref_figures, r->nref_figures);
    }
  }
}

/* ==== presenter appendix =============================================== */

static void put_session(tex *T, pb_buf *b, const pb_plan_session *s) {
  const pb_entry *e = s->entry;
  const char *venue = e->venue ? e->venue : e->venue_raw;
  pb_buf_printf(b, "\\pbsession{%s}{", esc(T, e->date ? e->date : "undated"));
  /* The title leads to the card when the card is in this book. */
  if (s->in_book) pb_buf_printf(b, "\\hyperref[pb-card-%d]{", e->index);
  put_title(T, b, e->title && *e->title ? e->title : "(untitled)");
  if (s->in_book) pb_buf_puts(b, "}");
  if (venue && *venue) {
    pb_buf_puts(b, " \\textit{(");
    put_str(T, b, venue);
    pb_buf_puts(b, ")}");
  }
  if (s->deck) {
    const char *dname = s->deck->local ? s->deck->local : s->deck->url;
    const char *target = s->deck_target; /* the plan's */
    pb_buf_puts(b, " {\\small\\sffamily — deck: ");
    if (target) {
      pb_buf_puts(b, "\\href{");
      put_url(b, target, s->deck_target_kind != PB_PLAN_TARGET_URI);
      pb_buf_puts(b, "}");
    }
    pb_buf_puts(b, "{");
    put_text(T, b, dname ? dname : "", dname ? strlen(dname) : 0, ESC_BREAKABLE);
    pb_buf_puts(b, "}}");
  }
  pb_buf_puts(b, "}\n");
  T->ndropped = 0; /* already reported with the card */
}

/* What the minutes add, as the PDF's appendix has it (layout_sessions.c),
 * from the plan's record: the group's counts and venues, and each
 * presenter's talks with their decks, write-ups, best-questioner weeks
 * and notes. */
static void put_overview(tex *T, pb_buf *b) {
  const pb_plan_record *r = &T->plan->record;
  int zh = T->opt.zh;
  pb_buf_printf(b,
                zh ? "\\par{\\noindent\\small\\sffamily\\color{pbgray}精读 %zu 篇，未精读 %zu 周，"
                     "组会 %zu 次"
                   : "\\par{\\noindent\\small\\sffamily\\color{pbgray}%zu papers, %zu weeks not "
                     "read, %zu sessions held",
                r->nentries, r->nabsences, r->sessions_held);
  if (r->sessions_planned)
    pb_buf_printf(b, zh ? "，计划 %zu" : ", planned: %zu", r->sessions_planned);
  pb_buf_printf(b, zh ? "，%zu 人\\par}\n" : ", %zu people\\par}\n", r->npeople);
  size_t nv = r->nvenues < 10 ? r->nvenues : 10; /* the PDF's ten */
  if (nv) pb_buf_printf(b, "\\subsection*{%s}\n", PB_SAY(zh, "Top venues", "主要会议与期刊"));
  for (size_t k = 0; k < nv; k++) {
    pb_buf_printf(b, "\\pbsession{%d}{", r->venues[k].n);
    put_str(T, b, r->venues[k].venue);
    pb_buf_puts(b, "}\n");
  }
  flush_dropped(T, NULL, 0);
}

/* A link of the minutes: its word, and its target where the link policy
 * lets it be clicked (http, https, mailto), else text. */
static void put_minutes_link(tex *T, pb_buf *b, const pb_link *l) {
  const char *target = span_target(T, l->url);
  const char *word = pb_link_display_label(l);
  pb_buf_puts(b, " {\\small\\sffamily [");
  if (target) {
    pb_buf_puts(b, "\\href{");
    put_url(b, target, 0);
    pb_buf_puts(b, "}{");
  }
  put_str(T, b, word);
  if (l->local) {
    pb_buf_puts(b, ": ");
    put_text(T, b, l->local, strlen(l->local), ESC_BREAKABLE);
  }
  if (target) pb_buf_puts(b, "}");
  pb_buf_puts(b, "]}");
  put_url_note(T, b, target, NULL);
}

static void put_minutes(tex *T, pb_buf *b, const char *who) {
  const pb_plan_record *r = &T->plan->record;
  int zh = T->opt.zh;
  const pb_plan_person_item *it;
  size_t n = pb_plan_person_items(r, who, PB_PLAN_TALK, &it);
  if (n) pb_buf_printf(b, "\\subsection*{%s (%zu)}\n", PB_SAY(zh, "Talks", "报告"), n);
  for (size_t i = 0; i < n; i++) {
    const pb_session *ses = r->sessions[it[i].ses];
    const pb_talk *t = &ses->talks[it[i].k];
    pb_buf_printf(b, "\\pbsession{%s}{", esc(T, ses->date));
    put_str(T, b, t->text ? t->text : "(no description)");
    for (size_t k = 0; k < t->nlinks && k < 11; k++) put_minutes_link(T, b, &t->links[k]);
    const pb_slide *decks[16];
    size_t nd = pb_plan_talk_decks(r, ses, t, decks, 15 - 1 - (t->nlinks < 11 ? t->nlinks : 11));
    for (size_t k = 0; k < nd; k++) {
      pb_buf_puts(b, " {\\small\\sffamily\\color{pbgray}[deck: ");
      put_text(T, b, decks[k]->path, strlen(decks[k]->path), ESC_BREAKABLE);
      pb_buf_puts(b, "]}");
    }
    pb_buf_puts(b, "}\n");
    flush_dropped(T, t->file, t->line);
  }
  n = pb_plan_person_items(r, who, PB_PLAN_WRITEUP, &it);
  if (n) pb_buf_printf(b, "\\subsection*{%s (%zu)}\n", PB_SAY(zh, "Write-ups", "专栏文章"), n);
  for (size_t i = 0; i < n; i++) {
    const pb_session *ses = r->sessions[it[i].ses];
    const pb_writeup *w = &ses->writeups[it[i].k];
    const char *target = span_target(T, w->url);
    const char *text = w->title ? w->title : (w->url ? w->url : "");
    pb_buf_printf(b, "\\pbsession{%s}{", esc(T, ses->date));
    if (target) {
      pb_buf_puts(b, "\\href{");
      put_url(b, target, 0);
      pb_buf_puts(b, "}{");
    }
    put_text(T, b, text, strlen(text), w->title ? ESC_TEXT : ESC_BREAKABLE);
    if (target) pb_buf_puts(b, "}");
    put_url_note(T, b, target, text);
    /* the minutes' checkbox (ticked once the column accepted it) in words */
    const char *state = w->done ? "" : PB_SAY(zh, " (pending)", "（待录用）");
    if (*state || w->note) {
      pb_buf_puts(b, " \\textit{");
      put_str(T, b, state);
      if (w->note) {
        pb_buf_puts(b, " — ");
        put_str(T, b, w->note);
      }
      pb_buf_puts(b, "}");
    }
    pb_buf_puts(b, "}\n");
    flush_dropped(T, w->file, w->line);
  }
  n = pb_plan_person_items(r, who, PB_PLAN_BEST, &it);
  if (n) {
    pb_buf_printf(b, "\\subsection*{%s (%zu)}\n\\par{\\noindent\\small\\sffamily ",
                  PB_SAY(zh, "Best questioner", "最佳提问"), n);
    for (size_t i = 0; i < n; i++)
      pb_buf_printf(b, "%s%s", i ? ", " : "", esc(T, r->sessions[it[i].ses]->date));
    pb_buf_puts(b, "\\par}\n");
  }
  n = pb_plan_person_items(r, who, PB_PLAN_NOTE, &it);
  if (n) pb_buf_printf(b, "\\subsection*{%s (%zu)}\n", PB_SAY(zh, "Notes", "泛读与其他"), n);
  for (size_t i = 0; i < n; i++) {
    const pb_absence *a = r->notes[it[i].ses];
    pb_buf_printf(b, "\\pbsession{%s}{\\textit{", esc(T, a->date ? a->date : "undated"));
    put_str(T, b, a->note ? a->note : "");
    pb_buf_puts(b, "}}\n");
    flush_dropped(T, a->file, a->line);
  }
}

static void put_appendix(tex *T) {
  const pb_plan *P = T->plan;
  pb_buf *b = &T->body;
  size_t nu = P->npresenters_appendix;
  if (!nu) return;
  pb_buf_puts(b, "\n\\appendix\n");
  put_heading(T, 0, PB_SAY(T->opt.zh, "Appendix: sessions by presenter", "附录：报告人与组会"),
              NULL, NULL, 0);
  put_overview(T, b);
  for (size_t k = 0; k < nu; k++) {
    const pb_plan_presenter *pp = &P->presenters[k];
    const char *w = esc(T, pp->name);
    flush_dropped(T, NULL, 0);
    pb_buf_printf(b, "\n\\section[%s]{%s — %d paper%s, %d week%s not read}\n", w, w, pp->npapers,
                  pp->npapers == 1 ? "" : "s", pp->nabsences, pp->nabsences == 1 ? "" : "s");
    for (size_t i = 0; i < pp->nsessions; i++)
      if (pp->sessions[i].entry) put_session(T, b, &pp->sessions[i]);
    for (size_t i = 0; i < pp->nsessions; i++) {
      const pb_absence *a = pp->sessions[i].absence;
      if (!a) continue;
      pb_buf_printf(
          b, T->opt.zh ? "\\pbsession{%s}{\\textit{未精读" : "\\pbsession{%s}{\\textit{not read",
          esc(T, a->date ? a->date : "undated"));
      if (a->note) {
        pb_buf_puts(b, ": ");
        put_str(T, b, a->note);
      }
      pb_buf_puts(b, "}}\n");
      flush_dropped(T, a->file, a->line);
    }
    put_minutes(T, b, pp->name);
  }
  pb_buf_printf(b, "\n\\section*{Group total: %d papers, %d weeks not read, %zu presenters}\n",
                P->total_papers, P->total_absences, nu);
}

/* ==== preamble and title page ========================================== */

static void put_char_classes(pb_buf *b, const unsigned char *bits, const char *cls) {
  int first = 1;
  for (uint32_t cp = 0x80; cp < CP_LIMIT; cp++) {
    if (!marked(bits, cp)) continue;
    uint32_t end = cp;
    while (end + 1 < CP_LIMIT && marked(bits, end + 1)) end++;
    if (first)
      pb_buf_printf(b, "\\xeCJKDeclareCharClass{%s}{", cls);
    else
      pb_buf_puts(b, ",");
    if (end > cp)
      pb_buf_printf(b, "\"%X -> \"%X", (unsigned)cp, (unsigned)end);
    else
      pb_buf_printf(b, "\"%X", (unsigned)cp);
    first = 0;
    cp = end;
  }
  if (!first) pb_buf_puts(b, "}\n");
}

/* fontspec options for a CJK family: none for Noto CJK (its Bold weight is
 * found by name), a synthetic bold for the others. */
static const char *cjk_bold_option(const char *family) {
  return strncmp(family, "Noto ", 5) == 0 ? "" : "[AutoFakeBold=2.5]";
}

static void put_preamble(tex *T, pb_buf *b, const char *title, const char *keywords) {
  pb_buf_printf(b,
                "%% booklet.tex, written by paperbook %s. Compile with xelatex (twice, for the\n"
                "%% contents). Figures are in " FIGURE_DIR
                "/. Edit freely: paperbook overwrites this\n"
                "%% file when it runs again.\n",
                PB_VERSION);
  pb_buf_printf(b, "\\documentclass[%s,11pt,oneside,openany,fontset=none,scheme=plain]{ctexbook}\n",
                T->opt.letter ? "letterpaper" : "a4paper");
  pb_buf_puts(b, "\\usepackage[margin=2.2cm,top=2.4cm,bottom=2.4cm]{geometry}\n"
                 "\\usepackage{graphicx}\n"
                 "\\usepackage{xcolor}\n"
                 "\n");
  /* Chinese has no italic: it stays upright (no slant is faked). A face
   * with a bold weight of its own uses it; a stand-in gets a stroked one. */
  pb_buf_printf(b,
                "\\setmainfont{%s}\n"
                "\\setsansfont{%s}\n"
                "\\setmonofont{%s}[Scale=MatchLowercase]\n"
                "\\setCJKmainfont{%s}%s\n"
                "\\setCJKsansfont{%s}%s\n"
                "\\setCJKmonofont{%s}[Scale=MatchLowercase]\n",
                T->fonts[FONT_MAIN], T->fonts[FONT_SANS], T->fonts[FONT_MONO],
                T->fonts[FONT_CJK_MAIN], cjk_bold_option(T->fonts[FONT_CJK_MAIN]),
                T->fonts[FONT_CJK_SANS], cjk_bold_option(T->fonts[FONT_CJK_SANS]),
                T->fonts[FONT_CJK_MONO]);
  /* Characters only one font has go to that font whatever xeCJK's default
   * class for them is. */
  put_char_classes(b, T->only_cjk, "CJK");
  put_char_classes(b, T->only_latin, "Default");
  pb_buf_puts(b, "\n"
                 "\\definecolor{pbgray}{rgb}{0.42,0.42,0.42}\n");
  /* the apparatus' one language (lang: in paperbook.yml) */
  pb_buf_printf(b, "\\newcommand{\\pbcontentsname}{%s}\n\\newcommand{\\pbrefsname}{%s}\n",
                PB_SAY(T->opt.zh, "Contents", "目录"), PB_SAY(T->opt.zh, "References", "相关链接"));
  /* Print mode: black, for grayscale printers. */
  pb_buf_puts(b, T->opt.print ? "\\definecolor{pbaccent}{rgb}{0,0,0}\n"
                              : "\\definecolor{pbaccent}{rgb}{0.55,0.12,0.12}\n");
  pb_buf_puts(
      b, "\\definecolor{pblink}{rgb}{0.05,0.30,0.62}\n"
         "\\linespread{1.15}\n"
         "\\setlength{\\parindent}{0pt}\n"
         "\\setlength{\\parskip}{3pt plus 1pt}\n"
         "\\setlength{\\emergencystretch}{3em}\n"
         "\\setcounter{secnumdepth}{-2}\n"
         "\\setcounter{tocdepth}{5}\n"
         "\\renewcommand{\\contentsname}{\\pbcontentsname}\n"
         "\\ctexset{chapter/format+=\\sffamily, section/format+=\\sffamily,\n"
         "  subsection/format+=\\sffamily, subsubsection/format+=\\sffamily}\n"
         "\\pagestyle{headings}\n"
         "% running heads as the chapter is written, not in capitals\n"
         "\\renewcommand{\\chaptermark}[1]{\\markboth{#1}{#1}}\n"
         "% the contents' running head too (book.cls sets it with \\MakeUppercase)\n"
         "\\makeatletter\n"
         "\\renewcommand{\\tableofcontents}{\\chapter*{\\contentsname}%\n"
         "  \\markboth{\\contentsname}{\\contentsname}\\@starttoc{toc}}\n"
         "\\makeatother\n"
         "\n"
         "% The parts of a card. \\pbcard{toc level}{label}{title} puts the title into\n"
         "% the contents and the PDF bookmarks at that level.\n"
         "\\makeatletter\n"
         "\\renewcommand{\\@pnumwidth}{2.2em}\n"
         "\\renewcommand{\\@tocrmarg}{3em}\n"
         "\\g@addto@macro\\@listI{\\itemsep=1pt plus 1pt\\parsep=0pt}\\let\\@listi\\@listI\n"
         "\\g@addto@macro\\@listii{\\itemsep=1pt plus 1pt\\parsep=0pt}\n"
         "\\g@addto@macro\\@listiii{\\itemsep=1pt plus 1pt\\parsep=0pt}\n"
         "\\newcommand{\\pbcard}[3]{\\par\\addvspace{1.5\\bigskipamount}\\penalty-200\n"
         "  \\noindent\\phantomsection\\label{#2}\\addcontentsline{toc}{#1}{#3}%\n"
         "  {\\raggedright\\sffamily\\bfseries\\large\\interlinepenalty\\@M "
         "#3\\par}\\nopagebreak\\@afterheading}\n"
         "\\newcommand{\\pbdeephead}[2]{\\par\\addvspace{\\bigskipamount}\\penalty-200\n"
         "  \\noindent\\phantomsection\\addcontentsline{toc}{#1}{#2}%\n"
         "  {\\raggedright\\sffamily\\bfseries\\interlinepenalty\\@M "
         "#2\\par}\\nopagebreak\\@afterheading}\n"
         "\\newcommand{\\pbauthors}[1]{{\\noindent\\small\\sffamily#1\\par}"
         "\\nopagebreak\\@afterheading}\n"
         "\\newcommand{\\pbmeta}[1]{{\\noindent\\small\\sffamily\\color{pbgray}#1\\par}"
         "\\nopagebreak\\@afterheading}\n"
         "\\newcommand{\\pblinks}[1]{{\\noindent\\small\\sffamily\\bfseries#1\\par}\\nopagebreak\\@"
         "afterheading}\n"
         "% totalheight, not height: a figure rotated by angle= has all of it as depth.\n"
         "\\newcommand{\\pbfigure}[2][]{\\par\\smallskip{\\centering\n"
         "  "
         "\\includegraphics[#1,width=\\linewidth,totalheight=0.4\\textheight,keepaspectratio]{#2}"
         "\\par}\\smallskip}\n"
         "% A placeholder is part of a card's head: no page break after it, and the\n"
         "% text's first lines stay with it (a title never ends a page).\n"
         "\\newcommand{\\pbplaceholder}[1]{\\par\\smallskip\\noindent\\fbox{\\parbox[c][4em][c]%\n"
         "  "
         "{\\dimexpr\\linewidth-2\\fboxsep-2\\fboxrule\\relax}{\\centering\\small\\sffamily\\color{"
         "pbgray}#1}}\\par\\nopagebreak\\@afterheading\\smallskip}\n"
         "\\newcommand{\\pbsummary}{\\par\\smallskip}\n"
         "\\newcommand{\\pbsubhead}[1]{\\par\\smallskip{\\noindent\\sffamily\\bfseries "
         "#1\\par}\\nopagebreak\\@afterheading}\n"
         "\\newcommand{\\pbrefs}{\\par{\\noindent\\small\\sffamily\\bfseries\\color{pbgray}"
         "\\pbrefsname\\par}\\nopagebreak\\@afterheading}\n"
         "\\newcommand{\\pbsession}[2]{\\par{\\noindent\\hangindent=6em\\hangafter=1\n"
         "  \\makebox[6em][l]{\\small\\sffamily\\color{pbgray}#1}#2\\par}}\n"
         "\\newenvironment{pbcode}{\\par\\smallskip\\begingroup\\small\\ttfamily\\raggedright\n"
         "  \\leftskip=1em\\parskip=0pt\\noindent}{\\par\\endgroup\\smallskip}\n"
         "\\makeatother\n"
         "\n"
         "\\usepackage[bookmarks=true,bookmarksopen=true,bookmarksdepth=5,unicode=true,\n");
  pb_buf_puts(
      b, T->opt.print
             ? "  hidelinks]{hyperref}\n"
             : "  colorlinks=true,linkcolor=black,urlcolor=pblink,filecolor=pblink]{hyperref}\n");
  pb_buf_printf(b, "\\hypersetup{pdftitle={%s}", title);
  const pb_plan *P = T->plan;
  if (P->group) pb_buf_printf(b, ",\n  pdfauthor={%s}", esc(T, P->group));
  pb_buf_printf(b, ",\n  pdfsubject={%zu papers%s%s}", P->npapers, P->semester ? ", " : "",
                P->semester ? esc(T, P->semester) : "");
  pb_buf_printf(b, ",\n  pdfkeywords={%s},\n  pdfcreator={paperbook %s}}\n", keywords, PB_VERSION);
  pb_buf_puts(b, "\\urlstyle{same}\n");
}

static void put_title_page(tex *T, pb_buf *b, const char *title) {
  const pb_plan *P = T->plan;
  const char *lo = P->date_first, *hi = P->date_last;
  size_t npres = P->npresenters;
  pb_buf_puts(b, "\\begin{titlepage}\n\\centering\n\\vspace*{0.2\\textheight}\n");
  pb_buf_printf(b, "{\\sffamily\\bfseries\\Huge\\color{pbaccent}%s\\par}\n\\vspace{2.5em}\n",
                title);
  if (P->group)
    pb_buf_printf(b, "{\\sffamily\\LARGE %s\\par}\n\\vspace{0.8em}\n", esc(T, P->group));
  if (P->semester)
    pb_buf_printf(b, "{\\sffamily\\Large\\color{pbgray}%s\\par}\n\\vspace{0.8em}\n",
                  esc(T, P->semester));
  if (lo) {
    pb_buf_puts(b, "\\vspace{1em}\n{\\sffamily\\large ");
    put_str(T, b, lo);
    if (strcmp(lo, hi)) {
      pb_buf_puts(b, " — ");
      put_str(T, b, hi);
    }
    pb_buf_puts(b, "\\par}\n\\vspace{0.6em}\n");
  }
  pb_buf_printf(b, "{\\sffamily\\large\\color{pbgray}%zu paper%s", P->npapers,
                P->npapers == 1 ? "" : "s");
  if (npres) pb_buf_printf(b, " · %zu presenter%s", npres, npres == 1 ? "" : "s");
  pb_buf_puts(b,
              "\\par}\n\\vfill\n{\\footnotesize\\sffamily\\color{pbgray}made with paperbook\\par}\n"
              "\\end{titlepage}\n");
  flush_dropped(T, NULL, 0);
}

/* ==== entry point ====================================================== */

int pb_tex_write(const pb_plan *plan, const pb_tex_options *opt, const char *outdir) {
  tex T;
  memset(&T, 0, sizeof T);
  T.plan = plan;
  if (opt) T.opt = *opt;
  T.outdir = outdir && *outdir ? outdir : ".";
  T.arena = pb_arena_new();
  T.figdir = pb_arena_printf(T.arena, "%s/%s", T.outdir, FIGURE_DIR);
  T.only_cjk = pb_arena_alloc(T.arena, CP_LIMIT / 8);
  T.only_latin = pb_arena_alloc(T.arena, CP_LIMIT / 8);
  int rc = PB_OK;
  pb_buf doc = PB_BUF_INIT;

  if (make_dirs(T.figdir) != 0) {
    pb_error(T.figdir, 0, "cannot create the directory: %s", strerror(errno));
    rc = PB_EIO;
    goto done;
  }
  FcConfig *fc = FcInitLoadConfigAndFonts();
  pb_ctx_at_free(FcFini);
  choose_fonts(&T, fc);
  T.latin = family_charset(fc, T.fonts[FONT_MAIN]);
  T.cjk = family_charset(fc, T.fonts[FONT_CJK_MAIN]);
  if (fc) FcConfigDestroy(fc);

  put_content(&T);
  if (plan->appendix_presenters) put_appendix(&T);

  const char *title = esc(&T, plan->title);
  flush_dropped(&T, NULL, 0);
  pb_buf keywords = PB_BUF_INIT;
  for (size_t i = 0; i < T.nchapters; i++) {
    if (i) pb_buf_puts(&keywords, ", ");
    pb_buf_puts(&keywords, T.chapters[i]);
  }
  pb_buf title_page = PB_BUF_INIT;
  put_title_page(&T, &title_page, title);
  /* The preamble comes last because it lists what the body used. */
  put_preamble(&T, &doc, title, keywords.data ? keywords.data : "");
  pb_buf_free(&keywords);
  pb_buf_puts(&doc, "\n\\begin{document}\n\\frontmatter\n");
  pb_buf_append(&doc, title_page.data ? title_page.data : "", title_page.len);
  pb_buf_free(&title_page);
  pb_buf_printf(&doc, "\\pdfbookmark[0]{%s}{pb-contents}\n\\tableofcontents\n\\mainmatter\n",
                PB_SAY(T.opt.zh, "Contents", "目录"));
  pb_buf_append(&doc, T.body.data ? T.body.data : "", T.body.len);
  pb_buf_puts(&doc, "\n\\end{document}\n");

  const char *path = pb_arena_printf(T.arena, "%s/booklet.tex", T.outdir);
  if (pb_output_write(path, doc.data, doc.len, T.opt.rules) != 0) {
    rc = PB_EIO;
  } else {
    remove_stale_figures(&T);
  }
done:
  if (T.latin) FcCharSetDestroy(T.latin);
  if (T.cjk) FcCharSetDestroy(T.cjk);
  pb_buf_free(&doc);
  pb_buf_free(&T.body);
  pb_arena_free(T.arena);
  return rc;
}
