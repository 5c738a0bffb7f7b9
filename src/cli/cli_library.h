/* The command line's shared parts (internal to the cli stage): the parsed
 * options, where the library is and how it is read, and how the options and
 * the config become the plan's options (the selection). cli.c holds the
 * option tables and the commands, cli_library.c the loading and the
 * selection, cli_check.c the lint. */
#ifndef PB_CLI_LIBRARY_H
#define PB_CLI_LIBRARY_H

#include "config.h"
#include "model.h"
#include "plan.h"

/* Options of every command (not all apply to each). */
typedef struct {
  const char *output;
  const char *paper;    /* a4 / letter */
  const char *group_by; /* category / month / presenter */
  const char *order;    /* newest-first / oldest-first */
  const char *title;
  double dpi;
  int quiet, strict, no_cache, allow_outside, fetch, appendix_presenters, layout_report;
  int enrich;
  double enrich_interval, enrich_timeout, enrich_deadline; /* --enrich-*: seconds, 0 unset */
  int print;
  int two_up;
  int next;          /* handout: the next session of the minutes' rota */
  const char *today; /* handout --next --today DATE */
  int week;          /* handout --week: the check-in week of the date */
  const char *cache_dir;
  const char *dump_layout;
  int appendix_slides;
  const char *since, *until, *presenter, *category, *date, *format;
  int text;
  int plan; /* dump --plan */
  const char **inputs;
  int ninputs;
  /* parsed dates (ISO, "" when not given) */
  char since_iso[11], until_iso[11], session_iso[11], today_iso[11];
} cli_options;

typedef enum { CMD_BUILD, CMD_DIGEST, CMD_HANDOUT, CMD_DUMP, CMD_CHECK } command;

/* Small path helpers; results are malloc'd. */
int pb_cli_is_dir(const char *p);
char *pb_cli_dir_of(const char *path);
char *pb_cli_join(const char *a, const char *b);

/* The library root: the first directory argument, else the directory of
 * the first file argument (the library above Archived/), else ".". */
char *pb_cli_library_root(const cli_options *o);
/* Where encoded figures, downloads and thumbnails are kept; NULL after an
 * error when the library's build/cache (or a part of it) resolves outside
 * the library and the command line did not say --allow-outside. */
char *pb_cli_cache_dir(const cli_options *o, const char *root);
/* Reads root/paperbook.yml into cfg and the library the arguments name,
 * with remote figures from the download cache and the decks under Slide/.
 * Returns NULL when nothing could be read (diagnostics printed); cfg is
 * to be freed with pb_config_free either way. */
pb_library *pb_cli_load_library(const cli_options *o, pb_config *cfg, const char *root);
/* Reads what the library's deck files hold (slide counts, titles,
 * thumbnails into the cache's thumbs/), which the load leaves out: only the
 * slide index, the presenter appendix, dump and check show it. */
void pb_cli_read_decks(const cli_options *o, pb_library *lib, const char *root);
/* fonts/ beside an installed binary, else the source tree's. */
char *pb_cli_font_dir(void);

/* Opens the fonts cfg names (paperbook.yml's fonts:, else the defaults);
 * a font file named by the library is confined to root (see fonts.h).
 * NULL after an error naming the missing font. store: the cache root where
 * fontconfig's answers are kept (NULL: none). */
struct pb_fonts *pb_cli_open_fonts(const pb_config *cfg, const char *root, int allow_outside,
                                   const char *store);

/* Checks the dates a command needs (--since/--until, --date) and stores
 * them in ISO form in o. Returns 0, or -1 after an error message. */
int pb_cli_parse_dates(cli_options *o, command cmd);
/* The plan's options, the selection included, from the command line and
 * the config (the command line wins). Returns 0, or -1 after an error. */
int pb_cli_plan_options(const cli_options *o, const pb_config *cfg, command cmd,
                        pb_plan_options *po);

/* `paperbook check`: the lint (cli_check.c). Returns the exit code. */
int pb_cli_check(const cli_options *o);

#endif
