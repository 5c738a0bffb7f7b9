/* `paperbook new`: a card file with every field present, filled from the
 * options or marked TODO, for the next presenter to complete. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "confine.h"
#include "diag.h"
#include "mem.h"

const char pb_cli_new_help[] =
    "usage: paperbook new [options]\n"
    "\n"
    "Writes a new paper card (YAML front matter + summary) with every field,\n"
    "filled from the options or marked TODO. Never overwrites a file.\n"
    "\n"
    "  -o, --output FILE     card file (default: papers/<date>-<title>.md)\n"
    "      --title TEXT      --venue TEXT    --year N      --note TEXT\n"
    "      --category A/B    --presenter NAME --date YYYY-MM-DD\n"
    "      --paper URL       --code URL      --blog URL    --slide PATH\n"
    "      --figure PATH     --tags a,b,c\n"
    "  -h, --help            this text\n";

/* Quotes a YAML scalar when needed (always double-quoted: safe for any text). */
static void yaml_str(pb_buf *b, const char *s) {
  pb_buf_putc(b, '"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') pb_buf_putc(b, '\\');
    if ((unsigned char)*s < 0x20) continue;
    pb_buf_putc(b, *s);
  }
  pb_buf_putc(b, '"');
}

/* A field from an option, or empty with a TODO comment for the presenter
 * (an empty value reads back as "not given", never as the word TODO). */
static void field(pb_buf *b, const char *indent, const char *key, const char *value,
                  const char *hint) {
  pb_buf_printf(b, "%s%s: ", indent, key);
  yaml_str(b, value ? value : "");
  if (!value) pb_buf_printf(b, "  # TODO%s%s", hint ? ": " : "", hint ? hint : "");
  pb_buf_putc(b, '\n');
}

/* The file name from the title: lower-case words joined by dashes, at
 * most 60 bytes, cut at the end of a word (never inside a word or a
 * UTF-8 character). */
static void slug(pb_buf *b, const char *title) {
  int dash = 0;
  size_t start = b->len;
  for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p >= 0x80) {
      pb_buf_putc(b, *p);
      dash = 0;
    } else if (*p >= 'A' && *p <= 'Z') {
      pb_buf_putc(b, *p + 32);
      dash = 0;
    } else if (!dash && b->len > start) {
      pb_buf_putc(b, '-');
      dash = 1;
    }
  }
  while (b->len > start && b->data[b->len - 1] == '-') b->data[--b->len] = 0;
  if (b->len - start > 60) {
    size_t k = start + 60;
    /* the last dash within the limit, when one leaves a useful name */
    while (k > start && b->data[k] != '-') k--;
    if (k <= start + 20) {
      /* one long word: cut at a character boundary */
      k = start + 60;
      while (k > start && ((unsigned char)b->data[k] & 0xC0) == 0x80) k--;
    }
    b->len = k;
    b->data[b->len] = 0;
  }
  while (b->len > start && b->data[b->len - 1] == '-') b->data[--b->len] = 0;
}

enum {
  O_TITLE = 300,
  O_VENUE,
  O_YEAR,
  O_NOTE,
  O_CAT,
  O_PRES,
  O_DATE,
  O_PAPER,
  O_CODE,
  O_BLOG,
  O_SLIDE,
  O_FIG,
  O_TAGS
};

/* "CV/Facial expression recognition" on the command line: written as a
 * list, which cannot be misread whatever the names hold. */
static void put_category(pb_buf *card, const char *cp) {
  pb_buf_puts(card, "category: [");
  int first = 1;
  while (*cp) {
    const char *slash = strchr(cp, '/');
    const char *end = slash ? slash : cp + strlen(cp);
    while (cp < end && *cp == ' ') cp++;
    const char *e = end;
    while (e > cp && e[-1] == ' ') e--;
    if (e > cp) {
      char *one = pb_xstrndup(cp, (size_t)(e - cp));
      if (!first) pb_buf_puts(card, ", ");
      yaml_str(card, one);
      free(one);
      first = 0;
    }
    cp = slash ? slash + 1 : end;
  }
  pb_buf_puts(card, "]\n");
}

/* "a, b" on the command line: a YAML list. */
static void put_tags(pb_buf *card, const char *t) {
  pb_buf_puts(card, "tags: [");
  for (const char *comma; t && *t; t = comma + (*comma != 0)) {
    comma = strchr(t, ',');
    if (!comma) comma = t + strlen(t);
    char *one = pb_xstrndup(t, (size_t)(comma - t));
    if (card->data[card->len - 1] != '[') pb_buf_puts(card, ", ");
    yaml_str(card, one);
    free(one);
  }
  pb_buf_puts(card, "]\n");
}

/* Creates path with the card, never over an existing file. */
static int write_new_file(const char *path, const pb_buf *card) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
  if (fd < 0) {
    pb_error(path, 0, "cannot create: %s",
             errno == EEXIST ? "file exists (not overwritten)" : strerror(errno));
    return PB_EXIT_USAGE;
  }
  ssize_t w = write(fd, card->data, card->len);
  if (w != (ssize_t)card->len || close(fd) != 0) {
    pb_error(path, 0, "write failed: %s", strerror(errno));
    unlink(path);
    return PB_EXIT_FINDINGS;
  }
  printf("%s\n", path);
  return PB_EXIT_OK;
}

