/* Replays fuzz inputs without libFuzzer, for ordinary ctest runs: calls a
 * target's LLVMFuzzerTestOneInput on every file named, and on every file in
 * every directory named (not recursive). A crash fails the test; a clean
 * pass prints how many inputs ran. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  pb_buf b = PB_BUF_INIT;
  if (pb_read_file(path, 0, &b) != 0) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    return -1;
  }
  LLVMFuzzerTestOneInput((const uint8_t *)(b.data ? b.data : ""), b.len);
  pb_buf_free(&b);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  int ran = 0, failed = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "replay: %s: not found\n", argv[i]);
      failed = 1;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      failed |= run_file(argv[i]) != 0;
      ran++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    if (!d) {
      failed = 1;
      continue;
    }
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *de; (de = readdir(d));) {
      if (de->d_name[0] == '.') continue;
      names = pb_xrealloc(names, (n + 1) * sizeof *names);
      size_t len = strlen(argv[i]) + strlen(de->d_name) + 2;
      names[n] = pb_xmalloc(len);
      snprintf(names[n], len, "%s/%s", argv[i], de->d_name);
      n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, by_name);
    for (size_t k = 0; k < n; k++) {
      fprintf(stderr, "replay: %s\n", names[k]);
      failed |= run_file(names[k]) != 0;
      ran++;
      free(names[k]);
    }
    free(names);
  }
  printf("replay: %d inputs\n", ran);
  return failed;
}
