/* Shared reader helpers: see read_common.h. The dialect readers stay small
 * because everything that more than one of them needs lives here. */
#include "read_common.h"

#include <cmark.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine.h"
#include "dates.h"
#include "diag.h"
#include "entities.h"
#include "inline.h"
#include "percent.h"
#include "utf8.h"

/* After this many bad lines in one file, the rest are summed up in one
 * warning, so a binary file does not flood the terminal. */
#define PB_READ_MAX_BAD_LINES 10

/* ==== source files ================================================== */

static const char *dir_of(pb_library *lib, const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return ".";
  if (slash == path) return "/";
  return pb_arena_strndup(lib->arena, path, (size_t)(slash - path));
}

/* Old Mac files end lines with a lone CR: read as line ends (CRLF stays,
 * its CR is trimmed with the line). */
void pb_read_lone_cr_to_lf(pb_buf *raw) {
  for (size_t i = 0; raw->data && i < raw->len; i++)
    if (raw->data[i] == '\r' && (i + 1 == raw->len || raw->data[i + 1] != '\n'))
      raw->data[i] = '\n';
}

/* A git conflict marker at the start of a line: 7 of c, then the end of
 * the line ('=') or a blank and a name ('<', '>'). */
static int conflict_marker(pb_read_str l, char c) {
  if (l.len < 7) return 0;
  for (size_t i = 0; i < 7; i++)
    if (l.s[i] != c) return 0;
  pb_read_str rest = {l.s + 7, l.len - 7};
  if (c == '=') {
    for (size_t i = 0; i < rest.len; i++)
      if (rest.s[i] != ' ' && rest.s[i] != '\t' && rest.s[i] != '\r') return 0;
    return 1;
  }
  return rest.len == 0 || rest.s[0] == ' ';
}

/* Conflict markers a merge left in a file ("<<<<<<< HEAD", "=======",
 * ">>>>>>> 3f2a9c1") are never read as text: each conflict is one warning
 * naming its lines, both sides are read, and the marker lines become
 * blank. A "=======" outside a conflict is a Markdown heading rule and
 * stays. */
void pb_read_drop_conflicts(pb_read_source *src) {
  size_t open = 0, mid = 0;
  int in = 0;
  for (size_t i = 0; i < src->nlines; i++) {
    pb_read_str l = src->lines[i];
    if (conflict_marker(l, '<')) {
      if (in)
        pb_warn(src->file, (int)open + 1,
                "git conflict marker '<<<<<<<' with no end; marker left out");
      in = 1, open = i, mid = 0;
      src->lines[i].len = 0;
    } else if (in && conflict_marker(l, '=')) {
      mid = i + 1;
      src->lines[i].len = 0;
    } else if (in && conflict_marker(l, '>')) {
      if (mid)
        pb_warn(src->file, (int)open + 1,
                "git conflict left in the file (markers at lines %zu, %zu, %zu); both sides "
                "read, the markers left out",
                open + 1, mid, i + 1);
      else
        pb_warn(src->file, (int)open + 1,
                "git conflict left in the file (markers at lines %zu, %zu); the markers left out",
                open + 1, i + 1);
      in = 0;
      src->lines[i].len = 0;
    }
  }
  if (in)
    pb_warn(src->file, (int)open + 1,
            "git conflict marker '<<<<<<<' with no end (no '>>>>>>>'); marker left out");
}

int pb_read_source_load(pb_library *lib, const char *path, pb_read_source *src) {
  pb_buf raw = PB_BUF_INIT;
  size_t *starts = NULL, nstarts = 0, capstarts = 0;
  size_t bad_lines = 0;
  int rc;

  memset(src, 0, sizeof *src);
  src->file = pb_arena_strdup(lib->arena, path);
  src->dir = dir_of(lib, path);
  rc = pb_read_file(path, PB_READ_MAX_FILE, &raw);
  pb_read_lone_cr_to_lf(&raw);
  if (rc == PB_ELIMIT) {
    pb_error(path, 0, "file is larger than %u MB; not read", PB_READ_MAX_FILE >> 20);
    goto done;
  }
  if (rc) {
    if (errno == ENODEV)
      pb_error(path, 0, "is not a regular file (a FIFO, device or socket); not read");
    else
      pb_error(path, 0, "cannot read: %s", strerror(errno));
    goto done;
  }
  const char *p = raw.data ? raw.data : "";
  size_t len = raw.len, i = 0;
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) i = 3; /* BOM */
  int lineno = 0;
  while (i < len || (i == len && lineno == 0 && len == 0)) {
    const char *nl = memchr(p + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - p) : len;
    size_t first_bad = 0;
    lineno++;
    if (nstarts == capstarts) {
      capstarts = capstarts ? capstarts * 2 : 256;
      starts = pb_xrealloc(starts, capstarts * 2 * sizeof *starts);
    }
    starts[2 * nstarts] = src->text.len;
    size_t problems = pb_utf8_clean(p + i, end - i, &src->text, &first_bad);
    starts[2 * nstarts + 1] = src->text.len - starts[2 * nstarts];
    nstarts++;
    if (problems) {
      bad_lines++;
      if (bad_lines <= PB_READ_MAX_BAD_LINES)
        pb_diag(PB_DIAG_WARNING, path, lineno, (int)first_bad + 1,
                "%zu invalid UTF-8 sequence(s) or control character(s) replaced or removed",
                problems);
    }
    pb_buf_putc(&src->text, '\n');
    if (!nl) break;
    i = end + 1;
    if (i == len) break;
  }
  if (bad_lines > PB_READ_MAX_BAD_LINES)
    pb_warn(path, 0, "%zu more lines with invalid UTF-8 or control characters cleaned",
            bad_lines - PB_READ_MAX_BAD_LINES);
  src->nlines = nstarts;
  src->lines = pb_xcalloc(nstarts ? nstarts : 1, sizeof *src->lines);
  for (size_t k = 0; k < nstarts; k++) {
    src->lines[k].s = src->text.data + starts[2 * k];
    src->lines[k].len = starts[2 * k + 1];
  }
  pb_read_drop_conflicts(src);
done:
  free(starts);
  pb_buf_free(&raw);
  return rc;
}

void pb_read_source_free(pb_read_source *src) {
  if (!src) return;
  pb_buf_free(&src->text);
  free(src->lines);
  src->lines = NULL;
  src->nlines = 0;
}

/* ==== small text helpers =========================================== */

static int is_blank_byte(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Length of a Unicode blank (NBSP, ideographic space) at s, 0 if none. */
static size_t uspace_len(const char *s, size_t len) {
  if (len >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) return 2;
  if (len >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
      (unsigned char)s[2] == 0x80)
    return 3;
  return 0;
}

pb_read_str pb_read_trim(pb_read_str t) {
  for (;;) {
    if (t.len && is_blank_byte((unsigned char)t.s[0])) {
      t.s++, t.len--;
      continue;
    }
    size_t u = uspace_len(t.s, t.len);
    if (u) {
      t.s += u, t.len -= u;
      continue;
    }
    break;
  }
  for (;;) {
    if (t.len && is_blank_byte((unsigned char)t.s[t.len - 1])) {
      t.len--;
      continue;
    }
    if (t.len >= 2 && (unsigned char)t.s[t.len - 2] == 0xC2 &&
        (unsigned char)t.s[t.len - 1] == 0xA0) {
      t.len -= 2;
      continue;
    }
    if (t.len >= 3 && (unsigned char)t.s[t.len - 3] == 0xE3 &&
        (unsigned char)t.s[t.len - 2] == 0x80 && (unsigned char)t.s[t.len - 1] == 0x80) {
      t.len -= 3;
      continue;
    }
    break;
  }
  return t;
}

size_t pb_read_unquote(const char *s, size_t len, int max_depth, int *depth) {
  size_t i = 0, after = 0;
  int d = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && is_blank_byte((unsigned char)s[j])) j++;
    if (j < len && s[j] == '>' && (max_depth <= 0 || d < max_depth)) {
      d++;
      i = j + 1;
      after = i;
      continue;
    }
    break;
  }
  /* one optional blank after the last marker belongs to it */
  if (d && after < len && is_blank_byte((unsigned char)s[after])) after++;
  if (depth) *depth = d;
  return d ? after : 0;
}

pb_read_str pb_read_cut(pb_read_str t, size_t max) {
  if (t.len <= max) return t;
  size_t n = max;
  while (n > 0 && ((unsigned char)t.s[n] & 0xC0) == 0x80) n--;
  return (pb_read_str){t.s, n};
}

int pb_read_starts_with(pb_read_str t, const char *prefix) {
  size_t n = strlen(prefix);
  return t.len >= n && memcmp(t.s, prefix, n) == 0;
}

int pb_read_eq_word(pb_read_str t, const char *word) {
  size_t n = strlen(word);
  return t.len == n && strncasecmp(t.s, word, n) == 0;
}

int pb_read_is_separator(pb_read_str t) {
  t = pb_read_trim(t);
  size_t dashes = 0, marks = 0, other = 0;
  for (size_t i = 0; i < t.len; i++) {
    char c = t.s[i];
    if (c == '-' || c == '=' || c == '_')
      dashes++;
    else if (c == '#' || c == '*')
      marks++;
    else if (!is_blank_byte((unsigned char)c))
      other++;
  }
  if (dashes + marks < 3) return 0;
  if (!other) return dashes >= 3 || marks >= 3 ? (t.s[0] != '#' || dashes >= 3) : 0;
  /* "####-----周分界线-----####", "**------目录------**": a short label
   * inside a long rule */
  return dashes >= 10 && other <= 24;
}

int pb_read_is_blank(pb_read_str t) {
  size_t i = 0;
  while (i < t.len) {
    if (is_blank_byte((unsigned char)t.s[i])) {
      i++;
      continue;
    }
    size_t u = uspace_len(t.s + i, t.len - i);
    if (u) {
      i += u;
      continue;
    }
    if (t.len - i >= 6 && strncasecmp(t.s + i, "&nbsp;", 6) == 0) {
      i += 6;
      continue;
    }
    return 0;
  }
  return 1;
}

