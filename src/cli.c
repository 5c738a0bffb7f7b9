#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "biblio.h"
#include "bibtex.h"
#include "cards_write.h"
#include "config.h"
#include "confine.h"
#include "diag.h"
#include "enrich.h"
#include "fetch.h"
#include "fonts.h"
#include "images.h"
#include "layout.h"
#include "links.h"
#include "mail.h"
#include "model.h"
#include "pdf.h"
#include "plan.h"
#include "progress.h"
#include "read.h"
#include "slides.h"
#include "tex.h"

/* ---- shared options ------------------------------------------------- */
typedef struct {
  const char *output;
  const char *paper;    /* a4 / letter */
  const char *group_by; /* category / month / presenter */
  const char *order;    /* newest-first / oldest-first */
  const char *title;
  double dpi;
  int quiet, strict, no_cache, allow_outside, fetch, appendix_presenters, layout_report;
  int enrich;
  int print;
  int two_up;
  const char *cache_dir;
  const char *dump_layout;
  int appendix_slides;
  const char *since, *until, *presenter, *category, *date, *format;
  int text;
  int plan; /* dump --plan */
  const char **inputs;
  int ninputs;
  /* parsed dates (ISO, "" when not given) */
  char since_iso[11], until_iso[11], session_iso[11];
} cli_options;

enum {
  OPT_PAPER = 256,
  OPT_GROUP_BY,
  OPT_NEWEST,
  OPT_OLDEST,
  OPT_DPI,
  OPT_NO_CACHE,
  OPT_STRICT,
  OPT_ALLOW_OUTSIDE,
  OPT_FETCH,
  OPT_APPENDIX,
  OPT_LAYOUT_REPORT,
  OPT_TITLE,
  OPT_PRINT,
  OPT_CACHE_DIR,
  OPT_DUMP_LAYOUT,
  OPT_SINCE,
  OPT_UNTIL,
  OPT_PRESENTER,
  OPT_CATEGORY,
  OPT_TEXT,
  OPT_DATE,
  OPT_TWO_UP,
  OPT_FORMAT,
  OPT_PLAN,
  OPT_ENRICH
};

typedef enum { CMD_BUILD, CMD_DIGEST, CMD_HANDOUT, CMD_DUMP, CMD_CHECK } command;

