/* The weekly check-in dialect: a year of "[date]-[presenter]-[title]-[venue](link)"
 * heads inside blockquotes, each followed by a figure and a summary, written
 * by a dozen people who each bracket, dash and space it their own way.
 *
 * The reader works line by line: a head starts an entry, which runs until
 * the next head, a separator line or a heading. The head is cut into date,
 * presenter and a list of tokens ([text](target), (text), bare text) that
 * are then read as title, venue and links. Entries that say the person did
 * not read that week become absences. */
#include <stdlib.h>
#include <string.h>

#include <ctype.h>
#include <stdio.h>

#include "dates.h"
#include "diag.h"
#include "read_common.h"
#include "sessions.h"

/* A head that stops inside a bracket continues on the next line, but a
 * title is never longer than this many lines. */
#define PB_CHECKIN_MAX_HEAD_LINES 4

typedef struct {
  pb_library *lib;
  const pb_read_options *opt;
  pb_read_source *src;
  int main_year; /* the year most heads are dated in, 0 if none dominates */
} checkin_ctx;

static pb_read_str line_at(const checkin_ctx *c, size_t i) { return c->src->lines[i]; }

static pb_read_str unquoted(pb_read_str l) {
  size_t k = pb_read_unquote(l.s, l.len, 0, NULL);
  return pb_read_trim((pb_read_str){l.s + k, l.len - k});
}

/* ---- absences --------------------------------------------------- */

/* Phrases people write for "I did not read a paper this week". */
static const char *const absence_phrases[] = {
    "未精读",   "没有精读", "没精读",   "未精度",     "无精读",
    "无精度",   "没有精度", "暂无打卡", "来得及精读", "无法定位到精读",
    "暂未精读", "未打卡",   "没有打卡", "请假",       "缺席",
};

/* memmem, not a memcmp at every byte: these two searches over every entry
 * took 23 M instructions, 6% of a warm build of the 2024 archive */
static int says_absent(pb_read_str t) {
  for (size_t k = 0; k < sizeof absence_phrases / sizeof *absence_phrases; k++) {
    if (memmem(t.s, t.len, absence_phrases[k], strlen(absence_phrases[k]))) return 1;
  }
  return 0;
}

/* Phrases that say the week's paper was not read at all: a head with one
 * of these is a week not read even when it goes on to link to what was
 * done instead. The other absence phrases (请假, 缺席, 未打卡) give way to a
 * link. */
static const char *const not_read_phrases[] = {
    "未精读", "没有精读", "没精读", "未精度", "无精读", "无精度", "没有精度", "暂未精读",
};

static int has_phrase(pb_read_str t, const char *const *v, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (memmem(t.s, t.len, v[k], strlen(v[k]))) return 1;
  }
  return 0;
}

/* Phrases of a week with several papers skimmed and none read closely. */
static const char *const skim_phrases[] = {
    "泛读", "略读", "粗读", "浏览了", "几篇", "多篇", "若干篇", "数篇", "一些论文", "一些文章",
};

/* t with struck-out text ("未精~~度~~读") removed, as people mean it. */
static pb_read_str unstruck(pb_library *lib, pb_read_str t) {
  if (t.len < 4 || !memmem(t.s, t.len, "~~", 2)) return t;
  pb_buf b = PB_BUF_INIT;
  size_t i = 0;
  while (i < t.len) {
    if (i + 1 < t.len && t.s[i] == '~' && t.s[i + 1] == '~') {
      const char *end = memmem(t.s + i + 2, t.len - i - 2, "~~", 2);
      if (end) {
        i = (size_t)(end - t.s) + 2;
        continue;
      }
    }
    pb_buf_putc(&b, t.s[i++]);
  }
  pb_read_str r = {pb_arena_strndup(lib->arena, b.data ? b.data : "", b.len), b.len};
  pb_buf_free(&b);
  return r;
}

static int has_url(pb_read_str t) {
  for (size_t i = 0; i + 4 < t.len; i++)
    if ((t.s[i] == 'h' || t.s[i] == 'H') && pb_read_is_url((pb_read_str){t.s + i, t.len - i}))
      return 1;
  return 0;
}

/* The note of an absence: the text without brackets around it. */
static const char *absence_note(pb_library *lib, pb_read_str t, const char *file, int line) {
  t = pb_read_trim(t);
  pb_read_str as_written = t;
  while (as_written.len && (as_written.s[0] == '-' || as_written.s[0] == ' '))
    as_written.s++, as_written.len--;
  int residue = 0;
  for (int again = 1; again && t.len;) {
    again = 0;
    /* brackets, dashes, a Markdown hard break "\\" at the end */
    while (t.len && (t.s[0] == '[' || t.s[0] == '-' || t.s[0] == ' ')) t.s++, t.len--, again = 1;
    while (t.len && (t.s[t.len - 1] == ']' || t.s[t.len - 1] == ' ' || t.s[t.len - 1] == '\\')) {
      if (t.s[t.len - 1] == '\\') residue = 1;
      t.len--, again = 1;
    }
    /* TeX wrappers: "$\\texttt{本周未精读}$", "\\textbf{...}" */
    if (t.len >= 2 && t.s[0] == '$' && t.s[t.len - 1] == '$')
      t.s++, t.len -= 2, again = 1, residue = 1;
    if (t.len && t.s[0] == '\\') {
      size_t k = 1;
      while (k < t.len && ((t.s[k] >= 'a' && t.s[k] <= 'z') || (t.s[k] >= 'A' && t.s[k] <= 'Z')))
        k++;
      if (k > 1 && k < t.len && t.s[k] == '{' && t.s[t.len - 1] == '}')
        t.s += k + 1, t.len -= k + 2, again = 1, residue = 1;
    }
    t = pb_read_trim(t);
  }
  if (residue && t.len)
    pb_note(file, line, "note '%.*s' read as '%.*s' (Markdown or TeX marks left out)",
            (int)as_written.len, as_written.s, (int)t.len, t.s);
  return t.len ? pb_arena_strndup(lib->arena, t.s, t.len) : NULL;
}

