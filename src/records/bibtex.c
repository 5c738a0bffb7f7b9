/* The BibTeX reader and TeX decoding (see bibtex.h). */
#include "bibtex.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "utf8.h"

/* ==================================================================== */
/* TeX to UTF-8                                                          */
/* ==================================================================== */

/* Accent command -> pairs of (ASCII base, precomposed letter). */
typedef struct {
  char cmd;
  const char *pairs;
  uint32_t combining; /* for a base not in pairs */
} accent;

static const accent accents[] = {
    {'\'',
     "A\xC3\x81"
     "E\xC3\x89"
     "I\xC3\x8D"
     "O\xC3\x93"
     "U\xC3\x9A"
     "Y\xC3\x9D"
     "a\xC3\xA1"
     "e\xC3\xA9"
     "i\xC3\xAD"
     "o\xC3\xB3"
     "u\xC3\xBA"
     "y\xC3\xBD"
     "C\xC4\x86"
     "c\xC4\x87"
     "N\xC5\x83"
     "n\xC5\x84"
     "S\xC5\x9A"
     "s\xC5\x9B"
     "Z\xC5\xB9"
     "z\xC5\xBA"
     "L\xC4\xB9"
     "l\xC4\xBA"
     "R\xC5\x94"
     "r\xC5\x95",
     0x301},
    {'`',
     "A\xC3\x80"
     "E\xC3\x88"
     "I\xC3\x8C"
     "O\xC3\x92"
     "U\xC3\x99"
     "a\xC3\xA0"
     "e\xC3\xA8"
     "i\xC3\xAC"
     "o\xC3\xB2"
     "u\xC3\xB9",
     0x300},
    {'^',
     "A\xC3\x82"
     "E\xC3\x8A"
     "I\xC3\x8E"
     "O\xC3\x94"
     "U\xC3\x9B"
     "a\xC3\xA2"
     "e\xC3\xAA"
     "i\xC3\xAE"
     "o\xC3\xB4"
     "u\xC3\xBB",
     0x302},
    {'"',
     "A\xC3\x84"
     "E\xC3\x8B"
     "I\xC3\x8F"
     "O\xC3\x96"
     "U\xC3\x9C"
     "a\xC3\xA4"
     "e\xC3\xAB"
     "i\xC3\xAF"
     "o\xC3\xB6"
     "u\xC3\xBC"
     "y\xC3\xBF",
     0x308},
    {'~',
     "A\xC3\x83"
     "N\xC3\x91"
     "O\xC3\x95"
     "a\xC3\xA3"
     "n\xC3\xB1"
     "o\xC3\xB5",
     0x303},
    {'v',
     "C\xC4\x8C"
     "c\xC4\x8D"
     "S\xC5\xA0"
     "s\xC5\xA1"
     "Z\xC5\xBD"
     "z\xC5\xBE"
     "E\xC4\x9A"
     "e\xC4\x9B"
     "R\xC5\x98"
     "r\xC5\x99"
     "N\xC5\x87"
     "n\xC5\x88",
     0x30C},
    {'c',
     "C\xC3\x87"
     "c\xC3\xA7"
     "S\xC5\x9E"
     "s\xC5\x9F",
     0x327},
    {'=',
     "A\xC4\x80"
     "a\xC4\x81"
     "E\xC4\x92"
     "e\xC4\x93"
     "I\xC4\xAA"
     "i\xC4\xAB"
     "O\xC5\x8C"
     "o\xC5\x8D"
     "U\xC5\xAA"
     "u\xC5\xAB",
     0x304},
    {'u',
     "A\xC4\x82"
     "a\xC4\x83"
     "G\xC4\x9E"
     "g\xC4\x9F",
     0x306},
    {'.',
     "Z\xC5\xBB"
     "z\xC5\xBC"
     "I\xC4\xB0"
     "E\xC4\x96"
     "e\xC4\x97",
     0x307},
    {'r',
     "A\xC3\x85"
     "a\xC3\xA5"
     "U\xC5\xAE"
     "u\xC5\xAF",
     0x30A},
    {'H',
     "O\xC5\x90"
     "o\xC5\x91"
     "U\xC5\xB0"
     "u\xC5\xB1",
     0x30B},
    {'k',
     "A\xC4\x84"
     "a\xC4\x85"
     "E\xC4\x98"
     "e\xC4\x99",
     0x328},
};

