/* paperbook.yml: the library's settings. Command-line options override it.
 * Unknown keys and wrong types are warnings with file:line. */
#ifndef PB_CONFIG_H
#define PB_CONFIG_H

#include <stddef.h>

#include "mem.h"

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
  const char *lang;      /* the apparatus' language: "en" (default) or "zh" */
  const char **inputs;   /* REPORT-style / check-in files to read */
  size_t ninputs, capinputs;
  const char **category_order;
  size_t ncategory_order, capcategory_order;
  const char **appendices; /* "presenters", "slides" */
  size_t nappendices, capappendices;
  double dpi;
  /* mail: the mailed digest (see mail.h). No password here, ever. */
  const char *mail_from, *mail_server, *mail_user, *mail_subject, *mail_booklet_url;
  const char *mail_password_env; /* name of the variable holding the password */
  const char *mail_ca_file;      /* PEM CA certificates for the server's TLS */
  const char **mail_to, **mail_cc;
  size_t nmail_to, capmail_to, nmail_cc, capmail_cc;
  int mail_timeout;
  /* Bibliographic records: BibTeX / CSL-JSON files matched with the cards
   * (relative to the library root), and the --enrich client's settings
   * (the `enrich:` mapping; 0 / NULL: enrich.h's defaults). */
  const char **bibliography;
  size_t nbibliography, capbibliography;
  const char *enrich_mailto, *enrich_arxiv_api, *enrich_crossref_api;
  double enrich_interval, enrich_timeout, enrich_deadline, enrich_cache_mb;
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
