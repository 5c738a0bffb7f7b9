/* The baseline the benchmark compares against: libharu 2.3.0's own image
 * loaders (HPDF_LoadPngImageFromFile / HPDF_LoadJpegImageFromFile), one
 * figure per page, compression on. Only files whose bytes are PNG or JPEG
 * are given to it (it cannot read WebP, and it aborts on a corrupt PNG).
 *
 * usage: harubaseline OUT.pdf FIGURE... */
#include <hpdf.h>
#include <stdio.h>
#include <string.h>

static void on_error(HPDF_STATUS e, HPDF_STATUS d, void *u) {
  (void)u;
  fprintf(stderr, "harubaseline: libharu error 0x%04X (%u)\n", (unsigned)e, (unsigned)d);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: harubaseline OUT.pdf FIGURE...\n");
    return 2;
  }
  HPDF_Doc pdf = HPDF_New(on_error, NULL);
  if (!pdf) return 1;
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  int n = 0;
  for (int i = 2; i < argc; i++) {
    unsigned char head[8] = {0};
    FILE *f = fopen(argv[i], "rb");
    if (!f) continue;
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    HPDF_Image img = NULL;
    if (got >= 8 && memcmp(head, "\x89PNG", 4) == 0)
      img = HPDF_LoadPngImageFromFile(pdf, argv[i]);
    else if (got >= 2 && head[0] == 0xFF && head[1] == 0xD8)
      img = HPDF_LoadJpegImageFromFile(pdf, argv[i]);
    if (!img) {
      HPDF_ResetError(pdf);
      continue;
    }
    HPDF_Page page = HPDF_AddPage(pdf);
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    double w = HPDF_Image_GetWidth(img), h = HPDF_Image_GetHeight(img);
    double s = 480.0 / w < 700.0 / h ? 480.0 / w : 700.0 / h;
    HPDF_Page_DrawImage(page, img, 57, 842 - 60 - (HPDF_REAL)(h * s), (HPDF_REAL)(w * s),
                        (HPDF_REAL)(h * s));
    n++;
  }
  HPDF_STATUS st = HPDF_SaveToFile(pdf, argv[1]);
  HPDF_Free(pdf);
  printf("%d figures\n", n);
  return st == HPDF_OK ? 0 : 1;
}
