/* libFuzzer target for a library's own files as a build reads them:
 * paperbook.yml (with the YAML depth guard, the link policy on base_url and
 * the confinement of inputs:), then the inputs it names. The input is
 * split at the first NUL byte: before it paperbook.yml, after it REPORT.md
 * (read when the configuration names it, or on its own). Diagnostics are
 * silenced. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "confine.h"
#include "diag.h"
#include "links.h"
#include "model.h"
#include "read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put(const char *path, const void *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return;
  fwrite(p, 1, n, f);
  fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char root[64], yml[96], report[96];
  if (!root[0]) {
    snprintf(root, sizeof root, "/tmp/pb_fuzz_library_%d", (int)getpid());
    mkdir(root, 0700);
    snprintf(yml, sizeof yml, "%s/paperbook.yml", root);
    snprintf(report, sizeof report, "%s/REPORT.md", root);
    pb_diag_set_quiet(1);
    pb_diag_set_stream(fopen("/dev/null", "w"));
  }
  const uint8_t *nul = memchr(data, 0, size);
  size_t ylen = nul ? (size_t)(nul - data) : size;
  put(yml, data, ylen);
  put(report, nul ? nul + 1 : (const uint8_t *)"", nul ? size - ylen - 1 : 0);
  pb_config cfg;
  if (pb_config_load(&cfg, yml) == PB_OK) {
    pb_library *lib = pb_library_new(root);
    pb_read_options ro = {0};
    int read = 0;
    for (size_t i = 0; i < cfg.ninputs && i < 4; i++) {
      char p[512];
      snprintf(p, sizeof p, "%s/%s", root, cfg.inputs[i]);
      if (pb_confine_input(p, root, 0, yml, cfg.inputs_lines ? cfg.inputs_lines[i] : 0) == 0 &&
          strcmp(p, report) == 0) {
        pb_read_markdown(lib, p, &ro);
        read = 1;
      }
    }
    if (!read) pb_read_markdown(lib, report, &ro);
    pb_links_check_library(lib);
    if (cfg.base_url && !pb_links_uri_allowed(cfg.base_url)) abort(); /* passed the policy */
    pb_library_free(lib);
  }
  pb_config_free(&cfg);
  pb_diag_reset();
  return 0;
}
