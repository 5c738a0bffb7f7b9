/* libFuzzer target for the figure sniffer, prober and encoders: each input
 * is sniffed, probed from memory and from a file, and, when the probe
 * accepts it and it is small enough to decode quickly, encoded into a PDF
 * image stream (downsampled too, every other time, to reach the resampler).
 * The pixel cap here only keeps the fuzzer fast; the encoders' own limits
 * are tested by the bad-input corpus. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "images.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_PIXELS (512LL * 512LL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[64];
  static unsigned count;
  if (!path[0]) snprintf(path, sizeof path, "/tmp/pb_fuzz_image_%d.img", (int)getpid());
  const char *name = NULL;
  pb_image_sniff(data, size, &name);
  pb_img_info info;
  char err[256];
  int rc = pb_image_probe_mem(data, size, &info, err, sizeof err);
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(data, 1, size, f);
    fclose(f);
    pb_img_info finfo;
    pb_image_probe(path, &finfo, err, sizeof err);
  }
  if (rc != 0 || (long long)info.width * info.height > FUZZ_MAX_PIXELS ||
      (long long)info.stored_width * info.stored_height > FUZZ_MAX_PIXELS)
    return 0;
  pb_encode_options opt = {0};
  if (++count % 2 == 0) {
    opt.dpi = 72;
    opt.placed_w = 20;
    opt.placed_h = 20;
    opt.lossy = (int)(count % 4 == 0);
  }
  pb_image_stream s;
  pb_image_encode_mem(data, size, &opt, &s, err, sizeof err);
  pb_image_stream_free(&s);
  return 0;
}
