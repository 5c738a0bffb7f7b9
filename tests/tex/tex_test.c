/* LaTeX export test: builds a small library by hand, full of characters
 * that LaTeX treats specially, writes it with pb_tex_write and checks the
 * .tex textually. tests/tex/run.sh then compiles it with xelatex when that
 * is installed and compares the PDF outline with OUT/titles.txt.
 *
 *   tex_test OUTDIR PROJECT_ROOT
 *       the small library; figures from PROJECT_ROOT/Images
 *   tex_test --random OUTDIR SEED N
 *       N cards whose text and URLs are random runs of LaTeX's special
 *       characters; OUTDIR/titles.txt and OUTDIR/uris.txt say what the PDF
 *       must hold
 *   tex_test --big OUTDIR IMAGES_DIR N
 *       N generated cards cycling through every figure in IMAGES_DIR
 *       (for compiling a larger booklet by hand)
 *
 * Exit status: 0 when every check passed, 1 otherwise. */
#include <dirent.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "mem.h"
#include "model.h"
#include "tex.h"

/* The options the export had before the plan stage took over selection
 * and chapters: the tests keep them, and tex_write turns them into a plan
 * and the export's own options. grouping: 1 month, 2 presenter, else
 * category (month when the library has none). */
typedef struct {
  const char *title, *group, *semester;
  int appendix_presenters, grouping, newest_first, letter, print;
  const char **category_order;
  size_t ncategory_order;
} test_opts;

static int tex_write(const pb_library *lib, const test_opts *o, const char *outdir) {
  pb_plan_options po;
  pb_plan_options_default(&po);
  /* as the command line builds it: the figures judged, no streams made, in
   * a private image cache removed with the plan */
  pb_plan_figure_options fo;
  memset(&fo, 0, sizeof fo);
  fo.judge_only = 1;
  po.figures = &fo;
  pb_tex_options to = {0, 0, NULL, 0};
  if (o) {
    po.title = o->title;
    po.group = o->group;
    po.semester = o->semester;
    po.appendix_presenters = o->appendix_presenters;
    po.grouping_set = o->grouping == 1 || o->grouping == 2;
    po.grouping = o->grouping == 1   ? PB_PLAN_BY_MONTH
                  : o->grouping == 2 ? PB_PLAN_BY_PRESENTER
                                     : PB_PLAN_BY_CATEGORY;
    po.newest_first = o->newest_first;
    po.category_order = (const char *const *)o->category_order;
    po.ncategory_order = o->ncategory_order;
    to.letter = o->letter;
    to.print = o->print;
  }
  pb_plan *plan = pb_plan_build(lib, &po);
  int rc = pb_tex_write(plan, &to, outdir);
  pb_plan_free(plan);
  return rc;
}

static int failures;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                         \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

static void span(pb_library *lib, pb_block *b, const char *text, unsigned style, const char *url) {
  pb_block_add_span(lib, b, text, strlen(text), style, url);
}

static pb_block *block(pb_library *lib, pb_text *t, pb_block_kind kind, int depth, int ordinal,
                       int line) {
  pb_block *b = pb_text_add_block(lib, t, kind, "cards/test.md", line);
  b->depth = depth;
  b->ordinal = ordinal;
  return b;
}

static void link(pb_library *lib, pb_entry *e, pb_link_kind kind, const char *label,
                 const char *url, const char *local) {
  pb_link *l = pb_entry_add_link(lib, e);
  l->kind = kind;
  l->label = label;
  l->url = url;
  l->local = local;
  l->line = e->line + 1;
}

static void figure(pb_library *lib, pb_entry *e, const char *src, const char *path,
                   const char *url) {
  pb_figure *f = pb_entry_add_figure(lib, e);
  f->src = pb_arena_strdup(lib->arena, src);
  f->path = path ? pb_arena_strdup(lib->arena, path) : NULL;
  f->url = url;
  f->file = e->file;
  f->line = e->line + 2;
}

static int write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t w = fwrite(data, 1, len, f);
  return fclose(f) == 0 && w == len ? 0 : -1;
}

static char *slurp(const char *path, size_t *len) {
  pb_buf b = PB_BUF_INIT;
  if (pb_read_file(path, 0, &b) != PB_OK) return NULL;
  *len = b.len;
  return pb_buf_detach(&b);
}

static int starts_with_bytes(const char *path, const char *magic, size_t n) {
  size_t len;
  char *d = slurp(path, &len);
  int ok = d && len >= n && memcmp(d, magic, n) == 0;
  free(d);
  return ok;
}

/* ==== the small library =============================================== */

static const char *NASTY = "50% & $x_1$ #tag ~ {braces} back\\slash ^hat";
static const char *NASTY_TEX =
    "50\\% \\& \\$x\\_1\\$ \\#tag \\textasciitilde{} \\{braces\\} back\\textbackslash{}slash "
    "\\textasciicircum{}hat";
static const char *CHINESE = "视觉 Transformer：一种新的方法——综述";

