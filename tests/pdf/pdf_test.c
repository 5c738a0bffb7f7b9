/* Builds a pb_doc by hand (acting as the layout stage) and writes it with
 * pb_pdf_write, for tests/pdf/check.py to inspect with real PDF tools.
 *
 *   pdf_test FONTDIR OUT.pdf [GRID.txt [CHARS.txt]]
 *
 * writes the test booklet: page 1 has text in every family and style,
 * links, graphics and placeholders; the pages after it a grid of CJK
 * characters (those of the test strings and of CHARS.txt), whose cells
 * are listed in GRID.txt.
 *
 * Exit status: 0 when pb_pdf_write succeeded, 1 otherwise. The creation
 * date comes from SOURCE_DATE_EPOCH when set; PB_TEST_IMAGE names a PNG
 * to place on page 1 next to a figure that does not exist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fonts.h"
#include "layout.h"
#include "pdf.h"
#include "pdf_image.h"
#include "utf8.h"

static const char *SENTENCE =
    "论文简述：VAR，将图像的自回归学习重新定义为从粗到细的“next-scale prediction”";

static const pb_rgb BLACK = {0, 0, 0};

/* Lays out one line of text in runs of one face each; returns its width. */
static double text_line(pb_doc *doc, pb_page *pg, pb_family fam, unsigned style, double size,
                        double x, double y, const char *s, pb_rgb color) {
  double x0 = x;
  size_t len = strlen(s), i = 0;
  while (i < len) {
    uint32_t cp;
    int k = pb_utf8_decode(s + i, len - i, &cp);
    int face = pb_fonts_face_for(doc->fonts, fam, style, cp);
    size_t start = i;
    double w = 0;
    while (i < len) {
      uint32_t cp2;
      int k2 = pb_utf8_decode(s + i, len - i, &cp2);
      if (pb_fonts_face_for(doc->fonts, fam, style, cp2) != face) break;
      w += pb_fonts_advance(doc->fonts, face, cp2) * size / 1000.0;
      i += (size_t)k2;
    }
    if (i == start) i += (size_t)k;
    if (face < 0) continue;
    pb_item *it = pb_page_add_item(doc, pg, PB_ITEM_TEXT);
    it->face = face;
    it->size = size;
    it->x = x;
    it->y = y;
    it->w = w;
    it->color = color;
    it->text = pb_arena_strndup(doc->arena, s + start, i - start);
    it->len = i - start;
    x += w;
  }
  return x - x0;
}

