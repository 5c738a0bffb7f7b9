/* Unit tests of the model, the fonts, UTF-8, the config reader and the run's
 * context.
 *
 *   test_unit FONT_DIR TMP_DIR
 *
 * Each CHECK names what it guards; exit 0 = pass, 1 = fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cff.h"
#include "config.h"
#include "context.h"
#include "diag.h"
#include "fonts.h"
#include "mem.h"
#include "model.h"
#include "sessions.h"
#include "utf8.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      failures++;                                                                                  \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                         \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
    }                                                                                              \
  } while (0)

/* ---- utf8 ------------------------------------------------------------- */

static void test_utf8(void) {
  uint32_t cp;
  CHECK(pb_utf8_decode("A", 1, &cp) == 1 && cp == 'A', "ASCII");
  CHECK(pb_utf8_decode("\xC2\xB7", 2, &cp) == 2 && cp == 0xB7, "two bytes (middle dot)");
  CHECK(pb_utf8_decode("论", 3, &cp) == 3 && cp == 0x8BBA, "three bytes (Han)");
  CHECK(pb_utf8_decode("\xF0\x9F\x9A\x80", 4, &cp) == 4 && cp == 0x1F680, "four bytes (emoji)");
  CHECK(pb_utf8_decode("\xE8\xAE", 2, &cp) == 1 && cp == 0xFFFD,
        "truncated sequence: 1 byte, U+FFFD");
  CHECK(pb_utf8_decode("\xC0\xAF", 2, &cp) == 1 && cp == 0xFFFD, "overlong '/' rejected");
  CHECK(pb_utf8_decode("\xED\xA0\x80", 3, &cp) == 1 && cp == 0xFFFD, "surrogate rejected");
  CHECK(pb_utf8_decode("", 0, &cp) == 0, "empty input");
  CHECK(pb_utf8_check("ok论\xFFx", 7) == 5, "first invalid byte found at 5");
  CHECK(pb_utf8_check("论文", 6) == 6, "valid text checks to its length");
  pb_buf b = PB_BUF_INIT;
  size_t first = 99;
  size_t n = pb_utf8_clean("a\x01"
                           "b\xFF"
                           "c\r\nd\te",
                           11, &b, &first);
  CHECK(n == 3, "clean: three problems (control, invalid, CR), got %zu", n);
  CHECK(first == 1, "clean: first problem at byte 1, got %zu", first);
  CHECK(b.data && strcmp(b.data, "ab\xEF\xBF\xBD"
                                 "c\nd\te") == 0,
        "clean: result '%s'", b.data ? b.data : "(null)");
  pb_buf_reset(&b);
  pb_utf8_put(&b, 0x6587);
  pb_utf8_put(&b, 0x1F680);
  CHECK(b.len == 7 && memcmp(b.data, "文\xF0\x9F\x9A\x80", 7) == 0, "encode round trip");
  pb_buf_free(&b);
  CHECK(pb_is_cjk(0x8BBA) && !pb_is_cjk('a'), "CJK class");
  CHECK(pb_is_cjk_punct(0xFF0C) && !pb_is_cjk_punct(','), "full-width comma is CJK punctuation");
  CHECK(pb_is_space(0x3000) && pb_is_space(0xA0) && !pb_is_space('x'), "space class");
}

/* ---- model ------------------------------------------------------------ */

static pb_entry *entry(pb_library *lib, const char *title, const char *presenter,
                       const char *date) {
  pb_entry *e = pb_library_add_entry(lib, "cards.md", (int)lib->nentries + 1);
  e->title = pb_arena_strdup(lib->arena, title);
  e->presenter = presenter ? pb_arena_strdup(lib->arena, presenter) : NULL;
  e->date = date ? pb_arena_strdup(lib->arena, date) : NULL;
  return e;
}