static pb_library *small_library(const char *root, const char *outdir) {
  pb_library *lib = pb_library_new(root);
  const char *pa[] = {"CV & Vision_1"};
  pb_category *a = pb_library_category(lib, pa, 1, "cards/test.md", 1);
  a->color = "green";
  const char *pab[] = {"CV & Vision_1", "Sub #2 {x}"};
  pb_category *ab = pb_library_category(lib, pab, 2, "cards/test.md", 40);
  const char *pdeep[] = {"CV & Vision_1", "Sub #2 {x}", "Deep ~ level", "Deeper^4"};
  pb_category *deep = pb_library_category(lib, pdeep, 4, "cards/test.md", 60);
  const char *pm[] = {"多模态 Multimodal"};
  pb_category *m = pb_library_category(lib, pm, 1, "cards/test.md", 80);
  const char *pempty[] = {"Empty category"};
  pb_library_category(lib, pempty, 1, "cards/test.md", 100);

  /* 1: every special character, every figure kind, rich summary. */
  pb_entry *e = pb_library_add_entry(lib, "cards/test.md", 3);
  e->title = NASTY;
  e->venue = "NeurIPS";
  e->year = 2024;
  e->note = "Oral & spotlight";
  e->presenter = "张三";
  e->date = "2024-12-29";
  static const char *authors[] = {"Ada Lovelace", "张三丰", "R_2 D#2", "Fourth Author"};
  e->authors = authors;
  e->nauthors = 4;
  pb_library_file_entry(lib, a, e);
  link(lib, e, PB_LINK_PAPER, "Paper", "https://example.com/a%20b?q=1&r=2#frag", NULL);
  link(lib, e, PB_LINK_CODE, "代码", "https://github.com/x/y_z~w/{a}", NULL);
  link(lib, e, PB_LINK_OTHER, "Näive_label", "https://example.com/路径", NULL);
  char path[4096];
  snprintf(path, sizeof path, "%s/Images/r2r.png", root); /* WebP bytes, .png name */
  figure(lib, e, "Images/r2r.png", path, NULL);
  snprintf(path, sizeof path, "%s/Images/llava.jpg", root);
  figure(lib, e, "Images/llava.jpg", path, NULL);
  snprintf(path, sizeof path, "%s/Images/clip.png", root);
  figure(lib, e, "Images/clip.png", path, NULL);
  snprintf(path, sizeof path, "%s/src/diagram_1.svg", outdir);
  figure(lib, e, "diagram_1.svg", path, NULL);
  snprintf(path, sizeof path, "%s/src/tiny.gif", outdir);
  figure(lib, e, "tiny.gif", path, NULL);
  figure(lib, e, "https://example.com/fig_1.png", NULL, "https://example.com/fig_1.png#x%y");
  pb_block *b = block(lib, &e->summary, PB_BLOCK_PARA, 0, 0, 10);
  span(lib, b, "Plain 50% text, ", 0, NULL);
  span(lib, b, "bold $", PB_STYLE_BOLD, NULL);
  span(lib, b, " italic_", PB_STYLE_ITALIC, NULL);
  span(lib, b, " code{}\\", PB_STYLE_CODE, NULL);
  span(lib, b, " a link", PB_STYLE_BOLD, "https://example.com/x?a=1&b=2#sec_3");
  span(lib, b, " 🚀 launch 中文混排 “quotes” -- ok", 0, NULL);
  /* Only the CJK font has these three; no font has the check mark. */
  span(lib, b, " A → B ★ ① ✓.", 0, NULL);
  b = block(lib, &e->summary, PB_BLOCK_ITEM, 1, 0, 11);
  span(lib, b, "first item [bracketed]", 0, NULL);
  b = block(lib, &e->summary, PB_BLOCK_ITEM, 2, 2, 12);
  span(lib, b, "nested ordered", 0, NULL);
  b = block(lib, &e->summary, PB_BLOCK_ITEM, 2, 0, 13);
  b->continuation = 1;
  span(lib, b, "continued paragraph", 0, NULL);
  b = block(lib, &e->summary, PB_BLOCK_HEADING, 0, 0, 14);
  span(lib, b, "A heading & more", 0, NULL);
  b = block(lib, &e->summary, PB_BLOCK_CODE, 0, 0, 15);
  span(lib, b, "if (a[i] > 0) { x %= 2; }\n  indented\t~\n\nafter an empty line", PB_STYLE_CODE,
       NULL);
  b = block(lib, &e->summary, PB_BLOCK_ITEM, 3, 0, 16); /* starts a list two levels deep */
  span(lib, b, "deep start", 0, NULL);

  /* 2: Chinese, a local slide deck. */
  e = pb_library_add_entry(lib, "cards/test.md", 41);
  e->title = CHINESE;
  e->presenter = "李四";
  e->date = "2024-11-03";
  e->venue_raw = "arXiv 2024";
  pb_library_file_entry(lib, ab, e);
  link(lib, e, PB_LINK_SLIDE, "Slide", "Slide/deck 1.pptx", "Slide/deck 1.pptx");
  snprintf(path, sizeof path, "%s/src/rotated.jpg", outdir);
  figure(lib, e, "rotated.jpg", path, NULL);
  b = block(lib, &e->summary, PB_BLOCK_PARA, 0, 0, 43);
  span(lib, b, "本文提出了一种方法，在 ImageNet 上达到 90% 的准确率。", 0, NULL);

  /* 3: deep category, brackets and dashes, no date. */
  e = pb_library_add_entry(lib, "cards/test.md", 61);
  e->title = "Deep [bracket] title -- dash --- em";
  pb_library_file_entry(lib, deep, e);
  /* Damaged figures: placeholders, never a crash or a file xelatex chokes on. */
  static const char *broken[] = {"broken.webp", "broken.gif", "broken.png", "empty.png",
                                 "missing.png"};
  for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
    snprintf(path, sizeof path, "%s/src/%s", outdir, broken[i]);
    figure(lib, e, broken[i], path, NULL);
  }

  /* 4: a category with references only, an emoji title. */
  b = block(lib, &m->references, PB_BLOCK_ITEM, 1, 0, 81);
  span(lib, b, "Survey_1", PB_STYLE_LINK, "https://example.com/survey?id=1%2B2");
  e = pb_library_add_entry(lib, "cards/test.md", 85);
  e->title = "Rocket 🚀 paper “quoted” é ü α";
  e->presenter = "张三";
  e->date = "2024-12-01";
  pb_library_file_entry(lib, m, e);

  /* 5: uncategorized, untitled. */
  e = pb_library_add_entry(lib, "checkins\n\\bye.md", 7); /* a file name ending a comment */
  e->presenter = "Bob_O'Neil";
  e->date = "2024-10-20";

  pb_absence *ab1 = pb_library_add_absence(lib);
  ab1->date = "2024-12-22";
  ab1->presenter = "张三";
  ab1->note = "出差 50%";
  ab1->file = "checkins.md";
  ab1->line = 12;
  pb_absence *ab2 = pb_library_add_absence(lib);
  ab2->date = "2024-12-15";
  ab2->presenter = "王五";
  ab2->file = "checkins.md";
  ab2->line = 14;

  /* The minutes (issue 21): a held session with a talk (a paper link and a
   * deck of the library dated that day), a pending write-up and a best
   * questioner; a planned session whose talk is no one's yet; a note. */
  lib->sessions = pb_arena_alloc(lib->arena, 2 * sizeof *lib->sessions);
  lib->nsessions = lib->capsessions = 2;
  pb_session *ses = &lib->sessions[0];
  ses->date = "2024-12-29";
  ses->file = "minutes.md";
  ses->line = 3;
  static const char *held_by[] = {"张三"};
  ses->presenters = held_by;
  ses->npresenters = 1;
  ses->talks = pb_arena_alloc(lib->arena, sizeof *ses->talks);
  ses->ntalks = 1;
  ses->talks[0].presenter = "张三";
  ses->talks[0].text = "Talk on #tags & 100% recall";
  ses->talks[0].file = "minutes.md";
  ses->talks[0].line = 4;
  ses->talks[0].links = pb_arena_alloc(lib->arena, sizeof *ses->talks[0].links);
  ses->talks[0].nlinks = 1;
  ses->talks[0].links[0].kind = PB_LINK_PAPER;
  ses->talks[0].links[0].label = "paper";
  ses->talks[0].links[0].url = "https://example.com/talk_1";
  ses->writeups = pb_arena_alloc(lib->arena, sizeof *ses->writeups);
  ses->nwriteups = 1;
  ses->writeups[0].title = "Write_up one";
  ses->writeups[0].url = "https://zhuanlan.example.com/p/1";
  ses->writeups[0].author = "张三";
  ses->writeups[0].note = "not yet in";
  ses->writeups[0].file = "minutes.md";
  ses->writeups[0].line = 6;
  static const char *best[] = {"王五"};
  ses->best = best;
  ses->nbest = 1;
  pb_session *later = &lib->sessions[1];
  later->date = "2025-01-05";
  later->planned = 1;
  later->presenters = held_by;
  later->npresenters = 1;
  later->talks = pb_arena_alloc(lib->arena, sizeof *later->talks);
  later->ntalks = 1;
  later->talks[0].presenter = "张三";
  later->talks[0].text = "Planned talk, not listed";
  lib->slides = pb_arena_alloc(lib->arena, sizeof *lib->slides);
  lib->nslides = lib->capslides = 1;
  lib->slides[0].path = "Slide/20241229_zhang_deck.pdf";
  lib->slides[0].date = "2024-12-29";
  lib->slides[0].presenter = "张三";
  lib->notes = pb_arena_alloc(lib->arena, sizeof *lib->notes);
  lib->nnotes = lib->capnotes = 1;
  lib->notes[0].date = "2024-12-08";
  lib->notes[0].presenter = "王五";
  lib->notes[0].note = "skimmed three papers_x";
  lib->notes[0].file = "checkins.md";
  lib->notes[0].line = 20;
  return lib;
}

