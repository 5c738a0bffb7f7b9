/* The command line's library loading and selection: where the library is,
 * reading it (config, cards, remote figures from the cache, decks), and the
 * plan's options from the command line and the config. */
#include "cli_library.h"

#include "fonts.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "dates.h"
#include "diag.h"
#include "enrich.h"
#include "fetch.h"
#include "links.h"
#include "read.h"
#include "sessions.h"
#include "slides.h"

int pb_cli_is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *pb_cli_dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return pb_xstrdup(".");
  if (slash == path) return pb_xstrdup("/");
  return pb_xstrndup(path, (size_t)(slash - path));
}

char *pb_cli_join(const char *a, const char *b) {
  pb_buf out = PB_BUF_INIT;
  if (b[0] == '/' || strcmp(a, ".") == 0) {
    pb_buf_puts(&out, b);
  } else {
    pb_buf_puts(&out, a);
    if (out.len && out.data[out.len - 1] != '/') pb_buf_putc(&out, '/');
    pb_buf_puts(&out, b);
  }
  return pb_buf_detach(&out);
}

/* The library root: the first directory argument, else the directory of the
 * first file argument, else the current directory. */
char *pb_cli_library_root(const cli_options *o) {
  for (int i = 0; i < o->ninputs; i++)
    if (pb_cli_is_dir(o->inputs[i])) return pb_xstrdup(o->inputs[i]);
  if (o->ninputs > 0) {
    char *d = pb_cli_dir_of(o->inputs[0]);
    /* A check-in log kept in Archived/ belongs to the library above it. */
    size_t n = strlen(d);
    if (n >= 8 && strcmp(d + n - 8, "Archived") == 0) {
      char *up = pb_cli_dir_of(d);
      free(d);
      return up;
    }
    return d;
  }
  return pb_xstrdup(".");
}

/* The directories paperbook writes in under the cache (fetch.c, enrich.c,
 * slides_deck.c; encoded figures and font subsets go in the cache itself). */
static const char *const cache_parts[] = {"fetch",       "fetch/data", "fetch/url", "enrich",
                                          "enrich/data", "enrich/q",   "thumbs"};

/* Where encoded figures, downloads and thumbnails are kept: --cache-dir or
 * PAPERBOOK_CACHE_DIR (the user's choice), else build/cache in the library,
 * which with each of its parts must resolve inside the library (a clone can
 * hold a build/ or build/cache/thumbs linked elsewhere). */
char *pb_cli_cache_dir(const cli_options *o, const char *root) {
  if (o->cache_dir) return pb_xstrdup(o->cache_dir);
  const char *env = getenv("PAPERBOOK_CACHE_DIR");
  if (env && *env) return pb_xstrdup(env);
  char *b = pb_cli_join(root, "build");
  char *c = pb_cli_join(b, "cache");
  free(b);
  int bad = pb_confine_dir(c, root, o->allow_outside, "the cache directory") != 0;
  for (size_t i = 0; !bad && i < sizeof cache_parts / sizeof *cache_parts; i++) {
    char *p = pb_cli_join(c, cache_parts[i]);
    bad = pb_confine_dir(p, root, o->allow_outside, "the cache directory") != 0;
    free(p);
  }
  if (bad) {
    free(c);
    return NULL;
  }
  return c;
}

/* Reads the library the arguments name. Returns NULL when nothing could be
 * read at all (diagnostics printed). */
/* The minutes when none was named on the command line: `minutes:` of the
 * config ("none" to not look), else the root's *纪要*.md / minutes*.md. */