static const struct option build_long[] = {
    {"output", required_argument, 0, 'o'},
    {"paper", required_argument, 0, OPT_PAPER},
    {"group-by", required_argument, 0, OPT_GROUP_BY},
    {"newest-first", no_argument, 0, OPT_NEWEST},
    {"oldest-first", no_argument, 0, OPT_OLDEST},
    {"dpi", required_argument, 0, OPT_DPI},
    {"no-cache", no_argument, 0, OPT_NO_CACHE},
    {"cache-dir", required_argument, 0, OPT_CACHE_DIR},
    {"dump-layout", required_argument, 0, OPT_DUMP_LAYOUT},
    {"strict", no_argument, 0, OPT_STRICT},
    {"allow-outside", no_argument, 0, OPT_ALLOW_OUTSIDE},
    {"fetch", no_argument, 0, OPT_FETCH},
    {"enrich", no_argument, 0, OPT_ENRICH},
    {"appendix", required_argument, 0, OPT_APPENDIX},
    {"layout-report", no_argument, 0, OPT_LAYOUT_REPORT},
    {"title", required_argument, 0, OPT_TITLE},
    {"print", no_argument, 0, OPT_PRINT},
    {"since", required_argument, 0, OPT_SINCE},
    {"until", required_argument, 0, OPT_UNTIL},
    {"presenter", required_argument, 0, OPT_PRESENTER},
    {"category", required_argument, 0, OPT_CATEGORY},
    {"text", no_argument, 0, OPT_TEXT},
    {"date", required_argument, 0, OPT_DATE},
    {"two-up", no_argument, 0, OPT_TWO_UP},
    {"format", required_argument, 0, OPT_FORMAT},
    {"plan", no_argument, 0, OPT_PLAN},
    {"quiet", no_argument, 0, 'q'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

static const char build_help[] =
    "usage: paperbook build [LIBRARY | FILE.md ...] [options]\n"
    "\n"
    "Renders a library of paper cards as a PDF booklet. LIBRARY (default: the\n"
    "current directory) holds papers/ and optionally paperbook.yml; Markdown\n"
    "files named on the command line (REPORT.md-style or weekly check-in logs)\n"
    "are read as they are.\n"
    "\n"
    "  -o, --output FILE.pdf   where to write (default: build/paperbook.pdf\n"
    "                          under the library root, or `output:` of the config)\n"
    "      --paper a4|letter   page size (default a4)\n"
    "      --group-by category|month|presenter\n"
    "                          chapter structure (default: category, or month\n"
    "                          when the library has no categories)\n"
    "      --newest-first, --oldest-first\n"
    "                          order of month chapters (default newest first)\n"
    "      --appendix presenters|slides\n"
    "                          add the per-presenter session appendix, or the\n"
    "                          index of the decks under Slide/ (repeatable)\n"
    "      --dpi N             downsample figures above N dpi at placed size\n"
    "      --print             print mode: URLs as numbered notes, grayscale\n"
    "      --format pdf|tex|bib\n"
    "                          tex: write DIR/booklet.tex for xelatex and the\n"
    "                          figures it needs (-o names the directory);\n"
    "                          bib: one BibTeX entry per paper (default\n"
    "                          build/paperbook.bib)\n"
    "      --title TEXT        booklet title\n"
    "      --no-cache          do not use the figure cache under build/\n"
    "      --cache-dir DIR     keep encoded figures, downloads and deck thumbnails\n"
    "                          in DIR (default: build/cache under the library root)\n"
    "      --fetch             download remote figures (cached under build/)\n"
    "      --enrich            look up authors, venue, year and a link at arXiv\n"
    "                          and Crossref for what the cards lack (cached\n"
    "                          under build/, reused offline; see enrich: and\n"
    "                          bibliography: in paperbook.yml)\n"
    "      --allow-outside     allow figure paths outside the library root\n"
    "      --layout-report     print paragraph and page-breaking findings\n"
    "      --dump-layout FILE  write every page's boxes as text (for tests)\n"
    "      --strict            treat warnings as errors\n"
    "  -q, --quiet             print errors only\n"
    "  -h, --help              this text\n";

static const char digest_help[] =
    "usage: paperbook digest --since DATE [--until DATE] [LIBRARY | FILE.md ...]\n"
    "\n"
    "Writes a compact PDF of the papers presented in a window of dates: a first\n"
    "page listing what is new (title, presenter, date, a link to the card), then\n"
    "the cards. Figures are downsampled to 150 dpi at their placed size.\n"
    "\n"
    "      --since DATE        first day (YYYY-MM-DD), required\n"
    "      --until DATE        last day (default: no end)\n"
    "      --presenter NAME    only this presenter's papers\n"
    "      --category PATH     only this category (\"CV\" or \"CV/Facial ...\")\n"
    "      --text              also write FILE.txt: titles, presenters, links\n"
    "  -o, --output FILE.pdf   default build/digest-SINCE.pdf\n"
    "      --dpi N             figure resolution (default 150)\n"
    "      --paper a4|letter, --print, --no-cache, --strict, -q, -h as for build\n";

static const char handout_help[] =
    "usage: paperbook handout --date DATE [LIBRARY | FILE.md ...]\n"
    "\n"
    "Writes the papers of one reading session for print: a header with the date\n"
    "and presenters, each card with its links as short URLs and QR codes,\n"
    "grayscale-friendly.\n"
    "\n"
    "      --date DATE         the session (YYYY-MM-DD), required\n"
    "      --two-up            two A5 pages on each landscape A4 (or Letter) sheet\n"
    "  -o, --output FILE.pdf   default build/handout-DATE.pdf\n"
    "      --paper a4|letter, --dpi N, --no-cache, --strict, -q, -h as for build\n";

static const char check_help[] =
    "usage: paperbook check [LIBRARY | FILE.md ...] [--strict]\n"
    "\n"
    "Lints a library without writing a PDF: unparseable cards, missing or\n"
    "unreadable figures, figures that cannot be embedded, broken relative links,\n"
    "missing slide decks, duplicate papers, dates that do not parse, a presenter\n"
    "spelled two ways. Each finding is file:line:col: error|warning: message,\n"
    "with a count at the end.\n"
    "\n"
    "Exit status: 0 clean, 1 warnings or errors found, 2 could not run.\n"
    "      --strict            count warnings as errors\n";

static const char import_help[] =
    "usage: paperbook import FILE.md ... [-o DIR]\n"
    "\n"
    "Converts REPORT-style or check-in files into papers/ card files, one per\n"
    "paper, every field kept (building from the cards gives the same entries).\n"
    "Existing card files are never overwritten.\n"
    "\n"
    "  -o, --output DIR        where to write (default: papers/ under the library root)\n";

static const char dump_help[] =
    "usage: paperbook dump [LIBRARY | FILE.md ...] [--plan [options]]\n"
    "                      [--format json|csl-json] [--enrich]\n"
    "\n"
    "Prints the parsed library as JSON: every entry with its source file:line,\n"
    "the absences, the category tree with its references, and the slide decks;\n"
    "filled bibliographic fields under \"biblio\" with where each came from.\n"
    "Takes the same inputs as build.\n"
    "\n"
    "      --plan              print the book plan instead: the chapters, each\n"
    "                          card's resolved links and probed figures, the\n"
    "                          appendices. Takes build's --group-by, --appendix,\n"
    "                          --presenter, --category, --oldest-first; --since\n"
    "                          [--until] plans a digest, --date a handout.\n"
    "      --format csl-json   one CSL-JSON item per paper of the plan instead\n"
    "      --enrich            look up what the cards lack first (see build)\n";

static const char main_help[] =
    "usage: paperbook COMMAND [options]\n"
    "\n"
    "Turns a reading group's Markdown paper cards into a categorized PDF booklet.\n"
    "\n"
    "commands:\n"
    "  build     render a library (or REPORT.md / check-in files) to a PDF\n"
    "  dump      print the parsed cards as JSON, each with its file:line\n"
    "  digest    a compact PDF of the papers in a window of dates (for email)\n"
    "  handout   one session's papers for print, with QR codes\n"
    "  check     lint a library without writing a PDF\n"
    "  new       write a new card file with every field, for the next presenter\n"
    "  import    convert REPORT-style or check-in files into papers/ cards\n"
    "\n"
    "  paperbook COMMAND --help   options of one command\n"
    "  paperbook --version        version\n";

static int parse_build_options(int argc, char **argv, cli_options *o, const char *help) {
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:qh", build_long, NULL)) != -1) {
    switch (c) {
    case 'o': o->output = optarg; break;
    case 'q': o->quiet = 1; break;
    case 'h': fputs(help, stdout); return 1;
    case OPT_PAPER: o->paper = optarg; break;
    case OPT_GROUP_BY: o->group_by = optarg; break;
    case OPT_NEWEST: o->order = "newest-first"; break;
    case OPT_OLDEST: o->order = "oldest-first"; break;
    case OPT_DPI: {
      char *end;
      o->dpi = strtod(optarg, &end);
      /* !(x >= 1): also NaN, which shrank every figure to 1x1 pixel */
      if (end == optarg || *end || !(o->dpi >= 1 && o->dpi <= 100000)) {
        pb_error(NULL, 0, "--dpi wants a positive number, not '%s'", optarg);
        return -1;
      }
      break;
    }
    case OPT_NO_CACHE: o->no_cache = 1; break;
    case OPT_CACHE_DIR: o->cache_dir = optarg; break;
    case OPT_DUMP_LAYOUT: o->dump_layout = optarg; break;
    case OPT_STRICT: o->strict = 1; break;
    case OPT_ALLOW_OUTSIDE: o->allow_outside = 1; break;
    case OPT_FETCH: o->fetch = 1; break;
    case OPT_ENRICH: o->enrich = 1; break;
    case OPT_APPENDIX:
      if (strcmp(optarg, "presenters") == 0)
        o->appendix_presenters = 1;
      else if (strcmp(optarg, "slides") == 0)
        o->appendix_slides = 1;
      else {
        pb_error(NULL, 0, "unknown appendix '%s' (known: presenters, slides)", optarg);
        return -1;
      }
      break;
    case OPT_LAYOUT_REPORT: o->layout_report = 1; break;
    case OPT_TITLE: o->title = optarg; break;
    case OPT_PRINT: o->print = 1; break;
    case OPT_SINCE: o->since = optarg; break;
    case OPT_UNTIL: o->until = optarg; break;
    case OPT_PRESENTER: o->presenter = optarg; break;
    case OPT_CATEGORY: o->category = optarg; break;
    case OPT_TEXT: o->text = 1; break;
    case OPT_DATE: o->date = optarg; break;
    case OPT_TWO_UP: o->two_up = 1; break;
    case OPT_FORMAT: o->format = optarg; break;
    case OPT_PLAN: o->plan = 1; break;
    default: fputs(help, stderr); return -1;
    }
  }
  o->inputs = (const char **)argv + optind;
  o->ninputs = argc - optind;
  return 0;
}

static int is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return pb_xstrdup(".");
  if (slash == path) return pb_xstrdup("/");
  return pb_xstrndup(path, (size_t)(slash - path));
}

