#include "cli.h"

#include <stdio.h>

int pb_cli_main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "paperbook: not wired yet\n");
  return PB_EXIT_USAGE;
}