int pb_read_is_url(pb_read_str t) {
  t = pb_read_trim(t);
  return (t.len > 7 && strncasecmp(t.s, "http://", 7) == 0) ||
         (t.len > 8 && strncasecmp(t.s, "https://", 8) == 0) ||
         (t.len > 4 && strncasecmp(t.s, "www.", 4) == 0);
}

/* ==== dates ======================================================= */

static size_t read_digits(const char *s, size_t len, size_t max, int *value) {
  size_t i = 0;
  int v = 0;
  while (i < len && i < max && isdigit((unsigned char)s[i])) v = v * 10 + (s[i++] - '0');
  *value = v;
  return i;
}

size_t pb_read_date(pb_read_str t, char out[11]) {
  int y, m, d;
  size_t i = pb_date_scan(t.s, t.len, PB_DATE_TEXT, &y, &m, &d);
  if (i) pb_date_format(y, m, d, out);
  return i;
}

/* ==== venues ====================================================== */

static const char *const known_venues[] = {
    "CVPR",  "ICCV",  "ECCV", "NeurIPS", "ICML", "ICLR",        "AAAI",     "IJCAI",    "ACL",
    "EMNLP", "NAACL", "COLM", "ICASSP",  "ICPR", "TMM",         "TCSVT",    "TIP",      "TPAMI",
    "TASE",  "WACV",  "ICRA", "IROS",    "MM",   "KDD",         "WWW",      "SIGGRAPH", "BMVC",
    "TAC",   "arXiv", "CoRL", "RSS",     "ICME", "INTERSPEECH", "Workshop",
};

/* Misspellings seen in real check-ins, mapped to the venue meant. */
static const struct {
  const char *written, *canonical;
} venue_aliases[] = {
    {"neurlps", "NeurIPS"}, {"nuerips", "NeurIPS"},     {"nips", "NeurIPS"},
    {"neruips", "NeurIPS"}, {"cvprw", "CVPR Workshop"}, {"arxiv", "arXiv"},
};

static const char *const note_words[] = {"oral",     "spotlight", "poster",   "highlight",
                                         "preprint", "submitted", "accepted", "投稿",
                                         "在投",     "在审",      "录用",     "best paper"};

/* One venue, many spellings: what is written (compared without case,
 * blanks and punctuation) and the one name shown and counted. A library
 * adds its own in paperbook.yml (`venues:`), which are tried first. */
static const struct {
  const char *written, *canonical;
} venue_names[] = {
    {"TAFFC", "IEEE TAFFC"},
    {"IEEE TAFFC", "IEEE TAFFC"},
    {"IEEE Transactions on Affective Computing", "IEEE TAFFC"},
    {"Transactions on Affective Computing", "IEEE TAFFC"},
    {"MM", "ACM MM"},
    {"ACM MM", "ACM MM"},
    {"ACMMM", "ACM MM"},
    {"ACM Multimedia", "ACM MM"},
    {"ACM International Conference on Multimedia", "ACM MM"},
    {"CVPR Workshop", "CVPR Workshop"},
    {"CVPR Workshops", "CVPR Workshop"},
    {"CVPRW", "CVPR Workshop"},
    {"CVPR Workshop CVPR", "CVPR Workshop"},
    {"ICCV Workshop", "ICCV Workshop"},
    {"ICCV Workshops", "ICCV Workshop"},
    {"ICCVW", "ICCV Workshop"},
    {"ECCV Workshops", "ECCV Workshop"},
    {"Advances in Neural Information Processing Systems", "NeurIPS"},
    {"Neural Information Processing Systems", "NeurIPS"},
};

/* The key a venue is compared by: ASCII letters and digits folded to
 * lower case, other bytes as they are, blanks and punctuation left out. */
static void venue_key(const char *s, size_t len, pb_buf *out) {
  pb_buf_reset(out);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80)
      pb_buf_putc(out, (char)c);
    else if (isalnum(c))
      pb_buf_putc(out, (char)tolower(c));
  }
}

const char *pb_venue_canonical(const pb_library *lib, const char *venue) {
  if (!venue) return NULL;
  pb_buf k = PB_BUF_INIT, w = PB_BUF_INIT;
  const char *hit = NULL;
  venue_key(venue, strlen(venue), &k);
  for (size_t i = 0; lib && i < lib->nvenue_names && !hit; i++) {
    venue_key(lib->venue_names[2 * i], strlen(lib->venue_names[2 * i]), &w);
    if (w.len == k.len && (!k.len || memcmp(w.data, k.data, k.len) == 0))
      hit = lib->venue_names[2 * i + 1];
  }
  for (size_t i = 0; i < sizeof venue_names / sizeof *venue_names && !hit; i++) {
    venue_key(venue_names[i].written, strlen(venue_names[i].written), &w);
    if (w.len == k.len && k.len && memcmp(w.data, k.data, k.len) == 0)
      hit = venue_names[i].canonical;
  }
  pb_buf_free(&k);
  pb_buf_free(&w);
  return hit ? hit : venue;
}

/* The kind of each venue a reading group names (canonical names, their
 * acronyms and journals seen in check-ins), compared by venue_key. */
static const struct {
  const char *name;
  pb_venue_kind kind;
} venue_kinds[] = {
    {"CVPR", PB_VENUE_CONFERENCE},
    {"ICCV", PB_VENUE_CONFERENCE},
    {"ECCV", PB_VENUE_CONFERENCE},
    {"NeurIPS", PB_VENUE_CONFERENCE},
    {"NIPS", PB_VENUE_CONFERENCE},
    {"ICML", PB_VENUE_CONFERENCE},
    {"ICLR", PB_VENUE_CONFERENCE},
    {"AAAI", PB_VENUE_CONFERENCE},
    {"IJCAI", PB_VENUE_CONFERENCE},
    {"ACL", PB_VENUE_CONFERENCE},
    {"EMNLP", PB_VENUE_CONFERENCE},
    {"NAACL", PB_VENUE_CONFERENCE},
    {"COLING", PB_VENUE_CONFERENCE},
    {"COLM", PB_VENUE_CONFERENCE},
    {"ICASSP", PB_VENUE_CONFERENCE},
    {"ICPR", PB_VENUE_CONFERENCE},
    {"WACV", PB_VENUE_CONFERENCE},
    {"ICRA", PB_VENUE_CONFERENCE},
    {"IROS", PB_VENUE_CONFERENCE},
    {"MM", PB_VENUE_CONFERENCE},
    {"ACM MM", PB_VENUE_CONFERENCE},
    {"KDD", PB_VENUE_CONFERENCE},
    {"WWW", PB_VENUE_CONFERENCE},
    {"SIGGRAPH", PB_VENUE_CONFERENCE},
    {"SIGIR", PB_VENUE_CONFERENCE},
    {"BMVC", PB_VENUE_CONFERENCE},
    {"ACCV", PB_VENUE_CONFERENCE},
    {"CoRL", PB_VENUE_CONFERENCE},
    {"RSS", PB_VENUE_CONFERENCE},
    {"ICME", PB_VENUE_CONFERENCE},
    {"INTERSPEECH", PB_VENUE_CONFERENCE},
    {"FG", PB_VENUE_CONFERENCE},
    {"MICCAI", PB_VENUE_CONFERENCE},
    {"UAI", PB_VENUE_CONFERENCE},
    {"AISTATS", PB_VENUE_CONFERENCE},
    {"CHI", PB_VENUE_CONFERENCE},
    {"3DV", PB_VENUE_CONFERENCE},
    {"Workshop", PB_VENUE_CONFERENCE},
    {"TMM", PB_VENUE_JOURNAL},
    {"TCSVT", PB_VENUE_JOURNAL},
    {"TIP", PB_VENUE_JOURNAL},
    {"TPAMI", PB_VENUE_JOURNAL},
    {"TASE", PB_VENUE_JOURNAL},
    {"TAC", PB_VENUE_JOURNAL},
    {"IEEE TAFFC", PB_VENUE_JOURNAL},
    {"TAFFC", PB_VENUE_JOURNAL},
    {"TNNLS", PB_VENUE_JOURNAL},
    {"TOG", PB_VENUE_JOURNAL},
    {"IJCV", PB_VENUE_JOURNAL},
    {"RAL", PB_VENUE_JOURNAL},
    {"Information Fusion", PB_VENUE_JOURNAL},
    {"Inf Fusion", PB_VENUE_JOURNAL},
    {"Information Sciences", PB_VENUE_JOURNAL},
    {"Applied Soft Computing", PB_VENUE_JOURNAL},
    {"Knowledge Based Systems", PB_VENUE_JOURNAL},
    {"Neurocomputing", PB_VENUE_JOURNAL},
    {"Pattern Recognition", PB_VENUE_JOURNAL},
    {"Neural Networks", PB_VENUE_JOURNAL},
    {"Electronics", PB_VENUE_JOURNAL},
    {"Sensors", PB_VENUE_JOURNAL},
    {"Biomedical Signal Processing and Control", PB_VENUE_JOURNAL},
    {"Expert Systems with Applications", PB_VENUE_JOURNAL},
    {"Nature", PB_VENUE_JOURNAL},
    {"Science", PB_VENUE_JOURNAL},
    {"arXiv", PB_VENUE_PREPRINT},
    {"CoRR", PB_VENUE_PREPRINT},
};

