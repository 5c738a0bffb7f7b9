/* The slide-deck index, model side. See slides.h for the contracts. */
#include "slides.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "confine.h"
#include "dates.h"
#include "diag.h"
#include "percent.h"
#include "slides_deck.h"
#include "store.h"
#include "utf8.h"

#define PB_SLIDES_THUMB_MAX (5u * 1024u * 1024u)
#define PB_SLIDES_APPXML_MAX (1u * 1024u * 1024u)
#define PB_SLIDES_XML_MAX (4u * 1024u * 1024u)    /* one slide's XML */
#define PB_SLIDES_XML_TOTAL (64u * 1024u * 1024u) /* all slides' XML of a deck */
#define PB_SLIDES_TITLES_MAX 500                  /* slides whose title is read */
#define PB_SLIDES_DATE_WINDOW 3                   /* days between a card's date and its deck's */

/* ====================================================================== */
/* Characters                                                              */
/* ====================================================================== */

static int is_han(uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF);
}

static int is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* What people put between the parts of a name. */
static int is_separator(uint32_t cp) {
  switch (cp) {
  case ' ':
  case '-':
  case '_':
  case '.':
  case '+':
  case ',':
  case '~':
  case '&':
  case '\t':
  case 0x00A0: /* no-break space */
  case 0x00B7: /* middle dot */
  case 0x2013:
  case 0x2014: /* en and em dash */
  case 0x3000: /* ideographic space */
  case 0x3001: /* 、 */
  case 0xFF0C: /* ， */
  case 0xFF0D: /* － */
  case 0xFF3F: /* ＿ */ return 1;
  default: return 0;
  }
}

/* Returns the closing partner of an opening bracket, 0 if cp is none. */
static uint32_t bracket_close(uint32_t cp) {
  switch (cp) {
  case '(': return ')';
  case '[': return ']';
  case '{': return '}';
  case 0x3010: return 0x3011; /* 【】 */
  case 0xFF08: return 0xFF09; /* （） */
  case 0x300A: return 0x300B; /* 《》 */
  case 0x300C: return 0x300D; /* 「」 */
  case 0x300E: return 0x300F; /* 『』 */
  case 0x3014: return 0x3015; /* 〔〕 */
  case 0xFF3B: return 0xFF3D; /* ［］ */
  default: return 0;
  }
}

static int is_close_bracket(uint32_t cp) {
  switch (cp) {
  case ')':
  case ']':
  case '}':
  case 0x3011:
  case 0xFF09:
  case 0x300B:
  case 0x300D:
  case 0x300F:
  case 0x3015:
  case 0xFF3D: return 1;
  default: return 0;
  }
}

static int is_bracket(uint32_t cp) { return bracket_close(cp) || is_close_bracket(cp); }

/* Decodes the code point ending just before s[end]. Returns its length. */
static size_t decode_before(const char *s, size_t end, uint32_t *cp) {
  size_t start = end;
  while (start > 0 && end - start < 4) {
    start--;
    if (((unsigned char)s[start] & 0xC0) != 0x80) break;
  }
  size_t n = (size_t)pb_utf8_decode(s + start, end - start, cp);
  if (start + n != end) { /* not a well-formed sequence: take one byte */
    *cp = 0xFFFD;
    return 1;
  }
  return n;
}

/* Common Chinese surnames, used only to guess a presenter the cards do not
 * know. Surnames that also begin everyday technical words (任务, 高斯, 方法,
 * 向量, 文本, 时序, 安全, 全局, 金融, 白皮书, 常见, 成果 ...) are left out on
 * purpose: a name missed is a smaller harm than a topic read as a person. */
static const char common_surnames[] =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏"
    "魏吕丁沈姚卢姜崔钟谭陆汪范廖贾夏韦付傅邹孟熊秦邱尹薛闫阎段雷侯陶黎贺顾毛郝龚邵钱严覃"
    "戴莫汤施牛樊葛邢齐乔伍庞颜倪庄聂章鲁岳翟殷詹耿兰焦俞柳甘祝包宁尚舒阮柯梅童凌毕季裴霍"
    "涂苗谷盛翁冉骆蓝游辛靳柴鲍喻祁蒲滕屈饶牟艾尤穆卓缪褚娄窦戚岑宫费卜冷晏瞿佟臧闵苟邬卞"
    "姬仇栾隋刁巫寇桑郎甄丛仲虞敖巩佘迟邝鞠荆冀郁胥栗鄢谌奚粟冼蔺阚帅屠朴廉禹祖漆狄晁芮扈"
    "阙邸雍辜裘亓邰赫杭逯茹嵇湛";

static const char *const compound_surnames[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "闻人", "申屠", "百里"};

