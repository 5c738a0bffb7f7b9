/* libFuzzer target for the readers (cmake -DPB_FUZZ=ON with clang): each
 * input is written to a file and read as Markdown (dialect sniffed) and, when
 * it starts with "---", as a papers/ card. Diagnostics are silenced. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "diag.h"
#include "read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[64];
  if (!path[0]) {
    snprintf(path, sizeof path, "/tmp/pb_fuzz_read_%d.md", (int)getpid());
    pb_diag_set_quiet(1);
    pb_diag_set_stream(fopen("/dev/null", "w"));
  }
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  pb_read_options opt = {0};
  pb_library *lib = pb_library_new("/tmp");
  pb_read_markdown(lib, path, &opt);
  if (size >= 3 && data[0] == '-' && data[1] == '-' && data[2] == '-')
    pb_read_card(lib, path, &opt);
  pb_buf out = PB_BUF_INIT;
  pb_library_dump_json(lib, &out);
  pb_buf_free(&out);
  pb_library_free(lib);
  pb_diag_reset();
  return 0;
}
