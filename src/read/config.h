/* paperbook.yml: the library's settings. Command-line options override it.
 * Unknown keys and wrong types are warnings with file:line. */
#ifndef PB_CONFIG_H
#define PB_CONFIG_H

#include <stddef.h>

#include "mem.h"

/* The most seconds a library's paperbook.yml may set for `enrich:`
 * interval, timeout and deadline (more is used as these, with a warning):
 * a stranger's library cannot make a build wait for days. The command
 * line's --enrich-interval, --enrich-timeout and --enrich-deadline may set
 * more. */
#define PB_CONFIG_ENRICH_INTERVAL_MAX 10.0
#define PB_CONFIG_ENRICH_TIMEOUT_MAX 60.0
#define PB_CONFIG_ENRICH_DEADLINE_MAX 900.0

typedef struct {
  pb_arena *arena;
  const char *path;  /* the file read, NULL if none */
  const char *title; /* booklet title */
  const char *group; /* reading group's name */
  const char *semester;
  const char *author;
  const char *page_size; /* "A4" or "Letter" */
  const char *output;    /* output PDF, relative to the library root */
  const char *group_by;  /* "category", "month", "presenter" */
  const char *order;     /* "newest-first" / "oldest-first" */
  const char *base_url;  /* web copy of the library, for slide/figure links */
  const char *repo_url;  /* the library's repository URL */
  const char *minutes;   /* the weekly minutes, relative to the root; "none" = do not look */
  int minutes_line;      /* its line in the file, for messages */
  const char *lang;      /* the apparatus' language: "en" (default) or "zh" */
  const char **inputs;   /* REPORT-style / check-in files to read */
  size_t ninputs, capinputs;
  int *inputs_lines; /* the line of each, for messages */
  const char **category_order;
  size_t ncategory_order, capcategory_order;
  /* venues: the library's own venue names, pairs of (as written, shown),
   * tried before the table in read_common.c */
  const char **venue_names;
  size_t nvenue_names, capvenue_names; /* pairs: 2 entries each */
  const char **appendices;             /* "presenters", "slides" */
  size_t nappendices, capappendices;
  double dpi;
  /* mail: the mailed digest (see mail.h): who and what, never where the
   * login goes (server, user, CA, password: the user's settings only). */
  const char *mail_from, *mail_subject, *mail_booklet_url;
  const char **mail_to, **mail_cc;
  size_t nmail_to, capmail_to, nmail_cc, capmail_cc;
  int mail_timeout;
  /* Bibliographic records: BibTeX / CSL-JSON files matched with the cards
   * (relative to the library root), and the --enrich client's settings
   * (the `enrich:` mapping; 0 / NULL: enrich.h's defaults). */
  const char **bibliography;
  size_t nbibliography, capbibliography;
  int *bibliography_lines; /* the line of each, for messages */
  const char *enrich_mailto;
  double enrich_interval, enrich_timeout, enrich_deadline, enrich_cache_mb; /* clamped below */
  int enrich_retries, enrich_retries_set;
  int enrich_line; /* line of the `enrich:` key, for messages */
  /* fonts: file paths or fontconfig names */
  const char *font_text, *font_sans, *font_mono, *font_cjk_text, *font_cjk_sans, *font_symbol;
} pb_config;

/* Reads path into cfg (zeroed first; cfg->arena created). A missing file is
 * not an error (returns 0 with cfg->path NULL); a malformed one returns
 * PB_EPARSE with diagnostics. Free with pb_config_free. */
int pb_config_load(pb_config *cfg, const char *path);
void pb_config_free(pb_config *cfg);

#endif