/* Commands that stand for a character. */
static const struct {
  const char *name;
  const char *text;
} symbols[] = {
    {"ss", "\xC3\x9F"},
    {"ae", "\xC3\xA6"},
    {"AE", "\xC3\x86"},
    {"oe", "\xC5\x93"},
    {"OE", "\xC5\x92"},
    {"o", "\xC3\xB8"},
    {"O", "\xC3\x98"},
    {"aa", "\xC3\xA5"},
    {"AA", "\xC3\x85"},
    {"l", "\xC5\x82"},
    {"L", "\xC5\x81"},
    {"i", "\xC4\xB1"},
    {"j", "\xC8\xB7"},
    {"textendash", "\xE2\x80\x93"},
    {"textemdash", "\xE2\x80\x94"},
    {"textquoteright", "\xE2\x80\x99"},
    {"textquoteleft", "\xE2\x80\x98"},
    {"textbackslash", "\\"},
    {"textasciitilde", "~"},
    {"textasciicircum", "^"},
    {"textbraceleft", "{"},
    {"textbraceright", "}"},
    {"textunderscore", "_"},
    {"S", "\xC2\xA7"},
    {"copyright", "\xC2\xA9"},
    {"dag", "\xE2\x80\xA0"},
    {"ldots", "\xE2\x80\xA6"},
    {"dots", "\xE2\x80\xA6"},
    {"textregistered", "\xC2\xAE"},
    {"texttrademark", "\xE2\x84\xA2"},
    {"alpha", "\xCE\xB1"},
    {"beta", "\xCE\xB2"},
    {"gamma", "\xCE\xB3"},
    {"delta", "\xCE\xB4"},
    {"epsilon", "\xCE\xB5"},
    {"lambda", "\xCE\xBB"},
    {"mu", "\xCE\xBC"},
    {"pi", "\xCF\x80"},
    {"sigma", "\xCF\x83"},
    {"Sigma", "\xCE\xA3"},
    {"tau", "\xCF\x84"},
    {"phi", "\xCF\x86"},
    {"omega", "\xCF\x89"},
    {"infty", "\xE2\x88\x9E"},
};

/* The letter a TeX accent command gives for base (a UTF-8 string of one
 * character), appended to out. */
static void put_accented(pb_buf *out, char cmd, const char *base, size_t blen) {
  for (size_t i = 0; i < sizeof accents / sizeof *accents; i++) {
    if (accents[i].cmd != cmd) continue;
    if (blen == 1) {
      for (const char *p = accents[i].pairs; *p; p += 3)
        if (*p == *base) {
          pb_buf_append(out, p + 1, 2);
          return;
        }
    }
    pb_buf_append(out, base, blen);
    if (blen) pb_utf8_put(out, accents[i].combining);
    return;
  }
  pb_buf_append(out, base, blen);
}

static int is_accent_cmd(char c) {
  for (size_t i = 0; i < sizeof accents / sizeof *accents; i++)
    if (accents[i].cmd == c) return 1;
  return 0;
}