static char *join(const char *a, const char *b) {
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
static char *library_root(const cli_options *o) {
  for (int i = 0; i < o->ninputs; i++)
    if (is_dir(o->inputs[i])) return pb_xstrdup(o->inputs[i]);
  if (o->ninputs > 0) {
    char *d = dir_of(o->inputs[0]);
    /* A check-in log kept in Archived/ belongs to the library above it. */
    size_t n = strlen(d);
    if (n >= 8 && strcmp(d + n - 8, "Archived") == 0) {
      char *up = dir_of(d);
      free(d);
      return up;
    }
    return d;
  }
  return pb_xstrdup(".");
}

/* Reads the library the arguments name. Returns NULL when nothing could be
 * read at all (diagnostics printed). */
/* Where encoded figures, downloads and thumbnails are kept. */
static char *cache_dir_for(const cli_options *o, const char *root) {
  if (o->cache_dir) return pb_xstrdup(o->cache_dir);
  const char *env = getenv("PAPERBOOK_CACHE_DIR");
  if (env && *env) return pb_xstrdup(env);
  char *b = join(root, "build");
  char *c = join(b, "cache");
  free(b);
  return c;
}

/* "3 warnings", or "1 error, 3 warnings" when errors were printed: the
 * summary line counts every finding. */
static const char *summary_counts(char *buf, size_t len) {
  int e = pb_diag_errors(), w = pb_diag_warnings();
  if (e > 0)
    snprintf(buf, len, "%d error%s, %d warnings", e, e == 1 ? "" : "s", w);
  else
    snprintf(buf, len, "%d warnings", w);
  return buf;
}

static pb_library *load_library(const cli_options *o, pb_config *cfg, const char *root) {
  char *cfg_path = join(root, "paperbook.yml");
  if (pb_config_load(cfg, cfg_path) != PB_OK) {
    free(cfg_path);
    return NULL;
  }
  free(cfg_path);
  pb_library *lib = pb_library_new(root);
  if (cfg->repo_url) lib->repo_url = pb_arena_strdup(lib->arena, cfg->repo_url);
  pb_read_options ro = {0};
  ro.allow_outside = o->allow_outside;
  ro.fetch = o->fetch;
  int failed = 0, any_dir = o->ninputs == 0;
  for (int i = 0; i < o->ninputs; i++) {
    const char *in = o->inputs[i];
    struct stat st;
    if (stat(in, &st) != 0) {
      pb_error(in, 0, "%s", strerror(errno));
      failed = 1;
    } else if (S_ISDIR(st.st_mode)) {
      any_dir = 1;
    } else if (pb_read_markdown(lib, in, &ro) != PB_OK) {
      failed = 1;
    }
  }
  if (any_dir) {
    for (size_t i = 0; i < cfg->ninputs; i++) {
      char *p = join(root, cfg->inputs[i]);
      /* inputs: come from the library: inside it, regular files only */
      if (pb_confine_input(p, root, o->allow_outside, cfg->path) != 0 ||
          pb_read_markdown(lib, p, &ro) != PB_OK)
        failed = 1;
      free(p);
    }
    char *papers = join(root, "papers");
    if (pb_read_cards_dir(lib, papers, &ro) != PB_OK) failed = 1;
    free(papers);
  }
  if (failed && lib->nentries == 0) {
    pb_library_free(lib);
    return NULL;
  }
  /* Links the link policy refuses are printed as text: said once here. */
  pb_links_check_library(lib);
  /* Remote figures: from the download cache, which --fetch fills. */
  char *cache = cache_dir_for(o, root);
  char *fetch_dir = join(cache, "fetch");
  pb_fetch_options fo = {0};
  fo.fetch = o->fetch;
  fo.cache_dir = fetch_dir;
  pb_fetch_figures(lib, &fo);
  free(fetch_dir);
  /* Bibliographic fields: the cards' links, bibliography files, then the
   * enrich cache (and with --enrich, arXiv and Crossref). */
  char *enrich_dir = join(cache, "enrich");
  pb_enrich_options eo = {o->enrich, enrich_dir};
  pb_enrich_library(lib, cfg, &eo);
  free(enrich_dir);
  /* The decks under Slide/, matched with the cards; thumbnails of .pptx
   * decks are extracted into the cache. */
  char *slide_dir = join(root, "Slide");
  if (is_dir(slide_dir)) {
    char *thumbs = join(cache, "thumbs");
    pb_slides_options so = {0};
    so.thumb_dir = thumbs;
    pb_slides_scan_ex(lib, "Slide", &so);
    free(thumbs);
  }
  free(slide_dir);
  free(cache);
  return lib;
}

/* fonts/ beside an installed binary (PREFIX/share/paperbook/fonts), else the
 * source tree's. */
static char *font_dir(void) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    char *bin = dir_of(exe);
    char *prefix = dir_of(bin);
    char *d = join(prefix, "share/paperbook/fonts");
    free(bin);
    free(prefix);
    if (is_dir(d)) return d;
    free(d);
  }
  return join(PB_SOURCE_DIR, "fonts");
}

