#include "cli.h"

#include <stdio.h>
#include <string.h>

/* Temporary while the stages land: the real command line is being wired. */
int pb_cli_main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--man") == 0) {
    puts(".TH PAPERBOOK 1");
    return PB_EXIT_OK;
  }
  fprintf(stderr, "paperbook: not wired yet\n");
  return PB_EXIT_USAGE;
}