/* Skips blanks at s[*i]. */
static void skip_blanks(const char *s, size_t len, size_t *i) {
  while (*i < len && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n' || s[*i] == '\r')) (*i)++;
}

/* The accent's argument at s[*i]: "{e}", "{\i}", "e", " e"; its text goes
 * to base[0..*blen). */
static void accent_arg(const char *s, size_t len, size_t *i, char *base, size_t *blen) {
  *blen = 0;
  skip_blanks(s, len, i);
  int braced = *i < len && s[*i] == '{';
  if (braced) (*i)++;
  if (*i + 1 < len && s[*i] == '\\' && (s[*i + 1] == 'i' || s[*i + 1] == 'j') &&
      (*i + 2 >= len || !isalpha((unsigned char)s[*i + 2]))) {
    base[(*blen)++] = s[*i + 1]; /* \i and \j: the dotless letters take the accent */
    *i += 2;
  } else if (*i < len && s[*i] != '}') {
    uint32_t cp;
    int n = pb_utf8_decode(s + *i, len - *i, &cp);
    memcpy(base, s + *i, (size_t)n);
    *blen = (size_t)n;
    *i += (size_t)n;
  }
  if (braced) {
    skip_blanks(s, len, i);
    if (*i < len && s[*i] == '}') (*i)++;
  }
}

/* One command at s[*i] (the backslash), decoded into out. */
static void detex_command(const char *s, size_t len, size_t *i, pb_buf *out) {
  size_t j = *i + 1;
  if (j >= len) {
    *i = j;
    return;
  }
  char c = s[j];
  /* \'e, \"{o}, \v{s}, \c c: a letter command is an accent only when a
   * non-letter follows it (\v{s} is one, \vspace is not). */
  if (is_accent_cmd(c) &&
      (!isalpha((unsigned char)c) || j + 1 >= len || !isalpha((unsigned char)s[j + 1]))) {
    *i = j + 1;
    char base[8];
    size_t blen;
    accent_arg(s, len, i, base, &blen);
    put_accented(out, c, base, blen);
    return;
  }
  if (!isalpha((unsigned char)c)) {
    /* \& \% \$ \# \_ \{ \} \\ and \  : the character itself */
    if (c == '\\' || c == ' ' || c == '\n')
      pb_buf_putc(out, ' ');
    else if (c != '-' && c != '/' && c != ',' && c != ';' && c != '!')
      pb_buf_putc(out, c);
    *i = j + 1;
    return;
  }
  size_t k = j;
  while (k < len && isalpha((unsigned char)s[k])) k++;
  size_t n = k - j;
  *i = k;
  for (size_t m = 0; m < sizeof symbols / sizeof *symbols; m++)
    if (strlen(symbols[m].name) == n && memcmp(symbols[m].name, s + j, n) == 0) {
      pb_buf_puts(out, symbols[m].text);
      /* A control word eats the blanks after it; "{}" ends it. */
      skip_blanks(s, len, i);
      if (*i + 1 < len && s[*i] == '{' && s[*i + 1] == '}') *i += 2;
      return;
    }
  /* \emph, \textbf, \mathrm, \url, unknown: the command goes, its braced
   * argument stays (the braces are dropped by the caller). */
  skip_blanks(s, len, i);
}

/* Collapses blanks and trims. */
static char *squeeze(const pb_buf *b) {
  pb_buf o = PB_BUF_INIT;
  pb_buf_puts(&o, "");
  pb_utf8_squeeze(&o, b->data, b->len);
  return pb_buf_detach(&o);
}

char *pb_bibtex_detex(const char *s, size_t len) {
  pb_buf out = PB_BUF_INIT;
  pb_buf_puts(&out, "");
  size_t i = 0;
  while (i < len) {
    char c = s[i];
    if (c == '\\') {
      detex_command(s, len, &i, &out);
    } else if (c == '{' || c == '}' || c == '$') {
      i++;
    } else if (c == '~') {
      pb_buf_putc(&out, ' ');
      i++;
    } else if (c == '-' && i + 1 < len && s[i + 1] == '-') {
      int em = i + 2 < len && s[i + 2] == '-';
      pb_buf_puts(&out, em ? "\xE2\x80\x94" : "\xE2\x80\x93");
      i += em ? 3 : 2;
    } else {
      pb_buf_putc(&out, c);
      i++;
    }
  }
  char *r = squeeze(&out);
  pb_buf_free(&out);
  /* Invalid UTF-8 from the file becomes U+FFFD. */
  pb_buf clean = PB_BUF_INIT;
  pb_utf8_clean(r, strlen(r), &clean, NULL);
  free(r);
  return pb_buf_detach(&clean);
}

/* ==================================================================== */
/* The parser                                                            */
/* ==================================================================== */

typedef struct {
  const char *s;
  size_t len, i;
  int line;
  size_t line_start;
  const char *file, *source;
  pb_biblist *list;
  /* @string macros: names (lower case) and raw values, in an open
   * addressing table of cap slots (a power of two; NULL name: empty) */
  char **mnames, **mvalues;
  size_t nmacros, capmacros;
  uint64_t seed;
  size_t expanded;   /* bytes copied from @string values so far */
  int expand_warned; /* the file's expansion budget ran out (said once) */
  size_t first;      /* list->n when the file began */
  int errors;
} parser;

/* Bounds on what a file can make the reader build: a value (a field or a
 * @string, once its pieces and macros are joined) is cut at
 * PB_BIB_VALUE_MAX bytes, and @string references copy at most
 * PB_BIB_EXPAND_MAX bytes in all per file; beyond that they are left
 * empty. A doubling chain (a1 = a0 # a0, ... a40) would otherwise take
 * 2^40 bytes. Each is a warning at file:line:col. */
#define PB_BIB_VALUE_MAX ((size_t)64 << 10)
#define PB_BIB_EXPAND_MAX ((size_t)16 << 20)
/* Entries read from one file (2.6 million small ones took 1.4 GB); the
 * rest are left with a warning. */
#define PB_BIB_MAX_ENTRIES 100000

static void p_advance(parser *p) {
  if (p->s[p->i] == '\n') {
    p->line++;
    p->line_start = p->i + 1;
  }
  p->i++;
}

static void p_skip_ws(parser *p) {
  while (p->i < p->len && isspace((unsigned char)p->s[p->i])) p_advance(p);
}

static void p_error(parser *p, const char *fmt, const char *arg) {
  p->errors++;
  pb_diag(PB_DIAG_ERROR, p->file, p->line, (int)(p->i - p->line_start) + 1, fmt, arg);
}

static int ident_char(char c) {
  return isalnum((unsigned char)c) || (c && strchr("_-:.+/'!?*&<>|", c) != NULL);
}

/* An identifier (entry type, field or macro name, lower-cased). */
static char *p_ident(parser *p) {
  size_t st = p->i;
  while (p->i < p->len && ident_char(p->s[p->i]) && p->s[p->i] != '@') p->i++;
  if (p->i == st) return NULL;
  char *r = pb_xstrndup(p->s + st, p->i - st);
  for (char *c = r; *c; c++) *c = (char)tolower((unsigned char)*c);
  return r;
}

/* The slot of name in the macro table: where it is, or the empty slot
 * where it goes. The hash is seeded per run and mixed, so that names a
 * file chose cannot all land in one chain. */
static size_t macro_slot(const parser *p, const char *name) {
  uint64_t h = pb_hash64(name, strlen(name), p->seed);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  size_t mask = p->capmacros - 1, k = (size_t)h & mask;
  while (p->mnames[k] && strcmp(p->mnames[k], name) != 0) k = (k + 1) & mask;
  return k;
}

static void add_macro(parser *p, char *name, char *value) {
  if ((p->nmacros + 1) * 2 > p->capmacros) { /* at most half full */
    size_t oldcap = p->capmacros;
    char **on = p->mnames, **ov = p->mvalues;
    p->capmacros = oldcap ? oldcap * 2 : 64;
    p->mnames = pb_xcalloc(p->capmacros, sizeof *p->mnames);
    p->mvalues = pb_xcalloc(p->capmacros, sizeof *p->mvalues);
    for (size_t k = 0; k < oldcap; k++)
      if (on[k]) {
        size_t at = macro_slot(p, on[k]);
        p->mnames[at] = on[k];
        p->mvalues[at] = ov[k];
      }
    free(on);
    free(ov);
  }
  size_t at = macro_slot(p, name);
  if (p->mnames[at]) {
    free(p->mvalues[at]);
    p->mvalues[at] = value;
    free(name);
    return;
  }
  p->mnames[at] = name;
  p->mvalues[at] = value;
  p->nmacros++;
}

static const char *find_macro(parser *p, const char *name) {
  if (!p->capmacros) return NULL;
  size_t at = macro_slot(p, name);
  return p->mnames[at] ? p->mvalues[at] : NULL;
}

/* A braced or quoted piece into out (raw TeX, outer delimiters dropped);
 * -1 when the file ends first. */
static int p_delimited(parser *p, pb_buf *out) {
  char open = p->s[p->i];
  int line = p->line;
  p_advance(p);
  int depth = 0;
  while (p->i < p->len) {
    char c = p->s[p->i];
    if (c == '{') depth++;
    if (c == '}') {
      if (depth == 0) {
        if (open == '{') {
          p_advance(p);
          return 0;
        }
        p_error(p, "unbalanced '}' in a quoted value%s", "");
        return -1;
      }
      depth--;
    }
    if (c == '"' && open == '"' && depth == 0) {
      p_advance(p);
      return 0;
    }
    /* A new entry at the start of a line inside a value: the value was
     * never closed. */
    if (c == '@' && p->i == p->line_start && depth == 0 && open == '{') break;
    if (out->len < PB_BIB_VALUE_MAX) pb_buf_putc(out, c); /* p_value says it was cut */
    p_advance(p);
  }
  p->errors++;
  pb_diag(PB_DIAG_ERROR, p->file, line, 0, "%s never closed",
          open == '{' ? "a value's '{'" : "a value's '\"'");
  return -1;
}

static int p_value_pieces(parser *p, pb_buf *out);

/* A value: pieces joined by '#'. Raw TeX into out, at most
 * PB_BIB_VALUE_MAX bytes; -1 on a syntax error. */
static int p_value(parser *p, pb_buf *out) {
  int line = p->line, col = (int)(p->i - p->line_start) + 1;
  int rc = p_value_pieces(p, out);
  if (out->len >= PB_BIB_VALUE_MAX) {
    out->len = PB_BIB_VALUE_MAX;
    /* not inside a UTF-8 sequence */
    while (out->len && ((unsigned char)out->data[out->len - 1] & 0xC0) == 0x80) out->len--;
    if (out->len && (unsigned char)out->data[out->len - 1] >= 0xC0) out->len--;
    out->data[out->len] = 0;
    pb_diag(PB_DIAG_WARNING, p->file, line, col, "value longer than %zu KB; cut there",
            PB_BIB_VALUE_MAX >> 10);
  }
  return rc;
}

/* Appends a @string's value to out within the value's and the file's
 * bounds. */
static void put_macro(parser *p, pb_buf *out, const char *v) {
  size_t n = strlen(v), room = out->len < PB_BIB_VALUE_MAX ? PB_BIB_VALUE_MAX - out->len : 0;
  if (n > room) n = room;
  if (p->expanded + n > PB_BIB_EXPAND_MAX) {
    if (!p->expand_warned)
      pb_diag(PB_DIAG_WARNING, p->file, p->line, (int)(p->i - p->line_start) + 1,
              "@string values copied into this file's values pass %zu MB; further @string "
              "references are left empty",
              PB_BIB_EXPAND_MAX >> 20);
    p->expand_warned = 1;
    return;
  }
  p->expanded += n;
  pb_buf_append(out, v, n);
}

static int p_value_pieces(parser *p, pb_buf *out) {
  for (;;) {
    p_skip_ws(p);
    if (p->i >= p->len) {
      p_error(p, "the file ends inside a value%s", "");
      return -1;
    }
    char c = p->s[p->i];
    if (c == '{' || c == '"') {
      if (p_delimited(p, out) != 0) return -1;
    } else if (isdigit((unsigned char)c)) {
      while (p->i < p->len && isdigit((unsigned char)p->s[p->i])) {
        if (out->len < PB_BIB_VALUE_MAX) pb_buf_putc(out, p->s[p->i]);
        p->i++;
      }
    } else if (ident_char(c)) {
      char *name = p_ident(p);
      const char *v = name ? find_macro(p, name) : NULL;
      if (v)
        put_macro(p, out, v);
      else if (name) {
        p->errors++;
        pb_diag(PB_DIAG_WARNING, p->file, p->line, (int)(p->i - p->line_start) + 1,
                "undefined @string '%s' (left empty)", name);
      }
      free(name);
    } else {
      char what[2] = {c, 0};
      p_error(p, "expected a value ({...}, \"...\", a number or a @string name), found '%s'", what);
      return -1;
    }
    p_skip_ws(p);
    if (p->i < p->len && p->s[p->i] == '#') {
      p->i++;
      continue;
    }
    return 0;
  }
}

/* Skips to the next '@' that begins a line (after an error), so that an
 * '@' inside the broken entry does not start another. */
static void p_recover(parser *p) {
  while (p->i < p->len) {
    if (p->s[p->i] == '@') {
      size_t k = p->i;
      while (k > p->line_start && (p->s[k - 1] == ' ' || p->s[k - 1] == '\t')) k--;
      if (k == p->line_start) return;
    }
    p_advance(p);
  }
}

static void fill_record(parser *p, pb_bibrec *r, const char *field, const char *raw);

/* The fields of one entry, up to its closing delimiter. */
static int p_fields(parser *p, pb_bibrec *r, char close) {
  pb_buf v = PB_BUF_INIT;
  int rc = 0;
  for (;;) {
    p_skip_ws(p);
    if (p->i >= p->len) {
      p_error(p, "the file ends inside an entry (missing '%s')", close == '}' ? "}" : ")");
      rc = -1;
      break;
    }
    if (p->s[p->i] == close) {
      p->i++;
      break;
    }
    if (p->s[p->i] == ',') {
      p->i++;
      continue;
    }
    char *name = p_ident(p);
    if (!name) {
      char what[2] = {p->s[p->i], 0};
      p_error(p, "expected a field name, found '%s'", what);
      rc = -1;
      break;
    }
    p_skip_ws(p);
    if (p->i >= p->len || p->s[p->i] != '=') {
      p_error(p, "expected '=' after the field name '%s'", name);
      free(name);
      rc = -1;
      break;
    }
    p->i++;
    pb_buf_reset(&v);
    pb_buf_puts(&v, "");
    if (p_value(p, &v) != 0) {
      free(name);
      rc = -1;
      break;
    }
    if (r) fill_record(p, r, name, v.data);
    free(name);
    p_skip_ws(p);
    if (p->i < p->len && p->s[p->i] != ',' && p->s[p->i] != close) {
      char what[2] = {p->s[p->i], 0};
      p_error(p, "expected ',' or the end of the entry, found '%s'", what);
      rc = -1;
      break;
    }
  }
  pb_buf_free(&v);
  return rc;
}

/* @string{name = value} */
static int p_string(parser *p, char close) {
  p_skip_ws(p);
  char *name = p_ident(p);
  if (!name) {
    p_error(p, "@string needs a name%s", "");
    return -1;
  }
  p_skip_ws(p);
  if (p->i >= p->len || p->s[p->i] != '=') {
    p_error(p, "expected '=' in @string '%s'", name);
    free(name);
    return -1;
  }
  p->i++;
  pb_buf v = PB_BUF_INIT;
  pb_buf_puts(&v, "");
  if (p_value(p, &v) != 0) {
    free(name);
    pb_buf_free(&v);
    return -1;
  }
  add_macro(p, name, pb_buf_detach(&v));
  p_skip_ws(p);
  if (p->i < p->len && p->s[p->i] == close) p->i++;
  return 0;
}

/* One "@type{...}" at p->i (the '@'). */
static void p_entry(parser *p) {
  int line = p->line;
  p->i++;
  p_skip_ws(p);
  char *type = p_ident(p);
  if (!type) {
    p_error(p, "'@' not followed by an entry type%s", "");
    return;
  }
  p_skip_ws(p);
  if (strcmp(type, "comment") == 0 &&
      (p->i >= p->len || (p->s[p->i] != '{' && p->s[p->i] != '('))) {
    free(type); /* @comment to the end of the line */
    return;
  }
  if (p->i >= p->len || (p->s[p->i] != '{' && p->s[p->i] != '(')) {
    p_error(p, "expected '{' or '(' after @%s", type);
    free(type);
    p_recover(p);
    return;
  }
  char close = p->s[p->i] == '{' ? '}' : ')';
  if (strcmp(type, "comment") == 0 || strcmp(type, "preamble") == 0) {
    pb_buf skip = PB_BUF_INIT;
    if (close == '}')
      p_delimited(p, &skip);
    else
      p_recover(p);
    pb_buf_free(&skip);
    free(type);
    return;
  }
  p->i++;
  if (strcmp(type, "string") == 0) {
    if (p_string(p, close) != 0) p_recover(p);
    free(type);
    return;
  }
  p_skip_ws(p);
  size_t ks = p->i;
  while (p->i < p->len && p->s[p->i] != ',' && p->s[p->i] != close &&
         !isspace((unsigned char)p->s[p->i]))
    p->i++;
  if (p->list->n - p->first >= PB_BIB_MAX_ENTRIES) {
    pb_diag(PB_DIAG_WARNING, p->file, line, 0, "more than %d entries; the rest are not read",
            PB_BIB_MAX_ENTRIES);
    free(type);
    p->i = p->len; /* done */
    return;
  }
  char *key = pb_xstrndup(p->s + ks, p->i - ks);
  pb_bibrec *r = pb_biblist_add(p->list, p->source, p->file, line);
  r->type = pb_arena_strdup(p->list->arena, type);
  r->key = *key ? pb_arena_strdup(p->list->arena, key) : NULL;
  free(key);
  free(type);
  if (p_fields(p, r, close) != 0) {
    p->list->n--; /* an entry with an error is not used */
    p_recover(p);
    return;
  }
  if (!r->title)
    pb_diag(PB_DIAG_WARNING, p->file, line, 0, "entry '%s' has no title; it cannot be matched",
            r->key ? r->key : "?");
}

/* ==================================================================== */
/* Fields                                                                */
/* ==================================================================== */

/* "Vaswani, Ashish" -> "Ashish Vaswani"; "Last, Jr., First" -> "First
 * Last Jr."; the name detexed. */
static char *display_name(const char *raw, size_t n) {
  /* commas at brace depth 0 */
  size_t commas[2];
  int nc = 0, depth = 0;
  for (size_t i = 0; i < n; i++) {
    if (raw[i] == '{') depth++;
    if (raw[i] == '}' && depth > 0) depth--;
    if (raw[i] == ',' && depth == 0 && nc < 2) commas[nc++] = i;
  }
  pb_buf b = PB_BUF_INIT;
  if (nc == 0) {
    pb_buf_append(&b, raw, n);
  } else {
    size_t first = commas[nc - 1] + 1;
    pb_buf_append(&b, raw + first, n - first);
    pb_buf_putc(&b, ' ');
    pb_buf_append(&b, raw, commas[0]);
    if (nc == 2) {
      pb_buf_putc(&b, ' ');
      pb_buf_append(&b, raw + commas[0] + 1, commas[1] - commas[0] - 1);
    }
  }
  char *r = pb_bibtex_detex(b.data ? b.data : "", b.len);
  pb_buf_free(&b);
  return r;
}

/* Splits an author field at " and " (brace depth 0). */
static void add_authors(pb_biblist *l, pb_bibrec *r, const char *raw) {
  size_t n = strlen(raw), start = 0;
  int depth = 0;
  for (size_t i = 0; i <= n; i++) {
    int split = i == n;
    if (i < n) {
      if (raw[i] == '{') depth++;
      if (raw[i] == '}' && depth > 0) depth--;
      split = depth == 0 && isspace((unsigned char)raw[i]) &&
              strncasecmp(raw + i + 1, "and", 3) == 0 && i + 4 < n &&
              isspace((unsigned char)raw[i + 4]);
    }
    if (!split) continue;
    char *name = display_name(raw + start, i - start);
    if (*name && strcmp(name, "others") != 0) pb_bibrec_add_author(l, r, name);
    free(name);
    if (i < n) start = i + 5, i += 4;
  }
}

static int year_of(const char *s) {
  for (const char *p = s; *p; p++)
    if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
        isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
        (p == s || !isdigit((unsigned char)p[-1])) && !isdigit((unsigned char)p[4])) {
      int y = atoi(p);
      if (y >= 1000 && y <= 2999) return y;
    }
  return 0;
}

