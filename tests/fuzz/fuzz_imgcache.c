/* libFuzzer target for the figure cache reader: each input is written as
 * one entry (build/cache/<32 hex>.pbi) of a private cache directory, then
 * looked up the way a build does; on a hit both streams are read back.
 * A damaged entry must be a miss (and deleted), never a crash, a huge
 * allocation or a loop. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "diag.h"
#include "imgcache.h"
#include "mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "0123456789abcdef0123456789abcdef.pbi"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static pb_imgcache *cache;
  static char *path;
  if (!cache) {
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/pb_fuzz_imgcache_%d", (int)getpid());
    pb_diag_set_quiet(1);
    cache = pb_imgcache_open(dir, 0, NULL, 0);
    if (!cache) return 0;
    path = pb_imgcache_path(cache, NAME);
  }
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  pb_imgcache_entry e;
  if (pb_imgcache_lookup(cache, NAME, &e)) {
    pb_buf b = PB_BUF_INIT;
    if (pb_imgcache_read(path, e.data_off, e.data_len, &b) != 0) abort(); /* header lied */
    if (e.smask_len && pb_imgcache_read(path, e.smask_off, e.smask_len, &b) != 0) abort();
    pb_buf_free(&b);
    pb_image_stream_free(&e.meta);
  }
  unlink(path);
  return 0;
}