/* The titles as the PDF outline should show them (emoji dropped). */
static const char *EXPECTED_TITLES[] = {
    "50% & $x_1$ #tag ~ {braces} back\\slash ^hat",
    "视觉 Transformer：一种新的方法——综述",
    "Deep [bracket] title -- dash --- em",
    "Rocket paper “quoted” é ü α",
    "(untitled)",
};

static int contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

/* Whether fontconfig has the family itself (not a substitute). */
static int have_family(const char *family) {
  FcPattern *pat = FcPatternCreate();
  FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, (char *)0);
  FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
  FcFontSet *fs = FcFontList(NULL, pat, os);
  int n = fs ? fs->nfont : 0;
  if (fs) FcFontSetDestroy(fs);
  FcObjectSetDestroy(os);
  FcPatternDestroy(pat);
  return n > 0;
}

/* Writes lib with opt into outdir/name quietly; returns the .tex (malloc'd). */
static char *write_variant(const pb_library *lib, const test_opts *opt, const char *outdir,
                           const char *name) {
  char dir[4096], path[4200];
  snprintf(dir, sizeof dir, "%s/%s", outdir, name);
  pb_diag_set_quiet(1);
  int rc = tex_write(lib, opt, dir);
  pb_diag_set_quiet(0);
  if (rc != 0) return NULL;
  snprintf(path, sizeof path, "%s/booklet.tex", dir);
  size_t len;
  return slurp(path, &len);
}

