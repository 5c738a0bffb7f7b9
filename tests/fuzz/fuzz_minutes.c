/* libFuzzer target for the minutes reader (pb_read_minutes, src/read/read_minutes.c)
 * and what uses its sessions: the sniffing of pb_read_markdown, the JSON
 * dump, and the lookups by date. Each input is written to a temporary file
 * and read; diagnostics are silenced. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "diag.h"
#include "model.h"
#include "read.h"
#include "sessions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[64];
  if (!path[0]) {
    snprintf(path, sizeof path, "/tmp/pb_fuzz_minutes_%d.md", (int)getpid());
    pb_diag_set_quiet(1);
    pb_diag_set_stream(fopen("/dev/null", "w"));
  }
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  pb_read_options opt = {0};
  pb_library *lib = pb_library_new("/tmp");
  pb_read_minutes(lib, path, &opt);
  (void)pb_read_is_minutes_text((const char *)data, size);
  pb_buf out = PB_BUF_INIT;
  pb_library_dump_json(lib, &out);
  pb_buf_free(&out);
  for (size_t i = 0; i < lib->nsessions; i++) {
    const pb_session *s = &lib->sessions[i];
    (void)pb_session_on(lib, s->date);
    (void)pb_session_before(lib, s->date);
    (void)pb_session_next(lib, s->date);
    (void)pb_date_week(s->date);
  }
  pb_library_free(lib);
  pb_diag_reset();
  return 0;
}