pb_venue_kind pb_venue_kind_of(const char *venue) {
  static const struct {
    const char *word;
    pb_venue_kind kind;
  } words[] = {{"conference", PB_VENUE_CONFERENCE}, {"proceedings", PB_VENUE_CONFERENCE},
               {"workshop", PB_VENUE_CONFERENCE},   {"symposium", PB_VENUE_CONFERENCE},
               {"congress", PB_VENUE_CONFERENCE},   {"meeting", PB_VENUE_CONFERENCE},
               {"会议", PB_VENUE_CONFERENCE},       {"transactions", PB_VENUE_JOURNAL},
               {"journal", PB_VENUE_JOURNAL},       {"letters", PB_VENUE_JOURNAL},
               {"magazine", PB_VENUE_JOURNAL},      {"期刊", PB_VENUE_JOURNAL},
               {"学报", PB_VENUE_JOURNAL},          {"preprint", PB_VENUE_PREPRINT},
               {"arxiv", PB_VENUE_PREPRINT}};
  if (!venue || !*venue) return PB_VENUE_UNKNOWN;
  pb_buf k = PB_BUF_INIT, w = PB_BUF_INIT;
  pb_venue_kind kind = PB_VENUE_UNKNOWN;
  venue_key(venue, strlen(venue), &k);
  for (size_t i = 0; i < sizeof venue_kinds / sizeof *venue_kinds && !kind; i++) {
    venue_key(venue_kinds[i].name, strlen(venue_kinds[i].name), &w);
    if (w.len == k.len && k.len && memcmp(w.data, k.data, k.len) == 0) kind = venue_kinds[i].kind;
  }
  for (size_t i = 0; i < sizeof words / sizeof *words && !kind; i++)
    if (strcasestr(venue, words[i].word)) kind = words[i].kind;
  /* the first word as an acronym: "CVPR 2024", "WWW Companion", "AAAI-24" */
  size_t n = 0;
  while (venue[n] && venue[n] != ' ' && venue[n] != '-' && venue[n] != '\'' &&
         !isdigit((unsigned char)venue[n]))
    n++;
  if (!kind && n && n < strlen(venue)) {
    venue_key(venue, n, &k);
    for (size_t i = 0; i < sizeof venue_kinds / sizeof *venue_kinds && !kind; i++) {
      venue_key(venue_kinds[i].name, strlen(venue_kinds[i].name), &w);
      if (w.len == k.len && k.len && memcmp(w.data, k.data, k.len) == 0) kind = venue_kinds[i].kind;
    }
  }
  pb_buf_free(&k);
  pb_buf_free(&w);
  return kind;
}

/* Words a venue may carry beside its name ("CVPR Workshop", "ACL
 * Findings"); any other word beside a known venue is not part of it. */
static const char *const venue_qualifiers[] = {
    "workshop", "workshops", "findings", "companion", "demo", "track", "main",
    "short",    "long",      "journal",  "letters",   "ieee", "acm",   "transactions",
};

/* Text written where a venue goes that says there is none yet. */
static const char *const no_venue_phrases[] = {"暂无",    "无出处", "未知", "待定", "待补充",
                                               "unknown", "none",   "n/a",  "tbd"};

size_t pb_read_link_word(pb_read_str t) {
  static const char *const words[] = {
      "paper", "pdf",        "code",   "github", "project",  "homepage",   "blog",
      "video", "slide",      "slides", "link",   "知乎",     "博客",       "代码",
      "论文",  "主页",       "链接",   "视频",   "supp",     "openreview", "html",
      "ppt",   "ieeexplore", "doi",    "网页",   "ieee.org",
  };
  for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
    size_t n = strlen(words[i]);
    if (t.len >= n && strncasecmp(t.s, words[i], n) == 0) {
      /* "paper" must be the whole word: "papers" or "paperwork" are not */
      if (t.len > n && isalpha((unsigned char)t.s[n]) && (unsigned char)t.s[0] < 0x80) continue;
      return n;
    }
  }
  return 0;
}

typedef enum { W_NONE, W_ASCII_ALPHA, W_DIGIT, W_OTHER } wclass;

/* ASCII punctuation that is not a separator stays inside a word
 * ("ieee.org", "C++"); only non-ASCII text is a class of its own, so that
 * "CVPR2025投稿" splits into venue, year and note. */
static wclass class_of(unsigned char c) {
  if (isdigit(c)) return W_DIGIT;
  if (c < 0x80) return W_ASCII_ALPHA;
  return W_OTHER;
}

/* Appends a word to a space-separated list buffer. */
static void add_word(pb_buf *b, const char *s, size_t len) {
  if (!len) return;
  if (b->len) pb_buf_putc(b, ' ');
  pb_buf_append(b, s, len);
}

static int is_venue_sep(const char *s, size_t len, size_t *n) {
  unsigned char c = (unsigned char)s[0];
  if (c == ' ' || c == '\t' || c == '-' || c == '_' || c == ',' || c == ';' || c == '(' ||
      c == ')' || c == '[' || c == ']' || c == '\'' || c == '/') {
    *n = 1;
    return 1;
  }
  if (c < 0x80) return 0; /* every wide separator starts with a non-ASCII byte */
  static const char *const wide[] = {"，", "、", "’", "‘", "（", "）", "\xC2\xA0"};
  for (size_t i = 0; i < sizeof wide / sizeof *wide; i++) {
    size_t k = strlen(wide[i]);
    if (len >= k && memcmp(s, wide[i], k) == 0) {
      *n = k;
      return 1;
    }
  }
  return 0;
}

int pb_read_venue(pb_library *lib, pb_entry *e, pb_read_str raw) {
  pb_buf venue = PB_BUF_INIT, note = PB_BUF_INIT, odd = PB_BUF_INIT, cjk = PB_BUF_INIT;
  int year = 0, found = 0, known = 0;
  raw = pb_read_trim(raw);
  if (!raw.len) return 0;
  const char *s = raw.s;
  size_t len = raw.len, i = 0;
  while (i < len) {
    size_t n;
    if (is_venue_sep(s + i, len - i, &n)) {
      i += n;
      continue;
    }
    /* a word: a run of one class (ASCII letters, digits, or other) where
     * letters and digits that are not a year stay together ("3DV", "MM2") */
    size_t start = i;
    wclass c = class_of((unsigned char)s[i]);
    if (c == W_DIGIT) {
      int v;
      size_t k = read_digits(s + i, len - i, 5, &v);
      int before_alpha = i + k < len && isalpha((unsigned char)s[i + k]);
      if (k == 4 && v >= 1950 && v <= 2099 && !before_alpha) {
        if (!year) year = v;
        i += k;
        continue;
      }
      if (k == 2 && !before_alpha) {
        if (!year) year = 2000 + v;
        i += k;
        continue;
      }
    }
    while (i < len) {
      size_t m;
      if (is_venue_sep(s + i, len - i, &m)) break;
      wclass ci = class_of((unsigned char)s[i]);
      if (ci == W_DIGIT && c == W_ASCII_ALPHA) {
        /* "CVPR2025", "ICCV23": a year glued to the name ends the word */
        int v;
        size_t k = read_digits(s + i, len - i, 5, &v);
        int alnum_after = i + k < len && isalnum((unsigned char)s[i + k]);
        if (!alnum_after && (k == 2 || (k == 4 && v >= 1950 && v <= 2099))) break;
        i += k;
        continue;
      }
      if (ci != c && !(c == W_DIGIT && ci == W_ASCII_ALPHA)) break;
      if (c == W_DIGIT && ci == W_ASCII_ALPHA) c = W_ASCII_ALPHA;
      i++;
    }
    if (i == start) i++; /* never stall */
    pb_read_str w = {s + start, i - start};
    int is_note = 0;
    for (size_t k = 0; k < sizeof note_words / sizeof *note_words; k++)
      if (pb_read_eq_word(w, note_words[k]) ||
          (w.len >= strlen(note_words[k]) && (unsigned char)note_words[k][0] >= 0x80 &&
           memcmp(w.s, note_words[k], strlen(note_words[k])) == 0)) {
        add_word(&note, w.s, w.len);
        is_note = 1;
        break;
      }
    if (is_note) continue;
    if (pb_read_eq_word(w, "under") && i + 7 <= len && strncasecmp(s + i, " review", 7) == 0) {
      add_word(&note, "under review", 12);
      i += 7;
      continue;
    }
    if (pb_read_eq_word(w, "paper") || pb_read_eq_word(w, "papers")) continue;
    const char *canon = NULL;
    for (size_t k = 0; k < sizeof venue_aliases / sizeof *venue_aliases && !canon; k++)
      if (pb_read_eq_word(w, venue_aliases[k].written)) canon = venue_aliases[k].canonical;
    for (size_t k = 0; k < sizeof known_venues / sizeof *known_venues && !canon; k++)
      if (pb_read_eq_word(w, known_venues[k])) canon = known_venues[k];
    if (canon) {
      add_word(&venue, canon, strlen(canon));
      known = 1;
      continue;
    }
    /* a word with no letter in it (".3." of "arxiv2025.3.18") is no name */
    int letters = 0;
    for (size_t k = 0; k < w.len && !letters; k++)
      letters = (unsigned char)w.s[k] >= 0x80 || isalpha((unsigned char)w.s[k]);
    int qualifier = 0;
    for (size_t k = 0; k < sizeof venue_qualifiers / sizeof *venue_qualifiers && !qualifier; k++)
      qualifier = pb_read_eq_word(w, venue_qualifiers[k]);
    if ((unsigned char)w.s[0] >= 0x80) {
      /* Chinese beside a known venue is a remark ("请假前读完"): a note */
      add_word(&cjk, w.s, w.len);
    } else if (!letters || !qualifier) {
      /* kept for now; left out below if a known venue is beside it */
      add_word(&odd, w.s, w.len);
      if (!letters) continue;
    }
    add_word(&venue, w.s, w.len);
  }
  /* "暂无出处": no venue at all */
  for (size_t k = 0; k < sizeof no_venue_phrases / sizeof *no_venue_phrases; k++) {
    size_t n = strlen(no_venue_phrases[k]);
    int hit = 0;
    for (size_t j = 0; j + n <= raw.len && !hit; j++)
      hit = strncasecmp(raw.s + j, no_venue_phrases[k], n) == 0 &&
            ((unsigned char)no_venue_phrases[k][0] >= 0x80 ||
             ((j == 0 || !isalnum((unsigned char)raw.s[j - 1])) &&
              (j + n == raw.len || !isalnum((unsigned char)raw.s[j + n]))));
    if (hit && !known) {
      if (e->file)
        pb_note(e->file, e->line, "'%.*s' says there is no venue; none is shown", (int)raw.len,
                raw.s);
      pb_buf_free(&venue);
      pb_buf_free(&note);
      pb_buf_free(&odd);
      pb_buf_free(&cjk);
      e->venue_raw = pb_arena_strndup(lib->arena, raw.s, raw.len);
      return 1;
    }
  }
  /* the library's own names (paperbook.yml venues:) see the words as
   * written, before anything is left out */
  if (venue.len && lib->nvenue_names) {
    char *whole = pb_arena_strndup(lib->arena, venue.data, venue.len);
    const char *own = pb_venue_canonical(lib, whole);
    if (own != whole) {
      pb_buf_reset(&venue);
      pb_buf_puts(&venue, own);
      pb_buf_reset(&odd);
      pb_buf_reset(&cjk);
      known = 0;
    }
  }
  if (known && cjk.len) {
    pb_buf kept = PB_BUF_INIT;
    for (size_t a = 0; a < venue.len;) {
      size_t b2 = a;
      while (b2 < venue.len && venue.data[b2] != ' ') b2++;
      if ((unsigned char)venue.data[a] < 0x80) add_word(&kept, venue.data + a, b2 - a);
      a = b2 + 1;
    }
    add_word(&note, cjk.data, cjk.len);
    pb_buf_free(&venue);
    venue = kept;
  }
  if (known && odd.len) {
    /* "ICRA BSET": the known name and its qualifiers only */
    pb_buf kept = PB_BUF_INIT;
    pb_read_str v = {venue.data, venue.len};
    size_t i2 = 0;
    while (i2 < v.len) {
      size_t j2 = i2;
      while (j2 < v.len && v.s[j2] != ' ') j2++;
      pb_read_str w = {v.s + i2, j2 - i2};
      int drop = 0;
      for (size_t a = 0; a < odd.len && !drop;) {
        size_t b2 = a;
        while (b2 < odd.len && odd.data[b2] != ' ') b2++;
        drop = b2 - a == w.len && memcmp(odd.data + a, w.s, w.len) == 0;
        a = b2 + 1;
      }
      if (!drop) add_word(&kept, w.s, w.len);
      i2 = j2 + 1;
    }
    if (e->file)
      pb_note(e->file, e->line, "venue '%.*s' read as '%.*s'; '%.*s' left out (not a venue's name)",
              (int)raw.len, raw.s, (int)kept.len, kept.data ? kept.data : "", (int)odd.len,
              odd.data);
    pb_buf_free(&venue);
    venue = kept;
  } else if (odd.len && !venue.len && e->file) {
    pb_note(e->file, e->line, "venue '%.*s' has no name in it; left out", (int)raw.len, raw.s);
  }
  if (venue.len) {
    char *v = pb_arena_strndup(lib->arena, venue.data, venue.len);
    e->venue = pb_venue_canonical(lib, v);
    found = 1;
  }
  if (year) {
    e->year = year;
    found = 1;
  }
  if (note.len) {
    e->note = pb_arena_strndup(lib->arena, note.data, note.len);
    found = 1;
  }
  if (found) e->venue_raw = pb_arena_strndup(lib->arena, raw.s, raw.len);
  pb_buf_free(&venue);
  pb_buf_free(&note);
  pb_buf_free(&odd);
  pb_buf_free(&cjk);
  return found;
}

