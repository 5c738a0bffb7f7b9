/* libFuzzer target for bibliographies from strangers: the BibTeX reader
 * (and TeX decoding), the CSL-JSON reader, title keys and identifiers in
 * links. The first byte picks the reader. Diagnostics are silenced. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "biblio.h"
#include "bibtex.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *devnull;
  if (!devnull) {
    devnull = fopen("/dev/null", "w");
    pb_diag_set_quiet(1);
    pb_diag_set_stream(devnull);
  }
  if (size == 0) return 0;
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  pb_biblist l;
  pb_biblist_init(&l);
  if (data[0] & 1)
    pb_csljson_parse(text, len, "f.json", "csl-json:f.json", &l);
  else
    pb_bibtex_parse(text, len, "f.bib", "bibtex:f.bib", &l);
  for (size_t i = 0; i < l.n; i++) {
    free(pb_title_key(l.recs[i].title));
    pb_link_ids ids;
    pb_link_ids_parse(l.recs[i].url, &ids);
    pb_link_ids_free(&ids);
  }
  char *s = malloc(len + 1);
  memcpy(s, text, len);
  s[len] = 0;
  free(pb_title_key(s));
  pb_link_ids ids;
  pb_link_ids_parse(s, &ids);
  pb_link_ids_free(&ids);
  free(s);
  pb_biblist_free(&l);
  pb_diag_reset();
  return 0;
}