static void link(pb_doc *doc, pb_page *pg, pb_target_kind target, double x, double y, double w,
                 double h, const char *uri, int page, double dest_y) {
  pb_item *it = pb_page_add_item(doc, pg, PB_ITEM_LINK);
  it->x = x;
  it->y = y;
  it->w = w;
  it->h = h;
  it->target = target;
  it->uri = uri ? pb_arena_strdup(doc->arena, uri) : NULL;
  it->page = page;
  it->dest_y = dest_y;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: pdf_test FONTDIR OUT.pdf [GRID.txt [CHARS.txt]]\n");
    return 2;
  }
  pb_fonts_config cfg = {0};
  cfg.dir = argv[1];
  pb_fonts *fonts = pb_fonts_open(&cfg);
  if (!fonts) return 1;
  const double W = 595.276, H = 841.89;
  pb_doc *doc = pb_doc_new(fonts, W, H);
  doc->title = "论文小册 Paper Booklet";
  doc->author = "读书会 Reading Group";
  doc->subject = "测试 test";
  doc->keywords = "VAR, 自回归";
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  doc->created = sde ? atoll(sde) : -1;

  /* page 1: text in every family and style, links, graphics */
  pb_page *p1 = pb_doc_add_page(doc);
  p1->label = "i";
  double y = H - 72;
  text_line(doc, p1, PB_FAMILY_SANS, PB_STYLE_BOLD, 16, 56, y, "第一章 图像生成 Image Generation",
            BLACK);
  y -= 28;
  printf("line-end prediction” %.3f\n",
         56 + text_line(doc, p1, PB_FAMILY_TEXT, 0, 11, 56, y, SENTENCE, BLACK));
  y -= 18;
  text_line(doc, p1, PB_FAMILY_TEXT, PB_STYLE_BOLD, 11, 56, y, "粗体 Bold text 加粗", BLACK);
  y -= 18;
  text_line(doc, p1, PB_FAMILY_TEXT, PB_STYLE_ITALIC, 11, 56, y, "斜体 Italic text", BLACK);
  y -= 18;
  text_line(doc, p1, PB_FAMILY_SANS, PB_STYLE_ITALIC, 11, 56, y, "Sans fake italic 无衬线", BLACK);
  y -= 18;
  /* where the layout measured this line to end, for comparison with the
   * widths a PDF reader computes */
  double end = 56 + text_line(doc, p1, PB_FAMILY_MONO, 0, 10, 56, y,
                              "mono: int main(void) { return 0; } → 代码", BLACK);
  printf("line-end 代码 %.3f\n", end);

  y -= 24;
  pb_rgb blue = {0.1f, 0.2f, 0.7f};
  double w = text_line(doc, p1, PB_FAMILY_SANS, 0, 11, 56, y, "Paper", blue);
  link(doc, p1, PB_TARGET_URI, 56, y - 3, w, 14, "https://arxiv.org/abs/2404.02905", 0, 0);
  double x = 56 + w + 12;
  w = text_line(doc, p1, PB_FAMILY_SANS, 0, 11, x, y, "博客", blue);
  link(doc, p1, PB_TARGET_URI, x, y - 3, w, 14, "https://example.org/博客/a b", 0, 0);
  x += w + 12;
  w = text_line(doc, p1, PB_FAMILY_SANS, 0, 11, x, y, "Slide", blue);
  link(doc, p1, PB_TARGET_FILE, x, y - 3, w, 14, "Slide/VAR 论文.pdf", 0, 0);
  /* the back end's gate of the link policy: none of these is drawn */
  link(doc, p1, PB_TARGET_FILE, x, y - 3, w, 14, "Slide/evil.sh", 0, 0);
  link(doc, p1, PB_TARGET_FILE, x, y - 3, w, 14, "../../../etc/x.pdf/../../x.pdf", 0, 0);
  link(doc, p1, PB_TARGET_URI, x, y - 3, w, 14, "javascript:alert(1)", 0, 0);
  link(doc, p1, PB_TARGET_URI, x, y - 3, w, 14, " file:///etc/passwd", 0, 0);
  x += w + 12;
  w = text_line(doc, p1, PB_FAMILY_SANS, 0, 11, x, y, "→ 测试网格", blue);
  link(doc, p1, PB_TARGET_PAGE, x, y - 3, w, 14, NULL, 1, H - 60);
  y -= 20;

  pb_item *ln = pb_page_add_item(doc, p1, PB_ITEM_LINE);
  ln->x = 56;
  ln->y = y;
  ln->w = W - 112;
  ln->h = 0;
  ln->line_width = 0.7;
  ln->color = (pb_rgb){0.6f, 0.6f, 0.6f};
  y -= 40;
  pb_item *rc = pb_page_add_item(doc, p1, PB_ITEM_RECT);
  rc->x = 56;
  rc->y = y;
  rc->w = 120;
  rc->h = 30;
  rc->filled = 1;
  rc->fill = (pb_rgb){0.9f, 0.95f, 1.0f};
  rc->color = blue;
  rc->line_width = 1;
  y -= 90;
  pb_item *ph = pb_page_add_item(doc, p1, PB_ITEM_PLACEHOLDER);
  ph->x = 56;
  ph->y = y;
  ph->w = 300;
  ph->h = 70;
  ph->color = (pb_rgb){0.4f, 0.4f, 0.4f};
  ph->caption = "图像缺失 Images/missing.png";
  y -= 110;
  int img = pb_doc_add_image(doc, "Images/does-not-exist.png", "Images/does-not-exist.png", 400,
                             200, 200, 100, "test.md", 3, NULL);
  pb_item *im = pb_page_add_item(doc, p1, PB_ITEM_IMAGE);
  im->image = img;
  im->x = 56;
  im->y = y;
  im->w = 200;
  im->h = 100;
  const char *png = getenv("PB_TEST_IMAGE"); /* a real figure, drawn beside it */
  if (png) {
    im = pb_page_add_item(doc, p1, PB_ITEM_IMAGE);
    im->image = pb_doc_add_image(doc, png, "Images/clip.png", 0, 0, 200, 100, "test.md", 4, NULL);
    im->x = 300;
    im->y = y;
    im->w = 200;
    im->h = 100;
  }

  /* page 2 on: a grid of every distinct CJK character used in the test
   * (and in CHARS.txt), once in each family's CJK face, one per 36 pt
   * cell, so that the checker can look for ink in each cell */
  FILE *grid = argc > 3 ? fopen(argv[3], "w") : NULL;
  pb_buf extra = PB_BUF_INIT;
  if (argc > 4 && pb_read_file(argv[4], 0, &extra) != 0) {
    fprintf(stderr, "cannot read %s\n", argv[4]);
    return 2;
  }
  const char *sources[] = {SENTENCE, "第一章图像生成粗体加粗斜体无衬线代码博客测试网格附录读书会",
                           extra.data ? extra.data : "", NULL};
  enum { COLS = 13, ROWS = 20 };
  size_t cap = 64, nseen = 0;
  uint32_t *seen = malloc(cap * sizeof *seen);
  pb_page *pg = NULL;
  int cell = 0;
  for (int pass = 0; pass < 2; pass++) { /* pass 0: text face, 1: sans face */
    pb_family fam = pass == 0 ? PB_FAMILY_TEXT : PB_FAMILY_SANS;
    for (int s = 0; sources[s]; s++) {
      const char *t = sources[s];
      size_t len = strlen(t), i = 0;
      while (i < len) {
        uint32_t cp;
        int k = pb_utf8_decode(t + i, len - i, &cp);
        i += (size_t)k;
        if (!pb_is_cjk(cp) || pb_is_cjk_punct(cp) || pb_is_space(cp) || cp > 0xFFFF) continue;
        uint32_t key = (uint32_t)pass << 24 | cp;
        size_t j;
        for (j = 0; j < nseen; j++)
          if (seen[j] == key) break;
        if (j < nseen) continue;
        if (nseen == cap) seen = realloc(seen, (cap *= 2) * sizeof *seen);
        seen[nseen++] = key;
        if (cell % (COLS * ROWS) == 0) {
          pg = pb_doc_add_page(doc);
          pg->label = pb_arena_printf(doc->arena, "%zu", doc->npages - 1);
          text_line(doc, pg, PB_FAMILY_SANS, PB_STYLE_BOLD, 14, 56, H - 60, "测试网格 CJK grid",
                    BLACK);
        }
        int col = cell % COLS, row = (cell / COLS) % ROWS;
        double cx = 56 + col * 36, cy = H - 110 - row * 36;
        pb_buf b = PB_BUF_INIT;
        pb_utf8_put(&b, cp);
        text_line(doc, pg, fam, 0, 24, cx, cy, b.data, BLACK);
        if (grid) /* page, cell box in points from the top-left: x0 y0 x1 y1 */
          fprintf(grid, "%s %d %zu %.1f %.1f %.1f %.1f\n", b.data, pass, doc->npages, cx,
                  H - (cy + 24), cx + 24, H - (cy - 4));
        pb_buf_free(&b);
        cell++;
      }
    }
  }
  free(seen);
  pb_buf_free(&extra);
  if (grid) fclose(grid);

  pb_doc_add_mark(doc, 1, "第一章 图像生成", 0, H - 60);
  pb_doc_add_mark(doc, 2, "论文简述：VAR", 0, H - 90);
  pb_doc_add_mark(doc, 2, "测试网格", 1, H - 50);
  pb_doc_add_mark(doc, 1, "附录 Appendix", 1, H - 50);

  pb_pdf_options opt;
  pb_pdf_options_default(&opt);
  pb_doc_shape(doc); /* the layout's last step: the renderer draws glyphs */
  int status = pb_pdf_write(doc, &opt, argv[2]);
  pb_doc_free(doc);
  pb_fonts_free(fonts);
  return status == 0 ? 0 : 1;
}
