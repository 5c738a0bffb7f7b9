/* `paperbook check`: the lint. Reads the library as a build would and
 * reports, as file:line: error|warning, what a build would stumble on or
 * show wrong: cards without titles, figures missing or undecodable, local
 * links and decks that are not there, duplicate papers, a presenter
 * spelled two ways. Duplicates are found through hash tables of the
 * normalised titles, paper links and presenter spellings, not pair by
 * pair. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_library.h"
#include "confine.h"
#include "diag.h"
#include "fonts.h"
#include "percent.h"
#include "plan.h"
#include "progress.h"
#include "sessions.h"

static void lower_alnum(const char *s, pb_buf *out) {
  pb_buf_reset(out);
  for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
    if (*p >= 'A' && *p <= 'Z')
      pb_buf_putc(out, *p + 32);
    else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p >= 0x80)
      pb_buf_putc(out, *p);
  }
  if (!out->data) pb_buf_puts(out, "");
}

/* A presenter's name as compared for spellings: ASCII letters lower case,
 * blanks and . - _ · dropped ("Zhang  San" = "zhang san", "张 三" = "张三"). */
static void presenter_key(const char *s, pb_buf *out) {
  pb_buf_reset(out);
  for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
    if (*p == ' ' || *p == '\t' || *p == '.' || *p == '-' || *p == '_') continue;
    if (p[0] == 0xC2 && p[1] == 0xB7) { /* · */
      p++;
      continue;
    }
    if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) { /* ideographic space */
      p += 2;
      continue;
    }
    pb_buf_putc(out, *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  }
  if (!out->data) pb_buf_puts(out, "");
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Whether a link target written in a summary names a local file: no scheme
 * (http:, mailto:, ...), not //host, not #anchor. */
static int is_local_target(const char *url) {
  if (!url || !*url || url[0] == '#' || (url[0] == '/' && url[1] == '/')) return 0;
  for (const char *p = url; *p && p - url < 16; p++) {
    if (*p == ':') return 0;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '+' || *p == '-' || *p == '.'))
      break;
  }
  return 1;
}

/* The local file a summary link names, percent-decoded, without ?query and
 * #fragment; malloc'd. */
static char *link_path(const char *url) {
  pb_buf b = PB_BUF_INIT;
  pb_percent_decode(url, strcspn(url, "?#"), 0, &b);
  return pb_buf_detach(&b);
}

/* Summary links to local files that do not exist, relative to the card's
 * directory or to the library root. */
static void check_summary_links(const pb_library *lib, const pb_entry *e) {
  for (size_t i = 0; i < e->summary.n; i++) {
    const pb_block *b = &e->summary.blocks[i];
    for (size_t j = 0; j < b->nspans; j++) {
      const pb_span *sp = &b->spans[j];
      if (!(sp->style & PB_STYLE_LINK) || !is_local_target(sp->url)) continue;
      const char *file = b->file ? b->file : e->file;
      char *target = link_path(sp->url);
      char *dir = pb_cli_dir_of(file);
      char *a = pb_cli_join(dir, target), *r = pb_cli_join(lib->root, target);
      if (*target && !exists(a) && !exists(r))
        pb_warn(file, b->line ? b->line : e->line, "broken link '%s': no such file", sp->url);
      free(a);
      free(r);
      free(dir);
      free(target);
    }
  }
}

/* Why a figure has no file: refused as outside the library root (the
 * reader said so), or missing. */
static void report_missing_figure(const pb_library *lib, const pb_figure *f, const char *file,
                                  int line, int allow_outside) {
  const char *src = f->src ? f->src : "?";
  int outside = 0;
  const char *special = NULL;
  if (f->src) {
    char *target = link_path(f->src);
    char *dir = pb_cli_dir_of(file);
    char *a = pb_cli_join(dir, target), *r = pb_cli_join(lib->root, target);
    /* a FIFO or device is refused for what it is, not as "outside" */
    if (!pb_confine_is_special(a, &special)) pb_confine_is_special(r, &special);
    outside = !allow_outside && !special && (exists(a) || exists(r));
    free(a);
    free(r);
    free(dir);
    free(target);
  }
  if (special)
    pb_error(file, line, "figure %s is %s, not a regular file; not used", src, special);
  else if (outside)
    pb_error(file, line, "figure %s is outside the library root (--allow-outside embeds it)", src);
  else
    pb_error(file, line, "figure %s not found", src);
}

