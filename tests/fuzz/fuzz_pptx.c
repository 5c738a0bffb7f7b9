/* libFuzzer target for the deck reader (libzip: slide count, thumbnail):
 * each input is written as Slide/2024.1.2 张三-deck.pptx under a private
 * library root and scanned with pb_slides_scan_ex. Diagnostics are
 * silenced. */
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "model.h"
#include "slides.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char root[64], deck[128], thumbs[128];
  if (!root[0]) {
    snprintf(root, sizeof root, "/tmp/pb_fuzz_pptx_%d", (int)getpid());
    snprintf(deck, sizeof deck, "%s/Slide/2024.1.2 张三-deck.pptx", root);
    snprintf(thumbs, sizeof thumbs, "%s/thumbs", root);
    mkdir(root, 0777);
    char slide[96];
    snprintf(slide, sizeof slide, "%s/Slide", root);
    mkdir(slide, 0777);
    pb_diag_set_quiet(1);
    pb_diag_set_stream(fopen("/dev/null", "w"));
  }
  FILE *f = fopen(deck, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  pb_library *lib = pb_library_new(root);
  pb_slides_options opt = {.thumb_dir = thumbs, .in_process = 0, .no_browser = 0};
  pb_slides_scan_ex(lib, "Slide", &opt);
  pb_library_free(lib);
  pb_diag_reset();
  return 0;
}
