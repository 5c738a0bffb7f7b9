/* paperbook: command line entry point. Only this file calls exit. */
#include "cli.h"

int main(int argc, char **argv) { return pb_cli_main(argc, argv); }