/* A bare DOI: "https://doi.org/10.1/x" and "doi:10.1/x" lose the prefix. */
static const char *bare_doi(const char *s) {
  const char *p = strstr(s, "10.");
  return p && strchr(p, '/') ? p : NULL;
}

static void fill_record(parser *p, pb_bibrec *r, const char *field, const char *raw) {
  pb_arena *a = p->list->arena;
  pb_bibrec_set_field(p->list, r, field, raw);
  if (strcmp(field, "author") == 0 || (strcmp(field, "editor") == 0 && !r->nauthors)) {
    r->nauthors = 0;
    add_authors(p->list, r, raw);
    return;
  }
  char *v = pb_bibtex_detex(raw, strlen(raw));
  if (strcmp(field, "title") == 0)
    r->title = pb_arena_strdup(a, v);
  else if ((strcmp(field, "journal") == 0 || strcmp(field, "booktitle") == 0 ||
            strcmp(field, "journaltitle") == 0) &&
           *v) {
    pb_link_ids ids;
    char url[64];
    const char *ax = strstr(v, "arXiv:");
    snprintf(url, sizeof url, "https://arxiv.org/abs/%.40s", ax ? ax + 6 : "");
    pb_link_ids_parse(url, &ids);
    if (ids.arxiv && !r->arxiv) r->arxiv = pb_arena_strdup(a, ids.arxiv);
    pb_link_ids_free(&ids);
    r->venue = pb_arena_strdup(a, ax || strncasecmp(v, "arxiv", 5) == 0 ? "arXiv" : v);
  } else if (strcmp(field, "year") == 0 || (strcmp(field, "date") == 0 && !r->year))
    r->year = year_of(v);
  else if (strcmp(field, "doi") == 0 && bare_doi(v))
    r->doi = pb_arena_strdup(a, bare_doi(v));
  else if (strcmp(field, "eprint") == 0 && *v) {
    pb_link_ids ids;
    char *url = pb_arena_printf(a, "https://arxiv.org/abs/%s", v);
    pb_link_ids_parse(url, &ids);
    if (ids.arxiv) r->arxiv = pb_arena_strdup(a, ids.arxiv);
    pb_link_ids_free(&ids);
  } else if (strcmp(field, "url") == 0 && *v) {
    r->url = pb_arena_strdup(a, v);
    pb_link_ids ids;
    pb_link_ids_parse(v, &ids);
    if (ids.arxiv && !r->arxiv) r->arxiv = pb_arena_strdup(a, ids.arxiv);
    if (ids.doi && !r->doi) r->doi = pb_arena_strdup(a, ids.doi);
    pb_link_ids_free(&ids);
  } else if (strcmp(field, "abstract") == 0)
    r->abstract = pb_arena_strdup(a, v);
  free(v);
}