/* ---- head tokens ------------------------------------------------ */

typedef enum { TK_BRACKET, TK_PAREN, TK_TEXT } tk_kind;

typedef struct {
  tk_kind kind;
  pb_read_str text;
  pb_read_str target; /* the (target) right after a [bracket] */
  int has_target;
  int unclosed;
} tk;

/* Matching close for an opening mark at s[0], where the ASCII mark and its
 * full-width twin (three UTF-8 bytes) are interchangeable because both are
 * typed: '[' / '【' with ']' / '】', '(' / '（' with ')' / '）'. Returns len
 * when unclosed. */
static size_t close_pair(const char *s, size_t len, char open, const char *wide_open, char close,
                         const char *wide_close, size_t *close_len) {
  int depth = 0;
  for (size_t i = 0; i < len;) {
    if (s[i] == open)
      depth++, i++;
    else if (len - i >= 3 && memcmp(s + i, wide_open, 3) == 0)
      depth++, i += 3;
    else if (s[i] == close || (len - i >= 3 && memcmp(s + i, wide_close, 3) == 0)) {
      size_t n = s[i] == close ? 1 : 3;
      if (--depth == 0) {
        *close_len = n;
        return i;
      }
      i += n;
    } else
      i++;
  }
  *close_len = 0;
  return len;
}

static size_t close_bracket(const char *s, size_t len, size_t *close_len) {
  return close_pair(s, len, '[', "【", ']', "】", close_len);
}

static size_t close_paren(const char *s, size_t len, size_t *close_len) {
  return close_pair(s, len, '(', "（", ')', "）", close_len);
}

static int open_bracket_at(const char *s, size_t len) {
  return s[0] == '[' || (len >= 3 && memcmp(s, "【", 3) == 0);
}
static int open_paren_at(const char *s, size_t len) {
  return s[0] == '(' || (len >= 3 && memcmp(s, "（", 3) == 0);
}

/* Separators between head parts: dashes, commas, blanks. */
static size_t sep_len(const char *s, size_t len) {
  if (s[0] == '-' || s[0] == ' ' || s[0] == '\t' || s[0] == ',' || s[0] == '\\' || s[0] == '|')
    return 1;
  static const char *const wide[] = {"，", "、", "—", "－", "\xC2\xA0", "　"};
  for (size_t k = 0; k < sizeof wide / sizeof *wide; k++) {
    size_t n = strlen(wide[k]);
    if (len >= n && memcmp(s, wide[k], n) == 0) return n;
  }
  return 0;
}

static pb_read_str trim_seps(pb_read_str t) {
  for (;;) {
    size_t n = t.len ? sep_len(t.s, t.len) : 0;
    if (!n) break;
    t.s += n, t.len -= n;
  }
  for (;;) {
    int cut = 0;
    for (size_t n = 1; n <= 3 && n <= t.len && !cut; n++)
      if (sep_len(t.s + t.len - n, n) == n) t.len -= n, cut = 1;
    if (!cut) break;
  }
  return pb_read_trim(t);
}

/* Cuts t into tokens; returns how many (at most max). */
static size_t tokenize_ex(pb_read_str t, tk *toks, size_t max, int paren_breaks) {
  size_t n = 0, i = 0;
  while (i < t.len && n < max) {
    size_t s = sep_len(t.s + i, t.len - i);
    if (s) {
      i += s;
      continue;
    }
    tk *k = &toks[n];
    memset(k, 0, sizeof *k);
    const char *p = t.s + i;
    size_t rest = t.len - i, cl;
    if (open_bracket_at(p, rest)) {
      size_t ol = p[0] == '[' ? 1 : 3;
      size_t c = close_bracket(p, rest, &cl);
      k->kind = TK_BRACKET;
      k->text = (pb_read_str){p + ol, (c < rest ? c : rest) - ol};
      k->unclosed = c >= rest;
      i += c < rest ? c + cl : rest;
      if (!k->unclosed && i < t.len && open_paren_at(t.s + i, t.len - i)) {
        const char *q = t.s + i;
        size_t qrest = t.len - i, ql = q[0] == '(' ? 1 : 3;
        size_t pc = close_paren(q, qrest, &cl);
        k->has_target = 1;
        k->target = (pb_read_str){q + ql, (pc < qrest ? pc : qrest) - ql};
        i += pc < qrest ? pc + cl : qrest;
      }
    } else if (open_paren_at(p, rest)) {
      size_t ol = p[0] == '(' ? 1 : 3;
      size_t c = close_paren(p, rest, &cl);
      k->kind = TK_PAREN;
      k->text = (pb_read_str){p + ol, (c < rest ? c : rest) - ol};
      k->unclosed = c >= rest;
      i += c < rest ? c + cl : rest;
    } else {
      /* bare text runs to the next bracket, so "Emotion-LLaMA: ...-[Arxiv]"
       * keeps its dashes */
      size_t j = 0;
      while (j < rest && !open_bracket_at(p + j, rest - j) &&
             !(paren_breaks && j && open_paren_at(p + j, rest - j)))
        j++;
      k->kind = TK_TEXT;
      k->text = trim_seps((pb_read_str){p, j});
      i += j;
      if (!k->text.len) continue;
    }
    n++;
  }
  return n;
}