static int read_minutes(pb_library *lib, const pb_config *cfg, const char *root,
                        const pb_read_options *ro) {
  if (cfg->minutes) {
    if (strcmp(cfg->minutes, "none") == 0 || !*cfg->minutes) return PB_OK;
    char *p = pb_cli_join(root, cfg->minutes);
    /* named by the library: inside it, links resolved */
    int rc = pb_confine_input_at(p, root, ro->allow_outside, cfg->path, cfg->minutes_line,
                                 "minutes") != 0
                 ? PB_EIO
                 : pb_read_minutes(lib, p, ro);
    free(p);
    return rc;
  }
  struct dirent **names = NULL;
  int n = scandir(root, &names, NULL, alphasort);
  int rc = PB_OK;
  for (int i = 0; i < n; i++) {
    const char *nm = names[i]->d_name;
    size_t len = strlen(nm);
    int md = len > 3 && strcasecmp(nm + len - 3, ".md") == 0;
    if (md && (strstr(nm, "纪要") || strncasecmp(nm, "minutes", 7) == 0)) {
      char *p = pb_cli_join(root, nm);
      struct stat st;
      char *real = NULL;
      if (!ro->allow_outside && pb_confine_outside(p, root, &real)) {
        /* a minutes file committed as a link to a file of the user's */
        pb_error(p, 0,
                 "is a link to '%s', outside the library root; not read as the minutes "
                 "(--allow-outside on the command line permits it)",
                 real ? real : "?");
        rc = PB_EIO;
      } else if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && pb_read_minutes(lib, p, ro) != PB_OK)
        rc = PB_EIO;
      free(real);
      free(p);
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

/* ---- zero-config discovery -------------------------------------- */

typedef struct {
  char **v;
  size_t n, cap;
} path_list;

static void path_push(path_list *l, char *p) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 8;
    l->v = pb_xrealloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->n++] = p;
}

static void path_list_free(path_list *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
}

/* Directories never searched: paperbook's own output, cards (read as
 * papers/), figures and decks, and anything hidden (.git). */
static int skipped_dir(const char *nm) {
  static const char *const skip[] = {"build", "papers", "node_modules", "Images", "Slide"};
  if (nm[0] == '.') return 1;
  for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
    if (strcmp(nm, skip[i]) == 0) return 1;
  return 0;
}

/* The Markdown files of dir (rel: its name under the root, "" for the
 * root), sorted, each sniffed by its text into one of the lists. Goes one
 * level down from the root (Archived/, or any folder of yearly logs). */
static void discover_dir(const char *root, const char *rel, int depth, path_list *reports,
                         path_list *logs, path_list *minutes) {
  char *dir = *rel ? pb_cli_join(root, rel) : pb_xstrdup(root);
  struct dirent **names = NULL;
  int n = scandir(dir, &names, NULL, alphasort);
  for (int i = 0; i < n; i++) {
    const char *nm = names[i]->d_name;
    size_t len = strlen(nm);
    char *relp = *rel ? pb_cli_join(rel, nm) : pb_xstrdup(nm);
    char *p = pb_cli_join(root, relp);
    struct stat st;
    /* lstat: a link is not followed out of the library */
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
      if (depth == 0 && !skipped_dir(nm))
        discover_dir(root, relp, depth + 1, reports, logs, minutes);
    } else if (nm[0] != '.' && len > 3 && strcasecmp(nm + len - 3, ".md") == 0 &&
               lstat(p, &st) == 0 && S_ISREG(st.st_mode)) {
      switch (pb_read_sniff(p)) {
      case PB_SNIFF_REPORT: path_push(reports, relp), relp = NULL; break;
      case PB_SNIFF_CHECKINS: path_push(logs, relp), relp = NULL; break;
      case PB_SNIFF_MINUTES: path_push(minutes, relp), relp = NULL; break;
      default: break;
      }
    }
    free(p);
    free(relp);
    free(names[i]);
  }
  free(names);
  free(dir);
}

static void say_list(pb_buf *b, const char *what, const path_list *l) {
  if (!l->n) return;
  if (b->len) pb_buf_puts(b, "; ");
  pb_buf_puts(b, what);
  for (size_t i = 0; i < l->n; i++) {
    pb_buf_puts(b, i ? ", " : " ");
    pb_buf_puts(b, l->v[i]);
  }
}

/* A library with no paperbook.yml inputs and no papers/: its REPORT-style
 * files, check-in logs and minutes are found by their contents in the root
 * and the folders right under it, read in that order, and named in one
 * line. Returns how many files were read; *minutes_read says whether the
 * minutes were among them. */