static int is_common_surname(uint32_t cp) {
  const char *p = common_surnames;
  size_t len = sizeof common_surnames - 1;
  while (len) {
    uint32_t s;
    int n = pb_utf8_decode(p, len, &s);
    if (s == cp) return 1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* 2–3 Han characters led by a common surname, or 3–4 led by a compound
 * one: the shape of a Chinese personal name. */
static int looks_like_chinese_name(const char *s, size_t len) {
  size_t nchars = 0;
  uint32_t first = 0;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    int n = pb_utf8_decode(s + i, len - i, &cp);
    if (!is_han(cp)) return 0;
    if (nchars == 0) first = cp;
    nchars++;
    i += (size_t)n;
  }
  for (size_t i = 0; i < sizeof compound_surnames / sizeof *compound_surnames; i++) {
    size_t cl = strlen(compound_surnames[i]);
    if (len > cl && memcmp(s, compound_surnames[i], cl) == 0) return nchars >= 3 && nchars <= 4;
  }
  return nchars >= 2 && nchars <= 3 && is_common_surname(first);
}

/* ====================================================================== */
/* Dates                                                                   */
/* ====================================================================== */

typedef struct {
  size_t start, end; /* byte span in the stem */
  int y, m, d;
} date_span;

/* A deck name's date starting at s[start] (pb_date_scan's PB_DATE_NAME);
 * fills *out and returns 1 on success. */
static int date_at(const char *s, size_t len, size_t start, date_span *out) {
  int y, m, d;
  size_t n = pb_date_scan(s + start, len - start, PB_DATE_NAME, &y, &m, &d);
  if (!n) return 0;
  out->start = start;
  out->end = start + n;
  out->y = y;
  out->m = m;
  out->d = d;
  return 1;
}

static int find_date(const char *s, size_t len, date_span *out) {
  for (size_t i = 0; i + 4 <= len; i++) {
    if (!is_digit((unsigned char)s[i])) continue;
    if (i > 0 && is_ascii_alnum((unsigned char)s[i - 1])) continue;
    if (date_at(s, len, i, out)) return 1;
  }
  return 0;
}

/* Parses an ISO date at the start of s ("2024-5-31" tolerated). */
static int iso_days(const char *s, long *days) {
  if (!s) return 0;
  date_span ds;
  if (!date_at(s, strlen(s), 0, &ds)) return 0;
  *days = pb_days_from_civil(ds.y, ds.m, ds.d);
  return 1;
}

/* ====================================================================== */
/* Names                                                                   */
/* ====================================================================== */

/* A byte span of the stem that is taken out of the topic. */
typedef struct {
  size_t start, end;
} span;

/* Is the position before s[at] (at the left edge of a part that starts at
 * `at`) a boundary? Edges, the date, separators and brackets are; for a part
 * that begins with a Han character, so is any non-Han character. */
static int left_boundary(const char *s, size_t at, const date_span *date, int part_is_han) {
  if (at == 0 || (date && at == date->end)) return 1;
  uint32_t cp;
  decode_before(s, at, &cp);
  return is_separator(cp) || is_bracket(cp) || (part_is_han && !is_han(cp));
}

static int right_boundary(const char *s, size_t len, size_t at, const date_span *date,
                          int part_is_han) {
  if (at >= len || (date && at == date->start)) return 1;
  uint32_t cp;
  pb_utf8_decode(s + at, len - at, &cp);
  return is_separator(cp) || is_bracket(cp) || (part_is_han && !is_han(cp));
}

static int first_cp_is_han(const char *s, size_t len) {
  uint32_t cp;
  return len && pb_utf8_decode(s, len, &cp) && is_han(cp);
}
static int last_cp_is_han(const char *s, size_t len) {
  uint32_t cp;
  return len && decode_before(s, len, &cp) && is_han(cp);
}

/* Fields: maximal runs of the stem without separators or brackets, outside
 * the date. */
typedef struct {
  size_t start, end;
} field;

static size_t split_fields(const char *s, size_t len, const date_span *date, field *out,
                           size_t max) {
  size_t n = 0, i = 0;
  while (i < len) {
    if (date && i == date->start) {
      i = date->end;
      continue;
    }
    uint32_t cp;
    size_t k = (size_t)pb_utf8_decode(s + i, len - i, &cp);
    if (is_separator(cp) || is_bracket(cp)) {
      i += k;
      continue;
    }
    size_t start = i;
    while (i < len && !(date && i == date->start)) {
      k = (size_t)pb_utf8_decode(s + i, len - i, &cp);
      if (is_separator(cp) || is_bracket(cp)) break;
      i += k;
    }
    if (n < max) out[n] = (field){start, i};
    n++;
  }
  return n < max ? n : max;
}

/* Only separators and brackets between s[a] and s[b]? */
static int only_gaps_between(const char *s, size_t a, size_t b) {
  while (a < b) {
    uint32_t cp;
    a += (size_t)pb_utf8_decode(s + a, b - a, &cp);
    if (!is_separator(cp) && !is_bracket(cp)) return 0;
  }
  return 1;
}

/* Finds the presenter in the stem s[0..len) (date already found, or NULL).
 *
 * The rule, in order:
 *  1. A name from known (the presenters the cards name) is taken where it
 *     stands as a part of its own: both of its ends touch the edge of the
 *     name, the date, a separator (- _ . space and their full-width forms)
 *     or a bracket; a Han name may also touch non-Han text (陈银 in
 *     "SiamMAE陈银"). A Han name glued to more Han text (崔凯扫盲贴) is not
 *     taken: it may be part of a word. The earliest such occurrence wins,
 *     the longer name when two start at the same place.
 *  2. Otherwise, only when the name has a date, a field (text between
 *     separators, brackets, the date and the edges) is taken when it looks
 *     like a Chinese personal name (2–3 Han characters led by a common
 *     surname, 3–4 led by a compound one) and stands next to the date or at
 *     either end of the name, and no other field qualifies. Two candidates
 *     are ambiguous and neither is taken. 2023.10.27霍佳琪 gives 霍佳琪;
 *     2024.11.1 扫盲贴 and 20240531_多模态对齐 give no presenter.
 *  Anything not taken stays in the topic. */
static int find_presenter(const char *s, size_t len, const date_span *date,
                          const char *const *known, size_t nknown, span *out,
                          const char **canonical) {
  int found = 0;
  for (size_t k = 0; k < nknown; k++) {
    const char *name = known[k];
    size_t nl = name ? strlen(name) : 0;
    if (nl == 0 || nl > len) continue;
    int lhan = first_cp_is_han(name, nl), rhan = last_cp_is_han(name, nl);
    for (size_t p = 0; p + nl <= len; p++) {
      if (date && p < date->end && p + nl > date->start) continue;
      if (strncasecmp(s + p, name, nl) != 0) continue;
      if (!left_boundary(s, p, date, lhan) || !right_boundary(s, len, p + nl, date, rhan)) continue;
      if (!found || p < out->start || (p == out->start && p + nl > out->end)) {
        out->start = p;
        out->end = p + nl;
        *canonical = name;
        found = 1;
      }
      break;
    }
  }
  if (found || !date) return found;

  field fields[64];
  size_t nf = split_fields(s, len, date, fields, sizeof fields / sizeof *fields);
  size_t candidates = 0;
  for (size_t i = 0; i < nf; i++) {
    const field *f = &fields[i];
    if (!looks_like_chinese_name(s + f->start, f->end - f->start)) continue;
    int next_to_date = (f->end <= date->start && only_gaps_between(s, f->end, date->start)) ||
                       (f->start >= date->end && only_gaps_between(s, date->end, f->start));
    int at_an_end = only_gaps_between(s, 0, f->start) || only_gaps_between(s, f->end, len);
    if (!next_to_date && !at_an_end) continue;
    candidates++;
    out->start = f->start;
    out->end = f->end;
  }
  if (candidates != 1) return 0;
  *canonical = NULL;
  return 1;
}

/* Widens a taken span over a bracket pair right around it ("[陈银]"). */
static void take_brackets(const char *s, size_t len, span *sp) {
  if (sp->start == 0 || sp->end >= len) return;
  uint32_t open, close;
  size_t ol = decode_before(s, sp->start, &open);
  size_t cl = (size_t)pb_utf8_decode(s + sp->end, len - sp->end, &close);
  if (bracket_close(open) && bracket_close(open) == close) {
    sp->start -= ol;
    sp->end += cl;
  }
}

/* Trims separators from both ends of s[*a..*b), and brackets that have no
 * partner inside the piece; unwraps a piece wholly in one bracket pair. */
static void tidy_piece(const char *s, size_t *a, size_t *b) {
  for (;;) {
    size_t a0 = *a, b0 = *b;
    uint32_t cp;
    while (*a < *b) {
      size_t n = (size_t)pb_utf8_decode(s + *a, *b - *a, &cp);
      if (!is_separator(cp)) break;
      *a += n;
    }
    while (*b > *a) {
      size_t n = decode_before(s, *b, &cp);
      if (!is_separator(cp)) break;
      *b -= n;
    }
    if (*a >= *b) return;
    /* A bracket pair around the whole piece, or an opening bracket with no
     * partner, or a closing one with no opener. */
    uint32_t first;
    size_t fl = (size_t)pb_utf8_decode(s + *a, *b - *a, &first);
    uint32_t close = bracket_close(first);
    if (close) {
      int depth = 0;
      size_t end_of_group = 0, i = *a;
      while (i < *b) {
        size_t n = (size_t)pb_utf8_decode(s + i, *b - i, &cp);
        if (cp == first)
          depth++;
        else if (cp == close && --depth == 0) {
          end_of_group = i + n;
          break;
        }
        i += n;
      }
      if (end_of_group == *b) { /* [ whole piece ] */
        *a += fl;
        *b -= decode_before(s, *b, &cp);
      } else if (end_of_group == 0) { /* unmatched opener */
        *a += fl;
      }
    } else {
      uint32_t last;
      size_t ll = decode_before(s, *b, &last);
      if (is_close_bracket(last)) {
        int has_opener = 0;
        for (size_t i = *a; i < *b;) {
          size_t n = (size_t)pb_utf8_decode(s + i, *b - i, &cp);
          if (bracket_close(cp) == last) has_opener = 1;
          i += n;
        }
        if (!has_opener) *b -= ll;
      }
    }
    if (*a == a0 && *b == b0) return;
  }
}

/* Appends s[a..b) to out with underscores read as spaces and runs of
 * spaces collapsed. */
static void put_topic_piece(pb_buf *out, const char *s, size_t a, size_t b) {
  for (size_t i = a; i < b; i++) {
    char c = s[i] == '_' ? ' ' : s[i];
    if (c == ' ' && out->len && out->data[out->len - 1] == ' ') continue;
    pb_buf_putc(out, c);
  }
}

int pb_slide_parse_name(pb_arena *a, const char *filename, const char *const *known_presenters,
                        size_t npresenters, pb_slide *out) {
  memset(out, 0, sizeof *out);
  if (!filename || !*filename) return PB_EPARSE;
  const char *name = filename;
  size_t len = strlen(name);
  out->name = pb_arena_strndup(a, name, len);

  /* Extension: 1–8 ASCII letters and digits, at least one letter, after a
   * last dot that is not the first character. */
  size_t stem_len = len;
  const char *dot = strrchr(name, '.');
  if (dot && dot > name) {
    size_t el = len - (size_t)(dot + 1 - name);
    int ok = el >= 1 && el <= 8, letters = 0;
    for (size_t i = 0; ok && i < el; i++) {
      unsigned char c = (unsigned char)dot[1 + i];
      if (!is_ascii_alnum(c)) ok = 0;
      if (!is_digit(c)) letters = 1;
    }
    if (ok && letters) {
      char *ext = pb_arena_strndup(a, dot + 1, el);
      for (char *p = ext; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
      out->ext = ext;
      stem_len = (size_t)(dot - name);
    }
  }
  const char *s = name;
  size_t n = stem_len;

  date_span date;
  int has_date = find_date(s, n, &date);
  span taken[2];
  size_t ntaken = 0;
  if (has_date) {
    char iso[11];
    pb_date_format(date.y, date.m, date.d, iso);
    out->date = pb_arena_strdup(a, iso);
    taken[ntaken] = (span){date.start, date.end};
    take_brackets(s, n, &taken[ntaken]);
    ntaken++;
  }
  span who;
  const char *canonical = NULL;
  if (find_presenter(s, n, has_date ? &date : NULL, known_presenters, npresenters, &who,
                     &canonical)) {
    out->presenter = canonical ? pb_arena_strdup(a, canonical)
                               : pb_arena_strndup(a, s + who.start, who.end - who.start);
    take_brackets(s, n, &who);
    taken[ntaken++] = who;
  }
  if (ntaken == 2 && taken[1].start < taken[0].start) {
    span t = taken[0];
    taken[0] = taken[1];
    taken[1] = t;
  }

  /* The topic: the pieces between the taken spans, tidied, joined. */
  pb_buf topic = PB_BUF_INIT;
  size_t at = 0;
  for (size_t i = 0; i <= ntaken; i++) {
    size_t pa = at, pb = i < ntaken ? taken[i].start : n;
    if (i < ntaken) at = taken[i].end;
    tidy_piece(s, &pa, &pb);
    if (pa >= pb) continue;
    if (topic.len) pb_buf_puts(&topic, " - ");
    put_topic_piece(&topic, s, pa, pb);
  }
  while (topic.len && topic.data[topic.len - 1] == ' ') topic.data[--topic.len] = 0;
  if (topic.len) out->topic = pb_arena_strndup(a, topic.data, topic.len);
  pb_buf_free(&topic);
  return PB_OK;
}

/* ====================================================================== */
/* Reading .pptx files                                                     */
/* ====================================================================== */

static int is_ooxml_presentation(const char *ext) {
  return ext && (strcmp(ext, "pptx") == 0 || strcmp(ext, "pptm") == 0 || strcmp(ext, "ppsx") == 0 ||
                 strcmp(ext, "potx") == 0);
}

/* "ppt/slides/slide12.xml" gives 12; anything else -1. */
static long slide_part_number(const char *entry) {
  static const char prefix[] = "ppt/slides/slide";
  if (strncmp(entry, prefix, sizeof prefix - 1) != 0) return -1;
  const char *p = entry + sizeof prefix - 1;
  if (!is_digit((unsigned char)*p)) return -1;
  long n = 0;
  for (; is_digit((unsigned char)*p); p++) n = n < 100000000 ? n * 10 + (*p - '0') : n;
  return strcmp(p, ".xml") == 0 ? n : -1;
}

/* Reads zip entry idx (at most limit bytes) into out. Returns 0, PB_ELIMIT
 * or PB_EFORMAT with the reason written to why. */
static int zip_read_entry(zip_t *z, zip_uint64_t idx, size_t limit, pb_buf *out, char *why,
                          size_t whylen) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(z, idx, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
    snprintf(why, whylen, "%s", zip_strerror(z));
    return PB_EFORMAT;
  }
  if (st.size > limit) {
    snprintf(why, whylen, "%" PRIu64 " bytes, more than the limit of %zu", (uint64_t)st.size,
             limit);
    return PB_ELIMIT;
  }
  zip_file_t *f = zip_fopen_index(z, idx, 0);
  if (!f) {
    snprintf(why, whylen, "%s", zip_strerror(z));
    return PB_EFORMAT;
  }
  int rc = PB_OK;
  pb_buf_reset(out);
  pb_buf_reserve(out, (size_t)st.size);
  while (out->len < (size_t)st.size) {
    zip_int64_t got = zip_fread(f, out->data + out->len, (zip_uint64_t)st.size - out->len);
    if (got <= 0) {
      snprintf(why, whylen, "%s", got < 0 ? zip_file_strerror(f) : "entry shorter than declared");
      rc = PB_EFORMAT;
      break;
    }
    out->len += (size_t)got;
  }
  out->data[out->len] = 0;
  if (zip_fclose(f) != 0 && rc == PB_OK) {
    snprintf(why, whylen, "entry data corrupt");
    rc = PB_EFORMAT;
  }
  return rc;
}

typedef struct {
  long number;
  zip_uint64_t index;
} slide_part;

static int cmp_parts(const void *a, const void *b) {
  const slide_part *x = a, *y = b;
  return x->number < y->number ? -1 : x->number > y->number;
}

/* The slide titles of a .pptx, in slide-number order, read with libxml2;
 * the deck's title is slide 1's. Each slide's XML is capped, and
 * so is the total read from one deck: a zip bomb costs a warning. */
static void read_pptx_titles(pb_deck_ctx *c, pb_slide *slide, const char *file, zip_t *z,
                             slide_part *parts, size_t nparts) {
  qsort(parts, nparts, sizeof *parts, cmp_parts);
  pb_buf data = PB_BUF_INIT;
  char why[256], xwhy[200];
  size_t total = 0, bad = 0;
  size_t n = nparts < PB_SLIDES_TITLES_MAX ? nparts : PB_SLIDES_TITLES_MAX;
  slide->slide_titles = pb_arena_alloc(c->lib->arena, (n + 1) * sizeof *slide->slide_titles);
  for (size_t i = 0; i < n; i++) {
    const char *title = NULL;
    const char *part = zip_get_name(z, parts[i].index, 0);
    int rc = zip_read_entry(z, parts[i].index, PB_SLIDES_XML_MAX, &data, why, sizeof why);
    if (rc == PB_OK && total + data.len > PB_SLIDES_XML_TOTAL) {
      pb_deck_warn(c, file, "slide XML beyond %u MB in all; titles from slide %ld on not read",
                   PB_SLIDES_XML_TOTAL >> 20, parts[i].number);
      break;
    }
    if (rc != PB_OK) {
      if (bad++ < 3) pb_deck_warn(c, file, "%s: cannot read (%s); its title skipped", part, why);
    } else {
      total += data.len;
      if (pb_deck_slide_title(c->lib->arena, data.data, data.len, &title, xwhy, sizeof xwhy) < 0 &&
          bad++ < 3)
        pb_deck_warn(c, file, "%s:%s; its title skipped", part ? part : "slide", xwhy);
    }
    slide->slide_titles[slide->nslide_titles++] = title;
  }
  if (bad > 3) pb_deck_warn(c, file, "%zu more slides whose title could not be read", bad - 3);
  if (slide->nslide_titles && parts[0].number == 1 &&
      !pb_deck_is_junk_title(slide->slide_titles[0]))
    slide->title = slide->slide_titles[0];
  pb_buf_free(&data);
}

/* The thumbnail PowerPoint saved in docProps/. */
static void read_pptx_thumbnail(pb_deck_ctx *c, pb_slide *slide, const char *file, zip_t *z,
                                zip_uint64_t thumb) {
  pb_buf data = PB_BUF_INIT;
  char why[256];
  int rc = zip_read_entry(z, thumb, PB_SLIDES_THUMB_MAX, &data, why, sizeof why);
  if (rc == PB_ELIMIT) {
    pb_deck_warn(c, file, "thumbnail skipped: %s", why);
  } else if (rc != PB_OK) {
    pb_deck_warn(c, file, "cannot read the thumbnail (%s)", why);
  } else {
    const unsigned char *b = (const unsigned char *)data.data;
    const char *ext = NULL;
    if (data.len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
      ext = "jpeg";
    else if (data.len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
      ext = "png";
    if (!ext)
      pb_deck_warn(c, file, "thumbnail is neither JPEG nor PNG; skipped");
    else
      slide->thumbnail = pb_deck_store_thumbnail(c, file, data.data, data.len, ext);
  }
  pb_buf_free(&data);
}

/* Slide count, slide titles and thumbnail of one .pptx. Problems are
 * warnings. */
static void read_pptx(pb_deck_ctx *c, pb_slide *slide, const char *file) {
  int err = 0;
  zip_t *z = zip_open(file, ZIP_RDONLY, &err);
  if (!z) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    pb_deck_warn(c, file, "not a readable .pptx (zip: %s); no slide count or thumbnail",
                 zip_error_strerror(&ze));
    zip_error_fini(&ze);
    slide->note = "unreadable .pptx";
    return;
  }
  pb_buf data = PB_BUF_INIT;
  char why[256];
  zip_int64_t nentries = zip_get_num_entries(z, 0);
  zip_int64_t thumb = -1, app = -1;
  slide_part *parts = NULL;
  size_t nparts = 0, capparts = 0;
  for (zip_int64_t i = 0; i < nentries; i++) {
    const char *ename = zip_get_name(z, (zip_uint64_t)i, 0);
    if (!ename) continue;
    long num = slide_part_number(ename);
    if (num >= 0) {
      if (nparts == capparts) {
        capparts = capparts ? capparts * 2 : 64;
        parts = pb_xrealloc(parts, capparts * sizeof *parts);
      }
      parts[nparts++] = (slide_part){num, (zip_uint64_t)i};
    } else if (strncasecmp(ename, "docProps/thumbnail.", 19) == 0 && thumb < 0) {
      thumb = i;
    } else if (strcmp(ename, "docProps/app.xml") == 0) {
      app = i;
    }
  }
  int count = nparts > INT32_MAX ? INT32_MAX : (int)nparts;
  if (count == 0 && app >= 0) {
    if (zip_read_entry(z, (zip_uint64_t)app, PB_SLIDES_APPXML_MAX, &data, why, sizeof why) ==
        PB_OK) {
      const char *p = strstr(data.data, "<Slides>");
      if (p) count = atoi(p + 8);
    } else {
      pb_deck_warn(c, file, "cannot read docProps/app.xml (%s)", why);
    }
  }
  slide->slides = count > 0 ? count : 0;
  if (count == 0) pb_deck_warn(c, file, "no slides found in this .pptx");
  if (nparts) read_pptx_titles(c, slide, file, z, parts, nparts);
  if (thumb >= 0)
    read_pptx_thumbnail(c, slide, file, z, (zip_uint64_t)thumb);
  else
    slide->note = "no thumbnail saved in the .pptx";
  free(parts);
  pb_buf_free(&data);
  zip_discard(z);
}

/* ====================================================================== */
/* Linking decks and cards                                                 */
/* ====================================================================== */

static void percent_decode(pb_buf *out, const char *s) {
  pb_buf_reset(out);
  pb_percent_decode(s, strlen(s), 0, out);
}

/* Cuts a path at a query or fragment and drops a leading "./". */
static void clean_rel_path(pb_buf *out, const char *s) {
  while (s[0] == '.' && s[1] == '/') s += 2;
  size_t n = strcspn(s, "?#");
  pb_buf_reset(out);
  pb_buf_append(out, s, n);
}

/* When link points at a file in the library, sets out to its path relative
 * to the root and returns 1: link->local, a relative URL, or a URL into the
 * library's repository (.../blob/BRANCH/path, .../raw/BRANCH/path,
 * raw.githubusercontent.com/OWNER/REPO/BRANCH/path, also wrapped in a
 * previewer such as htmlpreview's "?https://github.com/..."). */
static int link_library_path(const pb_library *lib, const pb_link *l, pb_buf *out) {
  if (l->local) {
    clean_rel_path(out, l->local);
    return out->len > 0;
  }
  if (!l->url || !*l->url) return 0;
  pb_buf url = PB_BUF_INIT;
  percent_decode(&url, l->url);
  int found = 0;
  const char *u = url.data;
  if (!strstr(u, "://") && strncmp(u, "mailto:", 7) != 0 && u[0] != '#' && u[0] != '/') {
    clean_rel_path(out, u);
    found = out->len > 0;
    goto done;
  }
  if (lib->repo_url) {
    const char *host = strstr(lib->repo_url, "://");
    host = host ? host + 3 : lib->repo_url;
    const char *owner_repo = strchr(host, '/');
    /* GitHub owner and repository names are case-insensitive. */
    if (owner_repo && !strcasestr(u, owner_repo)) goto done;
  }
  const char *tail = NULL;
  const char *m;
  if ((m = strstr(u, "raw.githubusercontent.com/"))) {
    tail = m + strlen("raw.githubusercontent.com/");
    for (int k = 0; k < 3 && tail; k++) { /* OWNER/REPO/BRANCH */
      tail = strchr(tail, '/');
      if (tail) tail++;
    }
  } else if (strstr(u, "github.com/") && ((m = strstr(u, "/blob/")) || (m = strstr(u, "/raw/")))) {
    tail = strchr(m + 1, '/');
    if (tail) tail = strchr(tail + 1, '/'); /* past BRANCH */
    if (tail) tail++;
  }
  if (tail && *tail) {
    clean_rel_path(out, tail);
    found = out->len > 0;
  }
done:
  pb_buf_free(&url);
  return found;
}

static void link_entry(pb_library *lib, pb_slide *s, int index) {
  for (size_t i = 0; i < s->nentries; i++)
    if (s->entries[i] == index) return;
  *PB_PUSH(lib->arena, s->entries, s->nentries, s->capentries) = index;
}

static int same_session(const pb_entry *e, const pb_slide *s) {
  long de, ds;
  if (!e->presenter || !s->presenter || strcmp(e->presenter, s->presenter) != 0) return 0;
  if (!iso_days(e->date, &de) || !iso_days(s->date, &ds)) return 0;
  return labs(de - ds) <= PB_SLIDES_DATE_WINDOW;
}

/* The part of a URL that names the deck: no fragment or query, and for
 * Google Slides only the document id ("docs.google.com/presentation/d/ID"). */
static void remote_key(pb_buf *out, const char *url) {
  pb_buf_reset(out);
  const char *p = strstr(url, "://");
  p = p ? p + 3 : url;
  const char *g = strstr(p, "/presentation/d/");
  size_t n = g ? (size_t)(g - p) + 16 + strcspn(g + 16, "/?#") : strcspn(p, "?#");
  pb_buf_append(out, p, n);
  while (out->len && out->data[out->len - 1] == '/') out->data[--out->len] = 0;
  if (!out->data) pb_buf_puts(out, "");
}

static void link_decks(pb_library *lib) {
  pb_buf target = PB_BUF_INIT, key = PB_BUF_INIT;
  for (size_t k = 0; k < lib->nslides; k++) {
    pb_slide *s = &lib->slides[k];
    if (s->url) remote_key(&key, s->url);
    for (size_t i = 0; i < lib->nentries; i++) {
      const pb_entry *e = lib->entries[i];
      int linked = same_session(e, s);
      for (size_t j = 0; !linked && j < e->nlinks; j++) {
        const pb_link *l = &e->links[j];
        if (s->url) {
          if (l->url) {
            remote_key(&target, l->url);
            linked = strcmp(target.data, key.data) == 0;
          }
        } else {
          linked = link_library_path(lib, l, &target) && strcmp(target.data, s->path) == 0;
        }
      }
      if (linked) link_entry(lib, s, e->index);
    }
  }
  pb_buf_free(&target);
  pb_buf_free(&key);
}

pb_slide *pb_slides_add_remote(pb_library *lib, const char *url, const char *date,
                               const char *presenter, const char *title, const char *file,
                               int line) {
  if (!url || !strstr(url, "://")) return NULL;
  pb_buf key = PB_BUF_INIT, other = PB_BUF_INIT;
  remote_key(&key, url);
  pb_slide *s = NULL;
  for (size_t i = 0; i < lib->nslides && !s; i++) {
    if (!lib->slides[i].url) continue;
    remote_key(&other, lib->slides[i].url);
    if (strcmp(other.data, key.data) == 0) s = &lib->slides[i];
  }
  if (!s) {
    s = PB_PUSH(lib->arena, lib->slides, lib->nslides, lib->capslides);
    s->url = pb_arena_strdup(lib->arena, url);
    s->path = s->url;
    s->name = pb_arena_strdup(lib->arena, key.data);
    s->file = file ? pb_arena_strdup(lib->arena, file) : NULL;
    s->line = line;
  }
  if (!s->date && date) s->date = pb_arena_strdup(lib->arena, date);
  if (!s->presenter && presenter) s->presenter = pb_arena_strdup(lib->arena, presenter);
  if (!s->title && title) s->title = pb_deck_tidy_text(lib->arena, title, strlen(title), 200);
  pb_buf_free(&key);
  pb_buf_free(&other);
  return s;
}

/* Decks the cards name by URL outside the library: a link of kind slide,
 * or any link to Google Slides. */
static void add_remote_from_cards(pb_library *lib) {
  pb_buf target = PB_BUF_INIT;
  for (size_t i = 0; i < lib->nentries; i++) {
    const pb_entry *e = lib->entries[i];
    for (size_t j = 0; j < e->nlinks; j++) {
      const pb_link *l = &e->links[j];
      if (l->local || !l->url || !strstr(l->url, "://")) continue;
      if (l->kind != PB_LINK_SLIDE && !strstr(l->url, "docs.google.com/presentation/")) continue;
      if (link_library_path(lib, l, &target)) continue; /* a file of the library */
      pb_slides_add_remote(lib, l->url, e->date, e->presenter, NULL, e->file,
                           l->line ? l->line : e->line);
    }
  }
  pb_buf_free(&target);
}

/* ====================================================================== */
/* Scanning                                                                */
/* ====================================================================== */

/* Files that sit beside decks without being one: scripts and notes that
 * make or describe them, PowerPoint's "~$" lock files, desktop litter. */
static int is_deck_file(const char *name) {
  static const char *const not_decks[] = {"py",  "sh",   "bat", "cmd", "ps1", "js",   "css", "json",
                                          "yml", "yaml", "md",  "db",  "ini", "lock", "tmp"};
  if (name[0] == '.' || strncmp(name, "~$", 2) == 0) return 0;
  if (strcasecmp(name, "Thumbs.db") == 0 || strcasecmp(name, "desktop.ini") == 0) return 0;
  const char *dot = strrchr(name, '.');
  if (dot)
    for (size_t i = 0; i < sizeof not_decks / sizeof *not_decks; i++)
      if (strcasecmp(dot + 1, not_decks[i]) == 0) return 0;
  return 1;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct presenters of the cards, in first-seen order (malloc'd). */
static const char **card_presenters(const pb_library *lib, size_t *n) {
  const char **names = pb_xmalloc((lib->nentries + 1) * sizeof *names);
  *n = 0;
  for (size_t i = 0; i < lib->nentries; i++) {
    const char *p = lib->entries[i]->presenter;
    if (!p || !*p) continue;
    size_t j = 0;
    while (j < *n && strcmp(names[j], p) != 0) j++;
    if (j == *n) names[(*n)++] = p;
  }
  return names;
}

int pb_slides_scan(pb_library *lib, const char *slide_dir_rel) {
  return pb_slides_scan_ex(lib, slide_dir_rel, NULL);
}

/* The index of a .pptx or HTML deck (slide count, titles, thumbnail,
 * note) is kept in the thumbnail directory's store (store.h) as
 * decks/HASH.txt, HASH of the file's path, device, inode, size and
 * modification time (and for HTML whether a browser may run), so a warm
 * build does not unzip and parse the slides again: 11% of a warm build of
 * the 2024 archive went to that. Only a deck read without a warning is
 * kept, so that warnings are repeated on every build; a kept thumbnail
 * must still be the regular file it was. PDF decks and HTML shots have
 * records of their own, by content (slides_deck.c). */
#define DECK_INDEX_MAGIC "paperbook deck index 2\n" /* 2: HTML shots served confined */

/* The store key of a deck file into key; 0, or -1 when it is not kept. */
static int deck_index_key(pb_deck_ctx *c, const char *file, int html, pb_buf *key) {
  struct stat sb;
  if (c->in_process || c->thumb_dir_failed || stat(file, &sb) != 0 || !S_ISREG(sb.st_mode))
    return -1;
  pb_buf_printf(key, "%s\n%ju %ju %jd %jd.%09ld %d %s", file, (uintmax_t)sb.st_dev,
                (uintmax_t)sb.st_ino, (intmax_t)sb.st_size, (intmax_t)sb.st_mtim.tv_sec,
                (long)sb.st_mtim.tv_nsec, html ? c->no_browser : -1,
                html && getenv("PAPERBOOK_BROWSER") ? getenv("PAPERBOOK_BROWSER") : "");
  return 0;
}

static const char *index_value(pb_deck_ctx *c, const char *v, const char *end) {
  return end > v ? pb_arena_strndup(c->lib->arena, v, (size_t)(end - v)) : NULL;
}

/* A thumbnail a kept index names is used as the deck's only when it is
 * still a record of the store's images/ (a regular file reached without a
 * link) of the size it had: otherwise the deck is read again and its
 * thumbnail written. */
static int kept_thumbnail(const pb_deck_ctx *c, const char *path, long long size) {
  size_t n = strlen(c->thumb_dir);
  if (strncmp(path, c->thumb_dir, n) != 0 || strncmp(path + n, "/images/", 8) != 0) return 0;
  char *found = pb_store_find(c->thumb_dir, "images", path + n + 8);
  struct stat sb;
  int ok = found && lstat(found, &sb) == 0 && (long long)sb.st_size == size;
  free(found);
  return ok;
}

/* Fills s from a kept index. Returns 1, or 0 (s untouched) when there is
 * none, it does not read as one, or its thumbnail is gone. */
static int deck_index_read(pb_deck_ctx *c, pb_slide *s, const pb_buf *key) {
  pb_buf b = PB_BUF_INIT;
  size_t magic = strlen(DECK_INDEX_MAGIC);
  if (pb_store_get(c->thumb_dir, "decks", key->data, key->len, ".txt", 1u << 20, &b) != 0 ||
      b.len < magic || memcmp(b.data, DECK_INDEX_MAGIC, magic) != 0 || b.data[b.len - 1] != '\n') {
    pb_buf_free(&b);
    return 0;
  }
  pb_slide r = *s;
  long long thumb_size = -1;
  size_t ntitles = 0;
  for (const char *p = b.data + magic; *p; p = strchr(p, '\n') + 1) ntitles += *p == 'L';
  r.slide_titles = ntitles ? pb_arena_alloc(c->lib->arena, ntitles * sizeof *r.slide_titles) : NULL;
  r.nslide_titles = 0;
  int ok = 1;
  for (const char *p = b.data + magic; *p && ok;) {
    const char *end = strchr(p, '\n'), *v = p + 2 < end ? p + 2 : end;
    switch (*p) {
    case 'S': r.slides = (int)strtol(v, NULL, 10); break;
    case 'T': r.title = index_value(c, v, end); break;
    case 'N': r.note = index_value(c, v, end); break;
    case 'I': r.thumbnail = index_value(c, v, end); break;
    case 'Z': thumb_size = strtoll(v, NULL, 10); break;
    case 'L': r.slide_titles[r.nslide_titles++] = index_value(c, v, end); break;
    default: ok = 0;
    }
    p = end + 1;
  }
  pb_buf_free(&b);
  if (!ok || r.slides < 0 || (r.thumbnail && !kept_thumbnail(c, r.thumbnail, thumb_size))) return 0;
  *s = r;
  return 1;
}

static int has_newline(const char *v) { return v && strchr(v, '\n'); }

static void deck_index_write(pb_deck_ctx *c, const pb_slide *s, const pb_buf *key) {
  int bad = has_newline(s->title) || has_newline(s->note) || has_newline(s->thumbnail);
  for (size_t i = 0; i < s->nslide_titles; i++) bad |= has_newline(s->slide_titles[i]);
  if (bad || pb_mkdir_p(c->thumb_dir) != 0) return;
  pb_buf b = PB_BUF_INIT;
  pb_buf_puts(&b, DECK_INDEX_MAGIC);
  pb_buf_printf(&b, "S %d\n", s->slides);
  if (s->title) pb_buf_printf(&b, "T %s\n", s->title);
  if (s->note) pb_buf_printf(&b, "N %s\n", s->note);
  struct stat sb;
  if (s->thumbnail && lstat(s->thumbnail, &sb) == 0 && S_ISREG(sb.st_mode))
    pb_buf_printf(&b, "I %s\nZ %lld\n", s->thumbnail, (long long)sb.st_size);
  else if (s->thumbnail)
    bad = 1;
  for (size_t i = 0; i < s->nslide_titles; i++)
    pb_buf_printf(&b, "L %s\n", s->slide_titles[i] ? s->slide_titles[i] : "");
  if (!bad) /* a cache: a failed write costs a parse next time */
    pb_store_put(c->thumb_dir, "decks", key->data, key->len, ".txt", b.data, b.len);
  pb_buf_free(&b);
}

/* What one deck file holds, by its kind. */
static void read_deck(pb_deck_ctx *c, pb_slide *s, const char *file) {
  int pptx = is_ooxml_presentation(s->ext);
  int html = !pptx && s->ext && (strcmp(s->ext, "html") == 0 || strcmp(s->ext, "htm") == 0);
  pb_buf key = PB_BUF_INIT;
  int index = (pptx || html) && deck_index_key(c, file, html, &key) == 0;
  if (index && deck_index_read(c, s, &key)) {
    pb_buf_free(&key);
    return;
  }
  int warned = c->warned;
  if (pptx)
    read_pptx(c, s, file);
  else if (s->ext && strcmp(s->ext, "pdf") == 0)
    pb_deck_read_pdf(c, s, file);
  else if (html)
    pb_deck_read_html(c, s, file);
  else
    s->note = "no preview for this kind of file";
  if (index && c->warned == warned && !c->thumb_dir_failed) deck_index_write(c, s, &key);
  pb_buf_free(&key);
}

/* The names of the deck files in dir, sorted (malloc'd, *n of them), or
 * NULL with *n 0. Returns 0, or PB_EIO after an error message. */
static int list_decks(const char *dir, char ***names, size_t *n) {
  size_t cap = 0;
  *names = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (!d) {
    if (errno == ENOENT) return 0;
    pb_error(dir, 0, "cannot read the slide directory: %s", strerror(errno));
    return PB_EIO;
  }
  pb_buf file = PB_BUF_INIT;
  for (struct dirent *de; (de = readdir(d));) {
    if (!is_deck_file(de->d_name)) continue;
    pb_buf_reset(&file);
    pb_buf_printf(&file, "%s/%s", dir, de->d_name);
    struct stat sb;
    if (stat(file.data, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
    if (*n == cap) {
      cap = cap ? cap * 2 : 16;
      *names = pb_xrealloc(*names, cap * sizeof **names);
    }
    (*names)[(*n)++] = pb_xstrdup(de->d_name);
  }
  closedir(d);
  pb_buf_free(&file);
  if (*n) qsort(*names, *n, sizeof **names, cmp_names);
  return 0;
}

void pb_slides_read(pb_library *lib, const pb_slides_options *opt) {
  pb_deck_ctx ctx = {0};
  ctx.lib = lib;
  ctx.thumb_dir = opt && opt->thumb_dir
                      ? opt->thumb_dir
                      : pb_arena_printf(lib->arena, "%s/build/cache/thumbs", lib->root);
  ctx.in_process = opt && opt->in_process;
  ctx.no_browser = opt && opt->no_browser;
  pb_buf file = PB_BUF_INIT;
  for (size_t i = 0; i < lib->nslides; i++) {
    pb_slide *s = &lib->slides[i];
    if (s->url || !s->path || s->contents_read) continue;
    pb_buf_reset(&file);
    pb_buf_printf(&file, "%s/%s", lib->root, s->path);
    read_deck(&ctx, s, file.data);
    s->contents_read = 1;
  }
  pb_buf_free(&file);
}

int pb_slides_scan_ex(pb_library *lib, const char *slide_dir_rel, const pb_slides_options *opt) {
  if (!slide_dir_rel || !*slide_dir_rel) slide_dir_rel = "Slide";
  /* Remote decks added before (from the minutes) are kept, after the files. */
  pb_slide *before = lib->slides;
  size_t nbefore = lib->nslides;
  lib->slides = NULL;
  lib->nslides = lib->capslides = 0;

  pb_buf dir = PB_BUF_INIT;
  pb_buf_printf(&dir, "%s/%s", lib->root, slide_dir_rel);
  char **names = NULL;
  size_t nnames = 0, nknown = 0;
  const char **known = NULL;
  pb_buf file = PB_BUF_INIT;
  int rc = list_decks(dir.data, &names, &nnames);
  /* Decks come from the library: one that is a link out of it (to a PDF
   * or page of the user's) is not opened, titled nor rendered. */
  int confine = lib->root && !(opt && opt->allow_outside);
  char *dir_real = NULL;
  if (confine && nnames && pb_confine_outside(dir.data, lib->root, &dir_real)) {
    pb_warn(dir.data, 0,
            "the slide directory resolves to '%s', outside the library root; the %zu deck "
            "files in it are not read (--allow-outside on the command line permits it)",
            dir_real ? dir_real : "?", nnames);
    for (size_t i = 0; i < nnames; i++) free(names[i]);
    nnames = 0;
  }
  free(dir_real);

  known = card_presenters(lib, &nknown);
  for (size_t i = 0; i < nnames; i++) {
    pb_buf_reset(&file);
    pb_buf_printf(&file, "%s/%s", dir.data, names[i]);
    char *real = NULL;
    if (confine && pb_confine_outside(file.data, lib->root, &real)) {
      pb_warn(file.data, 0,
              "is a link to '%s', outside the library root; deck not read (--allow-outside on "
              "the command line permits it)",
              real ? real : "?");
      free(real);
      continue;
    }
    free(real);
    pb_slide *s = PB_PUSH(lib->arena, lib->slides, lib->nslides, lib->capslides);
    pb_slide_parse_name(lib->arena, names[i], known, nknown, s);
    s->path = pb_arena_printf(lib->arena, "%s/%s", slide_dir_rel, names[i]);
    if (s->presenter) {
      size_t j = 0;
      while (j < nknown && strcmp(known[j], s->presenter) != 0) j++;
      if (j == nknown)
        pb_note(file.data, 0, "presenter %s is read from the file name; no card names them",
                s->presenter);
    }
  }
  for (size_t i = 0; i < nbefore; i++)
    if (before[i].url) *PB_PUSH(lib->arena, lib->slides, lib->nslides, lib->capslides) = before[i];
  add_remote_from_cards(lib);
  link_decks(lib);
  if (rc == 0) rc = (int)nnames;
  if (!(opt && opt->names_only)) pb_slides_read(lib, opt);

  free(known);
  pb_buf_free(&file);
  for (size_t i = 0; i < nnames; i++) free(names[i]);
  free(names);
  pb_buf_free(&dir);
  return rc;
}

/* ====================================================================== */
/* Report                                                                  */
/* ====================================================================== */

/* The slide directory, as the scan was told it: the directory part of the
 * first deck's path, "Slide" when there are none. */
static void slide_dir_of(const pb_library *lib, pb_buf *out) {
  pb_buf_reset(out);
  const char *p = NULL;
  for (size_t i = 0; i < lib->nslides && !p; i++)
    if (!lib->slides[i].url) p = lib->slides[i].path;
  const char *slash = p ? strrchr(p, '/') : NULL;
  if (slash)
    pb_buf_append(out, p, (size_t)(slash - p));
  else
    pb_buf_puts(out, "Slide");
}

static int is_scanned_deck(const pb_library *lib, const char *path) {
  for (size_t i = 0; i < lib->nslides; i++)
    if (strcmp(lib->slides[i].path, path) == 0) return 1;
  return 0;
}

size_t pb_slides_report(const pb_library *lib, pb_buf *out) {
  size_t total = 0, count = 0;
  pb_buf lines = PB_BUF_INIT, dir = PB_BUF_INIT, target = PB_BUF_INIT, full = PB_BUF_INIT;

  for (size_t i = 0; i < lib->nslides; i++) {
    const pb_slide *s = &lib->slides[i];
    if (s->nentries || s->url) continue;
    pb_buf_printf(&lines, "  %s\n", s->path);
    count++;
  }
  pb_buf_printf(out, "decks no card mentions: %zu\n", count);
  if (lines.len) pb_buf_append(out, lines.data, lines.len);
  total += count;

  slide_dir_of(lib, &dir);
  pb_buf_reset(&lines);
  count = 0;
  for (size_t i = 0; i < lib->nentries; i++) {
    const pb_entry *e = lib->entries[i];
    for (size_t j = 0; j < e->nlinks; j++) {
      const pb_link *l = &e->links[j];
      if (!link_library_path(lib, l, &target)) continue;
      int in_dir = strncmp(target.data, dir.data, dir.len) == 0 && target.data[dir.len] == '/';
      if (!in_dir && l->kind != PB_LINK_SLIDE) continue;
      if (is_scanned_deck(lib, target.data)) continue;
      pb_buf_reset(&full);
      pb_buf_printf(&full, "%s/%s", lib->root, target.data);
      struct stat sb;
      if (stat(full.data, &sb) == 0) continue;
      pb_buf_printf(&lines, "  %s:%d: \"%s\" (%s, %s) -> %s\n", e->file ? e->file : "?",
                    l->line ? l->line : e->line, e->title ? e->title : "",
                    e->presenter ? e->presenter : "no presenter", e->date ? e->date : "no date",
                    target.data);
      count++;
    }
  }
  pb_buf_printf(out, "cards whose deck is missing: %zu\n", count);
  if (lines.len) pb_buf_append(out, lines.data, lines.len);
  total += count;

  pb_buf_free(&lines);
  pb_buf_free(&dir);
  pb_buf_free(&target);
  pb_buf_free(&full);
  return total;
}
