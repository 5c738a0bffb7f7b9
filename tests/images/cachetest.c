/* Unit test of the figure cache (src/images/imgcache.c): names depend on content
 * and options, entries round-trip, damaged entries are misses, and trimming
 * deletes the least recently used entries first until under the cap.
 * Usage: cachetest WORKDIR */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "imgcache.h"

static int fails;
#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (cond) {                                                                                    \
      printf("ok   ");                                                                             \
    } else {                                                                                       \
      printf("FAIL ");                                                                             \
      fails++;                                                                                     \
    }                                                                                              \
    printf(__VA_ARGS__);                                                                           \
    printf("\n");                                                                                  \
  } while (0)

static void set_mtime(pb_imgcache *c, const char *name, time_t t) {
  char *p = pb_imgcache_path(c, name);
  struct timespec ts[2] = {{t, 0}, {t, 0}};
  utimensat(AT_FDCWD, p, ts, 0);
  free(p);
}

static int exists(pb_imgcache *c, const char *name) {
  char *p = pb_imgcache_path(c, name);
  int e = access(p, F_OK) == 0;
  free(p);
  return e;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/imgcache-unit-test", argv[1]);
  char err[256];

  /* Names */
  pb_imgcache_hash h1 = pb_imgcache_hash_bytes("abcdefghij", 10);
  pb_imgcache_hash h2 = pb_imgcache_hash_bytes("abcdefghik", 10);
  pb_imgcache_hash h3 = pb_imgcache_hash_bytes("abcdefghij", 10);
  char n1[40], n2[40], n3[40], n4[40];
  pb_encode_options o;
  memset(&o, 0, sizeof o);
  pb_imgcache_name(&h1, &o, n1);
  pb_imgcache_name(&h2, &o, n2);
  pb_imgcache_name(&h3, &o, n3);
  o.dpi = 150;
  o.placed_w = 453;
  pb_imgcache_name(&h1, &o, n4);
  CHECK(strcmp(n1, n3) == 0, "same content, same name (%s)", n1);
  CHECK(strcmp(n1, n2) != 0, "one byte changed, another name");
  CHECK(strcmp(n1, n4) != 0, "other options, another name");

  /* Round trip */
  pb_imgcache *c = pb_imgcache_open(dir, 3000, err, sizeof err);
  CHECK(c != NULL, "open %s", dir);
  if (!c) return 1;
  pb_image_stream s;
  memset(&s, 0, sizeof s);
  s.width = 7;
  s.height = 5;
  s.bpc = 8;
  s.filter = "FlateDecode";
  s.predictor = 15;
  s.colors = 1;
  unsigned char pal[6] = {0, 0, 0, 255, 255, 255};
  s.palette = pal;
  s.palette_n = 2;
  char payload[1000];
  for (size_t i = 0; i < sizeof payload; i++) payload[i] = (char)(i * 7);
  pb_buf_append(&s.data, payload, sizeof payload);
  s.has_smask = 1;
  s.smask_bpc = 8;
  s.smask_predictor = 15;
  pb_buf_append(&s.smask, "mask", 4);
  pb_imgcache_entry e;
  CHECK(pb_imgcache_lookup(c, n1, &e) == 0, "miss before store");
  CHECK(pb_imgcache_store(c, n1, &s, &e, err, sizeof err) == 0, "store");
  pb_image_stream_free(&e.meta);
  pb_imgcache_entry g;
  int hit = pb_imgcache_lookup(c, n1, &g);
  CHECK(hit, "hit after store");
  if (hit) {
    CHECK(g.meta.width == 7 && g.meta.height == 5 && g.meta.palette_n == 2 &&
              memcmp(g.meta.palette, pal, 6) == 0 && !g.meta.colorspace &&
              strcmp(g.meta.filter, "FlateDecode") == 0 && g.meta.has_smask,
          "metadata round trip");
    char *path = pb_imgcache_path(c, n1);
    pb_buf d = PB_BUF_INIT, m = PB_BUF_INIT;
    pb_imgcache_read(path, g.data_off, g.data_len, &d);
    pb_imgcache_read(path, g.smask_off, g.smask_len, &m);
    CHECK(d.len == sizeof payload && memcmp(d.data, payload, d.len) == 0, "data round trip");
    CHECK(m.len == 4 && memcmp(m.data, "mask", 4) == 0, "mask round trip");
    pb_buf_free(&d);
    pb_buf_free(&m);
    /* A truncated entry is a miss and is deleted. */
    pb_image_stream_free(&g.meta);
    if (truncate(path, 500) != 0) perror("truncate");
    CHECK(pb_imgcache_lookup(c, n1, &g) == 0 && access(path, F_OK) != 0,
          "truncated entry: miss, deleted");
    free(path);
    pb_image_stream_free(&g.meta);
  }

  /* Eviction: five entries of ~1.1 KB under a 3000-byte cap. */
  s.palette = NULL;
  s.palette_n = 0;
  s.colorspace = "DeviceGray";
  char names[5][40];
  time_t base = time(NULL) - 1000;
  for (int i = 0; i < 5; i++) {
    char content[32];
    snprintf(content, sizeof content, "figure %d", i);
    pb_imgcache_hash h = pb_imgcache_hash_bytes(content, strlen(content));
    memset(&o, 0, sizeof o);
    pb_imgcache_name(&h, &o, names[i]);
    pb_imgcache_store(c, names[i], &s, &e, err, sizeof err);
    pb_image_stream_free(&e.meta);
    set_mtime(c, names[i], base + i * 10);
  }
  /* Using the oldest makes it the newest. */
  CHECK(pb_imgcache_lookup(c, names[0], &e) == 1, "hit on the oldest entry");
  pb_image_stream_free(&e.meta);
  int removed = pb_imgcache_trim(c);
  CHECK(removed == 3, "trim removed %d entries (want 3)", removed);
  CHECK(exists(c, names[0]) && exists(c, names[4]) && !exists(c, names[1]) &&
            !exists(c, names[2]) && !exists(c, names[3]),
        "the least recently used went first");
  pb_imgcache_close(c, 1);
  struct stat st;
  CHECK(stat(dir, &st) != 0, "close(remove_all) removes the directory");
  s.palette = NULL;
  pb_buf_free(&s.data);
  pb_buf_free(&s.smask);
  printf("%d failure(s)\n", fails);
  return fails != 0;
}