static size_t discover(pb_library *lib, const char *root, const pb_read_options *ro,
                       int with_minutes, int *failed, int *minutes_read) {
  path_list reports = {0}, logs = {0}, minutes = {0};
  discover_dir(root, "", 0, &reports, &logs, &minutes);
  if (!with_minutes) {
    path_list_free(&minutes);
    memset(&minutes, 0, sizeof minutes);
  }
  size_t total = reports.n + logs.n + minutes.n;
  pb_buf say = PB_BUF_INIT;
  say_list(&say, "report", &reports);
  say_list(&say, logs.n == 1 ? "check-in log" : "check-in logs", &logs);
  say_list(&say, "minutes", &minutes);
  if (total) pb_info("paperbook: found %s\n", say.data);
  pb_buf_free(&say);
  const path_list *order[] = {&reports, &logs, &minutes};
  for (size_t k = 0; k < 3; k++)
    for (size_t i = 0; i < order[k]->n; i++) {
      char *p = pb_cli_join(root, order[k]->v[i]);
      int rc = k == 2 ? pb_read_minutes(lib, p, ro) : pb_read_markdown(lib, p, ro);
      if (rc != PB_OK) *failed = 1;
      free(p);
    }
  *minutes_read = minutes.n > 0;
  path_list_free(&reports);
  path_list_free(&logs);
  path_list_free(&minutes);
  return total;
}

pb_library *pb_cli_load_library(const cli_options *o, pb_config *cfg, const char *root) {
  char *cfg_path = pb_cli_join(root, "paperbook.yml");
  /* a paperbook.yml committed as a link to a settings file of the user's
   * (another library's, with its mail settings) is not the library's */
  char *real = NULL;
  struct stat lst;
  if (!o->allow_outside && lstat(cfg_path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
      pb_confine_outside(cfg_path, root, &real) && real) {
    pb_error(cfg_path, 0,
             "is a link to '%s', outside the library root; not read (--allow-outside on the "
             "command line permits it)",
             real);
    free(real);
    free(cfg_path);
    memset(cfg, 0, sizeof *cfg);
    return NULL;
  }
  free(real);
  if (pb_config_load(cfg, cfg_path) != PB_OK) {
    free(cfg_path);
    return NULL;
  }
  free(cfg_path);
  /* Nothing is read before the cache is known to be the library's own. */
  char *cache = pb_cli_cache_dir(o, root);
  if (!cache) return NULL;
  pb_library *lib = pb_library_new(root);
  if (cfg->repo_url) lib->repo_url = pb_arena_strdup(lib->arena, cfg->repo_url);
  if (cfg->nvenue_names) {
    const char **v = pb_arena_alloc(lib->arena, cfg->nvenue_names * sizeof *v);
    for (size_t i = 0; i < cfg->nvenue_names; i++)
      v[i] = pb_arena_strdup(lib->arena, cfg->venue_names[i]);
    lib->venue_names = v;
    lib->nvenue_names = cfg->nvenue_names / 2;
  }
  pb_read_options ro = {0};
  ro.allow_outside = o->allow_outside;
  ro.fetch = o->fetch;
  int failed = 0, any_dir = o->ninputs == 0, minutes_found = 0, named_files = 0;
  for (int i = 0; i < o->ninputs; i++) {
    const char *in = o->inputs[i];
    struct stat st;
    if (stat(in, &st) != 0) {
      pb_error(in, 0, "%s", strerror(errno));
      failed = 1;
    } else if (S_ISDIR(st.st_mode)) {
      any_dir = 1;
    } else {
      named_files = 1;
      if (pb_read_markdown(lib, in, &ro) != PB_OK) failed = 1;
    }
  }
  if (any_dir) {
    for (size_t i = 0; i < cfg->ninputs; i++) {
      char *p = pb_cli_join(root, cfg->inputs[i]);
      /* inputs: come from the library: inside it, regular files only */
      int line = cfg->inputs_lines ? cfg->inputs_lines[i] : 0;
      if (pb_confine_input(p, root, o->allow_outside, cfg->path, line) != 0 ||
          pb_read_markdown(lib, p, &ro) != PB_OK)
        failed = 1;
      free(p);
    }
    char *papers = pb_cli_join(root, "papers");
    int have_papers = pb_cli_is_dir(papers);
    if (pb_read_cards_dir(lib, papers, &ro) != PB_OK) failed = 1;
    free(papers);
    /* neither inputs: nor papers/: the files are found by what they hold */
    if (!named_files && cfg->ninputs == 0 && !have_papers)
      discover(lib, root, &ro, !cfg->minutes, &failed, &minutes_found);
  }
  if (!lib->nsessions && !minutes_found && read_minutes(lib, cfg, root, &ro) != PB_OK) failed = 1;
  if (failed && lib->nentries == 0) {
    pb_library_free(lib);
    free(cache);
    return NULL;
  }
  /* Links the link policy refuses are printed as text: said once here. */
  pb_links_check_library(lib);
  /* Remote figures: from the download cache, which --fetch fills. */
  char *fetch_dir = pb_cli_join(cache, "fetch");
  pb_fetch_options fo = {0};
  fo.fetch = o->fetch;
  fo.cache_dir = fetch_dir;
  /* a digest or handout counts the figures of its own cards (cli.c) */
  fo.no_note = o->since_iso[0] || o->session_iso[0] || o->next;
  pb_fetch_figures(lib, &fo);
  free(fetch_dir);
  /* Bibliographic fields: the cards' links, bibliography files, then the
   * enrich cache (and with --enrich, arXiv and Crossref). */
  char *enrich_dir = pb_cli_join(cache, "enrich");
  pb_enrich_options eo = {o->enrich,          enrich_dir,        o->allow_outside,
                          o->enrich_interval, o->enrich_timeout, o->enrich_deadline};
  pb_enrich_library(lib, cfg, &eo);
  free(enrich_dir);
  /* The decks under Slide/ by name, matched with the cards; what they
   * hold (counts, titles, thumbnails) is read by pb_cli_read_decks when an
   * output draws it. */
  char *slide_dir = pb_cli_join(root, "Slide");
  if (pb_cli_is_dir(slide_dir)) {
    pb_slides_options so = {0};
    so.allow_outside = o->allow_outside;
    so.names_only = 1;
    pb_slides_scan_ex(lib, "Slide", &so);
  }
  free(slide_dir);
  free(cache);
  return lib;
}

void pb_cli_read_decks(const cli_options *o, pb_library *lib, const char *root) {
  char *cache = pb_cli_cache_dir(o, root);
  if (!cache) return; /* the load that came first refused it already */
  char *thumbs = pb_cli_join(cache, "thumbs");
  pb_slides_options so = {0};
  so.thumb_dir = thumbs;
  pb_slides_read(lib, &so);
  free(thumbs);
  free(cache);
}

/* fonts/ beside an installed binary (PREFIX/share/paperbook/fonts), else the
 * source tree's. */
char *pb_cli_font_dir(void) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    char *bin = pb_cli_dir_of(exe);
    char *prefix = pb_cli_dir_of(bin);
    char *d = pb_cli_join(prefix, "share/paperbook/fonts");
    free(bin);
    free(prefix);
    if (pb_cli_is_dir(d)) return d;
    free(d);
  }
  return pb_cli_join(PB_SOURCE_DIR, "fonts");
}