static void test_model(void) {
  pb_library *lib = pb_library_new("/lib");
  CHECK(lib && lib->nentries == 0 && lib->root_category, "empty library with a root category");
  pb_entry *a = entry(lib, "A", "张三", "2024-03-05");
  pb_entry *b = entry(lib, "B", "李四", "2024-01-10");
  pb_entry *c = entry(lib, "C", "张三", NULL);
  pb_entry *d = entry(lib, "D", NULL, "2024-03-01");
  CHECK(a->index == 0 && d->index == 3 && lib->nentries == 4, "entries indexed in order");
  const char *cv[] = {"CV", "Detection"};
  pb_category *det = pb_library_category(lib, cv, 2, "cards.md", 1);
  pb_category *cvcat = pb_library_category(lib, cv, 1, "cards.md", 1);
  CHECK(det && det->level == 2 && det->parent == cvcat && cvcat->level == 1, "category tree");
  CHECK(pb_library_category(lib, cv, 2, "x.md", 9) == det, "a category path found again");
  pb_library_file_entry(lib, det, a);
  CHECK(a->ncategory == 2 && strcmp(a->category[1], "Detection") == 0 && det->nentries == 1,
        "filing copies the path into the entry");
  const char *lo, *hi;
  pb_library_date_range(lib, &lo, &hi);
  CHECK(lo && hi && strcmp(lo, "2024-01-10") == 0 && strcmp(hi, "2024-03-05") == 0,
        "date range %s..%s", lo ? lo : "-", hi ? hi : "-");
  const char **names;
  size_t np = pb_library_presenters(lib->arena, lib, 0, &names);
  /* Pinyin order (li before zhang), which is not the byte order of the UTF-8. */
  CHECK(np == 2 && strcmp(names[0], "李四") == 0 && strcmp(names[1], "张三") == 0,
        "two distinct presenters, in pinyin order");
  const pb_entry *v[] = {a, b, c, d};
  pb_entries_sort(v, 4, PB_ORDER_OLDEST_FIRST);
  CHECK(v[0] == b && v[1] == d && v[2] == a && v[3] == c, "oldest first, undated last");
  pb_entries_sort(v, 4, PB_ORDER_NEWEST_FIRST);
  CHECK(v[0] == a && v[3] == c, "newest first, undated last");
  pb_entry_group *g;
  size_t ng = pb_entry_groups(lib->arena, lib, NULL, PB_ORDER_NEWEST_FIRST, &g);
  CHECK(ng == 3 && g[0].n == 2 && g[1].n == 1 && g[2].n == 1, "three month groups, got %zu", ng);
  CHECK(strstr(g[0].key, "March 2024") && strcmp(g[2].key, "Undated") == 0, "month labels: %s / %s",
        g[0].key, g[2].key);
  unsigned char include[4] = {1, 0, 1, 0};
  ng = pb_entry_groups(lib->arena, lib, include, PB_ORDER_PRESENTER, &g);
  CHECK(ng == 1 && g[0].n == 2 && strcmp(g[0].key, "张三") == 0, "presenter groups of a selection");
  CHECK(strcmp(pb_month_label(lib->arena, "2024-12-29"), "2024年12月 · December 2024") == 0,
        "month label");
  CHECK(strcmp(pb_month_label(lib->arena, "2024-13-01"), "Undated") == 0, "bad month: Undated");
  CHECK(pb_link_kind_from_label("代码", NULL) == PB_LINK_CODE, "代码 is a code link");
  CHECK(pb_link_kind_from_label("Paper", NULL) == PB_LINK_PAPER, "Paper is a paper link");
  pb_link l;
  memset(&l, 0, sizeof l);
  l.kind = PB_LINK_OTHER;
  l.label = "Homepage";
  l.url = "https://x";
  CHECK(strcmp(pb_link_display_label(&l), "Homepage") == 0, "other links show their label");
  l.kind = PB_LINK_SLIDE;
  CHECK(strcmp(pb_link_display_label(&l), "Slides") == 0, "slide links show Slides");
  pb_buf js = PB_BUF_INIT;
  pb_library_dump_json(lib, &js);
  CHECK(js.data && strstr(js.data, "\"entries_count\": 4") && strstr(js.data, "\"Detection\""),
        "JSON dump");
  pb_buf_free(&js);
  pb_library_free(lib);
}

