/* paperbook: command line entry point. Only this file calls exit. */
#include <stdio.h>

#include "cli.h"
#include "context.h"
#include "heap.h"

int main(int argc, char **argv) {
  pb_heap_init();
  pb_ctx *ctx = pb_ctx_new();
  if (!ctx) {
    fputs("paperbook: out of memory\n", stderr);
    return 2;
  }
  pb_ctx_use(ctx);
  int rc = pb_cli_main(argc, argv);
  pb_ctx_use(NULL);
  pb_ctx_free(ctx);
  return rc;
}