int pb_cli_new(int argc, char **argv) {
  static const struct option longopts[] = {{"output", required_argument, 0, 'o'},
                                           {"title", required_argument, 0, O_TITLE},
                                           {"venue", required_argument, 0, O_VENUE},
                                           {"year", required_argument, 0, O_YEAR},
                                           {"note", required_argument, 0, O_NOTE},
                                           {"category", required_argument, 0, O_CAT},
                                           {"presenter", required_argument, 0, O_PRES},
                                           {"date", required_argument, 0, O_DATE},
                                           {"paper", required_argument, 0, O_PAPER},
                                           {"code", required_argument, 0, O_CODE},
                                           {"blog", required_argument, 0, O_BLOG},
                                           {"slide", required_argument, 0, O_SLIDE},
                                           {"figure", required_argument, 0, O_FIG},
                                           {"tags", required_argument, 0, O_TAGS},
                                           {"help", no_argument, 0, 'h'},
                                           {0, 0, 0, 0}};
  const char *v[O_TAGS - O_TITLE + 1] = {0};
  const char *output = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    if (c == 'o')
      output = optarg;
    else if (c == 'h') {
      fputs(pb_cli_new_help, stdout);
      return PB_EXIT_OK;
    } else if (c >= O_TITLE && c <= O_TAGS)
      v[c - O_TITLE] = optarg;
    else {
      fputs(pb_cli_new_help, stderr);
      return PB_EXIT_USAGE;
    }
  }
  if (optind < argc) {
    pb_error(NULL, 0, "unexpected argument '%s' (see paperbook new --help)", argv[optind]);
    return PB_EXIT_USAGE;
  }
  char today[16];
  time_t now = time(NULL);
  strftime(today, sizeof today, "%Y-%m-%d", localtime(&now));
#define GET(o, dflt) (v[(o)-O_TITLE] ? v[(o)-O_TITLE] : (dflt))
  pb_buf card = PB_BUF_INIT;
  pb_buf_puts(&card, "---\n");
  field(&card, "", "title", v[O_TITLE - O_TITLE], "the paper's title");
  field(&card, "", "venue", v[O_VENUE - O_TITLE], "conference or journal, e.g. CVPR");
  if (v[O_YEAR - O_TITLE])
    pb_buf_printf(&card, "year: %s\n", v[O_YEAR - O_TITLE]);
  else
    pb_buf_puts(&card, "year:   # TODO: e.g. 2024\n");
  field(&card, "", "note", v[O_NOTE - O_TITLE], "Oral, Spotlight, ... or leave empty");
  if (v[O_CAT - O_TITLE])
    put_category(&card, v[O_CAT - O_TITLE]);
  else
    field(&card, "", "category", NULL, "[Top category, Subcategory]");
  field(&card, "", "presenter", v[O_PRES - O_TITLE], "who presents it");
  pb_buf_printf(&card, "date: %s\n", GET(O_DATE, today));
  pb_buf_puts(&card, "links:\n");
  field(&card, "  ", "paper", v[O_PAPER - O_TITLE], "https://arxiv.org/abs/...");
  field(&card, "  ", "code", v[O_CODE - O_TITLE], "https://github.com/...");
  field(&card, "  ", "blog", v[O_BLOG - O_TITLE], NULL);
  field(&card, "  ", "slide", v[O_SLIDE - O_TITLE], "Slide/<date>-<topic>-<name>.pptx");
  pb_buf_puts(&card, "figures: [");
  if (v[O_FIG - O_TITLE]) yaml_str(&card, v[O_FIG - O_TITLE]);
  pb_buf_puts(&card, v[O_FIG - O_TITLE] ? "]\n" : "]  # TODO: e.g. [Images/framework.png]\n");
  put_tags(&card, v[O_TAGS - O_TITLE]);
  pb_buf_puts(&card, "---\nTODO: one paragraph on what the paper does and why it matters "
                     "(论文简述：…).\n");
  pb_buf path = PB_BUF_INIT;
  if (output) {
    pb_buf_puts(&path, output);
  } else {
    mkdir("papers", 0777);
    pb_buf_printf(&path, "papers/%s-", GET(O_DATE, today));
    pb_buf s = PB_BUF_INIT;
    slug(&s, GET(O_TITLE, "new-paper"));
    pb_buf_puts(&path, s.len ? s.data : "new-paper");
    pb_buf_free(&s);
    pb_buf_puts(&path, ".md");
  }
#undef GET
  /* papers/ in the current library must be its own (-o names any file) */
  int rc = !output && pb_confine_dir("papers", ".", 0, "the cards directory") != 0
               ? PB_EXIT_FINDINGS
               : write_new_file(path.data, &card);
  pb_buf_free(&card);
  pb_buf_free(&path);
  return rc;
}
