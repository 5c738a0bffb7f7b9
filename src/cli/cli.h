/* The command line: subcommands, options, exit codes. */
#ifndef PB_CLI_H
#define PB_CLI_H

/* Exit codes: 0 success (check: clean), 1 findings or a failed build,
 * 2 could not run (bad usage, unreadable library, missing font). */
enum { PB_EXIT_OK = 0, PB_EXIT_FINDINGS = 1, PB_EXIT_USAGE = 2 };

int pb_cli_main(int argc, char **argv);
/* `paperbook new`: writes a card file with every field, for the next
 * presenter to fill in (cli_new.c). */
int pb_cli_new(int argc, char **argv);
extern const char pb_cli_new_help[];

#endif
