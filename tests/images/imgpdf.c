/* imgpdf: puts figures into a PDF through the real figure pipeline
 * (pb_figset_prepare / pb_figset_xobject), one figure per page, for the
 * round-trip tests (tests/images/check.sh) and the figure benchmark.
 *
 *   imgpdf [--dpi N] [--threads N] [--cache DIR] [--width PT] [--stats]
 *          out.pdf figure...
 *   imgpdf --probe figure...
 *
 * Each page is the figure's placed size: --width points wide (default: one
 * point per pixel), height in proportion. Exit status: 0 when every figure
 * went in, 2 when some failed (each reported as a warning), 1 when the PDF
 * could not be written. --stats prints one line of measurements. --probe
 * prints "FORMAT WxH path" for each figure (pb_image_probe) instead. */
#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "diag.h"
#include "images.h"
#include "layout.h"
#include "pdf.h"
#include "pdf_image.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *data) {
  (void)data;
  fprintf(stderr, "imgpdf: libharu error %#lx (detail %lu)\n", (unsigned long)code,
          (unsigned long)detail);
}

int main(int argc, char **argv) {
  pb_pdf_options opt;
  memset(&opt, 0, sizeof opt);
  opt.compress = 1;
  double width = 0;
  int stats = 0, probe = 0, a = 1;
  for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
    if (strcmp(argv[a], "--stats") == 0)
      stats = 1;
    else if (strcmp(argv[a], "--probe") == 0)
      probe = 1;
    else if (a + 1 < argc && strcmp(argv[a], "--dpi") == 0)
      opt.dpi = atof(argv[++a]);
    else if (a + 1 < argc && strcmp(argv[a], "--threads") == 0)
      opt.threads = atoi(argv[++a]);
    else if (a + 1 < argc && strcmp(argv[a], "--cache") == 0)
      opt.cache_dir = argv[++a];
    else if (a + 1 < argc && strcmp(argv[a], "--width") == 0)
      width = atof(argv[++a]);
    else {
      fprintf(stderr, "imgpdf: unknown option %s\n", argv[a]);
      return 1;
    }
  }
  if (probe) {
    int bad = 0;
    for (; a < argc; a++) {
      pb_img_info info;
      char err[256];
      int rc = pb_image_probe(argv[a], &info, err, sizeof err);
      if (rc) bad = 1;
      printf("%s %dx%d %s%s%s\n", info.format_name, info.width, info.height, argv[a],
             rc ? ": " : "", rc ? err : "");
    }
    return bad ? 2 : 0;
  }
  if (argc - a < 2) {
    fprintf(stderr, "usage: imgpdf [--dpi N] [--threads N] [--cache DIR] [--width PT] "
                    "[--stats] out.pdf figure...\n");
    return 1;
  }
  const char *out = argv[a++];
  double t0 = now();
  pb_doc *doc = pb_doc_new(NULL, 595.276, 841.89);
  long long src_bytes = 0;
  for (int k = a; k < argc; k++) {
    pb_img_info info;
    char err[256];
    /* A figure that cannot be read still gets a page (libharu's smallest
     * is 3 pt), so that the PDF stays valid. */
    if (pb_image_probe(argv[k], &info, err, sizeof err) != 0) info.width = info.height = 72;
    double w = width > 0 ? width : info.width, h = w * info.height / info.width;
    if (w > 14400 || h > 14400) { /* libharu's largest page */
      double f = 14400 / (w > h ? w : h);
      w *= f;
      h *= f;
    }
    pb_doc_add_image(doc, argv[k], argv[k], info.width, info.height, w, h, argv[k], 1, NULL);
    struct stat st;
    if (stat(argv[k], &st) == 0) src_bytes += st.st_size;
  }
  double t1 = now();
  pb_figset *fs = pb_figset_prepare(doc, &opt);
  double t2 = now();

  HPDF_Doc pdf = HPDF_New(on_error, NULL);
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  int failed = 0;
  for (size_t i = 0; i < doc->nimages; i++) {
    const pb_doc_image *im = &doc->images[i];
    HPDF_Page page = HPDF_AddPage(pdf);
    HPDF_Page_SetWidth(page, (HPDF_REAL)im->placed_w);
    HPDF_Page_SetHeight(page, (HPDF_REAL)im->placed_h);
    HPDF_Image img = pb_figset_failed(fs, i) ? NULL : pb_figset_xobject(fs, pdf, i);
    if (!img) {
      failed++;
      continue;
    }
    HPDF_Page_DrawImage(page, img, 0, 0, (HPDF_REAL)im->placed_w, (HPDF_REAL)im->placed_h);
  }
  int rc = HPDF_SaveToFile(pdf, out) == HPDF_OK ? 0 : 1;
  HPDF_Free(pdf);
  pb_figset_free(fs);
  double t3 = now();
  pb_doc_free(doc);
  if (stats) {
    struct stat st;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long long pdf_bytes = stat(out, &st) == 0 ? (long long)st.st_size : -1;
    printf("figures %d failed %d source_bytes %lld pdf_bytes %lld ratio %.3f "
           "probe_s %.3f prepare_s %.3f save_s %.3f total_s %.3f cpu_s %.3f maxrss_kb %ld\n",
           argc - a, failed, src_bytes, pdf_bytes,
           src_bytes ? (double)pdf_bytes / (double)src_bytes : 0.0, t1 - t0, t2 - t1, t3 - t2,
           t3 - t0,
           (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6,
           ru.ru_maxrss);
  }
  if (rc) return 1;
  return failed ? 2 : 0;
}