/* Whether a parenthesised text reads as a venue: a year, or a known venue. */
int pb_read_looks_like_venue(pb_read_str t) {
  if (memmem(t.s, t.len, "://", 3)) return 0;
  for (size_t i = 0; i + 4 <= t.len; i++)
    if ((i == 0 || !isdigit((unsigned char)t.s[i - 1])) && (t.s[i] == '1' || t.s[i] == '2') &&
        isdigit((unsigned char)t.s[i + 1]) && isdigit((unsigned char)t.s[i + 2]) &&
        isdigit((unsigned char)t.s[i + 3]) &&
        (i + 4 == t.len || !isdigit((unsigned char)t.s[i + 4])))
      return 1;
  for (size_t k = 0; k < sizeof known_venues / sizeof *known_venues; k++) {
    size_t n = strlen(known_venues[k]);
    if (n >= 3 && t.len >= n && strncasecmp(t.s, known_venues[k], n) == 0) return 1;
  }
  return 0;
}

void pb_read_title(pb_library *lib, pb_entry *e, pb_read_str text) {
  text = pb_read_trim(text);
  if (!e->venue && text.len > 2 &&
      (text.s[text.len - 1] == ')' ||
       (text.len >= 3 && memcmp(text.s + text.len - 3, "）", 3) == 0))) {
    size_t close = text.s[text.len - 1] == ')' ? text.len - 1 : text.len - 3;
    /* find the matching opening parenthesis */
    int depth = 0;
    size_t open = (size_t)-1;
    for (size_t i = close + 1; i-- > 0;) {
      char c = text.s[i];
      if (c == ')' || (i + 3 <= text.len && memcmp(text.s + i, "）", 3) == 0))
        depth++;
      else if (c == '(' || (i + 3 <= text.len && memcmp(text.s + i, "（", 3) == 0)) {
        if (--depth == 0) {
          open = i;
          break;
        }
      }
    }
    if (open != (size_t)-1 && open > 0) {
      size_t inner = open + (text.s[open] == '(' ? 1 : 3);
      pb_read_str v = {text.s + inner, close - inner};
      if (pb_read_looks_like_venue(v) && pb_read_venue(lib, e, v)) text.len = open;
    }
  }
  text = pb_read_trim(text);
  /* "Title]": a closing bracket with no opening one is typing, not title */
  if (text.len > 1 && text.s[text.len - 1] == ']' && !memchr(text.s, '[', text.len)) {
    while (text.len > 1 && text.s[text.len - 1] == ']') text.len--;
    text = pb_read_trim(text);
    if (e->file) pb_note(e->file, e->line, "stray ']' after the title left out");
  }
  /* "《Title》": book-title marks around the whole title are not part of it */
  if (text.len > 6 && memcmp(text.s, "《", 3) == 0 && memcmp(text.s + text.len - 3, "》", 3) == 0 &&
      !memmem(text.s + 3, text.len - 6, "《", 3)) {
    text = pb_read_trim((pb_read_str){text.s + 3, text.len - 6});
    if (e->file) pb_note(e->file, e->line, "book-title marks 《》 around the title left out");
  }
  e->title = pb_inline_scripts(lib->arena, text.s, text.len);
}

/* ==== percent-decoding and HTML ================================== */

char *pb_read_percent_decode(pb_library *lib, const char *s, size_t len) {
  pb_buf b = PB_BUF_INIT;
  pb_percent_decode(s, len, PB_PCT_KEEP_CONTROLS, &b);
  char *out = pb_arena_strdup(lib->arena, b.data);
  pb_buf_free(&b);
  return out;
}

static const char *const harmless_tags[] = {
    "font", "span",   "b",          "i",       "u",       "em",   "strong", "br",  "p",
    "div",  "center", "sup",        "sub",     "small",   "big",  "mark",   "del", "s",
    "ins",  "kbd",    "a",          "details", "summary", "code", "pre",    "hr",  "img",
    "tt",   "strike", "blockquote", "ul",      "ol",      "li",   "table",  "tr",  "td",
    "th",   "tbody",  "thead",      "h1",      "h2",      "h3",   "h4",     "h5",  "h6"};

/* Checks the tag at t (starting with '<'); returns its length (0 if not a
 * tag) and reports unknown tags. *name gets the tag name. */
static size_t html_tag(pb_read_str t, pb_read_str *name) {
  if (t.len < 3 || t.s[0] != '<') return 0;
  if (t.len >= 4 && memcmp(t.s, "<!--", 4) == 0) {
    for (size_t i = 4; i + 3 <= t.len; i++)
      if (memcmp(t.s + i, "-->", 3) == 0) {
        name->s = "!--";
        name->len = 3;
        return i + 3;
      }
    return 0;
  }
  size_t i = 1;
  if (t.s[i] == '/') i++;
  size_t ns = i;
  while (i < t.len && (isalnum((unsigned char)t.s[i]) || t.s[i] == '-')) i++;
  if (i == ns || !isalpha((unsigned char)t.s[ns])) return 0;
  name->s = t.s + ns;
  name->len = i - ns;
  char quote = 0;
  for (; i < t.len; i++) {
    char c = t.s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i + 1;
    } else if (c == '<' || c == '\n') {
      return 0;
    }
  }
  return 0;
}

static int tag_is_harmless(pb_read_str name) {
  for (size_t k = 0; k < sizeof harmless_tags / sizeof *harmless_tags; k++)
    if (pb_read_eq_word(name, harmless_tags[k])) return 1;
  return name.len == 3 && memcmp(name.s, "!--", 3) == 0;
}