static size_t tokenize(pb_read_str t, tk *toks, size_t max) { return tokenize_ex(t, toks, max, 0); }

/* First URL inside t ("https: //doi.org/x" loses its stray blank). */
static pb_read_str first_url(pb_library *lib, pb_read_str t) {
  for (size_t i = 0; i + 4 < t.len; i++) {
    pb_read_str r = {t.s + i, t.len - i};
    if ((t.s[i] == 'h' || t.s[i] == 'H') &&
        (pb_read_starts_with(r, "http://") || pb_read_starts_with(r, "https://") ||
         pb_read_starts_with(r, "http: //") || pb_read_starts_with(r, "https: //"))) {
      size_t j = 0;
      pb_buf b = PB_BUF_INIT;
      while (j < r.len) {
        char c = r.s[j];
        if (c == ')' || c == ']' || c == '"' || c == '<' || c == '\t') break;
        if (c == ' ') {
          /* only the blank after "http:" / "https:" is a typo to mend */
          if (b.len && b.data[b.len - 1] == ':') {
            j++;
            continue;
          }
          break;
        }
        if ((unsigned char)c >= 0x80 &&
            pb_read_starts_with((pb_read_str){r.s + j, r.len - j}, "，"))
          break;
        pb_buf_putc(&b, c);
        j++;
      }
      pb_read_str u = {pb_arena_strndup(lib->arena, b.data ? b.data : "", b.len), b.len};
      pb_buf_free(&b);
      return u;
    }
  }
  return (pb_read_str){"", 0};
}

/* A head that names no single paper: several skimmed ("泛读了几篇VLN论文")
 * with no bracketed title, or a bracketed title that says so. */
static int is_skim_head(pb_read_str after, pb_read_str plain) {
  if (!has_phrase(plain, skim_phrases, sizeof skim_phrases / sizeof *skim_phrases)) return 0;
  tk toks[4];
  size_t n = tokenize(after, toks, 4);
  if (!n) return 0;
  if (toks[0].kind == TK_TEXT) return 1;
  return has_phrase(toks[0].text, skim_phrases, sizeof skim_phrases / sizeof *skim_phrases);
}

/* ---- one entry -------------------------------------------------- */

typedef struct {
  checkin_ctx *c;
  pb_entry *e;
  int line;
} head_ctx;

static void add_url_link(head_ctx *h, pb_read_str label, pb_read_str url) {
  checkin_ctx *c = h->c;
  char *lab = pb_arena_strndup(c->lib->arena, label.s, label.len);
  pb_link_kind kind = pb_link_kind_from_label(lab, NULL);
  /* the first link without a telling label is the paper itself */
  if (kind == PB_LINK_OTHER) {
    int have_paper = 0;
    for (size_t i = 0; i < h->e->nlinks; i++)
      if (h->e->links[i].kind == PB_LINK_PAPER) have_paper = 1;
    if (!have_paper)
      kind = PB_LINK_PAPER;
    else
      kind = pb_link_kind_from_label(NULL, pb_arena_strndup(c->lib->arena, url.s, url.len));
  }
  pb_read_add_link(c->lib, h->e, label, url, kind, c->src->dir, c->opt, c->src->file, h->line);
}

/* A target that is not a URL: "[Title](EMNLP2023)", or a nest of links
 * "[IEEE]([PTH-Net...](https://...), [知乎](https://...)". */
static void read_target(head_ctx *h, pb_read_str label, pb_read_str target) {
  pb_read_str t = pb_read_trim(target);
  if (!t.len) return;
  if (pb_read_is_url(t) || pb_read_starts_with(t, "http")) {
    add_url_link(h, label, first_url(h->c->lib, t));
    return;
  }
  if (memchr(t.s, '[', t.len) && has_url(t)) {
    size_t before = h->e->nlinks;
    int have_paper = 0;
    for (size_t i = 0; i < before; i++)
      if (h->e->links[i].kind == PB_LINK_PAPER) have_paper = 1;
    pb_read_take_links(h->c->lib, h->e, t, h->c->src->dir, h->c->opt, h->c->src->file, h->line);
    if (!have_paper && h->e->nlinks > before && h->e->links[before].kind == PB_LINK_OTHER)
      h->e->links[before].kind = PB_LINK_PAPER;
    return;
  }
  if (!h->e->venue && pb_read_venue(h->c->lib, h->e, t)) return;
  pb_warn(h->c->src->file, h->line, "could not place '(%.*s)' in the entry head", (int)t.len, t.s);
}

/* A bracket after the title: a venue ("[CVPR2025投稿]"), a link label
 * ("[paper]", "[code and weight]"), or both ("[paper-NeurIPS 2021]"). */
