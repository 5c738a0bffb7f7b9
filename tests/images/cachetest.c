/* Unit test of the figure cache (src/images/imgcache.c): names depend on content
 * and options, entries round-trip, damaged entries are misses, and trimming
 * deletes the least recently used entries first until under the cap; with
 * PROJECT_ROOT, figures judged only give verdicts, and the files made from
 * them (the LaTeX export's, the mail's thumbnails) are kept by content.
 * Usage: cachetest WORKDIR [PROJECT_ROOT] */
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

static int copy_file(const char *from, const char *to) {
  pb_buf b = PB_BUF_INIT;
  int rc =
      pb_read_file(from, (size_t)1 << 26, &b) == 0 ? pb_write_file_atomic(to, b.data, b.len) : -1;
  pb_buf_free(&b);
  return rc;
}

static int same_bytes(const pb_buf *a, const pb_buf *b) {
  return a->len == b->len && a->len > 0 && memcmp(a->data, b->data, a->len) == 0;
}

/* Figures judged only: the jobs get verdicts; the LaTeX file of a WebP
 * named .png is a PNG, that of a PNG its own bytes; a thumbnail and a
 * conversion asked for again come from the cache (the sources are gone by
 * then); a source that changed since it was judged is an error, never a
 * second verdict. */
static void judged_files(const char *work, const char *root) {
  char dir[4096], webp[4096], png[4096], from[4096], err[300];
  snprintf(dir, sizeof dir, "%s/imgcache-judged", work);
  snprintf(webp, sizeof webp, "%s/imgcache-judged-webp.png", work);
  snprintf(png, sizeof png, "%s/imgcache-judged-clip.png", work);
  snprintf(from, sizeof from, "%s/Images/r2r.png", root);
  int copied = copy_file(from, webp) == 0;
  snprintf(from, sizeof from, "%s/Images/clip.png", root);
  copied = copied && copy_file(from, png) == 0;
  CHECK(copied, "figures copied from %s/Images", root);
  if (!copied) return;
  pb_imgcache *c = pb_imgcache_open(dir, 0, err, sizeof err);
  pb_figstream jobs[2];
  memset(jobs, 0, sizeof jobs);
  jobs[0].path = webp;
  jobs[1].path = png;
  for (int i = 0; i < 2; i++) {
    pb_image_encode_options(&jobs[i].opt, 0, 0);
    jobs[i].opt.judge_only = 1;
  }
  pb_imgcache_encode_all(c, jobs, 2, 1);
  CHECK(!jobs[0].failed && !jobs[1].failed && jobs[0].entry.kind == PB_IMGCACHE_VERDICT &&
            jobs[1].entry.kind == PB_IMGCACHE_VERDICT && jobs[1].entry.meta.width > 0 &&
            jobs[1].entry.data_len == 0,
        "judged only: verdicts, %d x %d, no stream", jobs[1].entry.meta.width,
        jobs[1].entry.meta.height);
  pb_buf conv = PB_BUF_INIT, own = PB_BUF_INIT, thumb = PB_BUF_INIT, src = PB_BUF_INIT;
  const char *ext0 = NULL, *ext1 = NULL;
  int angle = -1, w = 0, h = 0;
  int rc0 = pb_imgcache_latex_file(&jobs[0], &conv, &ext0, &angle, err, sizeof err);
  int rc1 = pb_imgcache_latex_file(&jobs[1], &own, &ext1, &angle, err, sizeof err);
  pb_read_file(png, (size_t)1 << 26, &src);
  CHECK(rc0 == 0 && ext0 && strcmp(ext0, "png") == 0 && conv.len > 8 &&
            memcmp(conv.data, "\x89PNG", 4) == 0,
        "a WebP named .png is converted to PNG for LaTeX");
  CHECK(rc1 == 0 && ext1 && strcmp(ext1, "png") == 0 && angle == 0 && same_bytes(&own, &src),
        "a whole PNG is included as it is");
  int rct = pb_imgcache_thumbnail(&jobs[1], 480, 360, 78, &thumb, &w, &h, err, sizeof err);
  CHECK(rct == 0 && thumb.len > 2 && memcmp(thumb.data, "\xFF\xD8", 2) == 0 && w > 0 && w <= 480 &&
            h <= 360,
        "thumbnail: a JPEG of %d x %d", w, h);
  /* the sources gone: asked again, both come from the cache */
  unlink(webp);
  unlink(png);
  pb_buf again = PB_BUF_INIT, again_thumb = PB_BUF_INIT;
  int w2 = 0, h2 = 0;
  rc0 = pb_imgcache_latex_file(&jobs[0], &again, &ext0, &angle, err, sizeof err);
  CHECK(rc0 == 0 && same_bytes(&again, &conv), "the conversion is kept in the cache");
  rct = pb_imgcache_thumbnail(&jobs[1], 480, 360, 78, &again_thumb, &w2, &h2, err, sizeof err);
  CHECK(rct == 0 && same_bytes(&again_thumb, &thumb) && w2 == w && h2 == h,
        "the thumbnail is kept in the cache");
  /* other bytes under the judged path: an error, not a thumbnail of them */
  pb_write_file_atomic(png, "not the figure", 14);
  pb_buf other = PB_BUF_INIT;
  err[0] = 0;
  rct = pb_imgcache_thumbnail(&jobs[1], 100, 100, 50, &other, &w2, &h2, err, sizeof err);
  CHECK(rct != 0 && strstr(err, "changed since it was judged") != NULL,
        "a changed source is an error (%s)", err);
  unlink(png);
  pb_buf_free(&conv);
  pb_buf_free(&own);
  pb_buf_free(&thumb);
  pb_buf_free(&src);
  pb_buf_free(&again);
  pb_buf_free(&again_thumb);
  pb_buf_free(&other);
  for (int i = 0; i < 2; i++) pb_figstream_free(&jobs[i]);
  pb_imgcache_close(c, 1);
}

int main(int argc, char **argv) {
  if (argc != 2 && argc != 3) return 2;
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
  if (argc == 3) judged_files(argv[1], argv[2]);
  printf("%d failure(s)\n", fails);
  return fails != 0;
}