/* ---- sessions --------------------------------------------------------- */

/* The last session, which `handout --next` names when none is ahead: the
 * latest date wherever it stands in the file, the first of equal dates. */
static void test_sessions(void) {
  pb_library *lib = pb_library_new("/lib");
  CHECK(pb_session_last(lib) == NULL, "no minutes: no last session");
  static const char *const dates[] = {"2025-01-10", "2025-01-03", "2024-12-27", "2025-01-17",
                                      "2025-01-31", "2025-01-24", "2025-01-31"};
  for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
    pb_session *s = PB_PUSH(lib->arena, lib->sessions, lib->nsessions, lib->capsessions);
    memset(s, 0, sizeof *s);
    s->date = dates[i];
    s->planned = i >= 3;
    s->file = "minutes.md";
    s->line = (int)i + 1;
  }
  const pb_session *last = pb_session_last(lib);
  CHECK(last && last->line == 5, "last session: the first 2025-01-31 (line 5), got line %d",
        last ? last->line : 0);
  CHECK(!pb_session_next(lib, "2025-02-01"), "nothing on or after the last session");
  const pb_session *next = pb_session_next(lib, "2025-01-11");
  CHECK(next && next->line == 4, "next from 2025-01-11: 1.17 (line 4)");
  pb_library_free(lib);
}

/* ---- config ----------------------------------------------------------- */

static int write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  fputs(text, f);
  return fclose(f);
}

static void test_config(const char *tmp) {
  char path[4096];
  snprintf(path, sizeof path, "%s/unit-config.yml", tmp);
  pb_config cfg;
  CHECK(pb_config_load(&cfg, "/nonexistent/paperbook.yml") == PB_OK && !cfg.path,
        "a missing config is no error");
  pb_config_free(&cfg);
  CHECK(write_file(path, "title: T\ngroup: G\npage_size: Letter\ndpi: 150\n"
                         "category_order: [CV, NLP]\nappendices: [presenters]\n"
                         "inputs: [REPORT.md]\n") == 0,
        "write %s", path);
  int w0 = pb_diag_warnings();
  CHECK(pb_config_load(&cfg, path) == PB_OK, "a good config loads");
  CHECK(cfg.title && strcmp(cfg.title, "T") == 0 && cfg.group && strcmp(cfg.group, "G") == 0,
        "strings");
  CHECK(cfg.page_size && strcmp(cfg.page_size, "Letter") == 0 && cfg.dpi == 150, "page size, dpi");
  CHECK(cfg.ncategory_order == 2 && strcmp(cfg.category_order[1], "NLP") == 0, "a list");
  CHECK(cfg.nappendices == 1 && cfg.ninputs == 1, "appendices, inputs");
  CHECK(pb_diag_warnings() == w0, "no warnings for a good config");
  pb_config_free(&cfg);
  CHECK(write_file(path, "title: T\ncolour: red\n") == 0, "write");
  w0 = pb_diag_warnings();
  CHECK(pb_config_load(&cfg, path) == PB_OK && pb_diag_warnings() == w0 + 1,
        "an unknown key is one warning");
  pb_config_free(&cfg);
  CHECK(write_file(path, "title: [unclosed\n") == 0, "write");
  CHECK(pb_config_load(&cfg, path) == PB_EPARSE, "malformed YAML is PB_EPARSE");
  pb_config_free(&cfg);
  remove(path);
}

/* ---- fonts ------------------------------------------------------------ */