static void read_after_title(head_ctx *h, const tk *k) {
  pb_library *lib = h->c->lib;
  pb_read_str text = pb_read_trim(k->text);
  size_t lw = pb_read_link_word(text);
  if (pb_read_is_url(text)) {
    add_url_link(h, (pb_read_str){"", 0}, first_url(lib, text));
    return;
  }
  if (lw) {
    /* "paper-NeurIPS 2021": the label, then a venue */
    pb_read_str restv = trim_seps((pb_read_str){text.s + lw, text.len - lw});
    if (restv.len && !h->e->venue && (unsigned char)restv.s[0] < 0x80)
      pb_read_venue(lib, h->e, restv);
    if (k->has_target) read_target(h, text, k->target);
    return;
  }
  if (!h->e->venue && !h->e->year) {
    if (!pb_read_venue(lib, h->e, text))
      pb_warn(h->c->src->file, h->line, "could not read venue '%.*s'", (int)text.len, text.s);
    if (k->has_target) read_target(h, text, k->target);
    return;
  }
  if (k->has_target) {
    read_target(h, text, k->target);
    return;
  }
  pb_warn(h->c->src->file, h->line, "could not place '[%.*s]' in the entry head", (int)text.len,
          text.s);
}

/* The head's parts after the title: venue, links, notes. */
static void read_parts(head_ctx *h, tk *toks, size_t from, size_t n) {
  pb_library *lib = h->c->lib;
  for (size_t i = from; i < n; i++) {
    tk *k = &toks[i];
    pb_read_str text = pb_read_trim(k->text);
    switch (k->kind) {
    case TK_BRACKET: read_after_title(h, k); break;
    case TK_PAREN:
      if (pb_read_is_url(text) || has_url(text))
        add_url_link(h, (pb_read_str){"", 0}, first_url(lib, text));
      else if (!h->e->venue && pb_read_venue(lib, h->e, text)) {
      } else if (text.len)
        pb_warn(h->c->src->file, h->line, "could not place '(%.*s)' in the entry head",
                (int)text.len, text.s);
      break;
    case TK_TEXT: {
      if (has_url(text)) {
        add_url_link(h, (pb_read_str){"", 0}, first_url(lib, text));
        break;
      }
      /* leftovers that are only punctuation ("）", ")") carry nothing */
      int meaningful = 0;
      for (size_t j = 0; j < text.len; j++) {
        unsigned char ch = (unsigned char)text.s[j];
        if (ch >= 0x80 ? !(j + 3 <= text.len &&
                           (memcmp(text.s + j, "）", 3) == 0 || memcmp(text.s + j, "。", 3) == 0))
                       : (ch != ')' && ch != ']' && ch != '.' && ch != ';'))
          meaningful = 1;
        if (ch >= 0x80) j += 2;
      }
      if (!meaningful) break;
      if (!h->e->venue && !h->e->year && pb_read_venue(lib, h->e, text)) break;
      pb_warn(h->c->src->file, h->line, "could not place '%.*s' in the entry head", (int)text.len,
              text.s);
      break;
    }
    }
  }
}

/* Reads title, venue and links from the part of the head after the presenter. */
static void read_head_rest(head_ctx *h, pb_read_str rest) {
  pb_library *lib = h->c->lib;
  enum { MAX_TOKENS = 64 };
  tk toks[MAX_TOKENS];
  size_t n = tokenize(rest, toks, MAX_TOKENS);
  if (!n) return;
  /* the title */
  tk *t0 = &toks[0];
  pb_read_str title = t0->text;
  if (t0->kind == TK_BRACKET && t0->unclosed) {
    /* "[Title part [rest of title](url)-[venue]": the bracket never closes
     * because the title goes on into a link; read what is inside it as a
     * head of its own: the text, then the link's label, make the title */
    tk in[MAX_TOKENS];
    size_t m = tokenize_ex(t0->text, in, MAX_TOKENS, 1), lead = 0;
    /* the title's own words, and its own parentheses: "(RL)", not a link
     * or a venue */
    while (lead < m && (in[lead].kind == TK_TEXT ||
                        (in[lead].kind == TK_PAREN && !in[lead].unclosed && lead > 0 &&
                         !has_url(in[lead].text) && !pb_read_looks_like_venue(in[lead].text))))
      lead++;
    if (lead && lead < m) {
      pb_buf tb = PB_BUF_INIT;
      for (size_t k = 0; k < lead; k++) {
        if (tb.len) pb_buf_putc(&tb, ' ');
        if (in[k].kind == TK_PAREN) pb_buf_putc(&tb, '(');
        pb_buf_append(&tb, in[k].text.s, in[k].text.len);
        if (in[k].kind == TK_PAREN) pb_buf_putc(&tb, ')');
      }
      size_t next = lead;
      pb_read_str tt = pb_read_trim(in[lead].text);
      if (in[lead].kind == TK_BRACKET && in[lead].has_target && !pb_read_link_word(tt) &&
          !pb_read_is_url(tt)) {
        pb_buf_putc(&tb, ' ');
        pb_buf_append(&tb, tt.s, tt.len);
        next = lead + 1;
      }
      pb_read_str whole = {pb_arena_strndup(lib->arena, tb.data ? tb.data : "", tb.len), tb.len};
      pb_buf_free(&tb);
      pb_read_title(lib, h->e, trim_seps(whole));
      pb_warn(h->c->src->file, h->line,
              "unclosed '[' in the entry head; read the title as '%s' and the rest as its parts",
              h->e->title ? h->e->title : "");
      if (next > lead) read_target(h, (pb_read_str){"", 0}, in[lead].target);
      read_parts(h, in, next, m);
      read_parts(h, toks, 1, n);
      return;
    }
  }
  if (t0->unclosed) {
    pb_warn(h->c->src->file, h->line,
            "unclosed bracket in the entry head; read to the end of the line");
    /* "[Title)" : a bracket closed with the wrong character */
    title = pb_read_trim(title);
    while (title.len && (title.s[title.len - 1] == ')' || title.s[title.len - 1] == ']'))
      title.len--;
  }
  pb_read_str title_link = {"", 0};
  if (t0->kind == TK_TEXT && has_url(title)) {
    /* a bare title followed by a bare URL */
    for (size_t k = 0; k + 4 < title.len; k++)
      if (pb_read_is_url((pb_read_str){title.s + k, title.len - k})) {
        title_link = (pb_read_str){title.s + k, title.len - k};
        title.len = k;
        break;
      }
  }
  pb_read_title(lib, h->e, trim_seps(title));
  if (t0->kind == TK_BRACKET && t0->has_target) read_target(h, (pb_read_str){"", 0}, t0->target);
  if (title_link.len) add_url_link(h, (pb_read_str){"", 0}, first_url(lib, title_link));
  read_parts(h, toks, 1, n);
  if (n == MAX_TOKENS)
    pb_warn(h->c->src->file, h->line, "entry head has more than %d parts; the rest is ignored",
            MAX_TOKENS);
}