static int run_small(const char *outdir, const char *root) {
  char path[4096];
  snprintf(path, sizeof path, "%s/src", outdir);
  mkdir(outdir, 0777);
  mkdir(path, 0777);
  snprintf(path, sizeof path, "%s/src/diagram_1.svg", outdir);
  const char *svg =
      "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
      "height=\"10\"></svg>\n";
  write_file(path, svg, strlen(svg));
  /* 2x2 GIF: red, green / blue, transparent. */
  static const unsigned char gif[] = {
      'G',  'I',  'F',  '8',  '9',  'a', 2,   0, 2,   0,   0x81, 0,   0, /* screen, 4 colours */
      255,  0,    0,    0,    255,  0,   0,   0, 255, 255, 255,  255,    /* palette */
      0x21, 0xF9, 4,    1,    0,    0,   3,   0,                         /* GCE: index 3 clear */
      0x2C, 0,    0,    0,    0,    2,   0,   2, 0,   0,                 /* image descriptor */
      2,    3,    0x44, 0x34, 0x05, 0,   0x3B};                          /* LZW min 2, data, end */
  snprintf(path, sizeof path, "%s/src/tiny.gif", outdir);
  write_file(path, gif, sizeof gif);
  /* llava.jpg with an EXIF orientation of 6 (rotate 90° clockwise to view). */
  static const unsigned char exif[] = {
      0xFF, 0xD8, 0xFF, 0xE1, 0,    34, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 0x2A, 0, 8, 0, 0,
      0,    1,    0,    0x12, 0x01, 3,  0,   1,   0,   0,   0, 6, 0,   0,   0,    0, 0, 0, 0};
  snprintf(path, sizeof path, "%s/Images/llava.jpg", root);
  size_t jlen;
  char *jpeg = slurp(path, &jlen);
  if (jpeg && jlen > 2) {
    pb_buf rot = PB_BUF_INIT;
    pb_buf_append(&rot, exif, sizeof exif);
    pb_buf_append(&rot, jpeg + 2, jlen - 2);
    snprintf(path, sizeof path, "%s/src/rotated.jpg", outdir);
    write_file(path, rot.data, rot.len);
    pb_buf_free(&rot);
  }
  free(jpeg);
  /* Truncated copies of good figures, and an empty file. */
  static const struct {
    const char *from, *to;
    size_t keep;
  } cuts[] = {{"Images/r2r.png", "broken.webp", 200},
              {"Images/clip.png", "broken.png", 3000},
              {NULL, "broken.gif", 0},
              {NULL, "empty.png", 0}};
  for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
    size_t flen = 0;
    char *data = NULL;
    if (cuts[i].from) {
      snprintf(path, sizeof path, "%s/%s", root, cuts[i].from);
      data = slurp(path, &flen);
    }
    snprintf(path, sizeof path, "%s/src/%s", outdir, cuts[i].to);
    if (cuts[i].from)
      write_file(path, data, data && flen > cuts[i].keep ? cuts[i].keep : 0);
    else if (strcmp(cuts[i].to, "broken.gif") == 0)
      write_file(path, gif, 20);
    else
      write_file(path, "", 0);
    free(data);
  }

  pb_library *lib = small_library(root, outdir);
  test_opts opt;
  memset(&opt, 0, sizeof opt);
  opt.title = "Reading & Booklet #1 · 精读";
  opt.group = "Group_A {lab}";
  opt.semester = "2024 Fall 100%";
  opt.appendix_presenters = 1;
  opt.newest_first = 1;
  int warnings_before = pb_diag_warnings();
  CHECK(tex_write(lib, &opt, outdir) == 0, "pb_tex_write failed");
  CHECK(pb_diag_warnings() > warnings_before, "no warnings for the emoji and the SVG");

  size_t len;
  snprintf(path, sizeof path, "%s/booklet.tex", outdir);
  char *tex = slurp(path, &len);
  CHECK(tex != NULL, "no booklet.tex");
  if (!tex) return 1;
  CHECK(strlen(tex) == len, "NUL byte in booklet.tex");
  CHECK(contains(tex, NASTY_TEX), "title not escaped as expected: %s", NASTY_TEX);
  CHECK(contains(tex, "\\href{https://example.com/a\\%20b?q=1&r=2\\#frag}{Paper}"), "paper URL");
  CHECK(contains(tex, "\\href{https://github.com/x/y_z\\%7Ew/\\%7Ba\\%7D}{Code}"), "code URL");
  CHECK(contains(tex, "\\href{https://example.com/\\%E8\\%B7\\%AF\\%E5\\%BE\\%84}{Näive\\_label}"),
        "non-ASCII URL percent-encoded, label escaped");
  CHECK(contains(tex, "\\href{https://example.com/x?a=1&b=2\\#sec_3}{\\textbf{ a link}}"),
        "summary link");
  CHECK(contains(tex, "\\href{https://example.com/survey?id=1\\%2B2}{Survey\\_1}"),
        "reference link");
  CHECK(contains(tex, CHINESE), "Chinese title");
  CHECK(contains(tex, "本文提出了一种方法，在 ImageNet 上达到 90\\% 的准确率。"),
        "Chinese summary");
  CHECK(!contains(tex, "🚀"), "emoji not dropped");
  if (have_family("Noto Serif") && have_family("Noto Serif CJK SC")) {
    CHECK(contains(tex, " A → B ★ ① ✓."), "symbols only the CJK font has");
    CHECK(contains(tex, "\\xeCJKDeclareCharClass{CJK}{\"2192,\"2460,\"2605,\"2713}"),
          "symbols only the CJK font has declared as CJK");
  } else {
    fprintf(stderr, "note: Noto Serif or Noto Serif CJK SC missing; font coverage not checked\n");
  }
  CHECK(contains(tex, "Rocket  paper"), "emoji title");
  CHECK(
      contains(tex, "\\textbf{bold \\$}\\textit{ italic\\_}\\texttt{ code\\{\\}\\textbackslash{}}"),
      "styled spans");
  CHECK(contains(tex, "“quotes” -{}- ok"), "quotes and dash ligature");
  CHECK(contains(tex, "Deep {[}bracket{]} title -{}- dash -{}-{}- em"), "brackets and dashes");
  CHECK(contains(tex, "\\item first item {[}bracketed{]}"), "list item");
  CHECK(contains(tex, "\\begin{itemize}\n\\item[2.] nested ordered\n\\par continued paragraph"),
        "nested ordered item and continuation");
  CHECK(
      contains(tex, "\\item[]\n\\begin{itemize}\n\\item[]\n\\begin{itemize}\n\\item deep start") ||
          contains(tex, "\\begin{itemize}\n\\item[]\n\\begin{itemize}\n\\item[]\n\\begin{itemize}"
                        "\n\\item deep start"),
      "list starting deep");
  CHECK(contains(tex, "\\pbsubhead{A heading \\& more}"), "summary heading");
  CHECK(contains(tex, "if\\ (a{[}i{]}\\ >\\ 0)\\ \\{\\ x\\ \\%=\\ 2;\\ \\}\\par\n\\mbox{}\\ \\ "
                      "indented\\ \\ \\ \\ \\textasciitilde{}"),
        "code block");
  CHECK(contains(tex, "\\chapter[CV \\& Vision\\_1]{\\textcolor[HTML]{007333}{CV \\& Vision\\_1}}"),
        "coloured chapter");
  CHECK(contains(tex, "\\section{Sub \\#2 \\{x\\}}"), "section");
  CHECK(contains(tex, "\\subsection{Deep \\textasciitilde{} level}"), "subsection");
  CHECK(contains(tex, "\\pbdeephead{subsubsection}{Deeper\\textasciicircum{}4}"), "deep heading");
  CHECK(contains(tex, "\\pbcard{paragraph}{pb-card-2}{Deep {[}bracket{]}"),
        "card below deep heading");
  CHECK(contains(tex, "\\pbcard{section}{pb-card-0}{50\\%"), "card level in a chapter");
  CHECK(contains(tex, "\\pbcard{subsection}{pb-card-1}{"), "card level in a section");
  CHECK(!contains(tex, "Empty category"), "empty category shown");
  /* A dated card without a category: a month chapter after the categories. */
  CHECK(contains(tex, "\\chapter{October 2024}") && !contains(tex, "\\chapter{Uncategorized}"),
        "uncategorized dated card in a month chapter");
  CHECK(contains(tex, "{pb-card-4}{(untitled)}"), "untitled card");
  CHECK(contains(tex, "\n% checkins?\\bye.md:7\n"), "line break in a file name");
  CHECK(contains(tex, "\\pbrefs"), "category references");
  CHECK(contains(tex, "\\pbmeta{NeurIPS 2024 · Oral \\& spotlight\\quad 张三 · 2024-12-29}"),
        "meta line");
  CHECK(contains(tex, "\\pbmeta{arXiv 2024\\quad 李四 · 2024-11-03}"), "meta line with raw venue");
  /* the link policy: a local deck that is not a PDF is never a run: link
   * (a Launch action); without a repository URL it is text */
  CHECK(!contains(tex, "run:") && !contains(tex, "Slide/deck 1.pptx}{Slides}") &&
            contains(tex, "{Slides}"),
        "local slide link is text, not run:");
  CHECK(contains(tex, "\\pbfigure{figures/fig-001.png}"), "WebP figure");
  CHECK(contains(tex, "\\pbfigure{figures/fig-002.jpg}"), "JPEG figure");
  CHECK(contains(tex, "\\pbfigure{figures/fig-003.png}"), "PNG figure");
  CHECK(contains(tex, "\\pbfigure{figures/fig-004.png}"), "GIF figure");
  CHECK(contains(tex, "\\pbfigure[angle=-90]{figures/fig-005.jpg}"), "EXIF-rotated JPEG");
  CHECK(contains(tex, "SVG images cannot be embedded"), "SVG placeholder");
  CHECK(contains(tex, "figure not shown: broken.\\allowbreak{}webp"), "truncated WebP placeholder");
  CHECK(contains(tex, "figure not shown: broken.\\allowbreak{}gif"), "truncated GIF placeholder");
  /* the plan's verdict, in the words of the PDF build (the RGBA PNG is
   * decoded by libpng, which finds the data cut short) */
  CHECK(contains(tex, "figure not shown: broken.\\allowbreak{}png (corrupt PNG: truncated file)"),
        "truncated PNG placeholder");
  CHECK(contains(tex, "figure not shown: empty.\\allowbreak{}png"), "empty file placeholder");
  CHECK(contains(tex, "figure not shown: missing.\\allowbreak{}png (cannot open"),
        "missing file placeholder");
  CHECK(contains(tex, "\\href{https://example.com/fig_1.png\\#x\\%y}{remote figure not included"),
        "remote figure placeholder");
  CHECK(contains(tex, "pdftitle={Reading \\& Booklet \\#1 · 精读}"), "pdftitle");
  CHECK(contains(tex, "pdfauthor={Group\\_A \\{lab\\}}"), "pdfauthor");
  CHECK(contains(tex, "2024 Fall 100\\%"), "semester");
  CHECK(contains(tex, "2024-10-20 — 2024-12-29"), "date range");
  CHECK(contains(tex, "5 papers · 3 presenters"), "counts");
  CHECK(contains(tex, "\\appendix"), "appendix");
  CHECK(contains(tex, "\\section[张三]{张三 — 2 papers, 1 week not read}"), "appendix presenter");
  CHECK(contains(tex, "\\section[王五]{王五 — 0 papers, 1 week not read}"),
        "absent-only presenter");
  CHECK(contains(tex, "\\pbsession{2024-12-22}{\\textit{not read: 出差 50\\%}}"), "absence");
  CHECK(contains(tex, "\\hyperref[pb-card-0]{50\\%"), "session link");
  CHECK(contains(tex, "\\section[Bob\\_O'Neil]"), "presenter escaped");
  /* The minutes, as the PDF's appendix draws them (issue 21). */
  CHECK(contains(tex, "5 papers, 2 weeks not read, 1 sessions held, planned: 1"),
        "appendix overview counts");
  CHECK(contains(tex, "\\subsection*{Top venues}\n\\pbsession{1}{NeurIPS}"), "top venues");
  CHECK(contains(tex,
                 "\\subsection*{Talks (1)}\n\\pbsession{2024-12-29}{Talk on \\#tags \\& "
                 "100\\% recall {\\small\\sffamily [\\href{https://example.com/talk_1}{Paper}]}"
                 " {\\small\\sffamily\\color{pbgray}[deck: Slide/\\allowbreak{}"),
        "talk with its link and the deck of its day");
  CHECK(!contains(tex, "Planned talk"), "a planned session's talk is listed");
  CHECK(contains(tex, "\\subsection*{Write-ups (1)}\n\\pbsession{2024-12-29}{\\href{https://"
                      "zhuanlan.example.com/p/1}{Write\\_up one} \\textit{ (pending) — not yet "
                      "in}}"),
        "pending write-up with its note");
  CHECK(contains(tex, "\\subsection*{Best questioner (1)}\n\\par{\\noindent\\small\\sffamily "
                      "2024-12-29\\par}"),
        "best questioner");
  CHECK(contains(tex, "\\subsection*{Notes (1)}\n\\pbsession{2024-12-08}{\\textit{skimmed three "
                      "papers\\_x}}"),
        "note");
  CHECK(strstr(tex, "\\section[张三]") < strstr(tex, "\\subsection*{Talks (1)}") &&
            strstr(tex, "\\subsection*{Talks (1)}") < strstr(tex, "\\section*{Group total"),
        "talks under their presenter");
  CHECK(contains(tex, "\\setCJKmainfont{Noto Serif CJK SC}\n"), "CJK font, its own bold, no slant");
  CHECK(contains(tex, "\\setmainfont{Noto Serif}"), "Latin font");
  CHECK(contains(tex, "\\pbauthors{Ada Lovelace, 张三丰, R\\_2 D\\#2 et al.}"),
        "authors under the title, escaped, three then et al.");

  /* Converted and copied figures, decided by their bytes. */
  snprintf(path, sizeof path, "%s/figures/fig-001.png", outdir);
  CHECK(starts_with_bytes(path, "\x89PNG\r\n\x1a\n", 8), "WebP not converted to PNG");
  snprintf(path, sizeof path, "%s/figures/fig-002.jpg", outdir);
  CHECK(starts_with_bytes(path, "\xFF\xD8\xFF", 3), "JPEG not copied");
  snprintf(path, sizeof path, "%s/figures/fig-004.png", outdir);
  CHECK(starts_with_bytes(path, "\x89PNG\r\n\x1a\n", 8), "GIF not converted to PNG");
  snprintf(path, sizeof path, "%s/figures/fig-005.png", outdir);
  struct stat st;
  CHECK(stat(path, &st) != 0, "a figure too many");

  /* A second run leaves figures that did not change alone. */
  struct stat before, after;
  snprintf(path, sizeof path, "%s/figures/fig-001.png", outdir);
  int have_before = stat(path, &before) == 0;
  CHECK(tex_write(lib, &opt, outdir) == 0, "pb_tex_write failed");
  CHECK(have_before && stat(path, &after) == 0 && before.st_ino == after.st_ino &&
            before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
            before.st_mtim.tv_nsec == after.st_mtim.tv_nsec,
        "unchanged figure rewritten");

  /* Figures of an earlier run that this one does not use are removed;
   * other files stay. */
  snprintf(path, sizeof path, "%s/figures/fig-009.png", outdir);
  write_file(path, "x", 1);
  snprintf(path, sizeof path, "%s/figures/fig-002.png", outdir);
  write_file(path, "x", 1);
  snprintf(path, sizeof path, "%s/figures/mine.png", outdir);
  write_file(path, "x", 1);
  CHECK(tex_write(lib, &opt, outdir) == 0, "pb_tex_write failed");
  snprintf(path, sizeof path, "%s/figures/fig-009.png", outdir);
  CHECK(stat(path, &st) != 0, "stale figure kept");
  snprintf(path, sizeof path, "%s/figures/fig-002.png", outdir);
  CHECK(stat(path, &st) != 0, "stale figure with another extension kept");
  snprintf(path, sizeof path, "%s/figures/fig-002.jpg", outdir);
  CHECK(stat(path, &st) == 0, "used figure removed");
  snprintf(path, sizeof path, "%s/figures/mine.png", outdir);
  CHECK(stat(path, &st) == 0, "someone else's file removed");

  /* No temporary files left, and a second run writes the same bytes. */
  DIR *d = opendir(outdir);
  for (struct dirent *de; d && (de = readdir(d));)
    CHECK(!strstr(de->d_name, ".tmp."), "temporary file left: %s", de->d_name);
  if (d) closedir(d);
  CHECK(tex_write(lib, &opt, outdir) == 0, "second pb_tex_write failed");
  size_t len2;
  snprintf(path, sizeof path, "%s/booklet.tex", outdir);
  char *tex2 = slurp(path, &len2);
  CHECK(tex2 && len2 == len && memcmp(tex, tex2, len) == 0, "output differs between runs");
  free(tex2);

  /* An unwritable output directory is an error, not a crash. */
  pb_diag_set_quiet(1);
  CHECK(tex_write(lib, &opt, "/proc/no/such/dir") == PB_EIO, "unwritable outdir accepted");
  pb_diag_set_quiet(0);

  /* An empty library with default options still makes a document. */
  {
    pb_library *none = pb_library_new(root);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/empty", outdir);
    CHECK(tex_write(none, NULL, dir) == 0, "empty library");
    snprintf(path, sizeof path, "%s/empty/booklet.tex", outdir);
    size_t elen;
    char *etex = slurp(path, &elen);
    CHECK(etex && contains(etex, "0 papers") && contains(etex, "\\end{document}") &&
              contains(etex, "Paper Reading Booklet") && !contains(etex, "论文精读") &&
              contains(etex, "a4paper"),
          "empty library document");
    free(etex);
    pb_library_free(none);
  }

  /* The other chapter structures, textually. */
  char *variant;
  test_opts vo = opt;
  vo.grouping = 1;
  variant = write_variant(lib, &vo, outdir, "month");
  CHECK(variant && contains(variant, "\\chapter{December 2024}"), "month chapter");
  CHECK(variant && contains(variant, "\\chapter{Undated}"), "undated chapter");
  CHECK(variant && strstr(variant, "{December 2024}") < strstr(variant, "{October 2024}") &&
            strstr(variant, "{pb-card-0}") < strstr(variant, "{pb-card-3}"),
        "newest month first, newest card first");
  CHECK(variant && strstr(variant, "{October 2024}") < strstr(variant, "{Undated}"),
        "undated last");
  CHECK(variant && contains(variant, "\\pbcard{section}{pb-card-2}"), "cards are sections");
  free(variant);
  vo.newest_first = 0;
  variant = write_variant(lib, &vo, outdir, "month-oldest");
  CHECK(variant && strstr(variant, "{October 2024}") < strstr(variant, "{December 2024}"),
        "oldest month first");
  free(variant);
  vo.grouping = 2;
  variant = write_variant(lib, &vo, outdir, "presenter");
  CHECK(variant && contains(variant, "\\chapter{Unknown presenter}"), "unknown presenter");
  CHECK(variant && strstr(variant, "\\chapter{张三}") &&
            strstr(variant, "{pb-card-3}") < strstr(variant, "{pb-card-0}"),
        "presenter chapter, oldest card first");
  free(variant);
  vo = opt;
  vo.grouping = -1;
  const char *order[] = {"多模态 Multimodal", "no such category"};
  vo.category_order = order;
  vo.ncategory_order = 2;
  variant = write_variant(lib, &vo, outdir, "order");
  CHECK(variant && strstr(variant, "\\chapter{多模态 Multimodal}") &&
            strstr(variant, "\\chapter{多模态 Multimodal}") < strstr(variant, "\\chapter[CV"),
        "configured category order");
  free(variant);
  test_opts po = opt;
  po.print = 1;
  variant = write_variant(lib, &po, outdir, "print");
  CHECK(variant && contains(variant, "hidelinks]{hyperref}") && !contains(variant, "\\textcolor") &&
            contains(variant, "\\definecolor{pbaccent}{rgb}{0,0,0}"),
        "print mode: no colour");
  CHECK(variant &&
            contains(variant, "{Paper}\\footnote{\\texttt{https:/\\allowbreak{}/\\allowbreak{}"
                              "example.\\allowbreak{}com/\\allowbreak{}a\\%20b?\\allowbreak{}"),
        "print mode: link row URL as a footnote");
  CHECK(variant &&
            contains(variant,
                     "{Slides}\\footnote{\\texttt{Slide/\\allowbreak{}deck 1.\\allowbreak{}pptx}}"),
        "print mode: local file as a footnote");
  CHECK(variant && contains(variant, "{\\textbf{ a link}}\\footnote{"),
        "print mode: summary link footnote");
  free(variant);
  vo.letter = 1;
  variant = write_variant(lib, &vo, outdir, "letter");
  CHECK(variant && contains(variant, "letterpaper"), "US Letter");
  free(variant);

  snprintf(path, sizeof path, "%s/titles.txt", outdir);
  FILE *tf = fopen(path, "w");
  for (size_t i = 0; tf && i < sizeof EXPECTED_TITLES / sizeof *EXPECTED_TITLES; i++)
    fprintf(tf, "%s\n", EXPECTED_TITLES[i]);
  if (tf) fclose(tf);
  free(tex);
  pb_library_free(lib);
  return failures ? 1 : 0;
}