static long long creation_time(void) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (sde && *sde) {
    char *end;
    long long v = strtoll(sde, &end, 10);
    if (!*end && v >= 0) return v;
    pb_warn(NULL, 0, "SOURCE_DATE_EPOCH='%s' is not a number of seconds; ignored", sde);
  }
  return (long long)time(NULL);
}

static int mkdir_p(const char *dir) {
  char *d = pb_xstrdup(dir);
  for (char *p = d + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    mkdir(d, 0777);
    *p = '/';
  }
  int rc = (mkdir(d, 0777) == 0 || errno == EEXIST) ? 0 : -1;
  free(d);
  return rc;
}

/* The path from the output PDF's directory to the library root, so that
 * links to Slide/ decks open wherever the PDF is written. */
static char *root_from_output(const char *root, const char *output) {
  char rroot[PATH_MAX], rout[PATH_MAX];
  char *odir = dir_of(output);
  if (!realpath(root, rroot) || !realpath(odir, rout)) {
    free(odir);
    return pb_xstrdup("");
  }
  free(odir);
  /* Common prefix by path components. */
  size_t i = 0, last = 0;
  while (rroot[i] && rroot[i] == rout[i]) {
    if (rroot[i] == '/') last = i;
    i++;
  }
  if (!rroot[i] && (!rout[i] || rout[i] == '/'))
    last = i;
  else if (!rout[i] && rroot[i] == '/')
    last = i;
  pb_buf b = PB_BUF_INIT;
  for (const char *p = rout + last; *p; p++)
    if (*p == '/') pb_buf_puts(&b, "../");
  const char *rest = rroot + last;
  if (*rest == '/') rest++;
  if (*rest) {
    pb_buf_puts(&b, rest);
    pb_buf_putc(&b, '/');
  }
  return pb_buf_detach(&b);
}

/* A date as written on the command line: YYYY-MM-DD (also 2024-12-1 and
 * 2024.12.1). Writes ISO into out[11]. */
static int parse_date(const char *s, char out[11]) {
  int y, m, d;
  char sep1, sep2, tail;
  if (!s || sscanf(s, "%4d%c%2d%c%2d%c", &y, &sep1, &m, &sep2, &d, &tail) != 5 || sep1 != sep2 ||
      (sep1 != '-' && sep1 != '.' && sep1 != '/') || m < 1 || m > 12 || d < 1 || d > 31)
    return -1;
  snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
  return 0;
}

/* The plain-text summary of a digest (--text, and the mail's text part). */
static void digest_text(const pb_plan *plan, pb_buf *out) {
  pb_buf b = PB_BUF_INIT;
  pb_buf_printf(&b, "New papers %s\n\n", plan->selection ? plan->selection : "");
  for (size_t i = 0; i < plan->ncards; i++) {
    const pb_plan_card *c = &plan->cards[i];
    const pb_entry *e = c->entry;
    pb_buf_printf(&b, "* %s", e->title ? e->title : "(untitled)");
    if (e->venue || e->year) {
      pb_buf_puts(&b, " (");
      if (e->venue) pb_buf_puts(&b, e->venue);
      if (e->year) pb_buf_printf(&b, "%s%d", e->venue ? " " : "", e->year);
      pb_buf_puts(&b, ")");
    }
    pb_buf_putc(&b, '\n');
    if (e->presenter || e->date)
      pb_buf_printf(&b, "  %s%s%s\n", e->presenter ? e->presenter : "",
                    e->presenter && e->date ? ", " : "", e->date ? e->date : "");
    /* The links written in the card (a deck matched by name is a file of
     * the library, which a mail cannot open). */
    for (size_t j = 0; j < c->nlinks; j++)
      if (!c->links[j].matched)
        pb_buf_printf(&b, "  %s: %s\n", pb_link_kind_name(c->links[j].kind),
                      c->links[j].url ? c->links[j].url : "");
    pb_buf_putc(&b, '\n');
  }
  *out = b;
}

/* Writes the plain-text summary of a digest, to paste into a mail. */
static int write_digest_text(const pb_plan *plan, const char *path) {
  pb_buf b = PB_BUF_INIT;
  digest_text(plan, &b);
  FILE *f = fopen(path, "wb");
  int ok = f && fwrite(b.data, 1, b.len, f) == b.len;
  if (f && fclose(f) != 0) ok = 0;
  if (!ok) pb_error(path, 0, "cannot write: %s", strerror(errno));
  pb_buf_free(&b);
  return ok ? PB_OK : PB_EIO;
}

/* Checks the dates a command needs and stores them in ISO form. */
static int parse_dates(cli_options *o, command cmd) {
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
  if ((cmd == CMD_HANDOUT || (o->date && cmd == CMD_DUMP)) &&
      (!o->date || parse_date(o->date, o->session_iso) != 0)) {
    pb_error(NULL, 0, "handout needs --date YYYY-MM-DD%s%s", o->date ? ", not " : "",
             o->date ? o->date : "");
    return -1;
  }
  return 0;
}