/* Reads "[date]-[presenter]-" off the head. Returns the offset of the
 * rest; *date gets the ISO date (or stays empty), *name the presenter. */
static size_t read_date_presenter(checkin_ctx *c, pb_read_str head, int line, char date[11],
                                  pb_read_str *name, int *odd_brackets, pb_read_str *bad) {
  size_t i = 0;
  date[0] = 0;
  *odd_brackets = 0;
  int open = 0;
  if (pb_read_starts_with(head, "["))
    i = 1, open = 1;
  else if (pb_read_starts_with(head, "【"))
    i = 3, open = 1;
  while (i < head.len && head.s[i] == ' ') i++;
  size_t used = pb_read_date((pb_read_str){head.s + i, head.len - i}, date);
  size_t wrong = used ? 0 : pb_read_bad_date((pb_read_str){head.s + i, head.len - i});
  *bad = (pb_read_str){"", 0};
  if (used) {
    i += used;
  } else if (wrong) {
    /* "[2025-11-230]": read_entry dates it by its neighbours */
    *bad = pb_read_trim((pb_read_str){head.s + i, wrong});
    i += wrong;
  } else {
    /* "[待补充]" */
    while (i < head.len && head.s[i] != ']' && head.s[i] != '-') i++;
    pb_warn(c->src->file, line, "entry has no date");
  }
  while (i < head.len && head.s[i] == ' ') i++;
  if (open) {
    if (i < head.len && head.s[i] == ']')
      i++;
    else if (pb_read_starts_with((pb_read_str){head.s + i, head.len - i}, "】"))
      i += 3;
  }
  while (i < head.len && (head.s[i] == '-' || head.s[i] == ' ')) i++;
  /* the presenter, with or without brackets, ending at a bracket or dash */
  int name_open = 0;
  if (pb_read_starts_with((pb_read_str){head.s + i, head.len - i}, "["))
    i += 1, name_open = 1;
  else if (pb_read_starts_with((pb_read_str){head.s + i, head.len - i}, "【"))
    i += 3, name_open = 1;
  size_t ns = i;
  /* inside brackets a name may hold blanks ("[Jane Doe]"); without them a
   * blank ends it ("[date]-[name]  [title]") */
  while (i < head.len && head.s[i] != ']' && head.s[i] != '-' && head.s[i] != '[' &&
         (name_open || head.s[i] != ' ') &&
         !pb_read_starts_with((pb_read_str){head.s + i, head.len - i}, "】") &&
         !pb_read_starts_with((pb_read_str){head.s + i, head.len - i}, "【"))
    i++;
  *name = pb_read_trim((pb_read_str){head.s + ns, i - ns});
  int name_close = 0;
  if (i < head.len && head.s[i] == ']')
    i++, name_close = 1;
  else if (pb_read_starts_with((pb_read_str){head.s + i, head.len - i}, "】")) {
    i += 3;
    name_close = 1;
    if (name_open && head.s[ns - 1] == '[') *odd_brackets = 1; /* "[陈银】" */
  }
  if (name_open != name_close) *odd_brackets = 1;
  return i;
}

/* The year most dated heads share, when more than two thirds do: a log of
 * one year where a different year is a typo worth a warning. */
static int find_main_year(const pb_read_source *src) {
  enum { SPAN = 300 };
  int counts[SPAN] = {0}, total = 0;
  for (size_t i = 0; i < src->nlines; i++) {
    pb_read_str u = unquoted(src->lines[i]);
    if (!pb_read_is_checkin_head(u)) continue;
    size_t k = u.len && (u.s[0] == '[') ? 1 : 0;
    char iso[11];
    if (pb_read_date((pb_read_str){u.s + k, u.len - k}, iso)) {
      int y = pb_date_year(iso) - 1900;
      if (y >= 0 && y < SPAN) counts[y]++, total++;
    }
  }
  for (int y = 0; y < SPAN; y++)
    if (total >= 3 && counts[y] * 3 > total * 2) return 1900 + y;
  return 0;
}