size_t pb_bibtex_parse(const char *text, size_t len, const char *file, const char *source,
                       pb_biblist *list) {
  parser p;
  memset(&p, 0, sizeof p);
  p.s = text;
  p.len = len;
  p.line = 1;
  p.file = file;
  p.source = source;
  p.list = list;
  p.first = list->n;
  p.seed = (uint64_t)(uintptr_t)&p ^ ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
  static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int m = 0; m < 12; m++) {
    char num[16];
    snprintf(num, sizeof num, "%d", m + 1);
    add_macro(&p, pb_xstrdup(months[m]), pb_xstrdup(num));
  }
  size_t before = list->n;
  while (p.i < p.len) {
    if (p.s[p.i] == '@')
      p_entry(&p);
    else
      p_advance(&p); /* text between entries is a comment */
  }
  for (size_t k = 0; k < p.capmacros; k++) {
    free(p.mnames[k]);
    free(p.mvalues[k]);
  }
  free(p.mnames);
  free(p.mvalues);
  return list->n - before;
}

/* Whether text has an "@type{" or "@type(" (BibTeX's entries, @string,
 * @comment and @preamble), else whether it is blank. A file with neither
 * (a password file, a key, a page named as the bibliography) is no BibTeX:
 * BibTeX would read all of it as comments. */