struct pb_fonts *pb_cli_open_fonts(const pb_config *cfg, const char *root, int allow_outside,
                                   const char *store) {
  pb_fonts_config fc = {0};
  fc.store = store;
  char *fontdir = pb_cli_font_dir();
  fc.dir = fontdir;
  fc.root = root;
  fc.allow_outside = allow_outside;
  fc.text = cfg->font_text;
  fc.sans = cfg->font_sans;
  fc.mono = cfg->font_mono;
  fc.cjk_text = cfg->font_cjk_text;
  fc.cjk_sans = cfg->font_cjk_sans;
  fc.symbol = cfg->font_symbol;
  pb_fonts *fonts = pb_fonts_open(&fc);
  free(fontdir);
  return fonts;
}

/* A date as written on the command line (see pb_date_parse_cli), into
 * out[11] in ISO form. */
static int parse_date(const char *s, char out[11]) {
  int y, m, d;
  if (!pb_date_parse_cli(s, &y, &m, &d)) return -1;
  pb_date_format(y, m, d, out);
  return 0;
}

/* Checks the dates a command needs and stores them in ISO form. */
int pb_cli_parse_dates(cli_options *o, command cmd) {
  if (cmd == CMD_DIGEST || (o->since && cmd == CMD_DUMP)) {
    if (!o->since || parse_date(o->since, o->since_iso) != 0) {
      pb_error(NULL, 0, "digest needs --since YYYY-MM-DD%s%s", o->since ? ", not " : "",
               o->since ? o->since : "");
      return -1;
    }
    if (o->until && parse_date(o->until, o->until_iso) != 0) {
      pb_error(NULL, 0, "--until wants YYYY-MM-DD, not '%s'", o->until);
      return -1;
    }
  }
  if (cmd == CMD_HANDOUT && o->next && o->date) {
    pb_error(NULL, 0, "handout takes --date or --next, not both");
    return -1;
  }
  if (o->today && !(cmd == CMD_HANDOUT && o->next)) {
    pb_error(NULL, 0, "--today goes with handout --next (and a digest's windows)");
    return -1;
  }
  if (o->today && parse_date(o->today, o->today_iso) != 0) {
    pb_error(NULL, 0, "--today wants YYYY-MM-DD, not '%s'", o->today);
    return -1;
  }
  if (cmd == CMD_HANDOUT && o->week) {
    /* the Monday-Sunday week of --date, or of today with --next */
    char day[11];
    if (o->next) {
      if (o->today_iso[0]) {
        memcpy(day, o->today_iso, 11);
      } else {
        pb_date_today(day);
      }
    } else if (!o->date || parse_date(o->date, day) != 0) {
      pb_error(NULL, 0, "handout --week needs --date YYYY-MM-DD or --next%s%s",
               o->date ? ", not " : "", o->date ? o->date : "");
      return -1;
    }
    long z = pb_date_days(day);
    long monday = z - pb_weekday(z);
    pb_date_from_days(monday, o->since_iso);
    pb_date_from_days(monday + 6, o->until_iso);
    return 0;
  }
  if (cmd == CMD_HANDOUT && o->next) return 0; /* the date comes from the minutes */
  if ((cmd == CMD_HANDOUT || (o->date && cmd == CMD_DUMP)) &&
      (!o->date || parse_date(o->date, o->session_iso) != 0)) {
    if (o->date)
      pb_error(NULL, 0, "handout needs --date YYYY-MM-DD, not %s", o->date);
    else
      pb_error(NULL, 0, "handout needs --date YYYY-MM-DD, or --next for the minutes' next session");
    return -1;
  }
  return 0;
}

