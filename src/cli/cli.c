#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "biblio.h"
#include "bibtex.h"
#include "bibtex_write.h"
#include "cards_write.h"
#include "cli_library.h"
#include "config.h"
#include "confine.h"
#include "diag.h"
#include "enrich.h"
#include "fetch.h"
#include "fonts.h"
#include "images.h"
#include "layout.h"
#include "mail.h"
#include "model.h"
#include "output.h"
#include "para.h"
#include "pdf.h"
#include "plan.h"
#include "progress.h"
#include "qr.h"
#include "read.h"
#include "sessions.h"
#include "slides.h"
#include "tex.h"
#include "utf8.h"

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
  OPT_NEXT,
  OPT_FORMAT,
  OPT_PLAN,
  OPT_ENRICH,
  OPT_ENRICH_INTERVAL,
  OPT_ENRICH_TIMEOUT,
  OPT_ENRICH_DEADLINE,
  OPT_TODAY,
  OPT_WEEK
};

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
    {"enrich-interval", required_argument, 0, OPT_ENRICH_INTERVAL},
    {"enrich-timeout", required_argument, 0, OPT_ENRICH_TIMEOUT},
    {"enrich-deadline", required_argument, 0, OPT_ENRICH_DEADLINE},
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
    {"next", no_argument, 0, OPT_NEXT},
    {"today", required_argument, 0, OPT_TODAY},
    {"week", no_argument, 0, OPT_WEEK},
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
    "                          when the library has no categories; dated cards\n"
    "                          without a category follow in month chapters)\n"
    "      --newest-first, --oldest-first\n"
    "                          order of month chapters (default newest first)\n"
    "      --appendix presenters|slides\n"
    "                          add the per-presenter session appendix, or the\n"
    "                          index of the decks under Slide/ (repeatable)\n"
    "      --dpi N             downsample figures above N dpi at placed size\n"
    "      --print             for a black-and-white printer: figures in grayscale,\n"
    "                          links black with their URLs as numbered notes under\n"
    "                          each card, headings and rules black\n"
    "      --format pdf|tex|bib\n"
    "                          tex: write DIR/booklet.tex for xelatex and the\n"
    "                          figures it needs (-o names the directory);\n"
    "                          bib: one BibTeX entry per paper (default\n"
    "                          build/paperbook.bib)\n"
    "      --title TEXT        booklet title\n"
    "      --no-cache          do not use the figure cache under build/\n"
    "      --cache-dir DIR     keep encoded figures, downloads and deck thumbnails\n"
    "                          in DIR (default: build/cache under the library root)\n"
    "      --fetch             download remote figures (cached under build/); not\n"
    "                          from loopback or intranet addresses unless\n"
    "                          PAPERBOOK_FETCH_ALLOW_PRIVATE=1 is set\n"
    "      --enrich            look up authors, venue, year and a link at arXiv\n"
    "                          and Crossref for what the cards lack (cached\n"
    "                          under build/, reused offline; see enrich: and\n"
    "                          bibliography: in paperbook.yml; the servers come\n"
    "                          from PAPERBOOK_ARXIV_API, PAPERBOOK_CROSSREF_API)\n"
    "      --enrich-interval S, --enrich-timeout S, --enrich-deadline S\n"
    "                          seconds between two requests to a service, per\n"
    "                          request, for the whole run (paperbook.yml may\n"
    "                          set at most 10, 60 and 900)\n"
    "      --allow-outside     allow figures, inputs, output and cache outside the\n"
    "                          library root\n"
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
    "      --text              also write FILE.txt: titles, presenters, the\n"
    "                          summaries' first sentences, links, who did not read\n"
    "  -o, --output FILE.pdf   default build/digest-SINCE.pdf\n"
    "      --dpi N             figure resolution (default 150)\n"
    "      --paper a4|letter, --print, --no-cache, -q, -h as for build\n"
    "      --strict            fail on warnings in the window's own cards (old\n"
    "                          warnings elsewhere in the log do not count)\n"
    "A window with no papers writes (and sends) nothing: exit 0 with a note, or\n"
    "1 with --strict; with or without --mail.\n";