/* ==== random text ===================================================== */

/* Titles, summaries and URLs made of LaTeX's special characters in random
 * order; titles go to titles.txt and the URIs the PDF must hold (the URL
 * with spaces, TeX's specials and non-ASCII percent-encoded) to uris.txt. */
static const char *PIECES[] = {
    "#", "$", "%",  "&",    "~",  "_",     "^",  "\\", "{",     "}", "[", "]",  "-",  "--",
    "`", "'", "\"", "<",    ">",  "|",     " ",  "  ", "a",     "Z", "9", "中", "文", "。",
    "“", "é", "·",  "\\\\", "{}", "\\par", "%%", "$$", "\\\\[", "*", "@", "!",  "?"};
static const char *URL_PIECES[] = {"#", "%", "&",  "~", "_", "^", "\\", "{", "}", " ", "a", "/",
                                   "?", "=", "中", "'", "(", ")", "\"", "|", "`", "<", ">", "$"};

static unsigned long rng_state;
static unsigned rnd(unsigned n) {
  rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
  return (unsigned)((rng_state >> 33) % n);
}

static char *random_text(pb_library *lib, const char **pieces, size_t npieces, int n) {
  pb_buf b = PB_BUF_INIT;
  for (int i = 0; i < n; i++) pb_buf_puts(&b, pieces[rnd((unsigned)npieces)]);
  char *s = pb_arena_strdup(lib->arena, b.data ? b.data : "x");
  pb_buf_free(&b);
  return s;
}