/* The plan's options from the command line and the config (the command
 * line wins). Returns 0, or -1 after an error message. */
int pb_cli_plan_options(const cli_options *o, const pb_config *cfg, command cmd,
                        pb_plan_options *po) {
  pb_plan_options_default(po);
  po->mode = cmd == CMD_DIGEST || (cmd == CMD_DUMP && o->since_iso[0])      ? PB_PLAN_DIGEST
             : cmd == CMD_HANDOUT || (cmd == CMD_DUMP && o->session_iso[0]) ? PB_PLAN_HANDOUT
                                                                            : PB_PLAN_BOOKLET;
  po->since = o->since_iso[0] ? o->since_iso : NULL;
  po->until = o->until_iso[0] ? o->until_iso : NULL;
  po->session_date = o->session_iso[0] ? o->session_iso : NULL;
  po->presenter = o->presenter;
  po->category = o->category;
  po->zh = cfg->lang && strncmp(cfg->lang, "zh", 2) == 0;
  const char *gb = o->group_by ? o->group_by : cfg->group_by;
  if (gb) {
    if (strcmp(gb, "category") == 0)
      po->grouping = PB_PLAN_BY_CATEGORY;
    else if (strcmp(gb, "month") == 0)
      po->grouping = PB_PLAN_BY_MONTH;
    else if (strcmp(gb, "presenter") == 0)
      po->grouping = PB_PLAN_BY_PRESENTER;
    else {
      pb_error(NULL, 0, "unknown grouping '%s' (known: category, month, presenter)", gb);
      return -1;
    }
  }
  po->grouping_set = gb != NULL;
  const char *order = o->order ? o->order : cfg->order;
  po->newest_first = order ? strcmp(order, "oldest-first") != 0 : 1;
  po->appendix_presenters = o->appendix_presenters;
  po->appendix_slides = o->appendix_slides;
  for (size_t i = 0; i < cfg->nappendices; i++) {
    if (strcmp(cfg->appendices[i], "presenters") == 0)
      po->appendix_presenters = 1;
    else if (strcmp(cfg->appendices[i], "slides") == 0)
      po->appendix_slides = 1;
    else
      pb_warn(cfg->path, 0, "unknown appendix '%s' (known: presenters, slides)",
              cfg->appendices[i]);
  }
  po->category_order = (const char *const *)cfg->category_order;
  po->ncategory_order = cfg->ncategory_order;
  /* A digest or handout has its own default title, not the booklet's. */
  po->title = o->title ? o->title : po->mode == PB_PLAN_BOOKLET ? cfg->title : NULL;
  po->group = cfg->group;
  po->semester = cfg->semester;
  po->author = cfg->author;
  po->base_url = cfg->base_url;
  return 0;
}