/* Value of attribute attr in tag text t (quoted or not). */
static int html_attr(pb_read_str t, const char *attr, pb_read_str *val) {
  size_t n = strlen(attr);
  char quote = 0;
  for (size_t i = 1; i + n < t.len; i++) {
    char c = t.s[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    if (strncasecmp(t.s + i, attr, n) != 0 || !isspace((unsigned char)t.s[i - 1])) continue;
    size_t j = i + n;
    while (j < t.len && isspace((unsigned char)t.s[j])) j++;
    if (j >= t.len || t.s[j] != '=') continue;
    j++;
    while (j < t.len && isspace((unsigned char)t.s[j])) j++;
    if (j < t.len && (t.s[j] == '"' || t.s[j] == '\'')) {
      char q = t.s[j++];
      size_t k = j;
      while (k < t.len && t.s[k] != q) k++;
      val->s = t.s + j;
      val->len = k - j;
      return 1;
    }
    size_t k = j;
    while (k < t.len && !isspace((unsigned char)t.s[k]) && t.s[k] != '>' &&
           !(t.s[k] == '/' && k + 1 < t.len && t.s[k + 1] == '>'))
      k++;
    val->s = t.s + j;
    val->len = k - j;
    return 1;
  }
  return 0;
}

/* Decodes the character reference at s (starting with '&') into b and
 * returns its length, 0 if it is none. No-break and en/em spaces written
 * by name are plain blanks; a reference to a control or to no character
 * is dropped. */
static size_t html_entity(const char *s, size_t len, pb_buf *b) {
  uint32_t cp;
  size_t n = pb_entity_read(s, len, 0, &cp);
  if (!n) return 0;
  if (s[1] != '#' && (cp == 0xA0 || cp == 0x2002 || cp == 0x2003)) cp = ' ';
  if (pb_entity_text_char(cp)) pb_utf8_put(b, cp);
  return n;
}

char *pb_read_strip_html(pb_library *lib, pb_read_str t, const char **color, const char *file,
                         int line) {
  pb_buf b = PB_BUF_INIT;
  for (size_t i = 0; i < t.len;) {
    if (t.s[i] == '<') {
      pb_read_str name;
      size_t n = html_tag((pb_read_str){t.s + i, t.len - i}, &name);
      if (n) {
        pb_read_str val;
        if (color && pb_read_eq_word(name, "font") &&
            html_attr((pb_read_str){t.s + i, n}, "color", &val) && val.len)
          *color = pb_arena_strndup(lib->arena, val.s, val.len);
        /* one report per element: the opening tag */
        if (!tag_is_harmless(name) && t.s[i + 1] != '/')
          pb_warn(file, line, "unknown HTML tag <%.*s> removed", (int)name.len, name.s);
        i += n;
        continue;
      }
    } else if (t.s[i] == '&') {
      size_t n = html_entity(t.s + i, t.len - i, &b);
      if (n) {
        i += n;
        continue;
      }
    }
    pb_buf_putc(&b, t.s[i++]);
  }
  pb_read_str r = pb_read_trim((pb_read_str){b.data ? b.data : "", b.len});
  char *out = pb_arena_strndup(lib->arena, r.s, r.len);
  pb_buf_free(&b);
  return out;
}

/* ==== resolving targets to local files =========================== */

/* Lexically normalises rel (no leading '/'): drops "." and empty parts and
 * applies "..". Returns 0 when ".." would climb above the start. */
static int normalise_rel(const char *rel, pb_buf *out) {
  const char *p = rel;
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 0 || (n == 1 && p[0] == '.')) {
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      if (!out->len) return 0;
      char *last = strrchr(out->data, '/');
      out->len = last ? (size_t)(last - out->data) : 0;
      out->data[out->len] = 0;
    } else {
      if (out->len) pb_buf_putc(out, '/');
      pb_buf_append(out, p, n);
    }
    p += n;
    if (*p == '/') p++;
  }
  return 1;
}

static int is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether path, after following symlinks, stays under root. */
static int inside_root(const char *root, const char *path) {
  char *rr = realpath(root, NULL), *rp = realpath(path, NULL);
  int ok = 0;
  if (rr && rp) {
    size_t n = strlen(rr);
    ok = strncmp(rr, rp, n) == 0 && (rp[n] == '/' || rp[n] == 0 || (n == 1 && rr[0] == '/'));
  }
  free(rr);
  free(rp);
  return ok;
}

/* "OWNER/REPO" of a GitHub URL (https://github.com/O/R(.git)(/...)), in b. */
static int github_repo(const char *url, size_t len, pb_buf *b) {
  static const char *const prefixes[] = {"https://github.com/", "http://github.com/",
                                         "https://www.github.com/",
                                         "git@github.com:", "ssh://git@github.com/"};
  for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++) {
    size_t n = strlen(prefixes[k]);
    if (len <= n || strncasecmp(url, prefixes[k], n) != 0) continue;
    const char *p = url + n, *end = url + len;
    const char *s1 = memchr(p, '/', (size_t)(end - p));
    if (!s1) return 0;
    const char *s2 = s1 + 1;
    while (s2 < end && *s2 != '/' && *s2 != '?' && *s2 != '#') s2++;
    size_t rl = (size_t)(s2 - p);
    if (rl > 4 && strncmp(s2 - 4, ".git", 4) == 0) rl -= 4;
    pb_buf_reset(b);
    for (size_t i = 0; i < rl; i++) pb_buf_putc(b, tolower((unsigned char)p[i]));
    return 1;
  }
  return 0;
}

/* For a URL into a GitHub repository's files, the repository ("owner/repo",
 * lower case) in repo and the path after the branch in path. */
static int split_repo_url(pb_read_str u, pb_buf *repo, pb_read_str *path) {
  const char *s = u.s, *end = u.s + u.len;
  const char *host = NULL;
  if (u.len > 8 && strncasecmp(s, "https://", 8) == 0)
    host = s + 8;
  else if (u.len > 7 && strncasecmp(s, "http://", 7) == 0)
    host = s + 7;
  if (!host) return 0;
  int raw;
  const char *p;
  if ((size_t)(end - host) > 11 && strncasecmp(host, "github.com/", 11) == 0)
    raw = 0, p = host + 11;
  else if ((size_t)(end - host) > 15 && strncasecmp(host, "www.github.com/", 15) == 0)
    raw = 0, p = host + 15;
  else if ((size_t)(end - host) > 26 && strncasecmp(host, "raw.githubusercontent.com/", 26) == 0)
    raw = 1, p = host + 26;
  else
    return 0;
  /* owner / repo / [blob|raw] / branch / path */
  const char *parts[4];
  const char *q = p;
  int need = raw ? 3 : 4;
  for (int k = 0; k < need; k++) {
    parts[k] = q;
    const char *sl = memchr(q, '/', (size_t)(end - q));
    if (!sl) return 0;
    q = sl + 1;
  }
  if (!raw) {
    size_t kl = (size_t)(parts[3] - parts[2]) - 1;
    if (!((kl == 4 && strncmp(parts[2], "blob", 4) == 0) ||
          (kl == 3 && strncmp(parts[2], "raw", 3) == 0)))
      return 0;
  }
  pb_buf_reset(repo);
  for (const char *c = parts[0]; c < parts[2] - 1 && c < end; c++)
    pb_buf_putc(repo, tolower((unsigned char)*c));
  const char *pe = q;
  while (pe < end && *pe != '?' && *pe != '#') pe++;
  path->s = q;
  path->len = (size_t)(pe - q);
  return path->len > 0;
}

/* Tries root-relative (or base-relative) rel; returns an arena path. */
static const char *try_local(pb_library *lib, const char *base, const char *rel,
                             const pb_read_options *opt, const char *file, int line,
                             const char **relout, int *refused) {
  pb_buf norm = PB_BUF_INIT, full = PB_BUF_INIT;
  const char *result = NULL;
  /* the path relative to the library root, as the model wants it */
  pb_buf_puts(&full, base);
  pb_buf_putc(&full, '/');
  pb_buf_puts(&full, rel);
  if (strcmp(base, lib->root) == 0) {
    if (!normalise_rel(rel, &norm)) {
      if (!(opt && opt->allow_outside)) {
        pb_warn(file, line, "'%s' leaves the library root; not used", rel);
        *refused = 1;
        goto done;
      }
    }
  }
  if (!is_file(full.data)) goto done;
  if (!inside_root(lib->root, full.data)) {
    if (!(opt && opt->allow_outside)) {
      pb_warn(file, line, "'%s' resolves outside the library root; not used", rel);
      *refused = 1;
      goto done;
    }
  }
  result = pb_arena_strdup(lib->arena, full.data);
  if (relout) {
    char *rr = realpath(lib->root, NULL), *rp = realpath(full.data, NULL);
    size_t n = rr ? strlen(rr) : 0;
    if (rr && rp && strncmp(rr, rp, n) == 0 && rp[n] == '/')
      *relout = pb_arena_strdup(lib->arena, rp + n + 1);
    else
      *relout = norm.len ? pb_arena_strdup(lib->arena, norm.data) : NULL;
    free(rr);
    free(rp);
  }
done:
  pb_buf_free(&norm);
  pb_buf_free(&full);
  return result;
}

