/* libFuzzer target for the deck readers of src/read/slides_deck.c. The first
 * byte picks the reader, the rest is the input:
 *   0 (mod 3): pb_deck_slide_title on the bytes as one slide's XML (libxml2)
 *   1: an HTML deck, Slide/20240102_deck.html (title, slide count; no browser)
 *   2: a PDF deck, Slide/2024.1.2 张三-deck.pdf, read in this process (page
 *      count, title, first-page thumbnail through poppler and cairo)
 * Diagnostics are silenced. */
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "model.h"
#include "slides.h"
#include "slides_deck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* PDF decks read in this process (fuzzing, and the in-process check) go
 * through poppler, whose fontconfig caches live until exit by design:
 * LeakSanitizer is told so, for ASan builds. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

static void scan_one(const char *root, const char *thumbs, const char *path, const uint8_t *data,
                     size_t size) {
  FILE *f = fopen(path, "wb");
  if (!f) return;
  fwrite(data, 1, size, f);
  fclose(f);
  pb_library *lib = pb_library_new(root);
  pb_slides_options opt = {.thumb_dir = thumbs, .in_process = 1, .no_browser = 1};
  pb_slides_scan_ex(lib, "Slide", &opt);
  pb_library_free(lib);
  remove(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char root[64], html[128], pdf[128], thumbs[128];
  if (!root[0]) {
    snprintf(root, sizeof root, "/tmp/pb_fuzz_deck_%d", (int)getpid());
    snprintf(html, sizeof html, "%s/Slide/20240102_deck.html", root);
    snprintf(pdf, sizeof pdf, "%s/Slide/2024.1.2 张三-deck.pdf", root);
    snprintf(thumbs, sizeof thumbs, "%s/thumbs", root);
    mkdir(root, 0777);
    char slide[96];
    snprintf(slide, sizeof slide, "%s/Slide", root);
    mkdir(slide, 0777);
    pb_diag_set_quiet(1);
    pb_diag_set_stream(fopen("/dev/null", "w"));
  }
  if (size < 1) return 0;
  int which = data[0] % 3;
  data++;
  size--;
  if (which == 0) {
    pb_arena *a = pb_arena_new();
    const char *title;
    char why[200];
    pb_deck_slide_title(a, (const char *)data, size, &title, why, sizeof why);
    pb_arena_free(a);
  } else {
    scan_one(root, thumbs, which == 1 ? html : pdf, data, size);
  }
  pb_diag_reset();
  return 0;
}