/* Joins the head's continuation lines while a bracket is open. */
static size_t gather_head(checkin_ctx *c, size_t i, pb_buf *head) {
  pb_read_str first = unquoted(line_at(c, i));
  pb_buf_append(head, first.s, first.len);
  size_t used = 1;
  while (used < PB_CHECKIN_MAX_HEAD_LINES && i + used < c->src->nlines) {
    int depth = 0;
    for (size_t k = 0; k < head->len; k++) {
      if (head->data[k] == '[')
        depth++;
      else if (head->data[k] == ']' && depth > 0)
        depth--;
    }
    if (depth <= 0) break;
    pb_read_str next = unquoted(line_at(c, i + used));
    if (!next.len || pb_read_is_checkin_head(next) || pb_read_starts_with(next, "<img") ||
        pb_read_starts_with(next, "![") || pb_read_summary_label(next))
      break;
    /* only a line that closes the bracket, or goes on to the link, belongs
     * to the title */
    if (!memchr(next.s, ']', next.len) && !has_url(next)) break;
    pb_buf_putc(head, ' ');
    pb_buf_append(head, next.s, next.len);
    used++;
  }
  return used;
}

/* The log's own template ("> [YYYY-MM-DD]-[姓名]-[论文标题](链接)-[会议]"):
 * a head whose date is a placeholder, no digit in it. */
static int is_template_head(pb_read_str u) {
  size_t i = pb_read_starts_with(u, "[") ? 1 : pb_read_starts_with(u, "【") ? 3 : 0;
  if (!i) return 0;
  size_t j = i;
  while (j < u.len && u.s[j] != ']' &&
         !pb_read_starts_with((pb_read_str){u.s + j, u.len - j}, "】"))
    j++;
  if (j >= u.len || j - i > 40) return 0;
  pb_read_str d = pb_read_trim((pb_read_str){u.s + i, j - i});
  if (!d.len) return 0;
  int placeholder = 1;
  for (size_t k = 0; k < d.len; k++)
    if (!strchr("YyMmDdXx-./ ", d.s[k])) placeholder = 0;
  static const char *const words[] = {"日期", "时间", "date", "Date", "DATE", "年月日", "yyyy"};
  for (size_t k = 0; k < sizeof words / sizeof *words && !placeholder; k++)
    if (memmem(d.s, d.len, words[k], strlen(words[k]))) placeholder = 1;
  for (size_t k = 0; k < d.len; k++)
    if (d.s[k] >= '0' && d.s[k] <= '9') placeholder = 0;
  size_t after = j + (u.s[j] == ']' ? 1 : 3);
  while (after < u.len && u.s[after] == ' ') after++;
  return placeholder && after < u.len &&
         (u.s[after] == '-' || u.s[after] == '[' ||
          pb_read_starts_with((pb_read_str){u.s + after, u.len - after}, "【"));
}

static int ends_entry(pb_read_str raw) {
  pb_read_str u = unquoted(raw);
  return pb_read_is_checkin_head(u) || pb_read_is_separator(u) || (u.len && u.s[0] == '#') ||
         is_template_head(u);
}

/* Only closing punctuation left over from a broken head (")", "]"). */
static int only_closers(pb_read_str t) {
  t = pb_read_trim(t);
  if (!t.len) return 0;
  for (size_t i = 0; i < t.len; i++)
    if (t.s[i] != ')' && t.s[i] != ']' && t.s[i] != ' ') return 0;
  return 1;
}

/* Reads an entry's body, lines [j, end): figures, link lines, then the
 * summary for cmark. */
static void read_body(checkin_ctx *c, pb_entry *e, size_t j, size_t end) {
  pb_library *lib = c->lib;
  const char *file = c->src->file;
  pb_buf md = PB_BUF_INIT, rest = PB_BUF_INIT;
  pb_read_lines map = {0};
  int summary_started = 0;
  for (size_t k = j; k < end; k++) {
    pb_read_str u = unquoted(line_at(c, k));
    pb_buf_reset(&rest);
    pb_read_take_images(lib, e, u, &rest, c->src->dir, c->opt, file, (int)k + 1);
    pb_read_str r = pb_read_trim((pb_read_str){rest.data ? rest.data : "", rest.len});
    size_t lab = pb_read_summary_label(r);
    r = pb_read_trim((pb_read_str){r.s + lab, r.len - lab});
    r = pb_read_drop_hard_break(r);
    if (only_closers(r)) r.len = 0;
    if (!summary_started && r.len && pb_read_is_link_line(r)) {
      pb_read_take_links(lib, e, r, c->src->dir, c->opt, file, (int)k + 1);
      continue;
    }
    if (r.len) summary_started = 1;
    pb_buf_append(&md, r.s, r.len);
    pb_buf_putc(&md, '\n');
    pb_read_lines_push(&map, (int)k + 1);
  }
  if (md.len) {
    pb_read_md m = {lib, e, file, c->src->dir, c->opt, map.v, map.n};
    pb_read_markdown_text(&m, &e->summary, md.data, md.len);
  }
  pb_buf_free(&md);
  pb_buf_free(&rest);
  pb_read_lines_free(&map);
}

/* ---- dates that are wrong ----------------------------------------- */

/* The date of the head at line k as a day number, or -1 when line k is
 * not a head with a good date (or, with year set, one of another year). */
static long head_days(const checkin_ctx *c, size_t k, int year) {
  pb_read_str u = unquoted(line_at(c, k));
  if (!pb_read_is_checkin_head(u)) return -1;
  size_t i = pb_read_starts_with(u, "[") ? 1 : pb_read_starts_with(u, "【") ? 3 : 0;
  while (i < u.len && u.s[i] == ' ') i++;
  char iso[11];
  if (!pb_read_date((pb_read_str){u.s + i, u.len - i}, iso)) return -1;
  if (year && pb_date_year(iso) != year) return -1;
  return pb_date_days(iso);
}