const char *pb_read_resolve(pb_library *lib, pb_read_str target, const char *base_dir,
                            const pb_read_options *opt, const char *file, int line,
                            const char **rel) {
  pb_buf repo = PB_BUF_INIT, own = PB_BUF_INIT;
  const char *result = NULL;
  int refused = 0;
  if (rel) *rel = NULL;
  target = pb_read_trim(target);
  if (target.len >= 2 && target.s[0] == '<' && target.s[target.len - 1] == '>')
    target.s++, target.len -= 2;
  if (!target.len || memchr(target.s, 0, target.len)) goto done;

  pb_read_str path = target;
  /* htmlpreview.github.io/?URL shows a file of a repository: the file is URL */
  if (pb_read_is_url(target)) {
    const char *q = memchr(target.s, '?', target.len);
    if (q && (size_t)(q - target.s) < 40 &&
        memmem(target.s, (size_t)(q - target.s), "htmlpreview", 11)) {
      pb_read_str inner = {q + 1, target.len - (size_t)(q + 1 - target.s)};
      if (pb_read_is_url(inner)) target = inner;
    }
  }
  if (pb_read_is_url(target)) {
    if (!split_repo_url(target, &repo, &path)) goto done;
    /* only a URL into the library's own repository is local */
    if (lib->repo_url) {
      if (!github_repo(lib->repo_url, strlen(lib->repo_url), &own) || strcmp(own.data, repo.data))
        goto done;
    }
    char *dec = pb_read_percent_decode(lib, path.s, path.len);
    result = try_local(lib, lib->root, dec, opt, file, line, rel, &refused);
    if (result && !lib->repo_url && strchr(dec, '/')) {
      /* no git remote: the first URL that finds its file in a folder under
       * the root (Images/x.png, not a README.md every repository has) names
       * the library's repository, so later URLs into it whose file is
       * missing can be told apart from other people's repositories */
      lib->repo_url = pb_arena_printf(lib->arena, "https://github.com/%s", repo.data);
    } else if (!result && !refused && lib->repo_url && file) {
      /* the repository names the file, this copy of it lacks it */
      pb_warn(file, line,
              "'%s' is in the library's repository (%s) but missing from this copy (%s); "
              "kept as a URL",
              dec, lib->repo_url,
              strcmp(lib->root, ".") == 0 ? "the current directory" : lib->root);
    }
    goto done;
  }
  /* other schemes (mailto:, data:, //host) are never local */
  for (size_t i = 0; i < target.len && i < 12; i++) {
    if (target.s[i] == ':') goto done;
    if (!isalnum((unsigned char)target.s[i])) break;
  }
  if (target.len >= 2 && target.s[0] == '/' && target.s[1] == '/') goto done;
  /* drop ?query and #fragment */
  size_t plen = 0;
  while (plen < target.len && target.s[plen] != '?' && target.s[plen] != '#') plen++;
  if (target.s[0] == '/') {
    char *abs = pb_read_percent_decode(lib, target.s, plen);
    if (!is_file(abs)) goto done;
    if (inside_root(lib->root, abs) || (opt && opt->allow_outside))
      result = abs;
    else
      pb_warn(file, line, "'%s' is outside the library root; not used", abs);
    goto done;
  }
  char *dec = pb_read_percent_decode(lib, target.s, plen);
  char *asis = pb_arena_strndup(lib->arena, target.s, plen);
  const char *bases[2] = {base_dir, lib->root};
  for (int b = 0; b < 2 && !result && !refused; b++) {
    if (!bases[b] || (b == 1 && base_dir && strcmp(base_dir, lib->root) == 0)) continue;
    result = try_local(lib, bases[b], dec, opt, file, line, rel, &refused);
    /* a file whose name really contains "%20" */
    if (!result && !refused && strcmp(dec, asis) != 0)
      result = try_local(lib, bases[b], asis, opt, file, line, rel, &refused);
  }
done:
  pb_buf_free(&repo);
  pb_buf_free(&own);
  return result;
}

const char *pb_resolve_local(pb_library *lib, const char *target, const pb_read_options *opt) {
  if (!lib || !target) return NULL;
  return pb_read_resolve(lib, (pb_read_str){target, strlen(target)}, NULL, opt, NULL, 0, NULL);
}

int pb_read_repo_from_git(pb_library *lib) {
  if (lib->repo_url) return 1;
  pb_buf path = PB_BUF_INIT, conf = PB_BUF_INIT, repo = PB_BUF_INIT;
  int found = 0;
  pb_buf_printf(&path, "%s/.git/config", lib->root);
  /* .git or its config committed as a link would name another
   * repository's remote (a private one, its token in the URL) */
  if (pb_confine_outside(path.data, lib->root, NULL)) goto done;
  if (pb_read_file(path.data, 1 << 20, &conf) != 0 || !conf.data) goto done;
  int in_origin = 0;
  const char *p = conf.data, *end = conf.data + conf.len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    pb_read_str l = pb_read_trim((pb_read_str){p, nl ? (size_t)(nl - p) : (size_t)(end - p)});
    p = nl ? nl + 1 : end;
    if (l.len && l.s[0] == '[') {
      in_origin = l.len >= 16 && strncmp(l.s, "[remote \"origin\"]", 17) == 0;
      continue;
    }
    if (!in_origin || l.len < 4 || strncmp(l.s, "url", 3) != 0) continue;
    const char *eq = memchr(l.s, '=', l.len);
    if (!eq) continue;
    pb_read_str u = pb_read_trim((pb_read_str){eq + 1, l.len - (size_t)(eq + 1 - l.s)});
    /* a login in the URL (https://oauth2:TOKEN@host/..., as CI checkouts
     * write it) must not become part of every link to a library file */
    const char *sep = u.len > 3 ? memchr(u.s, ':', u.len) : NULL;
    if (sep && (size_t)(u.s + u.len - sep) > 3 && memcmp(sep, "://", 3) == 0) {
      const char *host = sep + 3, *uend = u.s + u.len;
      const char *slash = memchr(host, '/', (size_t)(uend - host));
      const char *at = NULL;
      for (const char *q = host; q < (slash ? slash : uend); q++)
        if (*q == '@') at = q;
      if (at) {
        pb_buf_reset(&repo);
        pb_buf_append(&repo, u.s, (size_t)(host - u.s));
        pb_buf_append(&repo, at + 1, (size_t)(uend - at - 1));
        u.s = pb_arena_strndup(lib->arena, repo.data, repo.len);
        u.len = repo.len;
      }
    }
    if (github_repo(u.s, u.len, &repo)) {
      lib->repo_url = pb_arena_printf(lib->arena, "https://github.com/%s", repo.data);
      found = 1;
    } else if (u.len) {
      lib->repo_url = pb_arena_strndup(lib->arena, u.s, u.len);
      found = 1;
    }
    break;
  }
done:
  pb_buf_free(&path);
  pb_buf_free(&conf);
  pb_buf_free(&repo);
  return found;
}

/* ==== figures and links =========================================== */

pb_figure *pb_read_add_figure(pb_library *lib, pb_entry *e, pb_read_str src, pb_read_str alt,
                              int width, const char *base_dir, const pb_read_options *opt,
                              const char *file, int line) {
  src = pb_read_trim(src);
  if (src.len >= 2 && src.s[0] == '<' && src.s[src.len - 1] == '>') src.s++, src.len -= 2;
  pb_figure *f = pb_entry_add_figure(lib, e);
  f->src = pb_arena_strndup(lib->arena, src.s, src.len);
  alt = pb_read_trim(alt);
  f->alt = alt.len ? pb_arena_strndup(lib->arena, alt.s, alt.len) : NULL;
  f->width_hint = width;
  f->file = file;
  f->line = line;
  /* warnings and errors: --strict counts every warning as an error */
  int warned = pb_diag_warnings() + pb_diag_errors();
  f->path = pb_read_resolve(lib, src, base_dir, opt, file, line, NULL);
  warned = pb_diag_warnings() + pb_diag_errors() != warned; /* a refusal was reported */
  if (!f->path && pb_read_is_url(src))
    f->url = f->src;
  else if (!f->path && !warned && !src.len)
    pb_warn(file, line, "figure without a source");
  else if (!f->path && !warned)
    pb_warn(file, line, "figure '%s' not found under the library root", f->src);
  return f;
}

pb_link *pb_read_add_link(pb_library *lib, pb_entry *e, pb_read_str label, pb_read_str url,
                          pb_link_kind kind, const char *base_dir, const pb_read_options *opt,
                          const char *file, int line) {
  label = pb_read_trim(label);
  url = pb_read_trim(url);
  if (url.len >= 2 && url.s[0] == '<' && url.s[url.len - 1] == '>') url.s++, url.len -= 2;
  pb_link *l = pb_entry_add_link(lib, e);
  l->kind = kind;
  l->label = label.len ? pb_arena_strndup(lib->arena, label.s, label.len) : NULL;
  l->url = pb_arena_strndup(lib->arena, url.s, url.len);
  l->line = line;
  /* a library file, by path or by a URL into the library's repository
   * (Slide/x.pptx opens the local deck when the PDF sits in the root) */
  const char *rel = NULL;
  int warned = pb_diag_warnings() + pb_diag_errors();
  if (pb_read_resolve(lib, url, base_dir, opt, file, line, &rel))
    l->local = rel;
  else if (url.len && !pb_read_is_url(url) && !memchr(url.s, ':', url.len) && url.s[0] != '#' &&
           url.s[0] != '/' && url.s[0] != '\\' && pb_diag_warnings() + pb_diag_errors() == warned)
    /* (//host, \\host and absolute paths: the link policy reports them) */
    pb_warn(file, line, "link target '%s' not found under the library root", l->url);
  return l;
}

/* The matching closes of every open bracket of one text, found in one
 * pass (a line of 400,000 '[' took minutes when each open rescanned the
 * rest). Same answers as scanning from the open: depth counting, a
 * backslash escapes the next byte; an escaped open (which the scan from it
 * still treats as an open) closes where the open enclosing it closes, or
 * at the first close that finds no open when none encloses it. */
typedef struct {
  uint32_t *pos, *match; /* every open's position and its close (len if none) */
  size_t n;
  size_t len;
} bracket_index;

static void bracket_index_build(const char *s, size_t len, char open, char close,
                                bracket_index *bi) {
  memset(bi, 0, sizeof *bi);
  bi->len = len;
  size_t nopen = 0;
  for (size_t i = 0; i < len; i++) nopen += s[i] == open;
  if (!nopen || len > UINT32_MAX) return;
  bi->pos = pb_xmalloc(nopen * sizeof *bi->pos);
  bi->match = pb_xmalloc(nopen * sizeof *bi->match);
  uint32_t *stack = pb_xmalloc(nopen * sizeof *stack);
  uint32_t *wait = pb_xmalloc(nopen * sizeof *wait), *wdepth = pb_xmalloc(nopen * sizeof *wdepth);
  size_t sp = 0, nw = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\\' && i + 1 < len) {
      if (s[i + 1] == open) {
        bi->pos[bi->n] = (uint32_t)(i + 1);
        bi->match[bi->n] = (uint32_t)len;
        wait[nw] = (uint32_t)bi->n++;
        wdepth[nw++] = (uint32_t)sp;
      }
      i++;
      continue;
    }
    if (s[i] == open) {
      bi->pos[bi->n] = (uint32_t)i;
      bi->match[bi->n] = (uint32_t)len;
      stack[sp++] = (uint32_t)bi->n++;
    } else if (s[i] == close) {
      while (nw && wdepth[nw - 1] == sp) bi->match[wait[--nw]] = (uint32_t)i;
      if (sp) bi->match[stack[--sp]] = (uint32_t)i;
    }
  }
  free(stack);
  free(wait);
  free(wdepth);
}

