/* Test driver for the readers until `paperbook dump` lands: reads each
 * argument (a .md file through pb_read_markdown, a directory through
 * pb_read_cards_dir) into one library and prints it as JSON.
 *
 *   dumpdrv [--root DIR] [--allow-outside] FILE|DIR...
 *
 * Without --root the library root is the first file's directory, or its
 * parent when that holds Images/ or .git (an Archived/ log). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "model.h"
#include "read.h"

static int is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *guess_root(const char *path) {
  char *dir = strdup(path);
  if (!is_dir(path)) {
    char *slash = strrchr(dir, '/');
    if (slash)
      *slash = 0;
    else
      strcpy(dir, ".");
  }
  char buf[4096];
  snprintf(buf, sizeof buf, "%s/Images", dir);
  int here = is_dir(buf);
  snprintf(buf, sizeof buf, "%s/.git", dir);
  here |= is_dir(buf);
  if (!here) {
    snprintf(buf, sizeof buf, "%s/../Images", dir);
    if (is_dir(buf)) {
      snprintf(buf, sizeof buf, "%s/..", dir);
      free(dir);
      return strdup(buf);
    }
  }
  return dir;
}

int main(int argc, char **argv) {
  const char *root = NULL;
  pb_read_options opt = {0};
  int first = 1;
  for (; first < argc; first++) {
    if (strcmp(argv[first], "--root") == 0 && first + 1 < argc)
      root = argv[++first];
    else if (strcmp(argv[first], "--allow-outside") == 0)
      opt.allow_outside = 1;
    else
      break;
  }
  if (first >= argc) {
    fprintf(stderr, "usage: dumpdrv [--root DIR] [--allow-outside] FILE|DIR...\n");
    return 2;
  }
  char *guessed = root ? NULL : guess_root(argv[first]);
  pb_library *lib = pb_library_new(root ? root : guessed);
  int rc = 0;
  for (int i = first; i < argc; i++) {
    int r = is_dir(argv[i]) ? pb_read_cards_dir(lib, argv[i], &opt)
                            : pb_read_markdown(lib, argv[i], &opt);
    if (r) rc = 1;
  }
  pb_buf out = PB_BUF_INIT;
  pb_library_dump_json(lib, &out);
  fwrite(out.data, 1, out.len, stdout);
  pb_buf_free(&out);
  fprintf(stderr, "dumpdrv: %zu entries, %zu absences, %d warnings, %d errors\n", lib->nentries,
          lib->nabsences, pb_diag_warnings(), pb_diag_errors());
  pb_library_free(lib);
  free(guessed);
  return rc;
}