static void expected_uri(FILE *f, const char *url) {
  int fragment = 0;
  for (const unsigned char *p = (const unsigned char *)url; *p; p++)
    if (*p == '#' && !p[1])
      break;
    else if (*p == '#' && fragment)
      fputs("%23", f);
    else if (*p == '#')
      fragment = 1, fputc('#', f);
    else if (*p <= 0x20 || *p >= 0x7F || strchr("\\{}^~\"<>|`", *p))
      fprintf(f, "%%%02X", *p);
    else
      fputc(*p, f);
  fputc('\n', f);
}

static int run_random(const char *outdir, unsigned long seed, int n) {
  rng_state = seed;
  pb_library *lib = pb_library_new(".");
  char path[4096];
  snprintf(path, sizeof path, "%s/titles.txt", outdir);
  FILE *tf = fopen(path, "w");
  snprintf(path, sizeof path, "%s/uris.txt", outdir);
  FILE *uf = fopen(path, "w");
  if (!tf || !uf) return 1;
  for (int i = 0; i < n; i++) {
    const char *cpath[1];
    cpath[0] = random_text(lib, PIECES, sizeof PIECES / sizeof *PIECES, 6);
    pb_category *c = pb_library_category(lib, cpath, 1, "random.md", i + 1);
    pb_entry *e = pb_library_add_entry(lib, "random.md", i + 1);
    e->title = random_text(lib, PIECES, sizeof PIECES / sizeof *PIECES, 12 + (int)rnd(20));
    e->presenter = random_text(lib, PIECES, sizeof PIECES / sizeof *PIECES, 4);
    e->venue_raw = random_text(lib, PIECES, sizeof PIECES / sizeof *PIECES, 5);
    e->date = "2024-01-01";
    pb_library_file_entry(lib, c, e);
    char *url =
        pb_arena_printf(lib->arena, "https://example.com/%s",
                        random_text(lib, URL_PIECES, sizeof URL_PIECES / sizeof *URL_PIECES, 16));
    link(lib, e, PB_LINK_PAPER, "Paper", url, NULL);
    expected_uri(uf, url);
    for (int k = 0; k < 4; k++) {
      pb_block *b = block(lib, &e->summary, k % 2 ? PB_BLOCK_ITEM : PB_BLOCK_PARA, 1 + k / 2,
                          (int)rnd(3), i * 10 + k);
      for (int j = 0; j < 4; j++) {
        unsigned style = rnd(16);
        const char *surl = NULL;
        if (style & PB_STYLE_LINK) {
          surl = pb_arena_printf(
              lib->arena, "https://example.org/%s",
              random_text(lib, URL_PIECES, sizeof URL_PIECES / sizeof *URL_PIECES, 10));
          expected_uri(uf, surl);
        }
        span(lib, b, random_text(lib, PIECES, sizeof PIECES / sizeof *PIECES, 8),
             style & ~(unsigned)PB_STYLE_LINK, surl);
      }
    }
    /* Categories are shared by name; escaped names must not collide. */
    fprintf(tf, "%s\n", e->title);
  }
  fclose(tf);
  fclose(uf);
  test_opts opt;
  memset(&opt, 0, sizeof opt);
  opt.title = random_text(lib, PIECES, sizeof PIECES / sizeof *PIECES, 10);
  opt.group = random_text(lib, PIECES, sizeof PIECES / sizeof *PIECES, 6);
  opt.appendix_presenters = 1;
  int rc = tex_write(lib, &opt, outdir);
  pb_library_free(lib);
  return rc == 0 ? 0 : 1;
}

