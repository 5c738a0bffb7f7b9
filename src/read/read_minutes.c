/* The group's weekly minutes ("每周小会纪要.md"): under a year heading,
 * held sessions newest first, each a list item "- 5.31 陈银 徐赟博" with
 * the talks below it ("陈银-分享了..." or "- 张宇 - ...", links to papers
 * and decks), then checklist lines for the absentees and best questioners
 * ("- [x] 本周缺席成员：何艺超（请假），最佳提问人：聂建涛，徐赟博") and the
 * write-ups ("- [ ] 本周知乎专栏投稿文章: [title](url), 程浩"). After a
 * divider line ("分割线 --- ... ---", "---") come the planned sessions in
 * date order, one head each.
 *
 * The reader goes line by line and gives every line a place: a heading, a
 * session head, a talk, a checklist line, a divider or a blank. A line that
 * fits none is a warning with its file:line, never dropped silently. The
 * names in all session heads are collected first, so that a talk line is
 * recognised by the name it starts with, with or without a dash after it. */
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "diag.h"
#include "links.h"
#include "read_common.h"

typedef pb_read_str str;

#define MAX_NAMES 256

typedef struct {
  pb_library *lib;
  const pb_read_options *opt;
  pb_read_source *src;
  const char *names[MAX_NAMES]; /* every name in a session head, arena strings */
  size_t nnames;
  int year;           /* of the session being read, 0 before any heading */
  int heading_year;   /* from the heading above */
  int checklist_seen; /* the current session's checklist has begun */
  int planned;        /* after the divider of the current year */
  int held_in_year;   /* held sessions seen under the current heading */
  int last_m, last_d; /* previous session's date in this section */
  pb_session *cur;
  int last_was_talk; /* a nameless line continues the previous talk */
} minutes_ctx;

/* ---- small text helpers ------------------------------------------ */

static int at(str t, size_t i, const char *lit) {
  size_t n = strlen(lit);
  return i + n <= t.len && memcmp(t.s + i, lit, n) == 0;
}

static int contains(str t, const char *lit) {
  size_t n = strlen(lit);
  for (size_t i = 0; i + n <= t.len; i++)
    if (memcmp(t.s + i, lit, n) == 0) return 1;
  return 0;
}

static size_t find(str t, const char *lit) {
  size_t n = strlen(lit);
  for (size_t i = 0; i + n <= t.len; i++)
    if (memcmp(t.s + i, lit, n) == 0) return i;
  return t.len;
}

/* Blank-like: ASCII blanks, tabs, the ideographic space and no-break space. */
static size_t blank_len(str t, size_t i) {
  if (i >= t.len) return 0;
  if (t.s[i] == ' ' || t.s[i] == '\t') return 1;
  if (at(t, i, "　")) return 3;
  if (at(t, i, "\xC2\xA0")) return 2;
  return 0;
}

/* Separators between names and parts: blanks, dashes, commas, colons. */
static size_t sep_len(str t, size_t i) {
  size_t b = blank_len(t, i);
  if (b) return b;
  if (i >= t.len) return 0;
  char c = t.s[i];
  if (c == '-' || c == ',' || c == ':' || c == ';' || c == '/' || c == '&' || c == '|') return 1;
  static const char *const wide[] = {"，", "、", "：", "；", "—", "－", "–"};
  for (size_t k = 0; k < sizeof wide / sizeof *wide; k++)
    if (at(t, i, wide[k])) return strlen(wide[k]);
  return 0;
}

static str skip_seps(str t) {
  size_t n;
  while (t.len && (n = sep_len(t, 0)) > 0) t.s += n, t.len -= n;
  return t;
}

static str trim_all(str t) {
  size_t n;
  while (t.len && (n = blank_len(t, 0)) > 0) t.s += n, t.len -= n;
  for (;;) {
    if (t.len && (t.s[t.len - 1] == ' ' || t.s[t.len - 1] == '\t'))
      t.len--;
    else if (t.len >= 3 && memcmp(t.s + t.len - 3, "　", 3) == 0)
      t.len -= 3;
    else
      break;
  }
  return t;
}

/* Separators and closing punctuation trimmed from both ends. */
static str trim_punct(str t) {
  t = skip_seps(t);
  for (;;) {
    t = trim_all(t);
    size_t n = t.len;
    if (n && strchr("-,.;:|\\", t.s[n - 1]))
      t.len--;
    else if (n >= 3 && (memcmp(t.s + n - 3, "，", 3) == 0 || memcmp(t.s + n - 3, "。", 3) == 0 ||
                        memcmp(t.s + n - 3, "、", 3) == 0 || memcmp(t.s + n - 3, "：", 3) == 0 ||
                        memcmp(t.s + n - 3, "；", 3) == 0))
      t.len -= 3;
    else
      break;
  }
  return t;
}

/* The line without its indentation and without a trailing "\" (a hard
 * line break in Markdown). */
static str clean_line(str raw) {
  str t = trim_all(raw);
  while (t.len && t.s[t.len - 1] == '\\') t = trim_all((str){t.s, t.len - 1});
  return t;
}

/* A list marker ("- ", "* ", "+ ", "1. ") at the start: returns its length
 * with the blanks after it, 0 when there is none. */
