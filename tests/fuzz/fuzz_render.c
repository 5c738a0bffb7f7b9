/* libFuzzer target for the whole pipeline on one card: the input is read
 * as Markdown (dialect sniffed) or, when it starts with "---", as a papers/
 * card, then laid out (line breaking, pagination) and written as a PDF,
 * with the project's fonts opened once. Slow (tens of runs a second), but
 * it reaches the layout and PDF stages, which the reader target does not.
 * Figures are not embedded (paths stay outside a private root). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "diag.h"
#include "fonts.h"
#include "layout.h"
#include "pdf.h"
#include "read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pb_fonts *fonts;

/* fontconfig's state is freed with the fonts; leak checkers at exit would
 * report it otherwise */
static void close_fonts(void) { pb_fonts_free(fonts); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[64], out[64];
  if (!path[0]) {
    snprintf(path, sizeof path, "/tmp/pb_fuzz_render_%d.md", (int)getpid());
    snprintf(out, sizeof out, "/tmp/pb_fuzz_render_%d.pdf", (int)getpid());
    pb_diag_set_quiet(1);
    pb_diag_set_stream(fopen("/dev/null", "w"));
    pb_fonts_config fc = {0};
    fc.dir = PB_SOURCE_DIR "/fonts";
    fonts = pb_fonts_open(&fc);
    if (!fonts) abort();
    atexit(close_fonts);
  }
  if (size > 16384) return 0; /* layout time grows with length; keep runs fast */
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  pb_read_options opt = {0};
  pb_library *lib = pb_library_new("/nonexistent-root");
  if (size >= 3 && data[0] == '-' && data[1] == '-' && data[2] == '-')
    pb_read_card(lib, path, &opt);
  else
    pb_read_markdown(lib, path, &opt);
  if (lib->nentries) {
    pb_plan_options plo;
    pb_plan_options_default(&plo);
    plo.appendix_presenters = (int)(size & 1);
    pb_plan *plan = pb_plan_build(lib, &plo);
    pb_layout_options lo;
    pb_layout_options_default(&lo);
    lo.created = 0;
    pb_doc *doc = pb_layout_plan(plan, fonts, &lo);
    if (doc) {
      pb_pdf_options po;
      pb_pdf_options_default(&po);
      po.cache_dir = NULL;
      po.compress = 0;
      pb_pdf_write(doc, &po, out);
    }
    pb_doc_free(doc);
    pb_plan_free(plan);
  }
  pb_library_free(lib);
  pb_diag_reset();
  return 0;
}