static const char handout_help[] =
    "usage: paperbook handout --date DATE|--next [LIBRARY | FILE.md ...]\n"
    "\n"
    "Writes one reading session for print, on at most two pages (one sheet\n"
    "with --two-up): a header with the date and presenters, then each card whole\n"
    "with its title, presenter, local figures (at most 150 pt tall), summary and\n"
    "a QR code per link. The pages are those the whole text needs (one or two);\n"
    "figures never add one: to fit, the longest summaries are cut down to four\n"
    "lines, then the tallest figures go, then more lines. A cut summary ends\n"
    "with ... and the card's page in the booklet.\n"
    "When the minutes name the session (held or in the rota), its presenters\n"
    "come from them, with their talks and decks, each presenter's latest\n"
    "readings, and the previous session's best questioner and write-ups.\n"
    "\n"
    "      --date DATE         the session (YYYY-MM-DD)\n"
    "      --next              the first session of the minutes from today on\n"
    "      --today DATE        what --next counts from (default: today, or\n"
    "                          SOURCE_DATE_EPOCH when set)\n"
    "      --week              the check-in week (Monday to Sunday) of --date, or\n"
    "                          with --next of today: its cards and who did not read\n"
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
    "      --enrich            look up what the cards lack first (see build, also\n"
    "                          for --enrich-interval, --enrich-timeout,\n"
    "                          --enrich-deadline)\n";

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
    case OPT_ENRICH_INTERVAL:
    case OPT_ENRICH_TIMEOUT:
    case OPT_ENRICH_DEADLINE: {
      char *end;
      double v = strtod(optarg, &end);
      if (end == optarg || *end || !(v > 0 && v <= 1e7)) {
        pb_error(NULL, 0, "--enrich-%s wants a number of seconds, not '%s'",
                 c == OPT_ENRICH_INTERVAL  ? "interval"
                 : c == OPT_ENRICH_TIMEOUT ? "timeout"
                                           : "deadline",
                 optarg);
        return -1;
      }
      *(c == OPT_ENRICH_INTERVAL  ? &o->enrich_interval
        : c == OPT_ENRICH_TIMEOUT ? &o->enrich_timeout
                                  : &o->enrich_deadline) = v;
      break;
    }
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
    case OPT_TODAY: o->today = optarg; break;
    case OPT_WEEK: o->week = 1; break;
    case OPT_TITLE: o->title = optarg; break;
    case OPT_PRINT: o->print = 1; break;
    case OPT_SINCE: o->since = optarg; break;
    case OPT_UNTIL: o->until = optarg; break;
    case OPT_PRESENTER: o->presenter = optarg; break;
    case OPT_CATEGORY: o->category = optarg; break;
    case OPT_TEXT: o->text = 1; break;
    case OPT_DATE: o->date = optarg; break;
    case OPT_TWO_UP: o->two_up = 1; break;
    case OPT_NEXT: o->next = 1; break;
    case OPT_FORMAT: o->format = optarg; break;
    case OPT_PLAN: o->plan = 1; break;
    default: fputs(help, stderr); return -1;
    }
  }
  o->inputs = (const char **)argv + optind;
  o->ninputs = argc - optind;
  return 0;
}

static long long creation_time(void) {
  long long v;
  int given = pb_date_epoch(&v);
  if (given > 0) return v;
  if (given < 0)
    pb_warn(NULL, 0, "SOURCE_DATE_EPOCH='%s' is not a number of seconds; ignored",
            getenv("SOURCE_DATE_EPOCH"));
  return (long long)time(NULL);
}

/* The path from the output PDF's directory to the library root, so that
 * links to Slide/ decks open wherever the PDF is written. */