/* The nearest head above (step -1) or below (step 1) line i with a good
 * date in the log's year, as a day number; -1 if none. */
static long neighbour_days(const checkin_ctx *c, size_t i, int step) {
  for (size_t k = i; step < 0 ? k-- > 0 : ++k < c->src->nlines;) {
    long d = head_days(c, k, c->main_year);
    if (d >= 0) return d;
  }
  return -1;
}

static long days_apart(long a, long b) { return a > b ? a - b : b - a; }

/* A date whose year is not the log's ("2023-3-27" among the 2024-3 heads
 * of the 2024 log): a year-end neighbour keeps it; otherwise it is read in
 * the log's year, so that it makes no chapter or chart column of its own. */
static void fix_year(checkin_ctx *c, size_t i, char date[11]) {
  const char *file = c->src->file;
  int line = (int)i + 1;
  long d = pb_date_days(date), up = neighbour_days(c, i, -1), down = neighbour_days(c, i, 1);
  if ((up >= 0 && days_apart(d, up) <= 45) || (down >= 0 && days_apart(d, down) <= 45)) {
    pb_warn(file, line,
            "date %s is outside %d, the year of this log; kept as written (a head "
            "next to it is close)",
            date, c->main_year);
    return;
  }
  char moved[11], iso[11];
  int y, m, day;
  pb_date_scan_iso(date, &y, &m, &day); /* read by pb_read_date */
  pb_date_format(c->main_year, m, day, moved);
  if (!pb_read_date((pb_read_str){moved, strlen(moved)}, iso)) {
    pb_warn(file, line, "date %s is outside %d, the year of this log; kept as written", date,
            c->main_year);
    return;
  }
  pb_warn(file, line,
          "date %s is outside %d, the year of this log, and far from the heads "
          "around it; read as %s",
          date, c->main_year, iso);
  memcpy(date, iso, 11);
}

/* A date with a typo ("2025-11-230"): the reading with one digit fewer
 * (or the log's year) nearest the heads around it, else the date of the
 * head above it (below, for the first). Always a warning. */
static void fix_bad_date(checkin_ctx *c, size_t i, pb_read_str bad, char date[11]) {
  const char *file = c->src->file;
  int line = (int)i + 1;
  char f[3][8];
  size_t nf = 0, k = 0;
  while (nf < 3 && k < bad.len) {
    size_t n = 0;
    while (k < bad.len && isdigit((unsigned char)bad.s[k]) && n < 7) f[nf][n++] = bad.s[k++];
    f[nf++][n] = 0;
    while (k < bad.len && !isdigit((unsigned char)bad.s[k])) k++;
  }
  long up = neighbour_days(c, i, -1), down = neighbour_days(c, i, 1);
  long ref = up >= 0 ? up : down;
  long best = -1, best_gap = 0;
  /* each field as written or with one digit left out */
  for (size_t fi = 0; nf == 3 && fi < 3; fi++) {
    size_t len = strlen(f[fi]);
    /* the last digit first (a key pressed once too often), then the others */
    for (size_t r = 0; r <= len; r++) {
      size_t drop = r == 0 ? len - 1 : r <= len - 1 ? r - 1 : len;
      char g[3][8];
      memcpy(g, f, sizeof g);
      if (drop < len) memmove(g[fi] + drop, g[fi] + drop + 1, len - drop);
      if (fi == 0 && drop == len && c->main_year) snprintf(g[0], sizeof g[0], "%d", c->main_year);
      char txt[32], iso[11];
      snprintf(txt, sizeof txt, "%s-%s-%s", g[0], g[1], g[2]);
      if (!pb_read_date((pb_read_str){txt, strlen(txt)}, iso)) continue;
      long d = pb_date_days(iso);
      /* the distance from the span between the heads above and below */
      long lo = up >= 0 && down >= 0 ? (up < down ? up : down) : ref;
      long hi = up >= 0 && down >= 0 ? (up < down ? down : up) : ref;
      long gap = ref < 0 ? 0 : d < lo ? lo - d : d > hi ? d - hi : 0;
      if (best < 0 || gap < best_gap) best = d, best_gap = gap;
    }
  }
  if (best >= 0 && (ref < 0 || best_gap <= 31)) {
    pb_date_from_days(best, date);
    pb_warn(file, line,
            "date '%.*s' is not a date; read as %s, the nearest reading to the "
            "heads around it",
            (int)bad.len, bad.s, date);
  } else if (ref >= 0) {
    pb_date_from_days(ref, date);
    pb_warn(file, line, "date '%.*s' is not a date; read as %s, the date of the head %s it",
            (int)bad.len, bad.s, date, up >= 0 ? "above" : "below");
  } else {
    date[0] = 0;
    pb_warn(file, line, "date '%.*s' is not a date; the entry is read without one", (int)bad.len,
            bad.s);
  }
}

