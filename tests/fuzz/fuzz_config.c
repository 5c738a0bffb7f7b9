/* libFuzzer target for the paperbook.yml reader (pb_config_load): each input
 * is written to a temporary file and loaded. Diagnostics are silenced. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[64];
  if (!path[0]) {
    snprintf(path, sizeof path, "/tmp/pb_fuzz_config_%d.yml", (int)getpid());
    pb_diag_set_quiet(1);
    pb_diag_set_stream(fopen("/dev/null", "w"));
  }
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  pb_config cfg;
  pb_config_load(&cfg, path);
  pb_config_free(&cfg);
  pb_diag_reset();
  return 0;
}
