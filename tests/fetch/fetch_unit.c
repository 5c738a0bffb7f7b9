/* Unit tests for src/read/fetch.c that need no server: the ?raw=true form of
 * GitHub blob URLs, and pb_fetch_figures without --fetch (no network, no
 * cache directory created, figures left for placeholders). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "fetch.h"
#include "model.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);                                        \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

static void raw_urls(void) {
  static const struct {
    const char *url, *raw;
  } cases[] = {
      {"https://github.com/o/r/blob/main/Images/x.png",
       "https://github.com/o/r/blob/main/Images/x.png?raw=true"},
      {"http://github.com/o/r/blob/main/x.png", "http://github.com/o/r/blob/main/x.png?raw=true"},
      {"https://GitHub.com/o/r/blob/v1/a%20b.png",
       "https://GitHub.com/o/r/blob/v1/a%20b.png?raw=true"},
      {"https://github.com/o/r/blob/main/x.png?plain=1",
       "https://github.com/o/r/blob/main/x.png?plain=1&raw=true"},
      {"https://github.com/o/r/blob/main/x.png?",
       "https://github.com/o/r/blob/main/x.png?raw=true"},
      {"https://github.com/o/r/blob/main/x.png?raw=true", NULL},
      {"https://github.com/o/r/raw/main/x.png", NULL},
      {"https://github.com/o/blob/x.png", NULL},
      {"https://raw.githubusercontent.com/o/r/main/x.png", NULL},
      {"https://example.com/o/r/blob/main/x.png", NULL},
      {"https://github.com.evil.example/o/r/blob/main/x.png", NULL},
      {"https://github.com/o/r/blob/main/x.png#L1", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *got = pb_fetch_raw_url(cases[i].url);
    int ok = (!got && !cases[i].raw) || (got && cases[i].raw && strcmp(got, cases[i].raw) == 0);
    CHECK(ok, "raw url of %s: got %s, want %s", cases[i].url, got ? got : "(null)",
          cases[i].raw ? cases[i].raw : "(null)");
    free(got);
  }
}

static void offline(const char *tmp) {
  pb_library *lib = pb_library_new(tmp);
  pb_entry *e = pb_library_add_entry(lib, "card.md", 3);
  pb_figure *f = pb_entry_add_figure(lib, e);
  f->src = f->url = "http://127.0.0.1:9/x.png"; /* discard port: never asked */
  f->line = 5;
  pb_figure *g = pb_entry_add_figure(lib, e);
  g->src = g->url = "www.example.com/y.png";
  pb_figure *local = pb_entry_add_figure(lib, e);
  local->src = local->path = "Images/z.png";

  char cache[4096];
  snprintf(cache, sizeof cache, "%s/no-such-cache", tmp);
  pb_fetch_options opt = {0};
  opt.cache_dir = cache;
  int warnings = pb_diag_warnings();
  CHECK(pb_fetch_figures(lib, &opt) == 0, "nothing found in a missing cache");
  CHECK(!f->path && !g->path, "remote figures left without a path");
  CHECK(local->path && strcmp(local->path, "Images/z.png") == 0, "local figure untouched");
  CHECK(pb_diag_warnings() == warnings, "no warnings without --fetch (one note only)");
  struct stat st;
  CHECK(stat(cache, &st) != 0, "no cache directory created without --fetch");
  CHECK(pb_fetch_figures(lib, NULL) == 0, "NULL options: nothing fetched");
  pb_library_free(lib);

  pb_library *empty = pb_library_new(tmp);
  CHECK(pb_fetch_figures(empty, &opt) == 0, "an empty library");
  pb_library_free(empty);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: fetch_unit TMPDIR\n");
    return 2;
  }
  mkdir(argv[1], 0777);
  raw_urls();
  offline(argv[1]);
  if (failures)
    fprintf(stderr, "%d failure(s)\n", failures);
  else
    printf("fetch unit tests passed\n");
  return failures ? 1 : 0;
}