/* ==== a larger library ================================================= */

static int cmp_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_big(const char *outdir, const char *images, int n) {
  char *names[1024];
  size_t nn = 0;
  DIR *d = opendir(images);
  for (struct dirent *de; d && (de = readdir(d)) && nn < 1024;)
    if (de->d_name[0] != '.') names[nn++] = pb_xstrdup(de->d_name);
  if (d) closedir(d);
  qsort(names, nn, sizeof *names, cmp_name);
  pb_library *lib = pb_library_new(".");
  static const char *tops[] = {"CV", "NLP & LLM", "多模态 Multimodal", "Embodied_AI"};
  static const char *subs[] = {"Detection", "表情识别 FER", "Efficient #tuning"};
  static const char *people[] = {"张三", "李四", "王五", "Alice", "Bob_O'Neil"};
  for (int i = 0; i < n; i++) {
    const char *path[2] = {tops[i % 4], subs[(i / 4) % 3]};
    pb_category *c = pb_library_category(lib, path, (size_t)(i % 5 ? 2 : 1), "big.md", i * 10 + 1);
    pb_entry *e = pb_library_add_entry(lib, "big.md", i * 10 + 2);
    e->title = pb_arena_printf(lib->arena,
                               "Paper %d: 视觉-语言模型 {%d%%} & $\\alpha_%d$ — a study", i, i, i);
    e->venue = i % 3 ? "CVPR" : "NeurIPS";
    e->year = 2020 + i % 5;
    e->presenter = people[i % 5];
    e->date = pb_arena_printf(lib->arena, "2024-%02d-%02d", 1 + i % 12, 1 + i % 28);
    pb_library_file_entry(lib, c, e);
    link(lib, e, PB_LINK_PAPER, "Paper",
         pb_arena_printf(lib->arena, "https://arxiv.org/abs/24%02d.%05d#v%d", i % 12, i, i), NULL);
    link(lib, e, PB_LINK_CODE, "Code", "https://github.com/a/b_c?x=1&y=%20", NULL);
    if (nn) {
      char *p = pb_arena_printf(lib->arena, "%s/%s", images, names[(size_t)i % nn]);
      figure(lib, e, names[(size_t)i % nn], p, NULL);
    }
    for (int k = 0; k < 3; k++) {
      pb_block *b =
          block(lib, &e->summary, k ? PB_BLOCK_ITEM : PB_BLOCK_PARA, 1, 0, i * 10 + 3 + k);
      span(lib, b,
           "本文提出了一种新的框架，将视觉编码器与大语言模型对齐，在 50% 的数据上取得了 SOTA "
           "结果。 ",
           0, NULL);
      span(lib, b, "Key idea", PB_STYLE_BOLD, NULL);
      span(lib, b, ": learn a projection W_p with ", 0, NULL);
      span(lib, b, "loss = ce(x) + λ·kl", PB_STYLE_CODE, NULL);
      span(lib, b, " (see paper)", 0, "https://example.com/p?i=1#sec");
    }
  }
  for (int i = 0; i < n / 10; i++) {
    pb_absence *a = pb_library_add_absence(lib);
    a->presenter = people[i % 5];
    a->date = pb_arena_printf(lib->arena, "2024-%02d-15", 1 + i % 12);
  }
  test_opts opt;
  memset(&opt, 0, sizeof opt);
  opt.title = "Big booklet · 大册子";
  opt.group = "Reading group";
  opt.appendix_presenters = 1;
  opt.newest_first = 1;
  int rc = tex_write(lib, &opt, outdir);
  char tpath[4096];
  snprintf(tpath, sizeof tpath, "%s/titles.txt", outdir);
  FILE *tf = fopen(tpath, "w");
  for (size_t i = 0; tf && i < lib->nentries; i++) fprintf(tf, "%s\n", lib->entries[i]->title);
  if (tf) fclose(tf);
  for (size_t i = 0; i < nn; i++) free(names[i]);
  pb_library_free(lib);
  return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc == 5 && strcmp(argv[1], "--random") == 0) {
    int rc = run_random(argv[2], strtoul(argv[3], NULL, 10), atoi(argv[4]));
    FcFini();
    return rc;
  }
  if (argc == 5 && strcmp(argv[1], "--big") == 0) {
    int rc = run_big(argv[2], argv[3], atoi(argv[4]));
    FcFini();
    return rc;
  }
  if (argc != 3) {
    fprintf(stderr, "usage: tex_test OUTDIR PROJECT_ROOT | tex_test --big OUTDIR IMAGES_DIR N\n");
    return 2;
  }
  int rc = run_small(argv[1], argv[2]);
  FcFini(); /* so that leak checkers see only what paperbook keeps */
  return rc;
}