/* ---- a table from strings to the first card index that had them ---- */

typedef struct {
  char *key; /* malloc'd */
  int value;
} slot;

typedef struct {
  slot *slots;
  size_t cap, n; /* cap a power of two, kept at most half full */
} str_table;

static slot *table_find(str_table *t, const char *key) {
  size_t mask = t->cap - 1;
  size_t i = (size_t)pb_hash64(key, strlen(key), 0) & mask;
  while (t->slots[i].key && strcmp(t->slots[i].key, key) != 0) i = (i + 1) & mask;
  return &t->slots[i];
}

/* The value stored under key, or -1; with add (and key absent) stores
 * value under it. */
static int table_get(str_table *t, const char *key, int add, int value) {
  if (t->n * 2 >= t->cap) {
    str_table bigger = {pb_xcalloc(t->cap ? t->cap * 2 : 64, sizeof(slot)),
                        t->cap ? t->cap * 2 : 64, 0};
    for (size_t i = 0; i < t->cap; i++)
      if (t->slots[i].key) {
        *table_find(&bigger, t->slots[i].key) = t->slots[i];
        bigger.n++;
      }
    free(t->slots);
    *t = bigger;
  }
  slot *s = table_find(t, key);
  if (s->key) return s->value;
  if (add) {
    s->key = pb_xstrdup(key);
    s->value = value;
    t->n++;
  }
  return -1;
}

static void table_free(str_table *t) {
  for (size_t i = 0; i < t->cap; i++) free(t->slots[i].key);
  free(t->slots);
}

/* ---- the checks of one card -------------------------------------------- */

typedef struct {
  const pb_library *lib;
  pb_plan *plan; /* the figures' verdicts */
  int allow_outside;
  str_table titles;     /* normalised title -> first card */
  str_table paper_urls; /* paper link -> first card */
  str_table spellings;  /* presenter as written -> first card */
  str_table keys;       /* presenter key -> first card with that key */
  pb_buf a;
} checker;

/* One presenter spelled two ways: warned at the first card of the second
 * spelling, naming the first card of the first. */
static void check_presenter(checker *C, int i) {
  const pb_entry *e = C->lib->entries[i];
  if (!e->presenter || !*e->presenter) return;
  if (table_get(&C->spellings, e->presenter, 1, i) >= 0) return; /* not new */
  presenter_key(e->presenter, &C->a);
  if (!C->a.len) return;
  int k = table_get(&C->keys, C->a.data, 1, i);
  if (k < 0) return;
  const pb_entry *f = C->lib->entries[k];
  pb_warn(e->file, e->line, "presenter '%s' is spelled '%s' in %s:%d", e->presenter, f->presenter,
          f->file, f->line);
}

/* Duplicates: the same normalised title, or the same paper link, as an
 * earlier card (the earliest is named; a title match wins a tie). */
static void check_duplicate(checker *C, int i) {
  const pb_entry *e = C->lib->entries[i];
  lower_alnum(e->title, &C->a);
  int by_title = C->a.len ? table_get(&C->titles, C->a.data, 1, i) : -1;
  int by_link = -1;
  for (size_t x = 0; x < e->nlinks; x++) {
    const pb_link *l = &e->links[x];
    if (l->kind != PB_LINK_PAPER || !l->url || !*l->url) continue;
    int k = table_get(&C->paper_urls, l->url, 1, i);
    if (k >= 0 && k != i && (by_link < 0 || k < by_link)) by_link = k;
  }
  int k = by_title >= 0 && (by_link < 0 || by_title <= by_link) ? by_title : by_link;
  if (k < 0) return;
  const pb_entry *f = C->lib->entries[k];
  pb_warn(e->file, e->line, "duplicate paper: same %s as %s:%d",
          k == by_title ? "title" : "paper link", f->file, f->line);
}

/* The figures as the plan judged them for a build (header and data, see
 * pb_plan_options.figures): its verdicts are reported here as errors, at
 * every use, and nothing is decoded a second time. */