static int has_bibtex_block(const char *s, size_t len, int *blank) {
  *blank = 1;
  for (size_t i = 0; i < len; i++) {
    if (!isspace((unsigned char)s[i])) *blank = 0;
    if (s[i] != '@') continue;
    size_t k = i + 1;
    while (k < len && isspace((unsigned char)s[k])) k++;
    size_t st = k;
    while (k < len && isalpha((unsigned char)s[k])) k++;
    if (k == st) continue;
    while (k < len && isspace((unsigned char)s[k])) k++;
    if (k < len && (s[k] == '{' || s[k] == '(')) return 1;
  }
  return 0;
}

int pb_bibliography_read(const char *path, const char *name, pb_biblist *list) {
  pb_buf b = PB_BUF_INIT;
  int rc = pb_read_file(path, PB_BIB_MAX_BYTES, &b);
  if (rc == PB_ELIMIT) {
    pb_error(path, 0, "bibliography larger than %zu MB; not read", PB_BIB_MAX_BYTES >> 20);
  } else if (rc != PB_OK) {
    pb_error(path, 0, "cannot read the bibliography: %s", strerror(errno));
  } else {
    size_t n = strlen(name);
    int json = n > 5 && strcasecmp(name + n - 5, ".json") == 0;
    char *source = pb_arena_printf(list->arena, "%s:%s", json ? "csl-json" : "bibtex", name);
    if (json) {
      if (pb_csljson_parse(b.data ? b.data : "", b.len, path, source, list) < 0) rc = PB_EPARSE;
    } else {
      int blank;
      if (!has_bibtex_block(b.data ? b.data : "", b.len, &blank) && !blank) {
        pb_error(path, 1,
                 "not a BibTeX file (no @type{key, ...} entry in it) nor CSL-JSON (a .json "
                 "file); not read");
        rc = PB_EPARSE;
      } else {
        pb_bibtex_parse(b.data ? b.data : "", b.len, path, source, list);
      }
    }
  }
  pb_buf_free(&b);
  return rc;
}