/* Reads the entry whose head is line i; returns the index after it. */
static size_t read_entry(checkin_ctx *c, size_t i) {
  pb_library *lib = c->lib;
  const char *file = c->src->file;
  int line = (int)i + 1;
  pb_buf head = PB_BUF_INIT;
  size_t j = i + gather_head(c, i, &head);
  pb_read_str h = {head.data, head.len};
  char date[11];
  pb_read_str name;
  int odd;
  pb_read_str bad;
  size_t off = read_date_presenter(c, h, line, date, &name, &odd, &bad);
  pb_read_str after = pb_read_trim((pb_read_str){h.s + off, h.len - off});
  const char *presenter = name.len ? pb_arena_strndup(lib->arena, name.s, name.len) : NULL;
  if (!presenter)
    pb_warn(file, line, "entry has no presenter");
  else if (odd)
    pb_warn(file, line, "presenter written with unmatched brackets; read as '%s'", presenter);
  if (bad.len)
    fix_bad_date(c, i, bad, date);
  else if (date[0] && c->main_year && pb_date_year(date) != c->main_year)
    fix_year(c, i, date);

  /* the end of the entry */
  size_t end = j;
  while (end < c->src->nlines && !ends_entry(line_at(c, end))) end++;

  /* an absence: "本周未精读", or an empty head with the reason below it */
  pb_read_str reason = after;
  size_t reason_line = i;
  if (!trim_seps(after).len) {
    for (size_t k = j; k < end; k++) {
      pb_read_str u = unquoted(line_at(c, k));
      if (u.len) {
        reason = u;
        reason_line = k;
        break;
      }
    }
  }
  pb_read_str plain = unstruck(lib, reason);
  int linked = has_url(reason);
  int absent = says_absent(plain) &&
               (!linked || has_phrase(plain, not_read_phrases,
                                      sizeof not_read_phrases / sizeof *not_read_phrases));
  if (absent && linked)
    pb_note(file, line, "read as a week not read although the head links to what was done");
  else if (!absent && linked && says_absent(plain))
    pb_note(file, line, "read as a paper although the head says the week was not read: %.*s",
            (int)pb_read_cut(plain, 60).len, plain.s);
  if (!absent && trim_seps(after).len && is_skim_head(after, plain)) {
    pb_absence *a = PB_PUSH(lib->arena, lib->notes, lib->nnotes, lib->capnotes);
    a->date = date[0] ? pb_arena_strdup(lib->arena, date) : NULL;
    a->presenter = presenter;
    a->note = absence_note(lib, plain, file, line);
    a->file = file;
    a->line = line;
    if (linked)
      pb_note(file, line, "read as a note (several papers skimmed), not a card, although it links");
    for (size_t k = j; k < end; k++) {
      pb_read_str u = unquoted(line_at(c, k));
      if (u.len && a->note) {
        a->note = pb_arena_printf(lib->arena, "%s %.*s", a->note, (int)u.len, u.s);
      }
    }
    goto done;
  }
  if (absent) {
    pb_absence *a = pb_library_add_absence(lib);
    a->date = date[0] ? pb_arena_strdup(lib->arena, date) : NULL;
    a->presenter = presenter;
    a->note = absence_note(lib, plain, file, line);
    a->file = file;
    a->line = line;
    for (size_t k = j; k < end; k++) {
      pb_read_str u = unquoted(line_at(c, k));
      if (u.len && k != reason_line) pb_warn(file, (int)k + 1, "text after an absence ignored");
    }
    goto done;
  }
  if (!trim_seps(after).len) {
    pb_warn(file, line, "entry has no title; recorded as an absence");
    pb_absence *a = pb_library_add_absence(lib);
    a->date = date[0] ? pb_arena_strdup(lib->arena, date) : NULL;
    a->presenter = presenter;
    a->file = file;
    a->line = line;
    goto done;
  }

  pb_entry *e = pb_library_add_entry(lib, file, line);
  e->presenter = presenter;
  e->date = date[0] ? pb_arena_strdup(lib->arena, date) : NULL;
  head_ctx hc = {c, e, line};
  read_head_rest(&hc, after);
  if (!e->title || !*e->title) pb_warn(file, line, "entry has an empty title");

  read_body(c, e, j, end);
done:
  pb_buf_free(&head);
  return end;
}

int pb_read_checkins(pb_library *lib, const char *path, const pb_read_options *opt) {
  pb_read_source src;
  int rc = pb_read_source_load(lib, path, &src);
  if (rc) goto done;
  pb_read_repo_from_git(lib);
  checkin_ctx c = {lib, opt, &src, find_main_year(&src)};
  size_t i = 0;
  while (i < src.nlines) {
    pb_read_str u = unquoted(src.lines[i]);
    if (pb_read_is_checkin_head(u)) {
      i = read_entry(&c, i);
      continue;
    }
    if (pb_read_is_blank(u) || pb_read_is_separator(u) || u.s[0] == '#') {
      i++;
      continue;
    }
    if (is_template_head(u)) {
      /* the template and its example lines, up to the first real head */
      i++;
      while (i < src.nlines && !ends_entry(src.lines[i])) i++;
      continue;
    }
    /* text between entries: one warning for the whole paragraph, unless
     * it introduces the template ("打卡格式：" above it) */
    size_t k = i;
    while (k < src.nlines && !pb_read_is_blank(unquoted(src.lines[k])) &&
           !pb_read_is_checkin_head(unquoted(src.lines[k])) &&
           !is_template_head(unquoted(src.lines[k])))
      k++;
    if (k < src.nlines && is_template_head(unquoted(src.lines[k]))) {
      i = k;
      continue;
    }
    pb_read_str shown = pb_read_cut(u, 60);
    pb_warn(src.file, (int)i + 1, "text outside any check-in entry ignored: '%.*s'", (int)shown.len,
            shown.s);
    while (i < src.nlines) {
      pb_read_str v = unquoted(src.lines[i]);
      if (pb_read_is_blank(v) || ends_entry(src.lines[i])) break;
      i++;
    }
  }
done:
  pb_read_source_free(&src);
  return rc;
}