static char *root_from_output(const char *root, const char *output) {
  char rroot[PATH_MAX], rout[PATH_MAX];
  char *odir = pb_cli_dir_of(output);
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

/* Writes the plain-text summary of a digest, to paste into a mail. */
static int write_digest_text(const pb_plan *plan, int zh, const char *path,
                             const pb_output_rules *rules) {
  pb_buf b = PB_BUF_INIT;
  pb_mail_digest_text(plan, zh, &b);
  int ok = pb_output_write(path, b.data ? b.data : "", b.len, rules) == 0;
  pb_buf_free(&b);
  return ok ? PB_OK : PB_EIO;
}

/* The digest as a message (--mail, --send): the text list as above and the
 * plan's cards. */
static int mail_digest(const pb_mail_options *mo, const pb_config *cfg, const pb_plan *plan,
                       const char *pdf, const cli_options *o, long long created,
                       const pb_output_rules *rules) {
  pb_mail_input in = {0};
  pb_buf text = PB_BUF_INIT;
  in.zh = cfg->lang && strncmp(cfg->lang, "zh", 2) == 0;
  pb_mail_digest_text(plan, in.zh, &text);
  in.plan = plan;
  in.text = text.data ? text.data : "";
  in.pdf = pdf;
  in.since = o->since_iso;
  in.until = o->until_iso;
  in.created = created;
  in.rules = rules;
  int rc = pb_mail_digest(mo, cfg, &in);
  pb_buf_free(&text);
  return rc;
}

/* One build, digest or handout: what the steps below share. */
typedef struct {
  cli_options o;
  pb_mail_options mo; /* digest --mail / --send */
  command cmd;
  int tex, bib, letter;
  long long created; /* SOURCE_DATE_EPOCH or now */
  int finished;      /* nothing more to do (exit code already decided) */
  char *root, *output, *rel;
  pb_output_rules rules; /* for every file written (output.h) */
  pb_config cfg;
  pb_library *lib;
  pb_plan *plan;
  char *fig_cache;           /* where the plan's figures are encoded, NULL: --no-cache */
  pb_plan_figure_options fo; /* how the plan judges them (a PDF, the LaTeX export) */
} render;

/* Figure resolution: --dpi, the config's dpi:, 150 for a digest. */
static double figure_dpi(const render *R) {
  double dpi = R->o.dpi ? R->o.dpi : R->cfg.dpi;
  if (R->cmd == CMD_DIGEST && !R->o.dpi) dpi = 150;
  return dpi;
}

/* Where the output goes: -o, the config's output: (a booklet), else a
 * name under build/ in the library root. */
static char *output_path(const render *R) {
  if (R->o.output) return pb_xstrdup(R->o.output);
  if (R->cfg.output && R->cmd == CMD_BUILD && !R->tex && !R->bib)
    return pb_cli_join(R->root, R->cfg.output);
  char *bdir = pb_cli_join(R->root, "build");
  pb_mkdir_p(bdir);
  char name[64];
  if (R->tex)
    snprintf(name, sizeof name, "tex");
  else if (R->bib)
    snprintf(name, sizeof name, "paperbook.bib");
  else if (R->cmd == CMD_DIGEST)
    snprintf(name, sizeof name, "digest-%s.pdf", R->o.since_iso);
  else if (R->cmd == CMD_HANDOUT)
    snprintf(name, sizeof name, "handout-%s.pdf", R->o.session_iso);
  else
    snprintf(name, sizeof name, "paperbook.pdf");
  char *out = pb_cli_join(bdir, name);
  free(bdir);
  return out;
}

/* A digest's or handout's --strict: only the warnings in its own cards
 * count (the library is read with warnings recorded, not made errors). */
static int window_strict(const render *R) {
  return R->o.strict && (R->cmd == CMD_DIGEST || R->cmd == CMD_HANDOUT);
}

/* How many recorded warnings are at a line of a card the plan selected:
 * a card's lines run from its first to the next card's of the same file. */
static size_t window_warnings(const render *R) {
  const pb_library *lib = R->lib;
  size_t n = 0;
  for (size_t i = 0; i < pb_diag_nrecorded(); i++) {
    int line = 0;
    const char *f = pb_diag_recorded(i, &line);
    if (!f || line <= 0) continue;
    const pb_entry *best = NULL;
    for (size_t k = 0; k < lib->nentries; k++) {
      const pb_entry *e = lib->entries[k];
      if (e->file && strcmp(e->file, f) == 0 && e->line <= line && (!best || e->line > best->line))
        best = e;
    }
    if (best && R->plan->include[best->index]) n++;
  }
  return n;
}

/* The session date for `handout --next`: the first session of the minutes
 * (held or planned) from today (SOURCE_DATE_EPOCH when set) on. */
static int handout_next(const pb_library *lib, const char *given_today, char session[11]) {
  char today[16];
  pb_date_today(today);
  if (given_today && *given_today) snprintf(today, sizeof today, "%s", given_today);
  const pb_session *last = pb_session_last(lib);
  if (!last) {
    pb_error(lib->root, 0,
             "handout --next needs the minutes' rota (no minutes found; see `minutes:` in "
             "docs/card-format.md), or use --date");
    return -1;
  }
  const pb_session *s = pb_session_next(lib, today);
  if (!s) {
    /* named at the minutes' last session: where the next one would be written */
    pb_error(last->file ? last->file : lib->root, last->file ? last->line : 0,
             "the minutes have no session on or after %s (the last is %s); use --date", today,
             last->date ? last->date : "undated");
    return -1;
  }
  memcpy(session, s->date, 11);
  pb_info("handout for the session of %s (%s:%d)\n", s->date, s->file, s->line);
  return 0;
}

/* Reads the library and makes the plan. Returns 0 or an exit code. */
static int prepare(render *R) {
  pb_progress_stage("reading cards", 0);
  R->lib = pb_cli_load_library(&R->o, &R->cfg, R->root);
  pb_progress_done();
  if (!R->lib) return PB_EXIT_USAGE;
  if (R->cmd == CMD_HANDOUT && R->o.next && !R->o.week &&
      handout_next(R->lib, R->o.today_iso, R->o.session_iso) != 0)
    return PB_EXIT_USAGE;
  if (R->lib->nentries == 0) {
    pb_error(R->root, 0,
             "no paper cards found (looked in papers/, the files named, and the Markdown files of "
             "the root and the folders under it)");
    return PB_EXIT_USAGE;
  }
  R->output = output_path(R);
  /* -o - is standard output; any other output must be a regular file or a
   * new name, and a path the library chose (paperbook.yml, build/ links)
   * must stay inside it */
  if (strcmp(R->output, "-") == 0 && R->tex) {
    pb_error(NULL, 0, "--format tex writes a directory; -o - is for a PDF");
    return PB_EXIT_USAGE;
  }
  R->rules.root = R->root;
  R->rules.from_library = !R->o.output;
  R->rules.allow_outside = R->o.allow_outside;
  R->rules.cfg_file = !R->o.output && R->cfg.output ? R->cfg.path : NULL;
  if (strcmp(R->output, "-") != 0 &&
      pb_confine_output(R->output, R->root, !R->o.output, R->o.allow_outside,
                        !R->o.output && R->cfg.output ? R->cfg.path : NULL) != 0)
    return PB_EXIT_FINDINGS;
  pb_plan_options po;
  if (pb_cli_plan_options(&R->o, &R->cfg, R->cmd, &po) != 0) return PB_EXIT_USAGE;
  const char *paper = R->o.paper ? R->o.paper : R->cfg.page_size;
  R->letter = paper && strcasecmp(paper, "letter") == 0;
  if (paper && !R->letter && strcasecmp(paper, "a4") != 0) {
    pb_error(R->cfg.page_size && !R->o.paper ? R->cfg.path : NULL, 0,
             "unknown paper size '%s' (known: a4, letter)", paper);
    return PB_EXIT_USAGE;
  }
  /* The LaTeX export has no deck index. */
  if (R->tex || R->bib) po.appendix_slides = 0;
  if (R->bib) po.appendix_presenters = 0;
  /* Deck contents only for the outputs that draw them. */
  if (po.appendix_slides || po.appendix_presenters) pb_cli_read_decks(&R->o, R->lib, R->root);
  if (R->tex) {
    /* the links of booklet.tex lead from its own directory (made now, the
     * output having passed the checks above) */
    if (pb_mkdir_p(R->output) != 0) {
      pb_error(R->output, 0, "cannot create directory: %s", strerror(errno));
      return PB_EXIT_FINDINGS;
    }
    char *tex_file = pb_cli_join(R->output, "booklet.tex");
    R->rel = root_from_output(R->root, tex_file);
    free(tex_file);
  } else {
    R->rel = root_from_output(R->root, R->output);
  }
  po.root_prefix = R->rel;
  if (!R->bib) {
    /* A PDF: the plan decodes and encodes the figures it shows, once, so
     * that one whose data is corrupt is a placeholder before the layout.
     * The LaTeX export: the same verdict, the data decoded and checked as
     * for a PDF at full resolution, without the streams it never uses. */
    R->fig_cache = R->o.no_cache ? NULL : pb_cli_cache_dir(&R->o, R->root);
    if (!R->o.no_cache && !R->fig_cache) return PB_EXIT_FINDINGS; /* outside the library: said */
    R->fo.cache_dir = R->fig_cache;
    R->fo.dpi = R->tex ? 0 : figure_dpi(R);
    R->fo.gray = R->tex ? 0 : R->o.print;
    R->fo.judge_only = R->tex;
    /* a booklet is laid out while its figures are encoded (write_pdf) */
    R->fo.overlap = R->cmd == CMD_BUILD && !R->tex;
    po.figures = &R->fo;
  }
  R->plan = pb_plan_build(R->lib, &po);
  if (window_strict(R)) {
    /* --strict: the warnings about this window's cards count, not the old
     * ones of the rest of the log; from here on every warning is about
     * them (layout, figures, the mail) */
    pb_diag_record(0);
    size_t n = window_warnings(R);
    pb_diag_set_strict(1);
    if (n)
      pb_error(NULL, 0, "--strict: %zu warning%s above in the cards %s", n, n == 1 ? "" : "s",
               R->plan->selection ? R->plan->selection : "");
  }
  if (R->plan->selected && (R->cmd == CMD_DIGEST || R->cmd == CMD_HANDOUT)) {
    /* the remote figures of this selection's cards, not of the library */
    size_t remote = 0;
    for (size_t i = 0; i < R->plan->ncards; i++)
      for (size_t k = 0; k < R->plan->cards[i].nfigures; k++)
        remote += R->plan->cards[i].figures[k].remote && !R->plan->cards[i].figures[k].ok;
    pb_fetch_note_missing(remote);
  }
  if (R->plan->selected && R->plan->nincluded == 0 && R->cmd == CMD_DIGEST) {
    R->finished = 1; /* an empty window is no failure of a digest or a mailing */
    return pb_mail_empty_window(&R->mo, R->plan->selection);
  }
  if (R->plan->selected && R->plan->nincluded == 0) {
    pb_error(R->root, 0, "no papers %s: nothing to write (the library has %zu papers%s)",
             R->plan->selection, R->lib->nentries,
             R->cmd == CMD_HANDOUT ? "; see paperbook dump for their dates" : "");
    return PB_EXIT_FINDINGS;
  }
  return 0;
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

static int write_bib(render *R) {
  if (pb_bib_export(R->plan, R->output, 0, &R->rules) != PB_OK) return PB_EXIT_FINDINGS;
  char counts[64];
  /* one entry per paper: the selected cards of a paper read twice are one */
  pb_arena *a = pb_arena_new();
  pb_papers ps = pb_biblio_papers(a, R->plan->lib);
  char *seen = pb_xcalloc(ps.n + 1, 1);
  size_t np = 0;
  for (size_t i = 0; i < R->plan->ncards; i++) {
    size_t p = ps.of_entry[R->plan->cards[i].entry->index];
    np += !seen[p];
    seen[p] = 1;
  }
  free(seen);
  pb_arena_free(a);
  pb_info("paperbook: wrote %s: %zu entries for %zu cards (%s)\n", R->output, np, R->plan->ncards,
          summary_counts(counts, sizeof counts));
  return pb_diag_errors() > 0 ? PB_EXIT_FINDINGS : PB_EXIT_OK;
}

static int write_tex(render *R) {
  pb_tex_options to;
  memset(&to, 0, sizeof to);
  to.letter = R->letter;
  to.print = R->o.print;
  to.rules = &R->rules;
  to.zh = R->cfg.lang && strncmp(R->cfg.lang, "zh", 2) == 0;
  /* figures/ in a directory the library chose must be the library's own */
  char *figs = pb_cli_join(R->output, "figures");
  int bad = !R->o.output &&
            pb_confine_dir(figs, R->root, R->o.allow_outside, "the LaTeX figures directory") != 0;
  free(figs);
  if (bad) return PB_EXIT_FINDINGS;
  if (pb_mkdir_p(R->output) != 0) {
    pb_error(R->output, 0, "cannot create directory: %s", strerror(errno));
    return PB_EXIT_FINDINGS;
  }
  if (pb_tex_write(R->plan, &to, R->output) != PB_OK) return PB_EXIT_FINDINGS;
  char counts[64];
  pb_info("paperbook: wrote %s/booklet.tex: %zu papers (%s)\n", R->output, R->plan->ncards,
          summary_counts(counts, sizeof counts));
  return pb_diag_errors() > 0 ? PB_EXIT_FINDINGS : PB_EXIT_OK;
}

/* Lays the plan out (progress: whether to show the stage). */
static pb_doc *lay_out(render *R, pb_fonts *fonts, int progress) {
  pb_layout_options lo;
  pb_layout_options_default(&lo);
  if (R->letter) {
    lo.page_w = 612;
    lo.page_h = 792;
  }
  lo.two_up = R->o.two_up; /* the layout makes the half-sheet pages of a handout */
  lo.print = R->o.print || R->cmd == CMD_HANDOUT;
  lo.layout_report = R->o.layout_report;
  lo.zh = R->cfg.lang && strncmp(R->cfg.lang, "zh", 2) == 0;
  if (R->cfg.lang && !lo.zh && strcmp(R->cfg.lang, "en") != 0)
    pb_warn(R->cfg.path, 0, "lang: %s is neither zh nor en; English is used", R->cfg.lang);
  lo.created = R->created = creation_time();
  char *cache = R->o.no_cache ? NULL : pb_cli_cache_dir(&R->o, R->root);
  lo.cache_dir = cache;
  if (progress) pb_progress_stage("laying out pages", 0);
  pb_plan *booklet_plan = NULL;
  pb_doc *booklet = NULL;
  if (R->cmd == CMD_HANDOUT) {
    /* The booklet's page of each card, for a cut summary to point to; its
     * findings belong to `build`, not to this handout. */
    pb_plan_options bpo;
    pb_diag_mute(1);
    if (pb_cli_plan_options(&R->o, &R->cfg, CMD_BUILD, &bpo) == 0) {
      bpo.root_prefix = R->rel;
      booklet_plan = pb_plan_build(R->lib, &bpo);
      pb_layout_options blo;
      pb_layout_options_default(&blo);
      blo.page_w = R->letter ? 612 : blo.page_w;
      blo.page_h = R->letter ? 792 : blo.page_h;
      booklet = booklet_plan ? pb_layout_plan(booklet_plan, fonts, &blo) : NULL;
      if (booklet) lo.booklet_page = booklet->entry_page;
    }
    pb_diag_mute(0);
  }
  pb_doc *doc = pb_layout_plan(R->plan, fonts, &lo);
  lo.booklet_page = NULL;
  free(cache);
  pb_doc_free(booklet);
  pb_plan_free(booklet_plan);
  if (progress) pb_progress_done();
  return doc;
}

/* The pages of the plan. When its figures are still being encoded (a
 * booklet: pb_plan_figure_options.overlap), the pages are laid out
 * meanwhile, every figure taken as good, and the layout's findings are
 * held back; then the verdicts come, printed where they would have been
 * without overlap (before the layout's), and in the rare case that one
 * took a figure away the pages are laid out again: its findings that the
 * first layout did not make are added. */
static pb_doc *pages_of_plan(render *R, pb_fonts *fonts) {
  if (!pb_plan_figures_pending(R->plan)) return lay_out(R, fonts, 1);
  pb_diag_hold(1);
  pb_doc *doc = lay_out(R, fonts, 0);
  pb_diag_hold(0);
  size_t lost = pb_plan_settle_figures(R->plan);
  pb_diag_release(1);
  if (lost) {
    pb_doc_free(doc);
    pb_diag_hold(1);
    doc = lay_out(R, fonts, 0);
    pb_diag_release(2);
  }
  /* the stage's line, after the figures' (one line each, as without overlap) */
  pb_progress_stage("laying out pages", 0);
  pb_progress_done();
  return doc;
}

/* The layout report on stdout and --dump-layout, of the doc that is drawn. */
static void show_layout(render *R, const pb_doc *doc) {
  if (doc->report.len) {
    /* it names the cards' files: no escape sequence of a file name reaches
     * the terminal */
    pb_buf shown = PB_BUF_INIT;
    pb_utf8_clean(doc->report.data, doc->report.len, &shown, NULL);
    fwrite(shown.data, 1, shown.len, stdout);
    pb_buf_free(&shown);
  }
  if (R->o.dump_layout) {
    pb_buf lb = PB_BUF_INIT;
    pb_doc_dump(doc, &lb);
    pb_output_rules mine = R->rules; /* the user's path */
    mine.from_library = 0;
    mine.cfg_file = NULL;
    pb_output_write(R->o.dump_layout, lb.data ? lb.data : "", lb.len, &mine);
    pb_buf_free(&lb);
  }
}

/* The PDF back end's options; returns the cache directory to free (NULL
 * with --no-cache, or after an error when it lies outside the library). */
static char *pdf_options(const render *R, pb_pdf_options *pdfo) {
  pb_pdf_options_default(pdfo);
  pdfo->dpi = figure_dpi(R);
  pdfo->gray = R->o.print;
  char *cache = R->o.no_cache ? NULL : pb_cli_cache_dir(&R->o, R->root);
  pdfo->cache_dir = cache;
  return cache;
}

/* After the PDF: a digest's text list, the summary line, the mail. */
static int after_pdf(render *R, const pb_doc *doc) {
  pb_progress_stage("written", 0);
  pb_progress_done();
  if (R->cmd == CMD_DIGEST && R->o.text) {
    pb_buf tp = PB_BUF_INIT;
    size_t n = strlen(R->output);
    pb_buf_append(&tp, R->output, n > 4 && strcmp(R->output + n - 4, ".pdf") == 0 ? n - 4 : n);
    pb_buf_puts(&tp, ".txt");
    int rc = write_digest_text(R->plan, R->cfg.lang && strncmp(R->cfg.lang, "zh", 2) == 0, tp.data,
                               &R->rules);
    if (rc == PB_OK) pb_info("paperbook: wrote %s\n", tp.data);
    pb_buf_free(&tp);
    if (rc != PB_OK) return PB_EXIT_FINDINGS;
  }
  char counts[64];
  pb_info("paperbook: wrote %s: %zu papers, %zu pages, %zu figures (%s)\n", R->output,
          R->plan->ncards, doc->npages, doc->nimages, summary_counts(counts, sizeof counts));
  /* any error printed (a card left out, a figure refused ...) means exit 1 */
  int exit_code = pb_diag_errors() > 0 ? PB_EXIT_FINDINGS : PB_EXIT_OK;
  if (R->cmd == CMD_DIGEST && R->mo.wanted && exit_code == PB_EXIT_OK)
    exit_code = mail_digest(&R->mo, &R->cfg, R->plan, R->output, &R->o, R->created, &R->rules);
  return exit_code;
}

/* The PDF (and a digest's text). Returns the exit code. */
static int write_pdf(render *R, pb_fonts *fonts) {
  pb_pdf_options pdfo;
  char *cache = pdf_options(R, &pdfo);
  if (!R->o.no_cache && !cache) return PB_EXIT_FINDINGS; /* outside the library: said */
  pb_fonts_use_shape_store(fonts, cache);
  /* the PDF back end only reads the streams of the figures judged */
  pb_doc *doc = pages_of_plan(R, fonts);
  int rc = PB_EPDF;
  if (doc) show_layout(R, doc);
  if (doc && R->o.strict && pb_diag_errors() > 0)
    pb_error(NULL, 0, "--strict: %d error(s); %s not written", pb_diag_errors(), R->output);
  else if (doc)
    rc = pb_pdf_write(doc, &pdfo, R->output);
  pb_fonts_save_shapes(fonts);
  pb_para_save_store();
  pb_qr_save_store();
  free(cache);
  int exit_code = rc == PB_OK ? after_pdf(R, doc) : PB_EXIT_FINDINGS;
  pb_doc_free(doc);
  return exit_code;
}

static int cmd_render(int argc, char **argv, command cmd) {
  render R;
  memset(&R, 0, sizeof R);
  R.cmd = cmd;
  const char *help = cmd == CMD_DIGEST    ? digest_help
                     : cmd == CMD_HANDOUT ? handout_help
                                          : build_help;
  if (cmd == CMD_DIGEST && pb_mail_take_options(&argc, argv, &R.mo) != 0) return PB_EXIT_USAGE;
  int prc = parse_build_options(argc, argv, &R.o, help);
  if (prc > 0 && cmd == CMD_DIGEST) fputs(pb_mail_help, stdout);
  if (prc) return prc > 0 ? PB_EXIT_OK : PB_EXIT_USAGE;
  if (R.mo.since[0]) { /* --last-week, --last-month, --days */
    R.o.since = R.mo.since;
    R.o.until = R.mo.until;
  }
  pb_diag_set_quiet(R.o.quiet);
  pb_diag_set_strict(R.o.strict && !window_strict(&R));
  pb_diag_record(window_strict(&R));
  pb_progress_init(R.o.quiet ? 0 : isatty(2) ? 2 : 1);
  if (pb_cli_parse_dates(&R.o, cmd) != 0) return PB_EXIT_USAGE;
  R.tex = R.o.format && strcmp(R.o.format, "tex") == 0;
  R.bib = R.o.format && strcmp(R.o.format, "bib") == 0;
  if (R.o.format && !R.tex && !R.bib && strcmp(R.o.format, "pdf") != 0) {
    pb_error(NULL, 0, "unknown format '%s' (known: pdf, tex, bib)", R.o.format);
    return PB_EXIT_USAGE;
  }
  R.root = pb_cli_library_root(&R.o);
  int exit_code = prepare(&R);
  if (!exit_code && !R.finished && R.bib) {
    exit_code = write_bib(&R);
  } else if (!exit_code && !R.finished && R.tex) {
    exit_code = write_tex(&R);
  } else if (!exit_code && !R.finished) {
    pb_fonts *fonts = pb_cli_open_fonts(&R.cfg, R.root, R.o.allow_outside, R.fig_cache);
    if (!fonts) pb_plan_settle_figures(R.plan); /* their verdicts, said */
    exit_code = fonts ? write_pdf(&R, fonts) : PB_EXIT_USAGE;
    pb_fonts_free(fonts);
  }
  pb_plan_free(R.plan);
  free(R.fig_cache);
  pb_library_free(R.lib);
  pb_config_free(&R.cfg);
  free(R.root);
  free(R.output);
  free(R.rel);
  return exit_code;
}

static int cmd_dump(int argc, char **argv) {
  cli_options o = {0};
  int prc = parse_build_options(argc, argv, &o, dump_help);
  if (prc) return prc > 0 ? PB_EXIT_OK : PB_EXIT_USAGE;
  pb_diag_set_quiet(o.quiet);
  if (pb_cli_parse_dates(&o, CMD_DUMP) != 0) return PB_EXIT_USAGE;
  char *root = pb_cli_library_root(&o);
  pb_config cfg;
  pb_library *lib = pb_cli_load_library(&o, &cfg, root);
  if (lib) pb_cli_read_decks(&o, lib, root);
  int rc = PB_EXIT_USAGE;
  int csl = o.format && strcmp(o.format, "csl-json") == 0;
  if (o.format && !csl && strcmp(o.format, "json") != 0) {
    pb_error(NULL, 0, "unknown dump format '%s' (known: json, csl-json)", o.format);
    pb_library_free(lib);
    lib = NULL;
  }
  pb_plan_options po;
  if (lib && (o.plan || csl) && pb_cli_plan_options(&o, &cfg, CMD_DUMP, &po) != 0) {
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
    /* any error printed (a bibliography refused, a card left out) means
     * exit 1, as for build */
    rc = pb_diag_errors() > 0 ? PB_EXIT_FINDINGS : PB_EXIT_OK;
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
    if (pb_cli_is_dir(o.inputs[i])) {
      pb_error(o.inputs[i], 0, "is a directory; import takes REPORT-style or check-in files");
      return PB_EXIT_USAGE;
    }
  char *root = pb_cli_library_root(&o);
  pb_config cfg;
  pb_library *lib = pb_cli_load_library(&o, &cfg, root);
  int rc = PB_EXIT_USAGE;
  if (lib) {
    char *dir = o.output ? pb_xstrdup(o.output) : pb_cli_join(root, "papers");
    /* papers/ chosen by default must be the library's own */
    int n = !o.output && pb_confine_dir(dir, root, o.allow_outside, "the cards directory") != 0
                ? -1
                : pb_cards_write(lib, dir);
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

static int cmd_check(int argc, char **argv) {
  cli_options o = {0};
  int prc = parse_build_options(argc, argv, &o, check_help);
  if (prc) return prc > 0 ? PB_EXIT_OK : PB_EXIT_USAGE;
  return pb_cli_check(&o);
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