static void bracket_index_free(bracket_index *bi) {
  free(bi->pos);
  free(bi->match);
  memset(bi, 0, sizeof *bi);
}

/* The index of the close matching the open at s[at], relative to at (as a
 * scan from s + at would return), or len - at when unclosed. */
static size_t match_close(const bracket_index *bi, size_t at) {
  size_t lo = 0, hi = bi->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (bi->pos[mid] < at)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < bi->n && bi->pos[lo] == at) return bi->match[lo] - at;
  return bi->len - at;
}

size_t pb_read_take_images(pb_library *lib, pb_entry *e, pb_read_str line, pb_buf *rest,
                           const char *base_dir, const pb_read_options *opt, const char *file,
                           int lineno) {
  size_t found = 0;
  bracket_index sq, par;
  int indexed = 0;
  for (size_t i = 0; i < line.len;) {
    if (line.s[i] == '<' && line.len - i > 4 && strncasecmp(line.s + i, "<img", 4) == 0 &&
        (isspace((unsigned char)line.s[i + 4]) || line.s[i + 4] == '/')) {
      pb_read_str name;
      size_t n = html_tag((pb_read_str){line.s + i, line.len - i}, &name);
      if (!n) n = line.len - i; /* unclosed tag: the rest of the line */
      pb_read_str tag = {line.s + i, n}, src = {"", 0}, alt = {"", 0}, width = {"", 0};
      html_attr(tag, "src", &src);
      html_attr(tag, "alt", &alt);
      int w = 0;
      if (html_attr(tag, "width", &width)) read_digits(width.s, width.len, 6, &w);
      if (e) pb_read_add_figure(lib, e, src, alt, w, base_dir, opt, file, lineno);
      found++;
      i += n;
      continue;
    }
    if (line.s[i] == '!' && i + 1 < line.len && line.s[i + 1] == '[') {
      if (!indexed) {
        bracket_index_build(line.s, line.len, '[', ']', &sq);
        bracket_index_build(line.s, line.len, '(', ')', &par);
        indexed = 1;
      }
      size_t cb = match_close(&sq, i + 1);
      size_t after = i + 1 + cb + 1;
      if (cb < line.len - i - 1 && after < line.len && line.s[after] == '(') {
        size_t cp = match_close(&par, after);
        if (cp < line.len - after) {
          pb_read_str alt = {line.s + i + 2, cb - 1};
          pb_read_str src = {line.s + after + 1, cp - 1};
          /* ![x](url "title") */
          for (size_t k = 0; k < src.len; k++)
            if (src.s[k] == ' ' && k + 1 < src.len &&
                (src.s[k + 1] == '"' || src.s[k + 1] == '\'')) {
              src.len = k;
              break;
            }
          if (e) pb_read_add_figure(lib, e, src, alt, 0, base_dir, opt, file, lineno);
          found++;
          i = after + cp + 1;
          continue;
        }
      }
    }
    if (rest) pb_buf_putc(rest, line.s[i]);
    i++;
  }
  if (indexed) {
    bracket_index_free(&sq);
    bracket_index_free(&par);
  }
  return found;
}

/* Scans t for [label](url) links; calls back for each when e is set.
 * Returns the number of links; *only_links is set when nothing but links
 * and separators were found. */
static size_t scan_links(pb_library *lib, pb_entry *e, pb_read_str t, int *only_links,
                         const char *base_dir, const pb_read_options *opt, const char *file,
                         int line) {
  size_t count = 0;
  int only = 1;
  bracket_index sq, par;
  int indexed = 0;
  for (size_t i = 0; i < t.len;) {
    char c = t.s[i];
    if (c == '[') {
      if (!indexed) {
        bracket_index_build(t.s, t.len, '[', ']', &sq);
        bracket_index_build(t.s, t.len, '(', ')', &par);
        indexed = 1;
      }
      size_t cb = match_close(&sq, i);
      size_t after = i + cb + 1;
      if (cb < t.len - i && after < t.len && t.s[after] == '(') {
        size_t cp = match_close(&par, after);
        pb_read_str label = {t.s + i + 1, cb - 1};
        pb_read_str url = {t.s + after + 1, cp < t.len - after ? cp - 1 : t.len - after - 1};
        if (e && pb_read_trim(url).len) {
          char *lab = pb_arena_strndup(lib->arena, label.s, label.len);
          pb_read_add_link(lib, e, label, url, pb_link_kind_from_label(lab, NULL), base_dir, opt,
                           file, line);
        }
        count++;
        i = cp < t.len - after ? after + cp + 1 : t.len;
        continue;
      }
      only = 0;
      if (!e && only_links) break;
      i++;
      continue;
    }
    size_t n;
    if (c == ',' || c == ';' || c == '|' || c == '\\' || c == '/' ||
        is_blank_byte((unsigned char)c)) {
      i++;
      continue;
    }
    if (is_venue_sep(t.s + i, t.len - i, &n) && n > 1) {
      i += n;
      continue;
    }
    only = 0;
    if (!e && only_links) break; /* a question whose answer is now no: not a links-only line */
    i++;
  }
  if (indexed) {
    bracket_index_free(&sq);
    bracket_index_free(&par);
  }
  if (only_links) *only_links = only;
  return count;
}

int pb_read_is_link_line(pb_read_str t) {
  int only = 0;
  size_t n = scan_links(NULL, NULL, pb_read_trim(t), &only, NULL, NULL, NULL, 0);
  return n > 0 && only;
}

size_t pb_read_take_links(pb_library *lib, pb_entry *e, pb_read_str t, const char *base_dir,
                          const pb_read_options *opt, const char *file, int line) {
  return scan_links(lib, e, t, NULL, base_dir, opt, file, line);
}

/* ==== Markdown to rich text ====================================== */

void pb_read_lines_push(pb_read_lines *l, int line) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 64;
    l->v = pb_xrealloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->n++] = line;
}

void pb_read_lines_free(pb_read_lines *l) {
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}

pb_read_str pb_read_drop_hard_break(pb_read_str t) {
  t = pb_read_trim(t);
  if (t.len && t.s[t.len - 1] == '\\' && !(t.len >= 2 && t.s[t.len - 2] == '\\'))
    t = pb_read_trim((pb_read_str){t.s, t.len - 1});
  return t;
}

size_t pb_read_summary_label(pb_read_str t) {
  static const char *const labels[] = {"论文框架图", "论文框架", "论文简述", "论文简介",
                                       "论文概述",   "论文摘要", "框架图"};
  for (size_t k = 0; k < sizeof labels / sizeof *labels; k++) {
    size_t n = strlen(labels[k]);
    if (t.len < n || memcmp(t.s, labels[k], n) != 0) continue;
    size_t i = n;
    while (i < t.len && is_blank_byte((unsigned char)t.s[i])) i++;
    if (t.len - i >= 3 && memcmp(t.s + i, "：", 3) == 0)
      i += 3;
    else if (i < t.len && t.s[i] == ':')
      i++;
    else if (i < t.len)
      return 0; /* "论文简述了..." is text, not a label */
    while (i < t.len && is_blank_byte((unsigned char)t.s[i])) i++;
    return i;
  }
  return 0;
}

typedef struct {
  int ordered;
  int next;  /* number of the next item */
  int cur;   /* number of the current item */
  int paras; /* paragraphs seen in the current item */
} md_list;

typedef struct {
  const pb_read_md *m;
  pb_text *out;
  long cur; /* index of the open block, -1 if none */
  int pending_space;
  unsigned style;
  int emph, strong;
  const char **urls;
  size_t nurls, capurls;
  md_list *lists;
  size_t nlists, caplists;
  int quote;
} md_state;

static int md_line(const md_state *st, cmark_node *n) {
  int l = cmark_node_get_start_line(n);
  const pb_read_md *m = st->m;
  if (l >= 1 && (size_t)l <= m->nlinemap) return m->linemap[l - 1];
  return m->nlinemap ? m->linemap[m->nlinemap - 1] : 0;
}

static long md_open(md_state *st, pb_block_kind kind, int line) {
  pb_block *b = pb_text_add_block(st->m->lib, st->out, kind, st->m->file, line);
  if (kind == PB_BLOCK_ITEM && st->nlists) {
    md_list *l = &st->lists[st->nlists - 1];
    b->depth = (int)st->nlists;
    b->ordinal = l->ordered ? l->cur : 0;
    b->continuation = l->paras++ > 0;
  } else {
    b->depth = st->quote;
  }
  st->pending_space = 0;
  return (long)(st->out->n - 1);
}

/* Last code point of s, 0 if empty. */
static uint32_t last_cp(const char *s) {
  size_t n = strlen(s);
  if (!n) return 0;
  size_t i = n - 1;
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
  uint32_t cp;
  pb_utf8_decode(s + i, n - i, &cp);
  return cp;
}