static size_t list_marker(str t) {
  size_t i = 0;
  if (t.len && (t.s[0] == '-' || t.s[0] == '*' || t.s[0] == '+'))
    i = 1;
  else {
    while (i < t.len && t.s[i] >= '0' && t.s[i] <= '9') i++;
    if (!i || i >= t.len || (t.s[i] != '.' && t.s[i] != ')')) return 0;
    i++;
  }
  size_t b = blank_len(t, i);
  if (!b && i < t.len) return 0;
  while ((b = blank_len(t, i)) > 0) i += b;
  return i;
}

/* A checkbox "[x]", "[X]", "[ ]", "[]" at the start: 1 ticked, 0 not, -1
 * none. *used gets its length with the blanks after it. */
static int checkbox(str t, size_t *used) {
  size_t i;
  int state;
  if (at(t, 0, "[x]") || at(t, 0, "[X]") || at(t, 0, "[✓]"))
    state = 1, i = at(t, 0, "[✓]") ? 5 : 3;
  else if (at(t, 0, "[ ]"))
    state = 0, i = 3;
  else if (at(t, 0, "[]"))
    state = 0, i = 2;
  else
    return -1;
  size_t b;
  while ((b = blank_len(t, i)) > 0) i += b;
  *used = i;
  return state;
}

/* A session date at the start of t (dates.c's PB_DATE_SESSION: "5.31",
 * "5月31日", "2024.5.31"; *y is 0 when no year was written). Returns the
 * bytes used (0 if none). The date must be followed by a blank, a
 * separator, an opening bracket or the end. */
static size_t session_date(str t, int *y, int *m, int *d) {
  size_t i = pb_date_scan(t.s, t.len, PB_DATE_SESSION, y, m, d);
  if (!i) return 0;
  if (i < t.len && !sep_len(t, i) && !at(t, i, "（") && t.s[i] != '(') return 0;
  return i;
}

/* Whether a (trimmed) line is a session head: a list item whose text
 * starts with a date and goes on with at least one name. */
static int is_session_head(str t, size_t *date_at) {
  size_t lm = list_marker(t);
  if (!lm) return 0;
  str r = {t.s + lm, t.len - lm};
  int y, m, d;
  size_t used = session_date(r, &y, &m, &d);
  if (!used) return 0;
  *date_at = lm;
  return 1;
}

/* A divider between the held sessions and the rota. */
static int is_divider(str t) {
  if (contains(t, "分割线") || contains(t, "分界线")) return 1;
  if (pb_read_is_separator(t)) return 1;
  return contains(t, "---") && !contains(t, "](");
}

static int is_heading(str t) { return t.len && t.s[0] == '#'; }

/* ---- names -------------------------------------------------------- */

static const char *intern_name(minutes_ctx *c, str name) {
  for (size_t i = 0; i < c->nnames; i++)
    if (strlen(c->names[i]) == name.len && memcmp(c->names[i], name.s, name.len) == 0)
      return c->names[i];
  const char *s = pb_arena_strndup(c->lib->arena, name.s, name.len);
  if (c->nnames < MAX_NAMES) c->names[c->nnames++] = s;
  return s;
}

/* A person's name as written in a list: not too long, no brackets, no
 * digits, no link. */