static void check_figures(checker *C, const pb_entry *e) {
  const pb_plan_card *card = C->plan ? C->plan->card_of_entry[e->index] : NULL;
  for (size_t j = 0; j < e->nfigures; j++) {
    const pb_figure *f = &e->figures[j];
    int line = f->line ? f->line : e->line;
    const char *file = f->file ? f->file : e->file;
    if (!f->path) {
      if (f->url) {
        /* not fetched yet: a choice, not a fault of each card; the loader
         * says it once for all of them (fetch.c) */
      } else
        report_missing_figure(C->lib, f, file, line, C->allow_outside);
      continue;
    }
    const pb_plan_figure *pf = card && j < card->nfigures ? &card->figures[j] : NULL;
    if (pf && !pf->ok && pf->reason)
      pb_error(file, line, "figure %s: %s", f->src ? f->src : f->path, pf->reason);
  }
}

static void check_local_links(const pb_library *lib, const pb_entry *e) {
  for (size_t j = 0; j < e->nlinks; j++) {
    const pb_link *l = &e->links[j];
    if (!l->local) continue;
    char *p = pb_cli_join(lib->root, l->local);
    if (access(p, R_OK) != 0)
      pb_diag(PB_DIAG_ERROR, e->file, l->line ? l->line : e->line, 0, "%s %s: %s",
              l->kind == PB_LINK_SLIDE ? "slide deck" : "linked file", l->local,
              errno == ENOENT ? "missing" : strerror(errno));
    free(p);
  }
}

int pb_cli_check(const cli_options *o) {
  pb_diag_set_strict(o->strict);
  /* decoding a large library's figures takes seconds: shown as a build
   * shows it (nothing for the first second) */
  pb_progress_init(o->quiet ? 0 : isatty(2) ? 2 : 1);
  char *root = pb_cli_library_root(o);
  pb_config cfg;
  pb_library *lib = pb_cli_load_library(o, &cfg, root);
  if (!lib) {
    pb_config_free(&cfg);
    free(root);
    fprintf(stderr, "check: could not read the library\n");
    return PB_EXIT_USAGE;
  }
  /* check reports the decks that cannot be read, so it reads them all */
  pb_cli_read_decks(o, lib, root);
  if (lib->nentries == 0)
    pb_error(root, 0,
             "no paper cards found (looked in papers/, the files named, and the Markdown files of "
             "the root and the folders under it)");
  /* the fonts a build would use: a missing one stops every build */
  pb_fonts_free(pb_cli_open_fonts(&cfg, root, o->allow_outside, NULL));
  checker C;
  memset(&C, 0, sizeof C);
  C.lib = lib;
  /* The figures are judged as a build judges them: by the plan, which
   * decodes each once (in parallel, in a private cache: check writes
   * nothing into the library); its own warnings are the build's, so they
   * are muted here and its verdicts reported below as errors. */
  pb_plan_options po;
  pb_plan_options_default(&po);
  pb_plan_figure_options fo;
  memset(&fo, 0, sizeof fo);
  po.figures = &fo;
  pb_diag_mute(1);
  C.plan = pb_plan_build(lib, &po);
  pb_diag_mute(0);
  C.allow_outside = o->allow_outside;
  for (size_t i = 0; i < lib->nentries; i++) {
    const pb_entry *e = lib->entries[i];
    if (!e->title || !*e->title) pb_error(e->file, e->line, "card has no title");
    check_summary_links(lib, e);
    check_presenter(&C, (int)i);
    check_figures(&C, e);
    check_local_links(lib, e);
    check_duplicate(&C, (int)i);
  }
  pb_plan_free(C.plan);
  table_free(&C.titles);
  table_free(&C.paper_urls);
  table_free(&C.spellings);
  table_free(&C.keys);
  pb_buf_free(&C.a);
  /* Decks no card mentions are worth a look, not a failure. */
  for (size_t i = 0; i < lib->nslides; i++)
    if (!lib->slides[i].nentries) pb_note(lib->slides[i].path, 0, "no card mentions this deck");
  int errors = pb_diag_errors(), warnings = pb_diag_warnings();
  size_t held, planned;
  pb_sessions_count(lib, &held, &planned);
  if (lib->nsessions)
    printf("check: %zu sessions in the minutes (%zu held, %zu planned)\n", lib->nsessions, held,
           planned);
  printf("check: %zu papers, %zu absences: %d error%s, %d warning%s\n", lib->nentries,
         lib->nabsences, errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  pb_library_free(lib);
  pb_config_free(&cfg);
  free(root);
  return errors || warnings ? PB_EXIT_FINDINGS : PB_EXIT_OK;
}