static void test_fonts(const char *font_dir) {
  pb_fonts_config fc = {0};
  fc.dir = font_dir;
  pb_fonts *f = pb_fonts_open(&fc);
  CHECK(f != NULL, "the default fonts open");
  if (!f) return;
  int latin = pb_fonts_face_for(f, PB_FAMILY_TEXT, 0, 'a');
  int han = pb_fonts_face_for(f, PB_FAMILY_TEXT, 0, 0x8BBA);
  CHECK(latin >= 0 && han >= 0 && latin != han, "Latin and Han from different faces");
  CHECK(pb_fonts_has_glyph(f, latin, 'a') && pb_fonts_has_glyph(f, han, 0x8BBA), "glyphs present");
  double wa = pb_fonts_advance(f, latin, 'a'), wm = pb_fonts_advance(f, latin, 'm');
  CHECK(wa > 200 && wa < 800 && wm > wa, "advances in 1/1000 em: a=%.0f m=%.0f", wa, wm);
  CHECK(pb_fonts_advance(f, han, 0x8BBA) > 900, "a Han character is about an em wide");
  CHECK(pb_fonts_ascent(f, latin) > 0 && pb_fonts_descent(f, latin) < 0, "ascent, descent");
  int bold = pb_fonts_face_for(f, PB_FAMILY_SANS, PB_STYLE_BOLD, 'a');
  CHECK(bold >= 0 && bold != latin, "bold sans is its own face");
  CHECK(pb_fonts_face_for(f, PB_FAMILY_TEXT, 0, 0x10FFFD) == -1, "no face for a private-use cp");
  uint32_t cps[] = {'a', 'b', 'c'};
  pb_buf sub = PB_BUF_INIT;
  CHECK(pb_fonts_subset(f, latin, cps, 3, &sub) == PB_OK && sub.len > 100 &&
            memcmp(sub.data, "\x00\x01\x00\x00", 4) == 0,
        "a TrueType subset");
  pb_buf_free(&sub);
  pb_fonts_free(f);
  fc.text = "/nonexistent/font.ttf";
  CHECK(pb_fonts_open(&fc) == NULL, "a missing configured font fails to open");
}

/* ---- CFF charsets ------------------------------------------------------ */