static int plausible_name(str t) {
  if (!t.len || t.len > 40) return 0;
  for (size_t i = 0; i < t.len; i++) {
    unsigned char ch = (unsigned char)t.s[i];
    if (ch < 0x80 && !((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == ' ' ||
                       ch == '.' || ch == '\'' || ch == '_'))
      return 0;
  }
  return 1;
}

/* The known name t starts with, followed by a separator or the end;
 * the longest one wins. *used gets its length. */
static const char *known_prefix(const minutes_ctx *c, str t, size_t *used) {
  const char *best = NULL;
  size_t bl = 0;
  for (size_t i = 0; i < c->nnames; i++) {
    size_t n = strlen(c->names[i]);
    if (n <= bl || n > t.len || memcmp(t.s, c->names[i], n) != 0) continue;
    if (n < t.len && !sep_len(t, n)) continue;
    best = c->names[i], bl = n;
  }
  *used = bl;
  return best;
}

/* An unknown name before a dash or colon: "贾朋-分享了..." (two to four
 * Chinese characters). */
static size_t cjk_name_prefix(str t) {
  size_t i = 0, chars = 0;
  while (i + 3 <= t.len && (unsigned char)t.s[i] >= 0xE4 && (unsigned char)t.s[i] <= 0xE9 &&
         chars < 5)
    i += 3, chars++;
  if (chars < 2 || chars > 4) return 0;
  if (i < t.len &&
      (t.s[i] == '-' || t.s[i] == ':' || at(t, i, "：") || at(t, i, "－") || at(t, i, "—")))
    return i;
  return 0;
}

/* Splits a list of names ("聂建涛，徐赟博", "何艺超（请假）", "无") into
 * people. Returns -1 when it says "nobody", else the number added. */
static int read_people(minutes_ctx *c, str t, pb_session_person **v, size_t *n, size_t *cap,
                       int line) {
  t = trim_punct(t);
  if (!t.len) return 0;
  if (pb_read_eq_word(t, "none") || (t.len == 3 && memcmp(t.s, "无", 3) == 0) ||
      (t.len == 6 && (memcmp(t.s, "没有", 6) == 0 || memcmp(t.s, "暂无", 6) == 0)))
    return -1;
  int added = 0;
  size_t i = 0;
  while (i < t.len) {
    size_t s;
    if ((s = sep_len(t, i)) > 0 && t.s[i] != '-') {
      i += s;
      continue;
    }
    size_t j = i;
    while (j < t.len && !(sep_len(t, j) && t.s[j] != '-') && t.s[j] != '(' && !at(t, j, "（")) j++;
    str name = trim_all((str){t.s + i, j - i});
    str note = {"", 0};
    if (j < t.len && (t.s[j] == '(' || at(t, j, "（"))) {
      size_t k = j + (t.s[j] == '(' ? 1 : 3);
      size_t e = k;
      while (e < t.len && t.s[e] != ')' && !at(t, e, "）")) e++;
      note = trim_all((str){t.s + k, e - k});
      j = e < t.len ? e + (t.s[e] == ')' ? 1 : 3) : e;
    }
    if (name.len) {
      if (!plausible_name(name))
        pb_warn(c->src->file, line, "'%.*s' does not look like a name; kept as written",
                (int)pb_read_cut(name, 60).len, name.s);
      pb_session_person *p = PB_PUSH(c->lib->arena, *v, *n, *cap);
      p->name = intern_name(c, name);
      p->note = note.len ? pb_arena_strndup(c->lib->arena, note.s, note.len) : NULL;
      added++;
    }
    i = j;
  }
  return added;
}

/* ---- links ---------------------------------------------------------- */

/* Matching close of the bracket that opens at t.s[i] ("[" / "【", "(" /
 * "（"; the ASCII and full-width forms close each other). Returns the index
 * of the close, t.len when unclosed; *cl its length. */
static size_t close_of(str t, size_t i, size_t *cl) {
  int square = t.s[i] == '[' || at(t, i, "【");
  int depth = 0;
  for (size_t k = i; k < t.len;) {
    int op = square ? (t.s[k] == '[' || at(t, k, "【")) : (t.s[k] == '(' || at(t, k, "（"));
    int cls = square ? (t.s[k] == ']' || at(t, k, "】")) : (t.s[k] == ')' || at(t, k, "）"));
    size_t n = (unsigned char)t.s[k] >= 0x80 ? 3 : 1;
    if (op) depth++;
    if (cls && --depth == 0) {
      *cl = n;
      return k;
    }
    k += n;
  }
  *cl = 0;
  return t.len;
}

static int opens_square(str t, size_t i) { return t.s[i] == '[' || at(t, i, "【"); }
static int opens_round(str t, size_t i) { return t.s[i] == '(' || at(t, i, "（"); }

/* The URL at the start of t up to a blank, a closing bracket or Chinese
 * punctuation. */
static str url_at(str t) {
  size_t j = 0;
  while (j < t.len) {
    unsigned char ch = (unsigned char)t.s[j];
    if (ch <= ' ' || ch == ')' || ch == ']' || ch == '"' || ch == '<' || ch >= 0x80) break;
    j++;
  }
  return (str){t.s, j};
}

static int starts_url(str t) {
  return pb_read_starts_with(t, "http://") || pb_read_starts_with(t, "https://");
}

static int icontains(const char *s, const char *word) {
  size_t n = strlen(word);
  for (; *s; s++) {
    size_t k = 0;
    while (k < n && s[k] && (s[k] | 0x20) == (word[k] | 0x20)) k++;
    if (k == n) return 1;
  }
  return 0;
}

/* Words that only name a link ("paper", "PPT", "知乎"): not a description. */
static int generic_label(str t) {
  static const char *const words[] = {"paper",  "paper1", "paper2", "paper3", "ppt",  "pptx",
                                      "slides", "slide",  "pdf",    "link",   "code", "知乎",
                                      "论文",   "链接",   "代码",   "原文"};
  t = trim_punct(t);
  if (!t.len) return 1;
  for (size_t k = 0; k < sizeof words / sizeof *words; k++)
    if (pb_read_eq_word(t, words[k])) return 1;
  return 0;
}

/* The kind of a talk's link, from its label and its URL. */
static pb_link_kind talk_link_kind(const char *label, const char *url) {
  if (icontains(url, "docs.google.com/presentation") || icontains(url, "htmlpreview.github.io") ||
      icontains(url, "/Slide/") || icontains(url, ".pptx") || icontains(url, "speakerdeck.com") ||
      icontains(url, "slides.com") ||
      (label && (icontains(label, "ppt") || icontains(label, "slide") ||
                 icontains(label, "幻灯片") || icontains(label, "课件"))))
    return PB_LINK_SLIDE;
  if (icontains(url, "zhuanlan.zhihu.com") || icontains(url, "zhihu.com/p/")) return PB_LINK_BLOG;
  if (icontains(url, "github.com") && !icontains(url, ".pdf")) return PB_LINK_CODE;
  return PB_LINK_PAPER;
}

/* A deck in the library itself: "Slide/NAME" in the URL (a GitHub blob
 * link, an htmlpreview wrapper, a relative path) whose file is there. */
static const char *local_deck(minutes_ctx *c, const char *url) {
  const char *p = strstr(url, "Slide/");
  if (!p) return NULL;
  size_t n = strcspn(p, "?#");
  char *rel = pb_read_percent_decode(c->lib, p, n);
  if (strstr(rel, "..")) return NULL;
  char *full = pb_arena_printf(c->lib->arena, "%s/%s", c->lib->root, rel);
  FILE *f = fopen(full, "rb");
  if (!f) return NULL;
  fclose(f);
  return rel;
}

typedef struct {
  pb_link *v;
  size_t n, cap;
  pb_buf text; /* the line with links reduced to their titles */
} link_scan;

static void add_link(minutes_ctx *c, link_scan *ls, str label, str url, int line) {
  url = trim_all(url);
  if (!url.len) return;
  pb_link *l = PB_PUSH(c->lib->arena, ls->v, ls->n, ls->cap);
  l->label = pb_arena_strndup(c->lib->arena, label.s, label.len);
  l->url = pb_arena_strndup(c->lib->arena, url.s, url.len);
  l->kind = talk_link_kind(l->label, l->url);
  l->local = l->kind == PB_LINK_SLIDE ? local_deck(c, l->url) : NULL;
  l->line = line;
}

/* Takes the links out of t: "[label](url)" (either bracket width, the two
 * widths mixed), "[url]", "(url)", bare URLs, and "[paper][url](url)" where a
 * bare label names the link after it. What is left goes to ls->text, with
 * link titles that say more than "paper" kept as text. */
static void scan_links(minutes_ctx *c, str t, link_scan *ls, int line) {
  str pending = {"", 0};
  size_t i = 0;
  while (i < t.len) {
    size_t cl;
    if (opens_square(t, i)) {
      size_t ol = t.s[i] == '[' ? 1 : 3;
      size_t e = close_of(t, i, &cl);
      if (e >= t.len) { /* unclosed: plain text */
        pb_buf_append(&ls->text, t.s + i, ol);
        i += ol;
        continue;
      }
      str inner = {t.s + i + ol, e - i - ol};
      size_t after = e + cl;
      if (after < t.len && opens_round(t, after)) {
        size_t pl = t.s[after] == '(' ? 1 : 3;
        size_t pe = close_of(t, after, &cl);
        str target = {t.s + after + pl, (pe < t.len ? pe : t.len) - after - pl};
        str label = pending.len ? pending : inner;
        str tu = trim_all(target);
        if (starts_url(tu)) {
          add_link(c, ls, starts_url(trim_all(inner)) ? label : inner, url_at(tu), line);
          if (starts_url(trim_all(inner)) && pending.len)
            add_link(c, ls, pending, url_at(trim_all(inner)), line);
          if (!starts_url(trim_all(inner)) && !generic_label(inner))
            pb_buf_append(&ls->text, inner.s, inner.len);
        } else if (pb_links_check_quiet_refused(tu.s, tu.len)) {
          /* javascript:, file: ...: never a link, and said at file:line
           * like the cards' links; only the label is kept as text */
          pb_links_check(pb_arena_strndup(c->lib->arena, tu.s, tu.len), "link", c->src->file, line);
          pb_buf_append(&ls->text, inner.s, inner.len);
        } else {
          pb_buf_append(&ls->text, inner.s, inner.len);
          pb_buf_append(&ls->text, target.s, target.len);
        }
        pending = (str){"", 0};
        i = pe < t.len ? pe + cl : t.len;
        continue;
      }
      str ti = trim_all(inner);
      if (starts_url(ti)) {
        add_link(c, ls, pending, url_at(ti), line);
        pending = (str){"", 0};
      } else if (generic_label(ti)) {
        pending = ti;
      } else {
        pb_buf_append(&ls->text, inner.s, inner.len);
      }
      i = after;
      continue;
    }
    if (opens_round(t, i)) {
      size_t ol = t.s[i] == '(' ? 1 : 3;
      size_t e = close_of(t, i, &cl);
      str inner = trim_all((str){t.s + i + ol, (e < t.len ? e : t.len) - i - ol});
      if (starts_url(inner)) {
        add_link(c, ls, pending, url_at(inner), line);
        pending = (str){"", 0};
        i = e < t.len ? e + cl : t.len;
        continue;
      }
    }
    if (starts_url((str){t.s + i, t.len - i})) {
      str u = url_at((str){t.s + i, t.len - i});
      add_link(c, ls, pending, u, line);
      pending = (str){"", 0};
      i += u.len;
      continue;
    }
    pb_buf_putc(&ls->text, t.s[i]);
    i++;
  }
}

/* The scanned text without link leftovers ("-", "，", "PPT-") at its end. */
static str scanned_text(link_scan *ls) {
  str r = {ls->text.data ? ls->text.data : "", ls->text.len};
  for (;;) {
    str before = r;
    r = trim_punct(r);
    static const char *const tails[] = {"PPT", "ppt", "《", "》", "。", "(", ")", "（", "）"};
    for (size_t k = 0; k < sizeof tails / sizeof *tails; k++) {
      size_t n = strlen(tails[k]);
      if (r.len >= n && memcmp(r.s + r.len - n, tails[k], n) == 0) r.len -= n;
    }
    if (r.len == before.len) break;
  }
  return r;
}

/* ---- session parts -------------------------------------------------- */

static const char *add_presenter(minutes_ctx *c, pb_session *s, const char *name) {
  for (size_t i = 0; i < s->npresenters; i++)
    if (strcmp(s->presenters[i], name) == 0) return s->presenters[i];
  *PB_PUSH(c->lib->arena, s->presenters, s->npresenters, s->cappresenters) = name;
  return name;
}

static void read_head(minutes_ctx *c, str t, size_t date_at, int line) {
  str r = {t.s + date_at, t.len - date_at};
  int y, m, d;
  size_t used = session_date(r, &y, &m, &d);
  r = skip_seps((str){r.s + used, r.len - used});
  int year = y ? y : c->year;
  /* without a year heading above, there is no year to step from (it once
   * stepped from 0 to -1 and dated a session in the year -1) */
  if (!y && c->last_m && c->year) {
    /* held sessions run newest first, the rota oldest first: a month
     * that jumps the other way across New Year changes the year */
    int later = m > c->last_m || (m == c->last_m && d > c->last_d);
    if (!c->planned && later) {
      if (m - c->last_m >= 6)
        c->year--, year = c->year;
      else
        pb_warn(c->src->file, line,
                "session %d.%d is later than the one above it (newest first expected); read as "
                "%d",
                m, d, year);
    } else if (c->planned && !later && (m != c->last_m || d != c->last_d)) {
      if (c->last_m - m >= 6)
        c->year++, year = c->year;
      else
        pb_warn(c->src->file, line,
                "planned session %d.%d is earlier than the one above it (date order expected); "
                "read as %d",
                m, d, year);
    }
  }
  c->last_m = m, c->last_d = d;
  if (year < 1) {
    pb_warn(c->src->file, line, "session %d.%d has no year (no year heading above it); skipped", m,
            d);
    c->cur = NULL;
    return;
  }
  if (d > pb_days_in_month(year, m)) {
    pb_warn(c->src->file, line, "%d.%d is not a date in %d; session skipped", m, d, year);
    c->cur = NULL;
    return;
  }
  pb_session *s = PB_PUSH(c->lib->arena, c->lib->sessions, c->lib->nsessions, c->lib->capsessions);
  char iso[11];
  pb_date_format(year, m, d, iso);
  s->date = pb_arena_strdup(c->lib->arena, iso);
  s->planned = c->planned;
  s->file = c->src->file;
  s->line = line;
  if (!c->planned) c->held_in_year++;
  c->cur = s;
  c->last_was_talk = 0;
  c->checklist_seen = 0;
  /* the names, and any note in brackets */
  size_t i = 0;
  while (i < r.len) {
    size_t n = sep_len(r, i);
    if (n) {
      i += n;
      continue;
    }
    if (opens_round(r, i) || opens_square(r, i)) {
      size_t cl, e = close_of(r, i, &cl);
      size_t ol = (unsigned char)r.s[i] >= 0x80 ? 3 : 1;
      str note = trim_all((str){r.s + i + ol, (e < r.len ? e : r.len) - i - ol});
      if (note.len) s->note = pb_arena_strndup(c->lib->arena, note.s, note.len);
      i = e < r.len ? e + cl : r.len;
      continue;
    }
    size_t j = i;
    while (j < r.len && !sep_len(r, j) && !opens_round(r, j) && !opens_square(r, j)) j++;
    str name = {r.s + i, j - i};
    if (plausible_name(name))
      add_presenter(c, s, intern_name(c, name));
    else
      pb_warn(c->src->file, line, "'%.*s' in the session head is not a name; ignored",
              (int)pb_read_cut(name, 60).len, name.s);
    i = j;
  }
  if (!s->npresenters) pb_warn(c->src->file, line, "session %s names no presenter", s->date);
}

/* "**甲**：..." : emphasis around a leading name is dropped. */
static str unemphasised_name(const minutes_ctx *c, str t) {
  if (!at(t, 0, "**")) return t;
  str r = {t.s + 2, t.len - 2};
  size_t used;
  if (!known_prefix(c, r, &used) && !at(r, used, "**")) {
    size_t e = find(r, "**");
    if (e >= r.len || e > 40) return t;
    used = e;
  }
  if (!at(r, used, "**")) return t;
  /* the name, then what followed the closing marks */
  pb_buf b = PB_BUF_INIT;
  pb_buf_append(&b, r.s, used);
  pb_buf_append(&b, r.s + used + 2, r.len - used - 2);
  char *x = pb_arena_strndup(c->lib->arena, b.data ? b.data : "", b.len);
  pb_buf_free(&b);
  return (str){x, strlen(x)};
}

static void read_talk(minutes_ctx *c, str t, int line) {
  pb_session *s = c->cur;
  size_t used = 0;
  t = unemphasised_name(c, t);
  const char *who = known_prefix(c, t, &used);
  if (!who && (used = cjk_name_prefix(t)) > 0) who = intern_name(c, (str){t.s, used});
  str rest = skip_seps((str){t.s + used, t.len - used});
  if (!who && c->last_was_talk && s->ntalks) {
    /* a nameless line after a talk goes on with it */
    pb_talk *k = &s->talks[s->ntalks - 1];
    link_scan ls = {0};
    ls.v = k->links, ls.n = k->nlinks, ls.cap = k->caplinks;
    scan_links(c, rest, &ls, line);
    k->links = ls.v, k->nlinks = ls.n, k->caplinks = ls.cap;
    str more = scanned_text(&ls);
    if (more.len)
      k->text = pb_arena_printf(c->lib->arena, "%s%s%.*s", k->text ? k->text : "",
                                k->text ? " " : "", (int)more.len, more.s);
    pb_buf_free(&ls.text);
    return;
  }
  if (!who) {
    if (s->npresenters == 1)
      who = s->presenters[0];
    else
      pb_warn(c->src->file, line,
              "talk line names no presenter and the session has %zu; kept without one",
              s->npresenters);
  }
  if (who) {
    int named = 0;
    for (size_t i = 0; i < s->npresenters; i++) named |= s->presenters[i] == who;
    if (!named)
      pb_note(c->src->file, line, "%s spoke but is not named in the session head (line %d); added",
              who, s->line);
    add_presenter(c, s, who);
  }
  pb_talk *k = PB_PUSH(c->lib->arena, s->talks, s->ntalks, s->captalks);
  k->presenter = who;
  k->file = c->src->file;
  k->line = line;
  link_scan ls = {0};
  scan_links(c, rest, &ls, line);
  k->links = ls.v, k->nlinks = ls.n, k->caplinks = ls.cap;
  str text = scanned_text(&ls);
  k->text = text.len ? pb_arena_strndup(c->lib->arena, text.s, text.len) : NULL;
  pb_buf_free(&ls.text);
  c->last_was_talk = 1;
}

/* "缺席...：A（请假），最佳提问人：B，C" : one or both lists. */
static void read_roll(minutes_ctx *c, str t, int line) {
  pb_session *s = c->cur;
  size_t ab = find(t, "缺席"), best = find(t, "最佳");
  if (ab < t.len) {
    str seg = {t.s + ab, (best > ab ? best : t.len) - ab};
    size_t colon = find(seg, "：");
    size_t cl = 3;
    if (colon >= seg.len) colon = find(seg, ":"), cl = 1;
    str val = colon < seg.len ? (str){seg.s + colon + cl, seg.len - colon - cl} : (str){"", 0};
    val = trim_punct(val);
    /* "本次" / "本周" before the next label belongs to it */
    static const char *const lead[] = {"本次", "本周", "此次"};
    for (size_t k = 0; k < 3; k++) {
      size_t n = strlen(lead[k]);
      if (val.len >= n && memcmp(val.s + val.len - n, lead[k], n) == 0) val.len -= n;
    }
    read_people(c, val, &s->absent, &s->nabsent, &s->capabsent, line);
    s->absent_line = line;
  }
  if (best < t.len) {
    str seg = {t.s + best, t.len - best};
    size_t colon = find(seg, "：");
    size_t cl = 3;
    if (colon >= seg.len) colon = find(seg, ":"), cl = 1;
    if (colon >= seg.len) { /* "最佳提问人 聂建涛" */
      colon = find(seg, "人");
      cl = 3;
    }
    if (colon < seg.len) {
      pb_session_person *v = NULL;
      size_t n = 0, cap = 0;
      str val = {seg.s + colon + cl, seg.len - colon - cl};
      read_people(c, val, &v, &n, &cap, line);
      for (size_t k = 0; k < n; k++)
        *PB_PUSH(c->lib->arena, s->best, s->nbest, s->capbest) = v[k].name;
    }
  }
}

static int is_writeup_label(str t) {
  return contains(t, "投稿") || contains(t, "专栏") || contains(t, "文章") || contains(t, "博客") ||
         contains(t, "write-up") || contains(t, "Write-up") || contains(t, "blog");
}

/* "本周知乎专栏投稿文章: [title](url), 作者：张宇 note: ..." */
static void read_writeup(minutes_ctx *c, str t, int done, int line) {
  pb_session *s = c->cur;
  pb_writeup *w = PB_PUSH(c->lib->arena, s->writeups, s->nwriteups, s->capwriteups);
  w->done = done;
  w->file = c->src->file;
  w->line = line;
  /* the label before the first colon */
  size_t colon = find(t, "："), cl = 3;
  size_t ac = find(t, ":");
  if (ac < colon && !(ac >= 4 && at(t, ac - 4, "http")) && !(ac >= 5 && at(t, ac - 5, "https")))
    colon = ac, cl = 1;
  str body =
      colon < t.len && colon < find(t, "[") ? (str){t.s + colon + cl, t.len - colon - cl} : t;
  /* a note after "note:" / "备注" */
  size_t nt = find(body, "note:");
  if (nt >= body.len) nt = find(body, "备注");
  str note = {"", 0};
  if (nt < body.len) {
    note = trim_punct((str){body.s + nt, body.len - nt});
    size_t skip = find(note, ":") < note.len ? find(note, ":") + 1 : 0;
    if (!skip && find(note, "：") < note.len) skip = find(note, "：") + 3;
    note = trim_all((str){note.s + skip, note.len - skip});
    body.len = nt;
  }
  link_scan ls = {0};
  scan_links(c, body, &ls, line);
  if (ls.n > 1)
    pb_warn(c->src->file, line,
            "write-up line has %zu links; only the first is read as the write-up", ls.n);
  if (ls.n) {
    w->url = ls.v[0].url;
    w->title = ls.v[0].label && *ls.v[0].label ? ls.v[0].label : NULL;
  }
  str rest = scanned_text(&ls);
  /* the title, when it was kept as text, is not the author */
  if (w->title) {
    size_t tl = strlen(w->title);
    size_t p = find(rest, w->title);
    if (p < rest.len) {
      pb_buf tmp = PB_BUF_INIT;
      pb_buf_append(&tmp, rest.s, p);
      pb_buf_append(&tmp, rest.s + p + tl, rest.len - p - tl);
      char *r2 = pb_arena_strndup(c->lib->arena, tmp.data ? tmp.data : "", tmp.len);
      pb_buf_free(&tmp);
      rest = (str){r2, strlen(r2)};
    }
  }
  /* "作者：X" or the name after the link */
  size_t au = find(rest, "作者");
  str after = rest;
  if (au < rest.len) after = (str){rest.s + au + 6, rest.len - au - 6};
  static const char *const drop[] = {"标题", "《", "》"};
  after = trim_punct(after);
  for (size_t k = 0; k < 3; k++) {
    size_t n = strlen(drop[k]);
    while (after.len >= n && memcmp(after.s, drop[k], n) == 0)
      after = trim_punct((str){after.s + n, after.len - n});
  }
  size_t used = 0;
  const char *who = known_prefix(c, after, &used);
  if (!who) {
    size_t j = 0;
    while (j < after.len && !sep_len(after, j)) j++;
    str cand = {after.s, j};
    if (cand.len && plausible_name(cand) && cand.len <= 12) who = intern_name(c, cand), used = j;
  }
  w->author = who;
  str left = trim_punct((str){after.s + used, after.len - used});
  /* what is left before "作者" ("标题《") carries nothing */
  if (left.len && note.len)
    w->note =
        pb_arena_printf(c->lib->arena, "%.*s; %.*s", (int)left.len, left.s, (int)note.len, note.s);
  else if (left.len || note.len) {
    str n = left.len ? left : note;
    w->note = pb_arena_strndup(c->lib->arena, n.s, n.len);
  }
  if (!w->url) pb_warn(c->src->file, line, "write-up line has no link");
  if (!w->author) pb_warn(c->src->file, line, "write-up line names no author");
  pb_buf_free(&ls.text);
}

static void unplaced(minutes_ctx *c, str t, int line, const char *why) {
  str shown = pb_read_cut(t, 60);
  pb_warn(c->src->file, line, "%s: '%.*s%s'", why, (int)shown.len, shown.s,
          shown.len < t.len ? "..." : "");
}

/* One line inside a held session. */
static void read_session_line(minutes_ctx *c, str t, int line) {
  size_t lm = list_marker(t);
  str r = {t.s + lm, t.len - lm};
  size_t cb;
  int state = lm ? checkbox(r, &cb) : -1;
  if (state < 0 && !lm) state = checkbox(t, &cb), r = t; /* "[x] ..." without a marker */
  if (state >= 0) {
    str body = {r.s + cb, r.len - cb};
    c->last_was_talk = 0;
    c->checklist_seen = 1;
    if (contains(body, "缺席") || contains(body, "最佳")) {
      read_roll(c, body, line);
      return;
    }
    if (is_writeup_label(body) || contains(body, "http")) {
      read_writeup(c, body, state, line);
      return;
    }
    unplaced(c, t, line, "checklist line not understood (absentees, best questioner, write-up)");
    return;
  }
  size_t used;
  if (c->checklist_seen && !known_prefix(c, r, &used) && !cjk_name_prefix(r)) {
    unplaced(c, t, line, "text after the session's checklist");
    return;
  }
  read_talk(c, r, line);
}

/* Longest line read: brackets are matched by scanning, so a line of
 * nothing but "[" costs its length squared. */
#define MAX_LINE 8192

static void read_line(minutes_ctx *c, size_t i) {
  int line = (int)i + 1;
  str raw = c->src->lines[i];
  if (raw.len > MAX_LINE) {
    pb_warn(c->src->file, line, "line of %zu bytes; only its first %d are read", raw.len, MAX_LINE);
    raw = pb_read_cut(raw, MAX_LINE);
  }
  str t = clean_line(raw);
  size_t da;
  if (pb_read_is_blank(t)) return;
  if (is_heading(t)) {
    int y = pb_date_heading_year(t.s, t.len);
    if (y) {
      c->year = c->heading_year = y;
      c->planned = 0, c->held_in_year = 0, c->last_m = 0, c->cur = NULL;
    } else {
      str shown = pb_read_cut(trim_all((str){t.s + 1, t.len - 1}), 60);
      pb_note(c->src->file, line, "heading without a year, read as a title: '%.*s'", (int)shown.len,
              shown.s);
    }
    return;
  }
  if (is_session_head(t, &da)) {
    read_head(c, t, da, line);
    return;
  }
  if (is_divider(t)) {
    if (c->held_in_year && !c->planned) {
      c->planned = 1;
      c->last_m = 0;
      c->year = c->heading_year; /* the rota is dated in the heading's year */
    }
    c->cur = NULL;
    return;
  }
  if (!c->cur) {
    unplaced(c, t, line,
             c->planned ? "text in the rota that is not a planned session"
                        : "text outside any session");
    return;
  }
  if (c->cur->planned) {
    unplaced(c, t, line, "text under a planned session");
    return;
  }
  read_session_line(c, t, line);
}

/* First pass: every name in a session head, so that talk lines can be
 * recognised by the name they start with. */
static void collect_names(minutes_ctx *c) {
  for (size_t i = 0; i < c->src->nlines; i++) {
    str t = clean_line(pb_read_cut(c->src->lines[i], MAX_LINE));
    size_t da;
    if (!is_session_head(t, &da)) continue;
    str r = {t.s + da, t.len - da};
    int y, m, d;
    size_t used = session_date(r, &y, &m, &d);
    r = (str){r.s + used, r.len - used};
    size_t k = 0;
    while (k < r.len) {
      size_t n = sep_len(r, k);
      if (n) {
        k += n;
        continue;
      }
      size_t j = k;
      while (j < r.len && !sep_len(r, j) && !opens_round(r, j) && !opens_square(r, j)) j++;
      if (j == k) { /* a bracket: skip it */
        size_t cl, e = close_of(r, k, &cl);
        k = e < r.len ? e + cl : r.len;
        continue;
      }
      str name = {r.s + k, j - k};
      if (plausible_name(name)) intern_name(c, name);
      k = j;
    }
  }
}

/* Is every presenter of a among b's? */
static int presenters_within(const pb_session *a, const pb_session *b) {
  for (size_t i = 0; i < a->npresenters; i++) {
    size_t k = 0;
    while (k < b->npresenters && strcmp(a->presenters[i], b->presenters[k]) != 0) k++;
    if (k == b->npresenters) return 0;
  }
  return 1;
}

static void join_presenters(pb_buf *b, const pb_session *s) {
  for (size_t i = 0; i < s->npresenters; i++)
    pb_buf_printf(b, "%s%s", i ? ", " : "", s->presenters[i]);
  if (!s->npresenters) pb_buf_puts(b, "nobody");
}

/* The rota (planned sessions) against the sessions held, among
 * sessions[from..]: a planned date that was held with other presenters is
 * a warning at the rota's line naming the held session's line. */
static void check_rota(const pb_library *lib, size_t from) {
  for (size_t i = from; i < lib->nsessions; i++) {
    const pb_session *p = &lib->sessions[i];
    if (!p->planned || !p->date) continue;
    for (size_t k = from; k < lib->nsessions; k++) {
      const pb_session *h = &lib->sessions[k];
      if (h->planned || !h->date || strcmp(h->date, p->date) != 0) continue;
      if (presenters_within(p, h) && presenters_within(h, p)) continue;
      pb_buf pw = PB_BUF_INIT, hw = PB_BUF_INIT;
      join_presenters(&pw, p);
      join_presenters(&hw, h);
      pb_warn(p->file, p->line,
              "the rota plans %s on %s, but the session held that day (%s:%d) had %s; "
              "one of the two lines is out of date",
              pw.data, p->date, h->file, h->line, hw.data);
      pb_buf_free(&pw);
      pb_buf_free(&hw);
    }
  }
}

int pb_read_minutes(pb_library *lib, const char *path, const pb_read_options *opt) {
  pb_read_source src;
  int rc = pb_read_source_load(lib, path, &src);
  if (rc) {
    pb_read_source_free(&src);
    return rc;
  }
  minutes_ctx *c = pb_xcalloc(1, sizeof *c);
  c->lib = lib;
  c->opt = opt;
  c->src = &src;
  size_t before = lib->nsessions;
  collect_names(c);
  for (size_t i = 0; i < src.nlines; i++) read_line(c, i);
  if (lib->nsessions == before) pb_warn(src.file, 0, "no session found in these minutes");
  check_rota(lib, before);
  free(c);
  pb_read_source_free(&src);
  return PB_OK;
}

int pb_read_is_minutes_text(const char *s, size_t len) {
  size_t heads = 0, rolls = 0, checkins = 0;
  const char *p = s, *end = s + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    str l = {p, nl ? (size_t)(nl - p) : (size_t)(end - p)};
    p = nl ? nl + 1 : end;
    str t = clean_line(l);
    size_t da;
    if (is_session_head(t, &da)) heads++;
    if (contains(t, "缺席") || contains(t, "最佳提问") || contains(t, "[x]")) rolls++;
    size_t q = pb_read_unquote(l.s, l.len, 0, NULL);
    if (pb_read_is_checkin_head(pb_read_trim((str){l.s + q, l.len - q}))) checkins++;
  }
  return heads >= 2 && rolls >= 1 && checkins == 0;
}