/* The plan's options from the command line and the config (the command
 * line wins). Returns 0, or -1 after an error message. */
static int plan_options(const cli_options *o, const pb_config *cfg, command cmd,
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

/* The digest as a message (--mail, --send): the text list as above and the
 * plan's cards. */
static int mail_digest(const pb_mail_options *mo, const pb_config *cfg, const pb_plan *plan,
                       const char *pdf, const cli_options *o, long long created) {
  pb_mail_input in = {0};
  pb_buf text = PB_BUF_INIT;
  digest_text(plan, &text);
  in.plan = plan;
  in.text = text.data ? text.data : "";
  in.pdf = pdf;
  in.since = o->since_iso;
  in.until = o->until_iso;
  in.created = created;
  int rc = pb_mail_digest(mo, cfg, &in);
  pb_buf_free(&text);
  return rc;
}

static int cmd_render(int argc, char **argv, command cmd) {
  cli_options o = {0};
  const char *help = cmd == CMD_DIGEST    ? digest_help
                     : cmd == CMD_HANDOUT ? handout_help
                                          : build_help;
  pb_mail_options mo = {0};
  if (cmd == CMD_DIGEST && pb_mail_take_options(&argc, argv, &mo) != 0) return PB_EXIT_USAGE;
  int prc = parse_build_options(argc, argv, &o, help);
  if (prc > 0 && cmd == CMD_DIGEST) fputs(pb_mail_help, stdout);
  if (prc) return prc > 0 ? PB_EXIT_OK : PB_EXIT_USAGE;
  if (mo.since[0]) { /* --last-week, --last-month, --days */
    o.since = mo.since;
    o.until = mo.until;
  }
  pb_diag_set_quiet(o.quiet);
  pb_diag_set_strict(o.strict);
  pb_progress_init(o.quiet ? 0 : isatty(2) ? 2 : 1);
  if (parse_dates(&o, cmd) != 0) return PB_EXIT_USAGE;
  const char *since = o.since_iso, *session = o.session_iso;
  int tex = o.format && strcmp(o.format, "tex") == 0;
  int bib = o.format && strcmp(o.format, "bib") == 0;
  if (o.format && !tex && !bib && strcmp(o.format, "pdf") != 0) {
    pb_error(NULL, 0, "unknown format '%s' (known: pdf, tex, bib)", o.format);
    return PB_EXIT_USAGE;
  }
  char *root = library_root(&o);
  pb_config cfg;
  int exit_code = PB_EXIT_FINDINGS;
  pb_fonts *fonts = NULL;
  pb_doc *doc = NULL;
  pb_plan *plan = NULL;
  char *output = NULL, *rel = NULL, *fontdir = NULL;
  char counts[64];
  pb_progress_stage("reading cards", 0);
  pb_library *lib = load_library(&o, &cfg, root);
  pb_progress_done();
  if (!lib) {
    exit_code = PB_EXIT_USAGE;
    goto done;
  }
  if (lib->nentries == 0) {
    pb_error(root, 0, "no paper cards found (looked in papers/ and the files named)");
    exit_code = PB_EXIT_USAGE;
    goto done;
  }
  if (o.output)
    output = pb_xstrdup(o.output);
  else if (cfg.output && cmd == CMD_BUILD && !tex && !bib)
    output = join(root, cfg.output);
  else {
    char *bdir = join(root, "build");
    mkdir_p(bdir);
    char name[64];
    if (tex)
      snprintf(name, sizeof name, "tex");
    else if (bib)
      snprintf(name, sizeof name, "paperbook.bib");
    else if (cmd == CMD_DIGEST)
      snprintf(name, sizeof name, "digest-%s.pdf", since);
    else if (cmd == CMD_HANDOUT)
      snprintf(name, sizeof name, "handout-%s.pdf", session);
    else
      snprintf(name, sizeof name, "paperbook.pdf");
    output = join(bdir, name);
    free(bdir);
  }

  /* -o - is standard output; any other output must be a regular file or a
   * new name, and a path the library chose (paperbook.yml, build/ links)
   * must stay inside it */
  if (strcmp(output, "-") == 0 && tex) {
    pb_error(NULL, 0, "--format tex writes a directory; -o - is for a PDF");
    exit_code = PB_EXIT_USAGE;
    goto done;
  }
  if (strcmp(output, "-") != 0 &&
      pb_confine_output(output, root, !o.output, o.allow_outside,
                        !o.output && cfg.output ? cfg.path : NULL) != 0) {
    exit_code = PB_EXIT_FINDINGS;
    goto done;
  }

  pb_plan_options po;
  if (plan_options(&o, &cfg, cmd, &po) != 0) {
    exit_code = PB_EXIT_USAGE;
    goto done;
  }
  const char *paper = o.paper ? o.paper : cfg.page_size;
  int letter = paper && strcasecmp(paper, "letter") == 0;
  if (paper && !letter && strcasecmp(paper, "a4") != 0) {
    pb_error(cfg.page_size && !o.paper ? cfg.path : NULL, 0,
             "unknown paper size '%s' (known: a4, letter)", paper);
    exit_code = PB_EXIT_USAGE;
    goto done;
  }
  /* The LaTeX export has no deck index. */
  if (tex || bib) po.appendix_slides = 0;
  if (bib) po.appendix_presenters = 0;
  rel = root_from_output(root, output);
  po.root_prefix = rel;
  plan = pb_plan_build(lib, &po);
  if (plan->selected && plan->nincluded == 0 && mo.wanted) {
    exit_code = pb_mail_empty_window(&mo, plan->selection);
    goto done;
  }
  if (plan->selected && plan->nincluded == 0) {
    pb_error(root, 0, "no papers %s: nothing to write (the library has %zu papers%s)",
             plan->selection, lib->nentries,
             cmd == CMD_HANDOUT ? "; see paperbook dump for their dates" : "");
    exit_code = PB_EXIT_FINDINGS;
    goto done;
  }

  if (bib) {
    if (pb_bib_export(plan, output, 0) != PB_OK) goto done;
    pb_info("paperbook: wrote %s: %zu papers\n", output, plan->ncards);
    exit_code = PB_EXIT_OK;
    goto done;
  }
  if (tex) {
    pb_tex_options to;
    memset(&to, 0, sizeof to);
    to.letter = letter;
    to.print = o.print;
    if (mkdir_p(output) != 0) {
      pb_error(output, 0, "cannot create directory: %s", strerror(errno));
      goto done;
    }
    if (pb_tex_write(plan, &to, output) != PB_OK) goto done;
    pb_info("paperbook: wrote %s/booklet.tex: %zu papers (%s)\n", output, plan->ncards,
            summary_counts(counts, sizeof counts));
    exit_code = pb_diag_errors() > 0 ? PB_EXIT_FINDINGS : PB_EXIT_OK;
    goto done;
  }

  pb_fonts_config fc = {0};
  fontdir = font_dir();
  fc.dir = fontdir;
  fc.text = cfg.font_text;
  fc.sans = cfg.font_sans;
  fc.mono = cfg.font_mono;
  fc.cjk_text = cfg.font_cjk_text;
  fc.cjk_sans = cfg.font_cjk_sans;
  fc.symbol = cfg.font_symbol;
  fonts = pb_fonts_open(&fc);
  if (!fonts) {
    exit_code = PB_EXIT_USAGE;
    goto done;
  }

  pb_layout_options lo;
  pb_layout_options_default(&lo);
  if (letter) {
    lo.page_w = 612;
    lo.page_h = 792;
  }
  if (cmd == CMD_HANDOUT && o.two_up) {
    /* Half sheets: A5 (or half Letter) pages, put side by side by the layout. */
    double w = lo.page_w, h = lo.page_h;
    lo.page_w = h / 2;
    lo.page_h = w;
    lo.two_up = 1;
  }
  lo.print = o.print || cmd == CMD_HANDOUT;
  lo.layout_report = o.layout_report;
  lo.created = creation_time();

  pb_progress_stage("laying out pages", 0);
  doc = pb_layout_plan(plan, fonts, &lo);
  pb_progress_done();
  if (!doc) goto done;
  if (doc->report.len) fwrite(doc->report.data, 1, doc->report.len, stdout);
  if (o.dump_layout) {
    pb_buf lb = PB_BUF_INIT;
    pb_doc_dump(doc, &lb);
    FILE *lf = fopen(o.dump_layout, "wb");
    if (!lf || fwrite(lb.data, 1, lb.len, lf) != lb.len || fclose(lf) != 0)
      pb_error(o.dump_layout, 0, "cannot write the layout dump: %s", strerror(errno));
    pb_buf_free(&lb);
  }
  if (o.strict && pb_diag_errors() > 0) {
    pb_error(NULL, 0, "--strict: %d error(s); %s not written", pb_diag_errors(), output);
    goto done;
  }

  pb_pdf_options pdfo;
  pb_pdf_options_default(&pdfo);
  pdfo.dpi = o.dpi ? o.dpi : cfg.dpi;
  if (cmd == CMD_DIGEST && !o.dpi) pdfo.dpi = 150;
  char *cache = NULL;
  if (!o.no_cache) {
    cache = cache_dir_for(&o, root);
    pdfo.cache_dir = cache;
  }
  int rc = pb_pdf_write(doc, &pdfo, output);
  free(cache);
  if (rc != PB_OK) goto done;
  pb_progress_stage("written", 0);
  pb_progress_done();
  if (cmd == CMD_DIGEST && o.text) {
    pb_buf tp = PB_BUF_INIT;
    size_t n = strlen(output);
    pb_buf_append(&tp, output, n > 4 && strcmp(output + n - 4, ".pdf") == 0 ? n - 4 : n);
    pb_buf_puts(&tp, ".txt");
    rc = write_digest_text(plan, tp.data);
    if (rc == PB_OK) pb_info("paperbook: wrote %s\n", tp.data);
    pb_buf_free(&tp);
    if (rc != PB_OK) goto done;
  }
  pb_info("paperbook: wrote %s: %zu papers, %zu pages, %zu figures (%s)\n", output, plan->ncards,
          doc->npages, doc->nimages, summary_counts(counts, sizeof counts));
  /* any error printed (a card left out, a figure refused ...) means exit 1 */
  exit_code = pb_diag_errors() > 0 ? PB_EXIT_FINDINGS : PB_EXIT_OK;
  if (cmd == CMD_DIGEST && mo.wanted && exit_code == PB_EXIT_OK)
    exit_code = mail_digest(&mo, &cfg, plan, output, &o, lo.created);
done:
  pb_doc_free(doc);
  pb_fonts_free(fonts);
  pb_plan_free(plan);
  pb_library_free(lib);
  pb_config_free(&cfg);
  free(root);
  free(output);
  free(rel);
  free(fontdir);
  return exit_code;
}

static int cmd_dump(int argc, char **argv) {
  cli_options o = {0};
  int prc = parse_build_options(argc, argv, &o, dump_help);
  if (prc) return prc > 0 ? PB_EXIT_OK : PB_EXIT_USAGE;
  pb_diag_set_quiet(o.quiet);
  if (parse_dates(&o, CMD_DUMP) != 0) return PB_EXIT_USAGE;
  char *root = library_root(&o);
  pb_config cfg;
  pb_library *lib = load_library(&o, &cfg, root);
  int rc = PB_EXIT_USAGE;
  int csl = o.format && strcmp(o.format, "csl-json") == 0;
  if (o.format && !csl && strcmp(o.format, "json") != 0) {
    pb_error(NULL, 0, "unknown dump format '%s' (known: json, csl-json)", o.format);
    pb_library_free(lib);
    lib = NULL;
  }
  pb_plan_options po;
  if (lib && (o.plan || csl) && plan_options(&o, &cfg, CMD_DUMP, &po) != 0) {
    pb_library_free(lib);
    lib = NULL;
  }
  if (lib) {
    pb_buf out = PB_BUF_INIT;
    if (o.plan || csl) {
      /* Links to library files are shown relative to the library root. */
      pb_plan *plan = pb_plan_build(lib, &po);
      if (csl)
        pb_bib_export_buf(plan, &out, 1);
      else
        pb_plan_dump_json(plan, &out);
      pb_plan_free(plan);
    } else {
      pb_library_dump_json(lib, &out);
    }
    fwrite(out.data, 1, out.len, stdout);
    pb_buf_free(&out);
    rc = PB_EXIT_OK;
  }
  pb_library_free(lib);
  pb_config_free(&cfg);
  free(root);
  return rc;
}

static int cmd_import(int argc, char **argv) {
  cli_options o = {0};
  int prc = parse_build_options(argc, argv, &o, import_help);
  if (prc) return prc > 0 ? PB_EXIT_OK : PB_EXIT_USAGE;
  pb_diag_set_quiet(o.quiet);
  if (o.ninputs == 0) {
    pb_error(NULL, 0, "import needs the Markdown files to convert (see paperbook import --help)");
    return PB_EXIT_USAGE;
  }
  for (int i = 0; i < o.ninputs; i++)
    if (is_dir(o.inputs[i])) {
      pb_error(o.inputs[i], 0, "is a directory; import takes REPORT-style or check-in files");
      return PB_EXIT_USAGE;
    }
  char *root = library_root(&o);
  pb_config cfg;
  pb_library *lib = load_library(&o, &cfg, root);
  int rc = PB_EXIT_USAGE;
  if (lib) {
    char *dir = o.output ? pb_xstrdup(o.output) : join(root, "papers");
    int n = pb_cards_write(lib, dir);
    if (n >= 0) {
      pb_info("paperbook: wrote %d card%s under %s (%zu papers read)\n", n, n == 1 ? "" : "s", dir,
              lib->nentries);
      rc = (size_t)n == lib->nentries ? PB_EXIT_OK : PB_EXIT_FINDINGS;
    }
    free(dir);
  }
  pb_library_free(lib);
  pb_config_free(&cfg);
  free(root);
  return rc;
}

/* ---- check ------------------------------------------------------------ */

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

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
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
  for (const char *p = url; *p && *p != '?' && *p != '#'; p++) {
    int hi, lo;
    if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
      pb_buf_putc(&b, hi * 16 + lo);
      p += 2;
    } else {
      pb_buf_putc(&b, *p);
    }
  }
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
      char *dir = dir_of(file);
      char *a = join(dir, target), *r = join(lib->root, target);
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
    char *dir = dir_of(file);
    char *a = join(dir, target), *r = join(lib->root, target);
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