static size_t read_seed(const char *font_dir, const char *name, unsigned char *buf, size_t cap) {
  char path[4096];
  snprintf(path, sizeof path, "%s/../tests/fuzz/seeds/cff/%s", font_dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

/* The seeds are made by tests/fuzz/make_cff_seeds.py; the expected CIDs are
 * what fontTools reads from them. */
static void test_cff(const char *font_dir) {
  unsigned char b[4096];
  pb_cff_info in;
  size_t n = read_seed(font_dir, "cid-format0.cff", b, sizeof b);
  CHECK(n > 0, "seed cid-format0.cff");
  CHECK(pb_cff_read(b, n, &in) == 0 && in.cid_keyed && in.nglyphs == 5 && in.cid &&
            in.cid[0] == 0 && in.cid[1] == 1405 && in.cid[4] == 20000,
        "format 0 charset");
  pb_cff_info_free(&in);
  /* cut short: no map, no crash */
  CHECK(pb_cff_read(b, n - 3, &in) != 0 && !in.cid, "a truncated charset is refused");
  pb_cff_info_free(&in);
  n = read_seed(font_dir, "cid-format1.cff", b, sizeof b);
  CHECK(pb_cff_read(b, n, &in) == 0 && in.nglyphs == 10 && in.cid && in.cid[4] == 103 &&
            in.cid[5] == 500 && in.cid[9] == 60002,
        "format 1 charset");
  pb_cff_info_free(&in);
  n = read_seed(font_dir, "cid-format2.cff", b, sizeof b);
  CHECK(pb_cff_read(b, n, &in) == 0 && in.nglyphs == 7 && in.cid && in.cid[3] == 3 &&
            in.cid[4] == 3000 && in.cid[6] == 3002,
        "format 2 charset");
  pb_cff_info_free(&in);
  n = read_seed(font_dir, "cid-identity.cff", b, sizeof b);
  CHECK(pb_cff_read(b, n, &in) == 0 && in.cid_keyed && in.nglyphs == 4 && !in.cid,
        "CIDs equal to glyph ids give no map");
  pb_cff_info_free(&in);
  n = read_seed(font_dir, "name-keyed.cff", b, sizeof b);
  CHECK(pb_cff_read(b, n, &in) == 0 && !in.cid_keyed && in.nglyphs == 3 && !in.cid,
        "a name-keyed font is not CID-keyed");
  pb_cff_info_free(&in);
  CHECK(pb_cff_read(b, 3, &in) != 0 && !in.cid_keyed, "a 3-byte table is refused");
}

/* ---- context --------------------------------------------------------- */

static int made, dropped, order[4], n_order;
static void *make_obj(void) {
  made++;
  return malloc(16);
}
static void drop_obj(void *p) {
  dropped++;
  order[n_order++ & 3] = 0;
  free(p);
}
static void cleanup_a(void) { order[n_order++ & 3] = 1; }
static void cleanup_b(void) { order[n_order++ & 3] = 2; }

static void test_context(const char *tmp) {
  int default_errors = pb_diag_errors();
  pb_ctx *ctx = pb_ctx_new();
  CHECK(ctx != NULL, "a context is made");
  if (!ctx) return;
  pb_ctx_use(ctx);
  CHECK(pb_ctx_current() == ctx, "the installed context is current");
  /* Diagnostics are counted in the installed context, not elsewhere. */
  char path[4096];
  snprintf(path, sizeof path, "%s/ctx-diag.txt", tmp);
  FILE *f = fopen(path, "w+");
  CHECK(f != NULL, "temporary file %s", path);
  if (f) pb_diag_set_stream(f);
  pb_warn("card.md", 3, "one warning");
  pb_error("card.md", 4, "one error");
  CHECK(pb_diag_warnings() == 1 && pb_diag_errors() == 1, "counts: %d warning(s), %d error(s)",
        pb_diag_warnings(), pb_diag_errors());
  /* A slot is made once and shared. */
  void *a = pb_ctx_slot(PB_SLOT_HYPHEN, make_obj, drop_obj);
  void *b = pb_ctx_slot(PB_SLOT_HYPHEN, make_obj, drop_obj);
  CHECK(a && a == b && made == 1, "slot made once (%d calls)", made);
  CHECK(pb_ctx_at_free(cleanup_a) == 0 && pb_ctx_at_free(cleanup_b) == 0 &&
            pb_ctx_at_free(cleanup_a) == 0,
        "clean-ups registered");
  pb_ctx_use(NULL);
  CHECK(pb_diag_errors() == default_errors, "the default context kept its own counts");
  pb_ctx_free(ctx);
  /* Freed: the slot dropped first, then clean-ups last-registered first,
   * each once. */
  CHECK(dropped == 1, "slot dropped once (%d)", dropped);
  CHECK(n_order == 3 && order[0] == 0 && order[1] == 2 && order[2] == 1,
        "release order: slot, then b, then a (%d steps: %d %d %d)", n_order, order[0], order[1],
        order[2]);
  if (f) {
    rewind(f);
    char line[256] = "";
    CHECK(fgets(line, sizeof line, f) && strstr(line, "card.md:3: warning: one warning"),
          "diagnostic written to the context's stream: %s", line);
    fclose(f);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: test_unit FONT_DIR TMP_DIR\n");
    return 2;
  }
  test_utf8();
  test_model();
  test_sessions();
  test_config(argv[2]);
  test_fonts(argv[1]);
  test_context(argv[2]);
  test_cff(argv[1]);
  if (failures)
    fprintf(stderr, "%d failure(s)\n", failures);
  else
    printf("unit: all checks passed\n");
  return failures ? 1 : 0;
}
