/* libFuzzer target for the slide-name parser (pb_slide_parse_name): the
 * input is split at the first NUL byte; before it, the file name; after it,
 * newline-separated known presenters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "slides.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *copy = pb_xmalloc(size + 1);
  memcpy(copy, data, size);
  copy[size] = 0;
  const char *known[8];
  size_t nknown = 0;
  size_t namelen = strlen(copy);
  if (namelen < size) {
    char *p = copy + namelen + 1;
    while (nknown < 8 && p < copy + size) {
      char *nl = memchr(p, '\n', (size_t)(copy + size - p));
      if (nl) *nl = 0;
      known[nknown++] = p;
      if (!nl) break;
      p = nl + 1;
    }
  }
  pb_arena *a = pb_arena_new();
  pb_slide s;
  pb_slide_parse_name(a, copy, known, nknown, &s);
  pb_arena_free(a);
  free(copy);
  return 0;
}