static void md_text(md_state *st, const char *text, size_t len, unsigned style, int line) {
  if (!len) return;
  if (st->cur < 0) st->cur = md_open(st, PB_BLOCK_PARA, line);
  pb_block *b = &st->out->blocks[st->cur];
  const char *url = st->nurls ? st->urls[st->nurls - 1] : NULL;
  if (st->pending_space && b->nspans) {
    uint32_t before = last_cp(b->spans[b->nspans - 1].text), after;
    pb_utf8_decode(text, len, &after);
    /* a line break between two Chinese characters is not a space */
    int cjk = (pb_is_cjk(before) || pb_is_cjk_punct(before)) &&
              (pb_is_cjk(after) || pb_is_cjk_punct(after));
    if (!cjk && !pb_is_space(before) && !pb_is_space(after))
      pb_block_add_span(st->m->lib, b, " ", 1, style & ~(unsigned)PB_STYLE_LINK, NULL);
  }
  st->pending_space = 0;
  pb_block_add_span(st->m->lib, b, text, len, style, url);
}

static unsigned md_style(const md_state *st) {
  return (st->emph ? PB_STYLE_ITALIC : 0u) | (st->strong ? PB_STYLE_BOLD : 0u);
}

static void md_html(md_state *st, cmark_node *n, int is_block) {
  const char *lit = cmark_node_get_literal(n);
  if (!lit) return;
  pb_read_str t = {lit, strlen(lit)};
  int line = md_line(st, n);
  /* figures written as <img> inside the text */
  pb_buf rest = PB_BUF_INIT;
  if (st->m->entry)
    pb_read_take_images(st->m->lib, st->m->entry, t, &rest, st->m->base_dir, st->m->opt,
                        st->m->file, line);
  else
    pb_buf_append(&rest, t.s, t.len);
  pb_read_str r = {rest.data ? rest.data : "", rest.len};
  if (!is_block && r.len) {
    pb_read_str name;
    size_t k = html_tag(r, &name);
    if (k && pb_read_eq_word(name, "br"))
      st->pending_space = 1;
    else if (k && !tag_is_harmless(name) && r.s[1] != '/')
      pb_warn(st->m->file, line, "unknown HTML tag <%.*s> removed", (int)name.len, name.s);
    pb_buf_free(&rest);
    return;
  }
  char *plain = pb_read_strip_html(st->m->lib, r, NULL, st->m->file, line);
  if (*plain) {
    st->cur = md_open(st, PB_BLOCK_PARA, line);
    md_text(st, plain, strlen(plain), 0, line);
    st->cur = -1;
  }
  pb_buf_free(&rest);
}

/* Whether a block holds only blanks. */
static int block_blank(const pb_block *b) {
  for (size_t i = 0; i < b->nspans; i++)
    if (!pb_read_is_blank((pb_read_str){b->spans[i].text, strlen(b->spans[i].text)})) return 0;
  return 1;
}

/* An image: a figure of the entry being read, or (in a category's
 * references) its alt text as a link to it. */
static void md_image(md_state *st, cmark_node *n) {
  const pb_read_md *m = st->m;
  const char *url = cmark_node_get_url(n);
  pb_buf alt = PB_BUF_INIT;
  /* the alt text is the image's text children */
  cmark_iter *sub = cmark_iter_new(n);
  cmark_event_type e2;
  while ((e2 = cmark_iter_next(sub)) != CMARK_EVENT_DONE) {
    cmark_node *c = cmark_iter_get_node(sub);
    if (e2 == CMARK_EVENT_ENTER && cmark_node_get_type(c) == CMARK_NODE_TEXT)
      pb_buf_puts(&alt, cmark_node_get_literal(c));
  }
  cmark_iter_free(sub);
  pb_read_str src = {url ? url : "", url ? strlen(url) : 0};
  pb_read_str a = {alt.data ? alt.data : "", alt.len};
  if (m->entry) {
    pb_read_add_figure(m->lib, m->entry, src, a, 0, m->base_dir, m->opt, m->file, md_line(st, n));
  } else {
    *PB_PUSH(m->lib->arena, st->urls, st->nurls, st->capurls) =
        pb_arena_strndup(m->lib->arena, src.s, src.len);
    md_text(st, a.len ? a.s : src.s, a.len ? a.len : src.len, md_style(st), md_line(st, n));
    st->nurls--;
  }
  pb_buf_free(&alt);
}

void pb_read_markdown_text(const pb_read_md *m, pb_text *out, const char *md, size_t len) {
  md_state st;
  memset(&st, 0, sizeof st);
  st.m = m;
  st.out = out;
  st.cur = -1;
  size_t first = out->n;
  cmark_node *doc = cmark_parse_document(md, len, CMARK_OPT_DEFAULT);
  if (!doc) return;
  cmark_iter *it = cmark_iter_new(doc);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *n = cmark_iter_get_node(it);
    int enter = ev == CMARK_EVENT_ENTER;
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_BLOCK_QUOTE: st.quote += enter ? 1 : -1; break;
    case CMARK_NODE_LIST:
      if (enter) {
        if (st.nlists == st.caplists) {
          st.caplists = st.caplists ? st.caplists * 2 : 8;
          st.lists = pb_xrealloc(st.lists, st.caplists * sizeof *st.lists);
        }
        md_list *l = &st.lists[st.nlists++];
        l->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
        l->next = l->ordered ? cmark_node_get_list_start(n) : 0;
        l->cur = l->next;
        l->paras = 0;
      } else if (st.nlists) {
        st.nlists--;
      }
      break;
    case CMARK_NODE_ITEM:
      if (enter && st.nlists) {
        md_list *l = &st.lists[st.nlists - 1];
        l->cur = l->next++;
        l->paras = 0;
      }
      break;
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
      if (enter) {
        cmark_node *parent = cmark_node_parent(n);
        pb_block_kind kind = cmark_node_get_type(n) == CMARK_NODE_HEADING ? PB_BLOCK_HEADING
                             : (parent && cmark_node_get_type(parent) == CMARK_NODE_ITEM)
                                 ? PB_BLOCK_ITEM
                                 : PB_BLOCK_PARA;
        st.cur = md_open(&st, kind, md_line(&st, n));
      } else {
        st.cur = -1;
      }
      break;
    case CMARK_NODE_CODE_BLOCK: {
      const char *lit = cmark_node_get_literal(n);
      size_t l = lit ? strlen(lit) : 0;
      while (l && lit[l - 1] == '\n') l--;
      if (l) {
        st.cur = md_open(&st, PB_BLOCK_CODE, md_line(&st, n));
        md_text(&st, lit, l, PB_STYLE_CODE, md_line(&st, n));
        st.cur = -1;
      }
      break;
    }
    case CMARK_NODE_TEXT: {
      const char *lit = cmark_node_get_literal(n);
      if (lit) md_text(&st, lit, strlen(lit), md_style(&st), md_line(&st, n));
      break;
    }
    case CMARK_NODE_CODE: {
      const char *lit = cmark_node_get_literal(n);
      if (lit) md_text(&st, lit, strlen(lit), md_style(&st) | PB_STYLE_CODE, md_line(&st, n));
      break;
    }
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK: st.pending_space = 1; break;
    case CMARK_NODE_EMPH: st.emph += enter ? 1 : -1; break;
    case CMARK_NODE_STRONG: st.strong += enter ? 1 : -1; break;
    case CMARK_NODE_LINK:
      if (enter) {
        const char *url = cmark_node_get_url(n);
        *PB_PUSH(m->lib->arena, st.urls, st.nurls, st.capurls) =
            pb_arena_strdup(m->lib->arena, url ? url : "");
      } else if (st.nurls) {
        st.nurls--;
      }
      break;
    case CMARK_NODE_IMAGE:
      if (enter) {
        md_image(&st, n);
        cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
      }
      break;
    case CMARK_NODE_HTML_INLINE: md_html(&st, n, 0); break;
    case CMARK_NODE_HTML_BLOCK: md_html(&st, n, 1); break;
    default: break;
    }
  }
  cmark_iter_free(it);
  cmark_node_free(doc);
  free(st.lists);
  pb_inline_blocks(m->lib, out, first);
  /* drop blank blocks (a lone "&nbsp;", a label left empty) */
  size_t w = first;
  for (size_t r = first; r < out->n; r++)
    if (!block_blank(&out->blocks[r])) out->blocks[w++] = out->blocks[r];
  out->n = w;
}

/* ==== check-in heads ============================================== */

size_t pb_read_bad_date(pb_read_str t) {
  char iso[11];
  if (pb_read_date(t, iso)) return 0;
  size_t i = pb_date_shape(t.s, t.len);
  if (!i) return 0;
  while (i < t.len && t.s[i] == ' ') i++;
  if (i < t.len && t.s[i] == ']') return i;
  if (t.len - i >= 3 && memcmp(t.s + i, "】", 3) == 0) return i;
  return 0;
}

int pb_read_is_checkin_head(pb_read_str t) {
  t = pb_read_trim(t);
  size_t i = 0;
  if (pb_read_starts_with(t, "["))
    i = 1;
  else if (pb_read_starts_with(t, "【"))
    i = 3;
  while (i < t.len && t.s[i] == ' ') i++;
  char iso[11];
  if (pb_read_date((pb_read_str){t.s + i, t.len - i}, iso)) return 1;
  /* "[2025-11-230]-[name]-...": a head whose date has a typo is still a
   * head (the reader says so and dates it by its neighbours) */
  if (i) {
    size_t b = pb_read_bad_date((pb_read_str){t.s + i, t.len - i});
    if (b) {
      size_t k = i + b + (t.s[i + b] == ']' ? 1 : 3);
      while (k < t.len && t.s[k] == ' ') k++;
      if (k < t.len && (t.s[k] == '-' || t.s[k] == '[' ||
                        pb_read_starts_with((pb_read_str){t.s + k, t.len - k}, "【") ||
                        pb_read_starts_with((pb_read_str){t.s + k, t.len - k}, "—")))
        return 1;
    }
  }
  /* "[待补充]-[name]-..." : a head whose date was left for later */
  return i && (pb_read_starts_with((pb_read_str){t.s + i, t.len - i}, "待补充]-") ||
               pb_read_starts_with((pb_read_str){t.s + i, t.len - i}, "待定]-"));
}
