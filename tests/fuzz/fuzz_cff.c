/* libFuzzer target for the CFF charset reader (src/layout/cff.c), which reads the
 * 'CFF ' table of any font a library brings in its fonts/ directory. The
 * result must be self-consistent: a CID map only for a CID-keyed font and
 * with one entry per glyph (each read here, for ASan to check). */
#include <stdint.h>
#include <stdlib.h>

#include "cff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pb_cff_info info;
  int rc = pb_cff_read(data, size, &info);
  if (info.cid) {
    if (rc != 0 || !info.cid_keyed || info.nglyphs == 0) abort();
    unsigned sum = 0;
    for (size_t g = 0; g < info.nglyphs; g++) sum += info.cid[g];
    if (info.cid[0] != 0) abort(); /* .notdef is CID 0 */
    (void)sum;
  }
  pb_cff_info_free(&info);
  return 0;
}