static int cmd_check(int argc, char **argv) {
  cli_options o = {0};
  int prc = parse_build_options(argc, argv, &o, check_help);
  if (prc) return prc > 0 ? PB_EXIT_OK : PB_EXIT_USAGE;
  pb_diag_set_strict(o.strict);
  char *root = library_root(&o);
  pb_config cfg;
  pb_library *lib = load_library(&o, &cfg, root);
  if (!lib) {
    pb_config_free(&cfg);
    free(root);
    fprintf(stderr, "check: could not read the library\n");
    return PB_EXIT_USAGE;
  }
  if (lib->nentries == 0)
    pb_error(root, 0, "no paper cards found (looked in papers/ and the files named)");
  /* The fonts a build would use: a missing one stops every build. */
  pb_fonts_config fc = {0};
  char *fontdir = font_dir();
  fc.dir = fontdir;
  fc.text = cfg.font_text;
  fc.sans = cfg.font_sans;
  fc.mono = cfg.font_mono;
  fc.cjk_text = cfg.font_cjk_text;
  fc.cjk_sans = cfg.font_cjk_sans;
  fc.symbol = cfg.font_symbol;
  pb_fonts_free(pb_fonts_open(&fc));
  free(fontdir);
  pb_buf a = PB_BUF_INIT, b = PB_BUF_INIT;
  for (size_t i = 0; i < lib->nentries; i++) {
    const pb_entry *e = lib->entries[i];
    if (!e->title || !*e->title) pb_error(e->file, e->line, "card has no title");
    check_summary_links(lib, e);
    /* One presenter spelled two ways: the first spelling met is named. */
    if (e->presenter && *e->presenter) {
      presenter_key(e->presenter, &a);
      for (size_t k = 0; k < i; k++) {
        const pb_entry *f = lib->entries[k];
        if (!f->presenter || strcmp(f->presenter, e->presenter) == 0) continue;
        presenter_key(f->presenter, &b);
        if (a.len && strcmp(a.data, b.data) == 0) {
          int first = 1; /* warn at the first card with this spelling only */
          for (size_t x = 0; x < i && first; x++)
            if (lib->entries[x]->presenter && strcmp(lib->entries[x]->presenter, e->presenter) == 0)
              first = 0;
          if (first)
            pb_warn(e->file, e->line, "presenter '%s' is spelled '%s' in %s:%d", e->presenter,
                    f->presenter, f->file, f->line);
          break;
        }
      }
    }
    for (size_t j = 0; j < e->nfigures; j++) {
      const pb_figure *f = &e->figures[j];
      int line = f->line ? f->line : e->line;
      const char *file = f->file ? f->file : e->file;
      if (!f->path) {
        if (f->url)
          pb_warn(file, line, "remote figure %s is not embedded (use --fetch to download it)",
                  f->url);
        else
          report_missing_figure(lib, f, file, line, o.allow_outside);
        continue;
      }
      pb_img_info info;
      char err[256];
      if (pb_image_probe(f->path, &info, err, sizeof err) != PB_OK) {
        pb_error(file, line, "figure %s: %s", f->src ? f->src : f->path, err);
      } else if (info.format == PB_IMG_OTHER || info.format == PB_IMG_UNKNOWN) {
        pb_warn(file, line, "figure %s is %s, which cannot be embedded", f->src ? f->src : f->path,
                info.format_name ? info.format_name : "in an unknown format");
      } else {
        /* The header was fine; the data must decode too (as the build will). */
        pb_image_stream st;
        if (pb_image_encode(f->path, NULL, &st, err, sizeof err) != PB_OK)
          pb_error(file, line, "figure %s: %s", f->src ? f->src : f->path, err);
        pb_image_stream_free(&st);
      }
    }
    for (size_t j = 0; j < e->nlinks; j++) {
      const pb_link *l = &e->links[j];
      if (!l->local) continue;
      char *p = join(lib->root, l->local);
      if (access(p, R_OK) != 0)
        pb_diag(PB_DIAG_ERROR, e->file, l->line ? l->line : e->line, 0, "%s %s: %s",
                l->kind == PB_LINK_SLIDE ? "slide deck" : "linked file", l->local,
                errno == ENOENT ? "missing" : strerror(errno));
      free(p);
    }
    /* Duplicates: the same title, or the same paper link, as an earlier card. */
    lower_alnum(e->title, &a);
    for (size_t k = 0; k < i; k++) {
      const pb_entry *f = lib->entries[k];
      lower_alnum(f->title, &b);
      int same = a.len > 0 && strcmp(a.data, b.data) == 0;
      const char *why = "title";
      for (size_t x = 0; !same && x < e->nlinks; x++)
        for (size_t y = 0; !same && y < f->nlinks; y++)
          if (e->links[x].kind == PB_LINK_PAPER && f->links[y].kind == PB_LINK_PAPER &&
              e->links[x].url && f->links[y].url && *e->links[x].url &&
              strcmp(e->links[x].url, f->links[y].url) == 0) {
            same = 1;
            why = "paper link";
          }
      if (same) {
        pb_warn(e->file, e->line, "duplicate paper: same %s as %s:%d", why, f->file, f->line);
        break;
      }
    }
  }
  pb_buf_free(&a);
  pb_buf_free(&b);
  /* Decks no card mentions are worth a look, not a failure. */
  for (size_t i = 0; i < lib->nslides; i++)
    if (!lib->slides[i].nentries) pb_note(lib->slides[i].path, 0, "no card mentions this deck");
  int errors = pb_diag_errors(), warnings = pb_diag_warnings();
  printf("check: %zu papers, %zu absences: %d error%s, %d warning%s\n", lib->nentries,
         lib->nabsences, errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  pb_library_free(lib);
  pb_config_free(&cfg);
  free(root);
  return errors || warnings ? PB_EXIT_FINDINGS : PB_EXIT_OK;
}

/* Writes text as roff, preformatted, escaping what roff would interpret. */
static void roff_block(const char *text) {
  puts(".nf");
  int bol = 1;
  for (const char *p = text; *p; p++) {
    if (bol && (*p == '.' || *p == '\'')) fputs("\\&", stdout);
    if (*p == '\\')
      fputs("\\e", stdout);
    else if (*p == '-')
      fputs("\\-", stdout);
    else
      putchar(*p);
    bol = *p == '\n';
  }
  puts(".fi");
}

/* The man page, made from the same texts as --help. */
static int print_man(void) {
  puts(".TH PAPERBOOK 1 \"\" \"paperbook " PB_VERSION "\" \"User Commands\"");
  puts(".SH NAME\npaperbook \\- turn a reading group's paper cards into a PDF booklet");
  puts(".SH SYNOPSIS");
  roff_block(main_help);
  puts(".SH BUILD");
  roff_block(build_help);
  puts(".SH DUMP");
  roff_block(dump_help);
  puts(".SH DIGEST");
  roff_block(digest_help);
  roff_block(pb_mail_help);
  puts(".SH HANDOUT");
  roff_block(handout_help);
  puts(".SH CHECK");
  roff_block(check_help);
  puts(".SH IMPORT");
  roff_block(import_help);
  puts(".SH NEW");
  roff_block(pb_cli_new_help);
  puts(".SH EXIT STATUS\n0: success. 1: findings (warnings or errors) or a failed build. "
       "2: could not run (bad usage, unreadable library, missing font).");
  puts(".SH ENVIRONMENT\nSOURCE_DATE_EPOCH sets the document dates, for byte-identical output. "
       "NO_COLOR turns colour off.");
  return PB_EXIT_OK;
}

int pb_cli_main(int argc, char **argv) {
  pb_diag_set_color(isatty(2) && !getenv("NO_COLOR"));
  if (argc < 2) {
    fputs(main_help, stderr);
    return PB_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("paperbook %s\n", PB_VERSION);
    return PB_EXIT_OK;
  }
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    fputs(main_help, stdout);
    return PB_EXIT_OK;
  }
  if (strcmp(cmd, "--man") == 0) return print_man();
  if (strcmp(cmd, "build") == 0) return cmd_render(argc - 1, argv + 1, CMD_BUILD);
  if (strcmp(cmd, "digest") == 0) return cmd_render(argc - 1, argv + 1, CMD_DIGEST);
  if (strcmp(cmd, "handout") == 0) return cmd_render(argc - 1, argv + 1, CMD_HANDOUT);
  if (strcmp(cmd, "import") == 0) return cmd_import(argc - 1, argv + 1);
  if (strcmp(cmd, "check") == 0) return cmd_check(argc - 1, argv + 1);
  if (strcmp(cmd, "dump") == 0) return cmd_dump(argc - 1, argv + 1);
  if (strcmp(cmd, "new") == 0) return pb_cli_new(argc - 1, argv + 1);
  fprintf(stderr, "paperbook: unknown command '%s'\n\n%s", cmd, main_help);
  return PB_EXIT_USAGE;
}
