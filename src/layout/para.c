/* Paragraph typesetting: spans → elements (one per character, space or
 * forced break, each with its face and width) → break opportunities
 * (libunibreak, Chinese punctuation rules, hyphenation, URL and last-resort
 * breaks) → boxes, glue and penalties → total-fit line breaking
 * (Knuth–Plass) → lines of positioned runs.
 *
 * Widths are in points throughout. Temporary arrays are malloc'd and freed
 * before returning; everything the caller keeps comes from its arena. */
#include "para.h"

#include <hb.h>
#include <hyphen.h>
#include <linebreak.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "context.h"
#include "diag.h"
#include "model.h"
#include "store.h"
#include "utf8.h"

/* ======================================================================
 * Tuning
 * ==================================================================== */

/* Penalties and demerits follow TeX's scale: 10000 forbids a break,
 * -10000 forces one. */
#define PEN_INF 10000
#define PEN_EJECT (-10000)
#define BAD_AWFUL 10000.0

#define PEN_HYPHEN 50     /* break inside a word, with a hyphen */
#define PEN_EXHYPHEN 50   /* break after an explicit hyphen */
#define PEN_URL 150       /* break after / . - _ ? & = # in a long token */
#define PEN_ANYWHERE 2000 /* last resort inside a token wider than a line */
#define PEN_FORCED 5000   /* a token that not even the rules let fit */

#define DEM_LINE 10     /* \linepenalty */
#define DEM_ADJ 10000.0 /* \adjdemerits: fitness classes two apart */
#define DEM_DOUBLE_HYPHEN 10000.0
#define DEM_FINAL_HYPHEN 5000.0
#define DEM_SHORT_LAST 5000.0 /* a last line of one character and its mark */
#define SHORT_LAST 2.5        /* em: a last line narrower than this is short */

/* Glue, in em of the adjacent text. */
#define CJK_STRETCH 0.10 /* between two Chinese characters */
#define CJK_SHRINK 0.02
#define MIX_WIDTH 0.25 /* between Chinese and Latin with no source space */
#define MIX_STRETCH 0.10
#define MIX_SHRINK 0.08
#define LETTER_STRETCH 0.04 /* between the characters of a long URL or token */
#define RAGGED_STRETCH 2.0  /* per line, ragged-right and centered text */
#define PARFILL_STRETCH 1e6 /* "infinite" stretch ending a paragraph */

/* Adjustment-ratio limits of the passes; the last pass accepts any line
 * that is not overfull. As in TeX, the first pass tries without
 * hyphenation (\pretolerance); the dictionary is consulted only when that
 * fails, which for Chinese paragraphs is seldom. */
#define PASS0_MAX_RATIO 1.0  /* badness 100, no hyphenation */
#define PASS1_MAX_RATIO 1.26 /* badness 200 */
#define PASS2_MAX_RATIO 3.0  /* badness 2700 */

#define EPS 1e-4 /* points: gaps equal within this share one char_space */

#define SQUEEZE_MAX 0.5    /* em removed between two full-width marks that meet */
#define SQUEEZE_GAP 0.15   /* em of blank that always stays between their ink */
#define LINE_END_KEEP 0.05 /* em of blank kept after a mark that ends a line */

/* ======================================================================
 * Character classes
 * ==================================================================== */

/* Closing punctuation: never at the start of a line. */
static int is_close(uint32_t c) {
  switch (c) {
  case 0xFF0C:
  case 0x3002:
  case 0x3001:
  case 0xFF1A:
  case 0xFF1B:
  case 0xFF01:
  case 0xFF1F:
  case 0xFF09:
  case 0x300D:
  case 0x300F:
  case 0x300B:
  case 0x3011:
  case 0x3009:
  case 0x3015:
  case 0x3017:
  case 0x3019:
  case 0x301B:
  case 0xFF3D:
  case 0xFF5D:
  case 0xFF0E:
  case 0x2019:
  case 0x201D:
  case 0x2026:
  case 0x2025:
  case 0x00B7:
  case 0x30FB:
  case 0xFF65:
  case 0xFF05:
  case 0x2030:
  case 0xFF60:
  case 0xFF63:
  case 0x301E:
  case 0x301F:
  case 0xFE50:
  case 0xFE51:
  case 0xFE52:
  case ',':
  case '.':
  case ':':
  case ';':
  case '!':
  case '?':
  case ')':
  case ']':
  case '}':
  case '%': return 1;
  default: return 0;
  }
}

/* Opening punctuation: never at the end of a line. */
static int is_open(uint32_t c) {
  switch (c) {
  case 0xFF08:
  case 0x300C:
  case 0x300E:
  case 0x300A:
  case 0x3010:
  case 0x3008:
  case 0x3014:
  case 0x3016:
  case 0x3018:
  case 0x301A:
  case 0xFF3B:
  case 0xFF5B:
  case 0x2018:
  case 0x201C:
  case 0xFF5F:
  case 0xFF62:
  case 0x301D:
  case '(':
  case '[':
  case '{': return 1;
  default: return 0;
  }
}

/* Full-width punctuation whose glyph leaves half of its em blank. */
static int is_half_blank_punct(uint32_t c) {
  if (c == 0x00B7 || c == 0x30FB || c == 0xFF65 || c == 0x2026 || c == 0x2025)
    return 0; /* centred marks and ellipses have no one-sided blank */
  return (is_close(c) || is_open(c)) && (c >= 0x2000);
}

static int is_han(uint32_t c) {
  return pb_is_cjk(c) && !pb_is_cjk_punct(c) && !(c >= 0xFF00 && c <= 0xFFEF) && !is_close(c) &&
         !is_open(c);
}

static int is_cjk_any(uint32_t c) { return pb_is_cjk(c) || pb_is_cjk_punct(c); }

static int is_curly_quote(uint32_t c) {
  return c == 0x2018 || c == 0x2019 || c == 0x201C || c == 0x201D;
}

/* Full-width punctuation carries its own blank: a source space beside it
 * is dropped. Curly quotes, dashes and ellipses are often drawn by the
 * Latin face and keep their spaces. */
static int drops_space(uint32_t c) {
  return pb_is_cjk_punct(c) && !is_curly_quote(c) && c != 0x2026 && c != 0x2014 && c != 0x3000;
}

static int is_latin_alnum(uint32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  return (c >= 0x370 && c <= 0x3FF) || (c >= 0x400 && c <= 0x4FF);
}

static int is_ascii_letter(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Characters that take no room and no glyph: dropped on input. */
static int is_ignorable(uint32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) || c == 0x2060 || c == 0xFEFF || (c >= 0xFE00 && c <= 0xFE0F);
}

/* Where a long URL or identifier may break (after these). */
static int is_url_break_char(uint32_t c) {
  return c == '/' || c == '.' || c == '-' || c == '_' || c == '?' || c == '&' || c == '=' ||
         c == '#' || c == '\\';
}

/* ======================================================================
 * Libraries initialised once
 * ==================================================================== */

static pthread_once_t linebreak_once = PTHREAD_ONCE_INIT;

#define HYPH_DICT_PATH "/usr/share/hyphen/hyph_en_US.dic"

/* The dictionary is loaded on first use and held by the run's context. */
static void *hyph_make(void) {
  HyphenDict *d = hnj_hyphen_load(HYPH_DICT_PATH);
  if (!d)
    pb_warn(NULL, 0,
            "hyphenation dictionary %s not found (Debian package hyphen-en-us); "
            "English words will not be hyphenated",
            HYPH_DICT_PATH);
  return d;
}

static void hyph_drop(void *d) { hnj_hyphen_free(d); }

static HyphenDict *hyph_get(void) { return pb_ctx_slot(PB_SLOT_HYPHEN, hyph_make, hyph_drop); }

/* ======================================================================
 * Ink extents of punctuation
 *
 * How far two full-width marks that meet can be squeezed depends on where
 * their ink sits: GB-style fonts set ，。 in the left half of the em, some
 * fonts centre 。、 or （）！？. The extents come from the fonts.
 * ==================================================================== */

static int glyph_ink(pb_fonts *f, int face, uint32_t cp, double *left, double *right) {
  return pb_fonts_ink(f, face, cp, left, right);
}

/* ======================================================================
 * Elements: characters, spaces and forced breaks
 * ==================================================================== */

enum { EK_CHAR, EK_SPACE, EK_NBSP, EK_NEWLINE };

typedef struct {
  uint32_t cp;  /* code point drawn (a replacement mark for a missing one) */
  uint32_t src; /* code point in the source: classes and breaking use it */
  int face;
  int span;
  double size;
  double adv;  /* glyph advance = width of its box */
  double kern; /* adjustment before the next character (kerning, squeeze),
                  dropped when the line breaks there */
  double hang; /* blank after a closing mark's ink that a line ending with
                  it gives up (at most half an em) */
  int pen;     /* penalty for breaking after this element (PEN_INF: never) */
  unsigned char kind;
  unsigned char hyph;    /* a break after this element shows a hyphen */
  unsigned char flagged; /* the break is a hyphen-like one */
  unsigned char spaced;  /* in a long token: may be letter-spaced */
  unsigned char in_url;  /* part of a URL or e-mail address */
  unsigned char joined;  /* the next element belongs to the same glyph cluster
                            (a ligature, a base and its mark): no break, no glue */
  unsigned char nobreak; /* a word joiner (U+2060) follows: never break here */
} elem;

typedef struct {
  pb_fonts *fonts;
  const pb_span_in *spans;
  size_t nspans;
  elem *e;
  size_t n, cap;
  const char *diag_file;
  int diag_line;
  int warn;
  int keep_edges;   /* keep spaces at the start and end (measuring pieces) */
  int nhyphens;     /* hyphenation points found */
  int no_dict;      /* a word wanted hyphenating and there is no dictionary */
  uint32_t *warned; /* code points already reported */
  size_t nwarned, capwarned;
} ctx;

static pb_family span_family(const pb_span_in *s) {
  return (s->style & PB_STYLE_CODE) ? PB_FAMILY_MONO : s->family;
}

static elem *push_elem(ctx *c) {
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 256;
    c->e = pb_xrealloc(c->e, c->cap * sizeof *c->e);
  }
  elem *e = &c->e[c->n++];
  memset(e, 0, sizeof *e);
  e->pen = PEN_INF;
  return e;
}

static void report_missing(ctx *c, uint32_t cp) {
  if (!c->warn) return;
  for (size_t i = 0; i < c->nwarned; i++)
    if (c->warned[i] == cp) return;
  if (c->nwarned == c->capwarned) {
    c->capwarned = c->capwarned ? c->capwarned * 2 : 8;
    c->warned = pb_xrealloc(c->warned, c->capwarned * sizeof *c->warned);
  }
  c->warned[c->nwarned++] = cp;
  pb_warn(c->diag_file, c->diag_line,
          "no installed font draws U+%04X with outlines (colour emoji fonts have only "
          "bitmaps); shown as a replacement mark",
          (unsigned)cp);
}

static double space_width(ctx *c, int span, int *face_out) {
  const pb_span_in *s = &c->spans[span];
  int face = pb_fonts_face_for(c->fonts, span_family(s), s->style, ' ');
  if (face_out) *face_out = face;
  if (face < 0) return 0.25 * s->size;
  return pb_fonts_advance(c->fonts, face, ' ') * s->size / 1000.0;
}

static void add_space(ctx *c, int span, int kind) {
  elem *e = push_elem(c);
  e->kind = (unsigned char)kind;
  e->cp = ' ';
  e->src = kind == EK_NBSP ? 0xA0 : ' ';
  e->span = span;
  e->size = c->spans[span].size;
  e->adv = space_width(c, span, &e->face);
}

static void add_char(ctx *c, int span, uint32_t cp) {
  const pb_span_in *s = &c->spans[span];
  pb_family fam = span_family(s);
  int face = pb_fonts_face_for(c->fonts, fam, s->style, cp);
  uint32_t draw = cp;
  if (face < 0) {
    report_missing(c, cp);
    draw = 0xFFFD;
    face = pb_fonts_face_for(c->fonts, fam, s->style, draw);
    if (face < 0) {
      draw = '?';
      face = pb_fonts_face_for(c->fonts, fam, s->style, draw);
    }
    if (face < 0) face = 0; /* never a face number the renderer cannot use */
  }
  elem *e = push_elem(c);
  e->kind = EK_CHAR;
  e->cp = draw;
  e->src = cp;
  e->face = face;
  e->span = span;
  e->size = s->size;
  e->adv = pb_fonts_advance(c->fonts, face, draw) * s->size / 1000.0;
  if (e->adv <= 0) e->adv = 0.5 * s->size;
}

/* Decodes the spans into elements: runs of white space collapse to one
 * space, none at the start or end of the paragraph or next to a forced
 * break; '\n' is a forced break. */
static void itemize(ctx *c) {
  int pending = -1; /* span of a collapsed space not yet emitted */
  for (size_t si = 0; si < c->nspans; si++) {
    const pb_span_in *s = &c->spans[si];
    const char *p = s->text, *end = s->text ? s->text + s->len : NULL;
    while (p && p < end) {
      uint32_t cp;
      p += pb_utf8_decode(p, (size_t)(end - p), &cp);
      if (cp == '\n') {
        pending = -1;
        while (c->n > 0 && c->e[c->n - 1].kind == EK_NBSP) c->n--;
        if (c->n > 0) push_elem(c)->kind = EK_NEWLINE;
      } else if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v') {
        if ((c->n > 0 || c->keep_edges) && (c->n == 0 || c->e[c->n - 1].kind != EK_NEWLINE) &&
            pending < 0)
          pending = (int)si;
      } else if (cp == 0xA0 || cp == 0x202F) {
        pending = -1;
        add_space(c, (int)si, EK_NBSP);
      } else if (cp == 0x2060 && c->n > 0) {
        /* WORD JOINER: takes no room, forbids the break (names, dates) */
        c->e[c->n - 1].nobreak = 1;
      } else if (is_ignorable(cp)) {
        continue;
      } else {
        if (pending >= 0 &&
            (c->n == 0 || (c->e[c->n - 1].kind != EK_NBSP && !drops_space(c->e[c->n - 1].src))) &&
            !drops_space(cp))
          add_space(c, pending, EK_SPACE);
        pending = -1;
        add_char(c, (int)si, cp);
      }
    }
  }
  if (c->keep_edges) {
    if (pending >= 0 && (c->n == 0 || c->e[c->n - 1].kind == EK_CHAR))
      add_space(c, pending, EK_SPACE);
    return;
  }
  while (c->n > 0 && c->e[c->n - 1].kind != EK_CHAR) c->n--;
}

/* Shapes [a, b) (characters of one face and size): each cluster's nominal
 * advance (its glyphs' widths) goes to its first character, the rest of the
 * cluster joins it with no width, and what shaping adds (kerning) goes to
 * its last as a kern that a break there drops. Kerns reach the PDF as the
 * runs' positions and char spacing; the PDF back end shapes each run again
 * without kerning and places it where the layout put it. */
static void shape_word(ctx *c, size_t a, size_t b, pb_buf *text, size_t **off, size_t *cap) {
  size_t n = b - a;
  if (n + 1 > *cap) {
    *cap = (n + 1) * 2;
    *off = pb_xrealloc(*off, *cap * sizeof **off);
  }
  pb_buf_reset(text);
  for (size_t i = a; i < b; i++) {
    (*off)[i - a] = text->len;
    pb_utf8_put(text, c->e[i].cp);
  }
  (*off)[n] = text->len;
  elem *e0 = &c->e[a];
  size_t ng;
  const pb_glyph *g = pb_fonts_shape(c->fonts, e0->face, text->data, text->len, 1, &ng);
  if (!g || ng == 0) return;
  double scale = e0->size / 1000.0;
  size_t ei = 0; /* element of the current cluster */
  for (size_t i = 0; i < ng;) {
    uint32_t cl = g[i].cluster;
    double adv = 0, kadv = 0;
    int notdef = 0;
    size_t j = i;
    for (; j < ng && g[j].cluster == cl; j++) {
      adv += pb_fonts_glyph_advance(c->fonts, e0->face, g[j].gid);
      kadv += g[j].adv;
      notdef |= g[j].gid == 0;
    }
    size_t end = j < ng ? g[j].cluster : text->len;
    while (ei < n && (*off)[ei] < cl) ei++;
    size_t last = ei;
    while (last + 1 < n && (*off)[last + 1] < end) last++;
    if (ei >= n || end <= cl) break; /* clusters out of order: keep nominal widths */
    elem *first = &c->e[a + ei];
    first->adv = notdef && adv <= 0 ? 0.5 * first->size : adv * scale;
    for (size_t k = ei; k < last; k++) {
      c->e[a + k].joined = 1;
      if (k > ei) c->e[a + k].adv = 0;
    }
    if (last > ei) c->e[a + last].adv = 0;
    c->e[a + last].kern = (kadv - adv) * scale;
    ei = last + 1;
    i = j;
  }
}

static void shape_words(ctx *c) {
  pb_buf text = PB_BUF_INIT;
  size_t *off = NULL, cap = 0;
  for (size_t i = 0; i < c->n;) {
    if (c->e[i].kind != EK_CHAR) {
      i++;
      continue;
    }
    size_t j = i + 1;
    while (j < c->n && c->e[j].kind == EK_CHAR && c->e[j].face == c->e[i].face &&
           c->e[j].size == c->e[i].size)
      j++;
    shape_word(c, i, j, &text, &off, &cap);
    i = j;
  }
  free(off);
  pb_buf_free(&text);
}

/* Kerning (only pairs that matter; each one splits a run), the squeeze of
 * two full-width punctuation marks that meet, and how much of a closing
 * mark's blank a line ending with it gives up (clreq: a line-end mark may
 * be set half width, so the right margin shows no notch). */
static void adjust_pairs(ctx *c) {
  shape_words(c);
  for (size_t i = 0; i < c->n; i++) {
    elem *a = &c->e[i];
    double left, right;
    if (a->kind == EK_CHAR && is_close(a->src) && is_half_blank_punct(a->src) &&
        a->adv >= 0.9 * a->size && glyph_ink(c->fonts, a->face, a->cp, &left, &right)) {
      double blank = a->adv - right * a->size / 1000.0 - LINE_END_KEEP * a->size;
      a->hang = blank < 0 ? 0 : blank > 0.5 * a->size ? 0.5 * a->size : blank;
    }
  }
  for (size_t i = 0; i + 1 < c->n; i++) {
    elem *a = &c->e[i], *b = &c->e[i + 1];
    if (a->kind != EK_CHAR || b->kind != EK_CHAR) continue;
    if (is_half_blank_punct(a->src) && is_half_blank_punct(b->src) && a->adv >= 0.9 * a->size &&
        b->adv >= 0.9 * b->size && !(is_open(a->src) && is_close(b->src))) {
      /* Blank after a's ink plus blank before b's, less what stays. */
      double al, ar, bl, br;
      double squeeze = SQUEEZE_MAX * a->size;
      if (glyph_ink(c->fonts, a->face, a->cp, &al, &ar) &&
          glyph_ink(c->fonts, b->face, b->cp, &bl, &br)) {
        double blank = a->adv - ar * a->size / 1000.0 + bl * b->size / 1000.0;
        double room = blank - SQUEEZE_GAP * a->size;
        if (room < squeeze) squeeze = room > 0 ? room : 0;
      }
      a->kern = -squeeze;
    }
  }
}

/* ======================================================================
 * Break opportunities
 * ==================================================================== */

/* The nearest character before / after element i on the same line of the
 * source (NULL across a forced break). */
static const elem *prev_char(const ctx *c, size_t i) {
  while (i > 0) {
    i--;
    if (c->e[i].kind == EK_CHAR) return &c->e[i];
    if (c->e[i].kind == EK_NEWLINE) return NULL;
  }
  return NULL;
}
static const elem *next_char(const ctx *c, size_t i) {
  for (i++; i < c->n; i++) {
    if (c->e[i].kind == EK_CHAR) return &c->e[i];
    if (c->e[i].kind == EK_NEWLINE) return NULL;
  }
  return NULL;
}

/* The Chinese rules: no break before closing, none after opening
 * punctuation. i is the element the break would follow. */
static int rules_allow(const ctx *c, size_t i) {
  const elem *a = c->e[i].kind == EK_CHAR ? &c->e[i] : prev_char(c, i);
  const elem *b = next_char(c, i);
  if (a && is_open(a->src)) return 0;
  if (b && is_close(b->src)) return 0;
  return 1;
}

static void unicode_breaks(ctx *c) {
  pthread_once(&linebreak_once, init_linebreak);
  utf32_t *text = pb_xmalloc(c->n * sizeof *text);
  char *brks = pb_xmalloc(c->n);
  for (size_t i = 0; i < c->n; i++) text[i] = c->e[i].kind == EK_NEWLINE ? '\n' : c->e[i].src;
  set_linebreaks_utf32(text, c->n, "zh", brks);
  for (size_t i = 0; i + 1 < c->n; i++) {
    elem *e = &c->e[i];
    const elem *next = &c->e[i + 1];
    if (e->kind == EK_NEWLINE || e->kind == EK_NBSP || e->nobreak) continue;
    /* A break next to a space happens at the space itself. */
    if (e->kind == EK_CHAR && next->kind != EK_CHAR) continue;
    if (brks[i] != LINEBREAK_ALLOWBREAK && brks[i] != LINEBREAK_MUSTBREAK) continue;
    if (!rules_allow(c, i)) continue;
    if (e->kind == EK_CHAR && (e->src == '-' || e->src == 0x2010)) {
      e->pen = PEN_EXHYPHEN;
      e->flagged = 1;
    } else {
      e->pen = 0;
    }
  }
  free(text);
  free(brks);
}

/* Width of the unbreakable stretch [a, b] (natural widths). */
static double stretch_width(const ctx *c, size_t a, size_t b) {
  double w = 0;
  for (size_t i = a; i <= b; i++) w += c->e[i].adv + (i < b ? c->e[i].kern : 0);
  return w;
}

/* Calls fn on every maximal unbreakable stretch of elements. */
typedef void (*segment_fn)(ctx *c, size_t a, size_t b, double limit);

static void for_each_segment(ctx *c, segment_fn fn, double limit) {
  size_t a = 0;
  while (a < c->n) {
    if (c->e[a].kind != EK_CHAR) {
      a++;
      continue;
    }
    /* Through spaces where no break is allowed, up to the next break. */
    size_t b = a;
    while (b + 1 < c->n && c->e[b].pen >= PEN_INF && c->e[b + 1].kind != EK_NEWLINE &&
           !(c->e[b + 1].kind == EK_SPACE && c->e[b + 1].pen < PEN_INF))
      b++;
    while (b > a && c->e[b].kind != EK_CHAR) b--;
    fn(c, a, b, limit);
    a = b + 1;
  }
}

/* Whether the characters [a, b] look like a URL or an e-mail address. */
static int looks_like_url(const ctx *c, size_t a, size_t b) {
  for (size_t i = a; i <= b; i++) {
    uint32_t ch = c->e[i].src;
    if (ch == '@') return 1;
    if (ch == ':' && i + 2 <= b && c->e[i + 1].src == '/' && c->e[i + 2].src == '/') return 1;
    if ((ch == 'w' || ch == 'W') && i + 3 <= b && c->e[i + 1].src == ch && c->e[i + 2].src == ch &&
        c->e[i + 3].src == '.')
      return 1;
  }
  return 0;
}

static void hyphenate_word(ctx *c, size_t a, size_t len, HyphenDict *dict) {
  char word[64], hyphens[64 + 5];
  for (size_t k = 0; k < len; k++) {
    uint32_t ch = c->e[a + k].src;
    word[k] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  }
  word[len] = 0;
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  if (hnj_hyphen_hyphenate3(dict, word, (int)len, hyphens, NULL, &rep, &pos, &cut, 2, 3, 2, 2) ==
      0) {
    for (size_t k = 1; k + 3 <= len; k++) {
      if (!(hyphens[k] & 1) || (rep && rep[k])) continue;
      elem *e = &c->e[a + k];
      if (e->pen < PEN_INF) continue;
      c->nhyphens++;
      e->pen = PEN_HYPHEN;
      e->hyph = 1;
      e->flagged = 1;
    }
  }
  if (rep) {
    for (size_t k = 0; k < len; k++) free(rep[k]);
    free(rep);
  }
  free(pos);
  free(cut);
}

/* A "word" here: a maximal run of characters that are neither spaces nor
 * Chinese. URLs are recognised per word, because libunibreak already
 * splits them at / and -, and letter-spacing is decided per word, so that
 * all of a URL is spaced alike. */
static size_t word_end(const ctx *c, size_t a) {
  size_t b = a;
  while (b + 1 < c->n && c->e[b + 1].kind == EK_CHAR && !is_cjk_any(c->e[b + 1].src)) b++;
  return b;
}

static void mark_urls(ctx *c) {
  for (size_t a = 0; a < c->n; a++) {
    if (c->e[a].kind != EK_CHAR || is_cjk_any(c->e[a].src)) continue;
    size_t b = word_end(c, a);
    if (looks_like_url(c, a, b))
      for (size_t i = a; i <= b; i++) c->e[i].in_url = 1;
    a = b;
  }
}

/* Letter-spacing for every word that is a URL or had to be broken by the
 * URL or last-resort rules: the lines it makes have nothing else to
 * stretch. */
static void mark_spaced(ctx *c) {
  for (size_t a = 0; a < c->n; a++) {
    if (c->e[a].kind != EK_CHAR || is_cjk_any(c->e[a].src)) continue;
    size_t b = word_end(c, a);
    int spaced = 0;
    for (size_t i = a; i <= b && !spaced; i++)
      spaced = c->e[i].in_url || c->e[i].pen == PEN_URL || c->e[i].pen == PEN_ANYWHERE ||
               c->e[i].pen == PEN_FORCED;
    for (size_t i = a; spaced && i <= b; i++) c->e[i].spaced = 1;
    a = b;
  }
}

/* Hyphenation points in the English words of one segment. */
static void hyphenate_segment(ctx *c, size_t a, size_t b, double limit) {
  (void)limit;
  HyphenDict *dict = NULL;
  size_t i = a;
  while (i <= b) {
    if (!is_ascii_letter(c->e[i].src)) {
      i++;
      continue;
    }
    size_t w = i;
    int upper_inside = 0;
    while (w <= b && c->e[w].kind == EK_CHAR && is_ascii_letter(c->e[w].src)) {
      if (w > i && c->e[w].src <= 'Z') upper_inside = 1;
      w++;
    }
    size_t len = w - i;
    int glued = (i > a && (is_latin_alnum(c->e[i - 1].src) || c->e[i - 1].src == '_')) ||
                (w <= b && (is_latin_alnum(c->e[w].src) || c->e[w].src == '_'));
    int code = 0;
    for (size_t k = i; k < w; k++)
      if ((c->spans[c->e[k].span].style & PB_STYLE_CODE) || c->e[k].in_url) code = 1;
    if (len >= 6 && len < 60 && !upper_inside && !glued && !code) {
      if (!dict) dict = hyph_get();
      if (!dict) {
        c->no_dict = 1; /* said once per run, so a kept paragraph would not say it */
        return;
      }
      hyphenate_word(c, i, len, dict);
    }
    i = w;
  }
}

/* Breaks after / . - _ ? & = # inside a URL or a long token. */
static void url_breaks(ctx *c, size_t a, size_t b, double limit) {
  int url = 0;
  for (size_t i = a; i <= b && !url; i++) url = c->e[i].in_url;
  if (b - a < 3 || (stretch_width(c, a, b) <= limit && !url)) return;
  for (size_t i = a + 1; i + 2 <= b; i++) {
    elem *e = &c->e[i];
    uint32_t next = c->e[i + 1].src;
    if (e->pen < PEN_INF || e->kind != EK_CHAR || c->e[i + 1].kind != EK_CHAR ||
        !is_url_break_char(e->src) || is_url_break_char(next) || is_close(next) ||
        !rules_allow(c, i))
      continue;
    e->pen = PEN_URL;
  }
}

/* Last resort: anywhere the Chinese rules allow, inside a token wider than
 * a line. */
static void anywhere_breaks(ctx *c, size_t a, size_t b, double limit) {
  if (stretch_width(c, a, b) <= limit) return;
  for (size_t i = a; i < b; i++)
    if (c->e[i].pen >= PEN_INF && c->e[i].kind == EK_CHAR && c->e[i + 1].kind == EK_CHAR &&
        rules_allow(c, i))
      c->e[i].pen = PEN_ANYWHERE;
}

/* Beyond the last resort: a token that still cannot fit (a long run of
 * punctuation) breaks regardless of the rules. */
static void forced_breaks(ctx *c, size_t a, size_t b, double limit) {
  if (stretch_width(c, a, b) <= limit) return;
  for (size_t i = a; i < b; i++)
    if (c->e[i].pen >= PEN_INF && (c->e[i].kind != EK_CHAR || c->e[i + 1].kind == EK_CHAR))
      c->e[i].pen = PEN_FORCED;
}

/* ======================================================================
 * Boxes, glue and penalties
 * ==================================================================== */

enum { IT_BOX, IT_GLUE, IT_PEN };
enum { GK_NONE, GK_CJK, GK_MIX, GK_LETTER };

typedef struct {
  double w, y, z; /* width, stretch, shrink */
  int pen;
  int elem; /* box: its character; glue: its space or -1; penalty: the char before */
  unsigned char type;
  unsigned char breakable; /* glue: a break may happen here */
  unsigned char flagged;
  unsigned char hyph;
  unsigned char parfill;
  unsigned char letter; /* letter-spacing inside a URL or long token: only
                           justified text stretches it, ragged text never */
} item;

typedef struct {
  item *it;
  size_t n, cap;
} items;

static item *push_item(items *v, int type) {
  if (v->n == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 512;
    v->it = pb_xrealloc(v->it, v->cap * sizeof *v->it);
  }
  item *t = &v->it[v->n++];
  memset(t, 0, sizeof *t);
  t->type = (unsigned char)type;
  t->elem = -1;
  return t;
}

/* A digit and the 年, 月, 日 or 号 of a date: no Chinese-Latin space. */
static int date_solid(uint32_t a, uint32_t b) {
  int da = a >= '0' && a <= '9', db = b >= '0' && b <= '9';
  return (da && (b == 0x5E74 || b == 0x6708 || b == 0x65E5 || b == 0x53F7)) ||
         (db && (a == 0x5E74 || a == 0x6708));
}

/* The glue between two adjacent characters with no space between them
 * (kerning and squeeze included, so that a break there drops them). */
static int pair_glue(const elem *a, const elem *b, double *w, double *y, double *z) {
  double em = a->size > b->size ? a->size : b->size;
  int kind = GK_NONE;
  *w = *y = *z = 0;
  if (date_solid(a->src, b->src)) {
    kind = GK_CJK; /* "2024年12月": a date is set solid, breakable but unspaced */
    *y = CJK_STRETCH * em, *z = CJK_SHRINK * em;
  } else if ((is_han(a->src) && is_latin_alnum(b->src)) ||
             ((is_latin_alnum(a->src) || a->src == '%') && is_han(b->src))) {
    *w = MIX_WIDTH * em, *y = MIX_STRETCH * em, *z = MIX_SHRINK * em;
    kind = GK_MIX;
  } else if ((is_cjk_any(a->src) || is_cjk_any(b->src)) &&
             /* a quote binds to the Latin word it encloses */
             !(is_curly_quote(a->src) && !is_cjk_any(b->src)) &&
             !(is_curly_quote(b->src) && !is_cjk_any(a->src))) {
    *y = CJK_STRETCH * em, *z = CJK_SHRINK * em;
    kind = GK_CJK;
  } else if (a->spaced && b->spaced) {
    *y = LETTER_STRETCH * em;
    kind = GK_LETTER;
  }
  *w += a->kern;
  return kind;
}

static double hyphen_width(const ctx *c, const elem *e) {
  if (e->face < 0) return 0.33 * e->size;
  return pb_fonts_advance(c->fonts, e->face, '-') * e->size / 1000.0;
}

static void add_parfill(items *v) {
  item *g = push_item(v, IT_GLUE);
  g->y = PARFILL_STRETCH;
  g->parfill = 1;
  item *p = push_item(v, IT_PEN);
  p->pen = PEN_EJECT;
}

/* Whether a break after e needs its own penalty item: one with a cost,
 * a hyphen, or a width (a line-end mark giving up its blank half). */
static int break_needs_penalty(const elem *e, int pen) {
  return pen < PEN_INF && (pen > 0 || e->hyph || e->hang > 0);
}

/* A possible break after character e (penalty, flag and hyphen from it),
 * as a penalty item unless it is a plain break at the glue. */
static void add_break(const ctx *c, items *v, const elem *e, int pen, int with_glue) {
  if (pen >= PEN_INF || (with_glue && !break_needs_penalty(e, pen))) return;
  item *p = push_item(v, IT_PEN);
  p->pen = pen;
  p->flagged = e->flagged;
  p->hyph = e->hyph;
  p->elem = (int)(e - c->e);
  if (e->hyph)
    p->w = hyphen_width(c, e);
  else
    p->w = -e->hang;
}

static void add_glue(items *v, int pen, double w, double y, double z, int space_elem, int letter) {
  item *g = push_item(v, IT_GLUE);
  g->w = w, g->y = y, g->z = z;
  g->letter = (unsigned char)letter;
  g->breakable = pen == 0;
  g->elem = space_elem;
}

static void build_items(const ctx *c, items *v) {
  for (size_t i = 0; i < c->n; i++) {
    const elem *e = &c->e[i];
    switch (e->kind) {
    case EK_NEWLINE: add_parfill(v); break;
    case EK_SPACE:
    case EK_NBSP: {
      int pen = e->pen; /* a no-break space only breaks when forced to */
      add_break(c, v, e, pen, 1);
      add_glue(v, pen, e->adv, e->adv / 2, e->adv / 3, (int)i, 0);
      break;
    }
    case EK_CHAR: {
      item *b = push_item(v, IT_BOX);
      b->w = e->adv;
      b->elem = (int)i;
      if (i + 1 >= c->n || c->e[i + 1].kind != EK_CHAR || e->joined) break;
      double w, y, z;
      int kind = pair_glue(e, &c->e[i + 1], &w, &y, &z);
      int glue = kind != GK_NONE || w != 0;
      add_break(c, v, e, e->pen, glue);
      if (glue)
        add_glue(v, break_needs_penalty(e, e->pen) ? PEN_INF : e->pen, w, y, z, -1,
                 kind == GK_LETTER);
      break;
    }
    }
  }
  add_parfill(v);
}

/* ======================================================================
 * Total fit (Knuth–Plass)
 * ==================================================================== */

typedef struct {
  double tw, ty, tz, tl; /* totals after the break (discarded items skipped) */
  double dem;            /* total demerits up to this break */
  int pos;               /* item index of the break, -1 = paragraph start */
  int line;              /* lines before this break */
  int fit;               /* fitness class of the line ending here */
  int prev;              /* node of the previous break */
  int next;              /* next active node, -1 = end */
} node;

typedef struct {
  const item *it;
  size_t n;
  double *sw, *sy, *sz, *sl; /* sums over items [0, k): width, stretch, shrink,
                                letter-spacing stretch */
  double len_first, len_rest;
  double ragged; /* extra stretch per line when not justifying */
  double em;     /* the paragraph's base size */
  node *nodes;
  size_t nnodes, capnodes;
} kp;

/* Points k at the items v and computes the prefix sums. */
static void kp_load(kp *k, const items *v) {
  k->it = v->it;
  k->n = v->n;
  k->sw = pb_xrealloc(k->sw, (v->n + 1) * sizeof *k->sw);
  k->sy = pb_xrealloc(k->sy, (v->n + 1) * sizeof *k->sy);
  k->sl = pb_xrealloc(k->sl, (v->n + 1) * sizeof *k->sl);
  k->sz = pb_xrealloc(k->sz, (v->n + 1) * sizeof *k->sz);
  k->sw[0] = k->sy[0] = k->sz[0] = k->sl[0] = 0;
  for (size_t i = 0; i < v->n; i++) {
    const item *t = &v->it[i];
    int glue = t->type == IT_GLUE;
    k->sw[i + 1] = k->sw[i] + (t->type != IT_PEN ? t->w : 0);
    k->sy[i + 1] = k->sy[i] + (glue && !t->letter ? t->y : 0);
    k->sl[i + 1] = k->sl[i] + (glue && t->letter ? t->y : 0);
    k->sz[i + 1] = k->sz[i] + (glue ? t->z : 0);
  }
}

static int new_node(kp *k) {
  if (k->nnodes == k->capnodes) {
    k->capnodes = k->capnodes ? k->capnodes * 2 : 256;
    k->nodes = pb_xrealloc(k->nodes, k->capnodes * sizeof *k->nodes);
  }
  memset(&k->nodes[k->nnodes], 0, sizeof(node));
  return (int)k->nnodes++;
}

/* TeX caps badness at 10000; the emergency pass does not, so that among
 * bad lines the less bad still win (a line spread to r = 8 beats a lone
 * character that cannot be spread at all). */
static double badness(double r, int capped) {
  if (r >= 1e9 || r <= -1e9) return capped ? BAD_AWFUL : 1e8;
  double b = 100.0 * fabs(r * r * r);
  if (!capped) return b > 1e7 ? 1e7 : b;
  return b > BAD_AWFUL ? BAD_AWFUL : b;
}

static int fitness(double r) {
  if (r < -0.5) return 0;
  if (r <= 0.5) return 1;
  if (r <= 1.0) return 2;
  return 3;
}

/* Adjustment ratio of a line of natural width L, stretch Y, shrink Z. */
static double ratio(double target, double L, double Y, double Z) {
  if (L < target - 1e-9) return Y > 0 ? (target - L) / Y : 1e10;
  if (L > target + 1e-9) return Z > 0 ? (target - L) / Z : -1e10;
  return 0;
}

static void node_totals(const kp *k, int pos, node *nd) {
  size_t i = (size_t)pos;
  nd->tw = k->sw[i], nd->ty = k->sy[i], nd->tz = k->sz[i], nd->tl = k->sl[i];
  for (; i < k->n; i++) {
    const item *t = &k->it[i];
    if (t->type == IT_BOX) break;
    if (t->type == IT_GLUE) {
      nd->tw += t->w, nd->tz += t->z;
      if (t->letter)
        nd->tl += t->y;
      else
        nd->ty += t->y;
    } else if (t->pen == PEN_EJECT && i > (size_t)pos) {
      break;
    }
  }
}

/* One pass over the items. max_ratio < 0 means the emergency pass: any
 * line that is not overfull is acceptable. Returns the best final node or
 * -1 when no solution within max_ratio exists. */
static int kp_pass(kp *k, double max_ratio) {
  int emergency = max_ratio < 0;
  k->nnodes = 0;
  int start = new_node(k);
  k->nodes[start].pos = -1;
  k->nodes[start].fit = 1;
  k->nodes[start].prev = -1;
  k->nodes[start].next = -1;
  int active = start;

  for (size_t i = 0; i < k->n; i++) {
    const item *t = &k->it[i];
    int legal = (t->type == IT_PEN && t->pen < PEN_INF) ||
                (t->type == IT_GLUE && t->breakable && i > 0 && k->it[i - 1].type == IT_BOX);
    if (!legal) continue;
    int forced = t->type == IT_PEN && t->pen == PEN_EJECT;
    double best_d[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
    int best_a[4] = {-1, -1, -1, -1};
    int last_dropped = -1;
    int prev = -1;
    for (int a = active; a >= 0;) {
      node *nd = &k->nodes[a];
      int next = nd->next;
      double L = k->sw[i] - nd->tw + (t->type == IT_PEN ? t->w : 0);
      double Y = k->sy[i] - nd->ty + k->ragged;
      if (!k->ragged) Y += k->sl[i] - nd->tl;
      double Z = k->sz[i] - nd->tz;
      double target = nd->line == 0 ? k->len_first : k->len_rest;
      double r = ratio(target, L, Y, Z);
      if (r < -1 || forced) {
        if (prev < 0)
          active = next;
        else
          k->nodes[prev].next = next;
        last_dropped = a;
      } else {
        prev = a;
      }
      if (r >= -1 && (emergency || r <= max_ratio)) {
        double b = badness(r, !emergency);
        double d = (DEM_LINE + b) * (DEM_LINE + b);
        if (t->type == IT_PEN) {
          if (t->pen > 0)
            d += (double)t->pen * t->pen;
          else if (t->pen > PEN_EJECT)
            d -= (double)t->pen * t->pen;
        }
        int a_flagged = nd->pos >= 0 && k->it[nd->pos].type == IT_PEN && k->it[nd->pos].flagged;
        if (a_flagged && t->type == IT_PEN && t->flagged) d += DEM_DOUBLE_HYPHEN;
        if (a_flagged && forced) d += DEM_FINAL_HYPHEN;
        if (forced && i + 1 == k->n && nd->pos >= 0 && k->it[nd->pos].pen != PEN_EJECT &&
            L < SHORT_LAST * k->em)
          d += DEM_SHORT_LAST;
        int fc = fitness(r);
        if (abs(fc - nd->fit) > 1) d += DEM_ADJ;
        d += nd->dem;
        if (d < best_d[fc]) {
          best_d[fc] = d;
          best_a[fc] = a;
        }
      }
      a = next;
    }
    double dmin = INFINITY;
    for (int fc = 0; fc < 4; fc++)
      if (best_d[fc] < dmin) dmin = best_d[fc];
    if (dmin < INFINITY) {
      for (int fc = 0; fc < 4; fc++) {
        if (best_a[fc] < 0 || best_d[fc] > dmin + DEM_ADJ) continue;
        int m = new_node(k);
        node *nd = &k->nodes[m];
        nd->pos = (int)i;
        nd->line = k->nodes[best_a[fc]].line + 1;
        nd->fit = fc;
        nd->dem = best_d[fc];
        nd->prev = best_a[fc];
        node_totals(k, (int)i, nd);
        nd->next = active;
        active = m;
      }
    } else if (active < 0 && emergency && last_dropped >= 0) {
      /* Nothing fits: an overfull line is unavoidable (a box wider than
       * the measure). Break here and go on. */
      int m = new_node(k);
      node *nd = &k->nodes[m];
      nd->pos = (int)i;
      nd->line = k->nodes[last_dropped].line + 1;
      nd->fit = 1;
      nd->dem = k->nodes[last_dropped].dem + 1e12;
      nd->prev = last_dropped;
      node_totals(k, (int)i, nd);
      nd->next = -1;
      active = m;
    }
    if (active < 0) return -1;
  }
  int best = -1;
  for (int a = active; a >= 0; a = k->nodes[a].next)
    if (k->nodes[a].pos == (int)k->n - 1 && (best < 0 || k->nodes[a].dem < k->nodes[best].dem))
      best = a;
  return best;
}

/* ======================================================================
 * Lines and runs
 * ==================================================================== */

typedef struct {
  int elem;    /* -1: an inserted hyphen */
  uint32_t cp; /* drawn */
  int face;
  double x, adv, size;
  int span;
  int space_after; /* followed by a source space set at its natural width */
} placed;

static int same_attrs(const ctx *c, const placed *a, const placed *b) {
  if (a->face != b->face || a->size != b->size) return 0;
  const pb_span_in *sa = &c->spans[a->span], *sb = &c->spans[b->span];
  return sa->style == sb->style && sa->color.r == sb->color.r && sa->color.g == sb->color.g &&
         sa->color.b == sb->color.b &&
         (sa->url == sb->url || (sa->url && sb->url && !strcmp(sa->url, sb->url)));
}

typedef struct {
  placed *p;
  size_t n, cap;
  pb_run *runs;
  size_t nruns, capruns;
  pb_buf text;
} line_work;

static placed *push_placed(line_work *w) {
  if (w->n == w->cap) {
    w->cap = w->cap ? w->cap * 2 : 128;
    w->p = pb_xrealloc(w->p, w->cap * sizeof *w->p);
  }
  placed *p = &w->p[w->n++];
  memset(p, 0, sizeof *p);
  return p;
}

static pb_run *push_run(line_work *w) {
  if (w->nruns == w->capruns) {
    w->capruns = w->capruns ? w->capruns * 2 : 16;
    w->runs = pb_xrealloc(w->runs, w->capruns * sizeof *w->runs);
  }
  pb_run *r = &w->runs[w->nruns++];
  memset(r, 0, sizeof *r);
  return r;
}

/* Groups the placed characters into runs: same attributes, and every gap
 * inside the run equal, so that one char_space (Tc) reproduces it. A run's
 * w counts Tc after its last character too (the renderer applies it), so a
 * run ends where that would carry it past the next character's origin or
 * the line's right edge; the line's last run ends exactly at the edge.
 * A lone character before a squeeze takes the (negative) gap as its Tc. */
static void make_runs(const ctx *c, pb_arena *arena, line_work *w) {
  size_t n = w->n;
  double right = n ? w->p[n - 1].x + w->p[n - 1].adv : 0;
  w->nruns = 0;
  for (size_t i = 0; i < n;) {
    const placed *first = &w->p[i];
    /* The longest stretch i..k of equal attributes and equal gaps; a
     * source space at its natural width joins as a character (Tc 0). */
    size_t k = i;
    double tc = 0;
    int tc_set = 0;
    while (k + 1 < n && same_attrs(c, first, &w->p[k + 1])) {
      const placed *cur = &w->p[k];
      double gap = w->p[k + 1].x - cur->x - cur->adv;
      if (cur->space_after) {
        double sp = pb_fonts_advance(c->fonts, cur->face, ' ') * cur->size / 1000.0;
        if ((tc_set && fabs(tc) > EPS) || fabs(gap - sp) > EPS) break;
        tc_set = 1, tc = 0;
      } else if (!tc_set) {
        tc_set = 1, tc = fabs(gap) <= EPS ? 0 : gap;
      } else if (fabs(gap - tc) > EPS) {
        break;
      }
      k++;
    }
    /* Give up characters at the end while Tc after the last one would
     * overshoot what follows it. */
    for (;;) {
      double adv_sum = 0;
      size_t nchars = 0;
      for (size_t j = i; j <= k; j++) {
        adv_sum += w->p[j].adv;
        nchars++;
        if (j < k && w->p[j].space_after) {
          adv_sum += pb_fonts_advance(c->fonts, w->p[j].face, ' ') * w->p[j].size / 1000.0;
          nchars++;
        }
      }
      double t = k > i ? tc : 0;
      if (k == i && k + 1 < n) {
        double gap = w->p[k + 1].x - first->x - first->adv;
        if (gap < 0) t = gap;
      }
      double end = first->x + adv_sum + (double)nchars * t;
      double limit = k + 1 < n ? w->p[k + 1].x : right;
      if (k > i && (end > limit + EPS || (k + 1 == n && fabs(end - right) > EPS))) {
        k--;
        continue;
      }
      pb_buf_reset(&w->text);
      for (size_t j = i; j <= k; j++) {
        pb_utf8_put(&w->text, w->p[j].cp);
        if (j < k && w->p[j].space_after) pb_utf8_put(&w->text, ' ');
      }
      const pb_span_in *s = &c->spans[first->span];
      pb_run *r = push_run(w);
      r->face = first->face;
      r->size = first->size;
      r->x = first->x;
      r->char_space = t;
      r->w = adv_sum + (double)nchars * t;
      r->text = pb_arena_strndup(arena, w->text.data, w->text.len);
      r->len = w->text.len;
      r->color = s->color;
      r->url = s->url;
      r->style = s->style;
      r->span = first->span;
      break;
    }
    i = k + 1;
  }
}

/* First item of the line after a break at pos: discardable items skipped. */
static size_t line_start(const kp *k, int pos) {
  size_t i = (size_t)(pos + 1);
  while (i < k->n && k->it[i].type != IT_BOX &&
         !(k->it[i].type == IT_PEN && k->it[i].pen == PEN_EJECT))
    i++;
  return i;
}

static void set_line(const ctx *c, const kp *k, pb_arena *arena, const pb_para_options *opt,
                     size_t s, size_t b, int line_no, line_work *w, pb_line *out) {
  const item *brk = &k->it[b];
  int last = brk->type == IT_PEN && brk->pen == PEN_EJECT;
  double target = line_no == 0 ? k->len_first : k->len_rest;
  double indent = line_no == 0 ? opt->first_indent : opt->hang;
  double L = 0, Y = 0, Z = 0, Yl = 0;
  size_t nboxes = 0;
  for (size_t i = s; i < b; i++) {
    const item *t = &k->it[i];
    if (t->type == IT_BOX) {
      L += t->w;
      nboxes++;
    } else if (t->type == IT_GLUE && !t->parfill) {
      L += t->w, Z += t->z;
      if (t->letter)
        Yl += t->y;
      else
        Y += t->y;
    }
  }
  int hyph = brk->type == IT_PEN && brk->hyph;
  if (brk->type == IT_PEN) L += brk->w;

  double r = 0, letter = 0;
  if (L > target + 1e-9) {
    r = Z > 0 ? (target - L) / Z : 0;
    if (r < -1) r = -1;
  } else if (opt->justify && !last && !opt->center) {
    if (Y + Yl > 0)
      r = (target - L) / (Y + Yl);
    else if (nboxes > 1)
      letter = (target - L) / (double)(nboxes - 1);
  }

  w->n = 0;
  double x = 0;
  size_t boxes_seen = 0;
  for (size_t i = s; i < b; i++) {
    const item *t = &k->it[i];
    if (t->type == IT_BOX) {
      const elem *e = &c->e[t->elem];
      placed *p = push_placed(w);
      p->elem = t->elem;
      p->cp = e->cp;
      p->face = e->face;
      p->x = x;
      p->adv = e->adv;
      p->size = e->size;
      p->span = e->span;
      x += t->w;
      if (++boxes_seen < nboxes) x += letter;
    } else if (t->type == IT_GLUE && !t->parfill) {
      double gw = t->w + (r < 0 ? r * t->z : r * t->y);
      x += gw;
      if (t->elem >= 0 && w->n > 0 && fabs(gw - c->e[t->elem].adv) <= EPS &&
          w->p[w->n - 1].face == c->e[t->elem].face)
        w->p[w->n - 1].space_after = 1;
    }
  }
  if (brk->type == IT_PEN && brk->w < 0 && w->n > 0)
    w->p[w->n - 1].adv += brk->w; /* the mark's blank half is given up */
  if (hyph && w->n > 0) {
    const placed *lastp = &w->p[w->n - 1];
    placed *p = push_placed(w);
    *p = *lastp;
    p->elem = -1;
    p->cp = '-';
    p->x = x;
    p->adv = brk->w;
    p->space_after = 0;
    x += brk->w;
  }
  double shift = indent;
  if (opt->center && x < target) shift += (target - x) / 2;
  for (size_t i = 0; i < w->n; i++) w->p[i].x += shift;

  make_runs(c, arena, w);
  out->nruns = w->nruns;
  out->runs = w->nruns ? pb_arena_alloc(arena, w->nruns * sizeof *out->runs) : NULL;
  if (w->nruns) memcpy(out->runs, w->runs, w->nruns * sizeof *out->runs);
  double right = 0;
  for (size_t i = 0; i < out->nruns; i++) {
    const pb_run *run = &out->runs[i];
    if (run->x + run->w > right) right = run->x + run->w;
    double asc = pb_fonts_ascent(c->fonts, run->face) * run->size / 1000.0;
    double desc = -pb_fonts_descent(c->fonts, run->face) * run->size / 1000.0;
    if (asc > out->ascent) out->ascent = asc;
    if (desc > out->descent) out->descent = desc;
  }
  if (out->nruns == 0 && c->nspans > 0) {
    const pb_span_in *sp = &c->spans[0];
    int face = pb_fonts_face_for(c->fonts, span_family(sp), sp->style, 'M');
    if (face >= 0) {
      out->ascent = pb_fonts_ascent(c->fonts, face) * sp->size / 1000.0;
      out->descent = -pb_fonts_descent(c->fonts, face) * sp->size / 1000.0;
    }
  }
  out->width = right;
  out->ratio = r;
  out->hyphenated = hyph;
  out->overfull = L - Z > target + 0.01;
}

/* Lines starting with closing or ending with opening punctuation, counted
 * only at breaks chosen here: the paragraph's own first and last character
 * and forced breaks are the author's. prev is the item of the break before
 * the line (-1 at the paragraph's start). */
static int punct_violations(const ctx *c, const kp *k, int prev, size_t s, size_t b) {
  int v = 0;
  if (prev >= 0 && k->it[prev].pen != PEN_EJECT)
    for (size_t i = s; i < b; i++)
      if (k->it[i].type == IT_BOX) {
        v += is_close(c->e[k->it[i].elem].src);
        break;
      }
  if (k->it[b].pen != PEN_EJECT && !k->it[b].hyph)
    for (size_t i = b; i-- > s;)
      if (k->it[i].type == IT_BOX) {
        v += is_open(c->e[k->it[i].elem].src);
        break;
      }
  return v;
}

/* ======================================================================
 * Paragraphs kept in the store
 *
 * One record, paras/<hash of the key>.bin, the key naming the setting
 * code (PB_PARA_SOURCE: a hash of the sources that decide a paragraph's
 * lines, made at configure time), HarfBuzz's, libunibreak's and the
 * hyphenation dictionary's versions, and the faces (pb_fonts_identity).
 * The record is
 *   "PBPARAS1", u64 hash of the payload, u64 payload length, payload:
 *   per paragraph a 16-byte content key, u32 length, u32 0, the paragraph
 *   (8-byte aligned, this machine's byte order: a store is local):
 *     f64 demerits, i32 overfull, i32 punctuation violations, u32 lines, u32 0;
 *     per line f64 width, ascent, descent, ratio; i32 hyphenated, overfull,
 *     punct_violation; u32 runs;
 *     per run f64 size, x, w, char_space; i32 face; u32 span; u32 text
 *     length; u32 0; the text, padded to 8 bytes.
 * A record that is short, long or does not hash to what it says is
 * ignored; a paragraph that does not decode against its spans is set. The
 * numbers are kept bit for bit, so a paragraph read is the one set.
 * ==================================================================== */

#ifndef PB_PARA_SOURCE
#define PB_PARA_SOURCE "unknown"
#endif
#define PARAS_MAGIC "PBPARAS1"
#define PARAS_HEAD 24
#define PARAS_MAX_BYTES ((size_t)32 << 20)
#define PARAS_SEED 0x7061726173303031ULL /* "paras001" */
#define PARAS_SEED_A 0x6b65792d61303031ULL
#define PARAS_SEED_B 0x6b65792d62303031ULL

typedef struct {
  uint64_t a, b;
  size_t off, len; /* the paragraph in the store's data */
  int live;        /* slot taken */
  int used;        /* read or set in this run */
} para_slot;

typedef struct {
  const pb_fonts *fonts; /* the fonts the table is for */
  char *root;            /* NULL: no store */
  pb_buf key;            /* the record's key */
  int nfaces;            /* faces the key covers */
  pb_buf data;           /* payload: the record read, then paragraphs added */
  para_slot *slots;
  size_t cap, used;
  int dirty;
} para_store;

static void *paras_make(void) { return pb_xcalloc(1, sizeof(para_store)); }

static void paras_reset(para_store *st) {
  free(st->root);
  pb_buf_free(&st->key);
  pb_buf_free(&st->data);
  free(st->slots);
  memset(st, 0, sizeof *st);
}

static void paras_drop(void *p) {
  paras_reset(p);
  free(p);
}

static para_slot *paras_find(para_store *st, uint64_t a, uint64_t b) {
  for (size_t i = a & (st->cap - 1);; i = (i + 1) & (st->cap - 1))
    if (!st->slots[i].live || (st->slots[i].a == a && st->slots[i].b == b)) return &st->slots[i];
}

static void paras_add(para_store *st, uint64_t a, uint64_t b, size_t off, size_t len, int used) {
  if ((st->used + 1) * 2 > st->cap) {
    size_t old_cap = st->cap;
    para_slot *old = st->slots;
    st->cap = old_cap ? old_cap * 2 : 1024;
    st->slots = pb_xcalloc(st->cap, sizeof *st->slots);
    for (size_t i = 0; i < old_cap; i++)
      if (old[i].live) *paras_find(st, old[i].a, old[i].b) = old[i];
    free(old);
  }
  para_slot *s = paras_find(st, a, b);
  if (!s->live) st->used++;
  *s = (para_slot){a, b, off, len, 1, used};
}

/* Indexes the payload data[PARAS_HEAD..]; 0, or -1 when malformed. */
static int paras_index(para_store *st) {
  const char *p = st->data.data;
  size_t off = PARAS_HEAD, len = st->data.len;
  while (off < len) {
    if (len - off < 24) return -1;
    uint64_t a = pb_load_u64(p + off), b = pb_load_u64(p + off + 8);
    size_t plen = pb_load_u32(p + off + 16);
    off += 24;
    if (plen % 8 || plen > len - off) return -1;
    paras_add(st, a, b, off, plen, 0);
    off += plen;
  }
  return 0;
}

/* Writes the record: every paragraph read or added, or when that is over
 * PARAS_MAX_BYTES, only those this run used (what other builds of the
 * library used is set again when they run next). */
static void paras_save(para_store *st) {
  if (!st->dirty || !st->root) return;
  st->dirty = 0;
  pb_buf kept = PB_BUF_INIT, *d = &st->data;
  if (d->len > PARAS_MAX_BYTES) {
    static const char zeros[PARAS_HEAD] = {0};
    pb_buf_append(&kept, zeros, PARAS_HEAD);
    for (size_t i = 0; i < st->cap; i++) {
      const para_slot *sl = &st->slots[i];
      if (sl->live && sl->used) pb_buf_append(&kept, d->data + sl->off - 24, sl->len + 24);
    }
    d = &kept;
    if (d->len > PARAS_MAX_BYTES) { /* one build's paragraphs: not worth writing */
      pb_buf_free(&kept);
      return;
    }
  }
  memcpy(d->data, PARAS_MAGIC, 8);
  uint64_t plen = d->len - PARAS_HEAD;
  uint64_t h = pb_hash64(d->data + PARAS_HEAD, plen, PARAS_SEED);
  memcpy(d->data + 8, &h, 8);
  memcpy(d->data + 16, &plen, 8);
  pb_store_put(st->root, "paras", st->key.data, st->key.len, ".bin", d->data, d->len);
  pb_buf_free(&kept);
}

void pb_para_save_store(void) {
  para_store *st = pb_ctx_slot(PB_SLOT_PARAS, paras_make, paras_drop);
  if (st) paras_save(st);
}

/* The table for fonts, its record read on first use; NULL without a store. */
static para_store *paras_for(pb_fonts *fonts) {
  const char *root = pb_fonts_store_root(fonts);
  if (!root) return NULL;
  para_store *st = pb_ctx_slot(PB_SLOT_PARAS, paras_make, paras_drop);
  if (!st) return NULL;
  if (st->fonts == fonts && st->root && strcmp(st->root, root) == 0) return st;
  paras_save(st);
  paras_reset(st);
  st->fonts = fonts;
  st->root = pb_xstrdup(root);
  struct stat sb;
  if (stat(HYPH_DICT_PATH, &sb) != 0) memset(&sb, 0, sizeof sb);
  pb_buf_printf(&st->key,
                "paperbook paras 1\nsource %s\nharfbuzz %s\nlibunibreak %d\n%s %lld %lld.%09ld\n",
                PB_PARA_SOURCE, hb_version_string(), linebreak_version, HYPH_DICT_PATH,
                (long long)sb.st_size, (long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec);
  st->nfaces = pb_fonts_identity(fonts, &st->key);
  pb_buf *d = &st->data;
  int ok =
      pb_store_get(root, "paras", st->key.data, st->key.len, ".bin", PARAS_MAX_BYTES, d) == 0 &&
      d->len >= PARAS_HEAD && memcmp(d->data, PARAS_MAGIC, 8) == 0 &&
      pb_load_u64(d->data + 16) == d->len - PARAS_HEAD &&
      pb_load_u64(d->data + 8) ==
          pb_hash64(d->data + PARAS_HEAD, d->len - PARAS_HEAD, PARAS_SEED) &&
      paras_index(st) == 0;
  if (!ok) {
    free(st->slots);
    st->slots = NULL;
    st->cap = st->used = 0;
    pb_buf_reset(d);
    static const char zeros[PARAS_HEAD] = {0};
    pb_buf_append(d, zeros, PARAS_HEAD);
  }
  return st;
}

/* The content key of a paragraph: every input that decides its lines. */
static void paras_key(const pb_span_in *spans, size_t n, const pb_para_options *opt, uint64_t *a,
                      uint64_t *b) {
  pb_buf k = PB_BUF_INIT;
  double o[4] = {opt->width, opt->first_indent, opt->hang, 0};
  int flags[4] = {opt->justify, opt->hyphenate, opt->center, (int)n};
  pb_buf_append(&k, o, sizeof o);
  pb_buf_append(&k, flags, sizeof flags);
  for (size_t i = 0; i < n; i++) {
    const pb_span_in *s = &spans[i];
    uint64_t len = s->len;
    int fam = (int)s->family;
    unsigned style = s->style;
    float rgb[3] = {s->color.r, s->color.g, s->color.b};
    pb_buf_append(&k, &len, sizeof len);
    pb_buf_append(&k, &fam, sizeof fam);
    pb_buf_append(&k, &style, sizeof style);
    pb_buf_append(&k, &s->size, sizeof s->size);
    pb_buf_append(&k, rgb, sizeof rgb);
    pb_buf_append(&k, s->text, s->len);
    pb_buf_printf(&k, "%c%s", s->url ? 1 : 0, s->url ? s->url : "");
    pb_buf_putc(&k, 0);
  }
  *a = pb_hash64(k.data, k.len, PARAS_SEED_A);
  *b = pb_hash64(k.data, k.len, PARAS_SEED_B);
  pb_buf_free(&k);
}

static void put_f64(pb_buf *b, double v) { pb_buf_append(b, &v, 8); }
static void put_i32(pb_buf *b, int32_t v) { pb_buf_append(b, &v, 4); }

/* Appends out to the store's data under (a, b), when every run's face is
 * one the record's key covers. */
static void paras_put(para_store *st, uint64_t a, uint64_t b, const pb_para *out) {
  for (size_t i = 0; i < out->nlines; i++)
    for (size_t j = 0; j < out->lines[i].nruns; j++)
      if (out->lines[i].runs[j].face < 0 || out->lines[i].runs[j].face >= st->nfaces) return;
  pb_buf *d = &st->data;
  size_t head = d->len;
  put_f64(d, 0); /* a, b written below */
  put_f64(d, 0);
  put_i32(d, 0);
  put_i32(d, 0);
  size_t start = d->len;
  put_f64(d, out->demerits);
  put_i32(d, out->overfull);
  put_i32(d, out->punct_violations);
  put_i32(d, (int32_t)out->nlines);
  put_i32(d, 0);
  for (size_t i = 0; i < out->nlines; i++) {
    const pb_line *ln = &out->lines[i];
    put_f64(d, ln->width);
    put_f64(d, ln->ascent);
    put_f64(d, ln->descent);
    put_f64(d, ln->ratio);
    put_i32(d, ln->hyphenated);
    put_i32(d, ln->overfull);
    put_i32(d, ln->punct_violation);
    put_i32(d, (int32_t)ln->nruns);
    for (size_t j = 0; j < ln->nruns; j++) {
      const pb_run *r = &ln->runs[j];
      static const char zeros[8] = {0};
      put_f64(d, r->size);
      put_f64(d, r->x);
      put_f64(d, r->w);
      put_f64(d, r->char_space);
      put_i32(d, r->face);
      put_i32(d, (int32_t)r->span);
      put_i32(d, (int32_t)r->len);
      put_i32(d, 0);
      pb_buf_append(d, r->text, r->len);
      pb_buf_append(d, zeros, (8 - r->len % 8) % 8);
    }
  }
  size_t len = d->len - start;
  if (len > 0xFFFFFFF0u) { /* cannot be said in a u32: not kept */
    d->len = head;
    return;
  }
  uint32_t len32 = (uint32_t)len;
  memcpy(d->data + head, &a, 8);
  memcpy(d->data + head + 8, &b, 8);
  memcpy(d->data + head + 16, &len32, 4);
  paras_add(st, a, b, start, len, 1);
  st->dirty = 1;
}

/* Reads the paragraph at p[0..len) into out (memory from arena), its runs
 * taking colour, link and style from spans. Returns 0, or -1 when it does
 * not fit the spans or the faces (out is then cleared). */
static int paras_get(pb_fonts *fonts, const char *p, size_t len, pb_arena *arena,
                     const pb_span_in *spans, size_t n, pb_para *out) {
  size_t off = 0;
  int nfaces = pb_fonts_count(fonts);
#define NEED(k)                                                                                    \
  do {                                                                                             \
    if (len - off < (size_t)(k)) goto bad;                                                         \
  } while (0)
  NEED(24);
  memcpy(&out->demerits, p, 8);
  out->overfull = (int32_t)pb_load_u32(p + 8);
  out->punct_violations = (int32_t)pb_load_u32(p + 12);
  size_t nlines = pb_load_u32(p + 16);
  off = 24;
  if (nlines > len / 48) goto bad;
  out->lines = pb_arena_alloc(arena, (nlines ? nlines : 1) * sizeof *out->lines);
  out->nlines = nlines;
  for (size_t i = 0; i < nlines; i++) {
    pb_line *ln = &out->lines[i];
    memset(ln, 0, sizeof *ln);
    NEED(48);
    memcpy(&ln->width, p + off, 8);
    memcpy(&ln->ascent, p + off + 8, 8);
    memcpy(&ln->descent, p + off + 16, 8);
    memcpy(&ln->ratio, p + off + 24, 8);
    ln->hyphenated = (int32_t)pb_load_u32(p + off + 32);
    ln->overfull = (int32_t)pb_load_u32(p + off + 36);
    ln->punct_violation = (int32_t)pb_load_u32(p + off + 40);
    size_t nruns = pb_load_u32(p + off + 44);
    off += 48;
    if (nruns > (len - off) / 48) goto bad;
    ln->nruns = nruns;
    ln->runs = nruns ? pb_arena_alloc(arena, nruns * sizeof *ln->runs) : NULL;
    for (size_t j = 0; j < nruns; j++) {
      pb_run *r = &ln->runs[j];
      memset(r, 0, sizeof *r);
      NEED(48);
      memcpy(&r->size, p + off, 8);
      memcpy(&r->x, p + off + 8, 8);
      memcpy(&r->w, p + off + 16, 8);
      memcpy(&r->char_space, p + off + 24, 8);
      r->face = (int32_t)pb_load_u32(p + off + 32);
      r->span = pb_load_u32(p + off + 36);
      size_t tlen = pb_load_u32(p + off + 40);
      off += 48;
      size_t padded = tlen + (8 - tlen % 8) % 8;
      if (r->face < 0 || r->face >= nfaces || r->span >= n || padded < tlen) goto bad;
      NEED(padded);
      r->text = pb_arena_strndup(arena, p + off, tlen);
      r->len = tlen;
      off += padded;
      r->color = spans[r->span].color;
      r->url = spans[r->span].url;
      r->style = spans[r->span].style;
    }
  }
  if (off != len) goto bad;
  return 0;
bad:
  memset(out, 0, sizeof *out);
  return -1;
#undef NEED
}

/* ======================================================================
 * Public functions
 * ==================================================================== */

static void ctx_free(ctx *c) {
  free(c->e);
  free(c->warned);
}

/* Bounded work: line breaking costs memory and time per character, so a
 * paragraph is set from its first PB_PARA_MAX_BYTES (a 10 MB line once
 * took 4 GB and minutes). The cut falls at a span or UTF-8 boundary; *n is
 * updated and the spans to set are returned (spans itself when whole). */
static const pb_span_in *bounded_spans(pb_arena *arena, const pb_span_in *spans, size_t *n,
                                       const char *diag_file, int diag_line) {
  size_t total = 0;
  for (size_t i = 0; i < *n; i++) {
    if (total + spans[i].len > PB_PARA_MAX_BYTES) {
      size_t room = PB_PARA_MAX_BYTES - total;
      while (room && ((unsigned char)spans[i].text[room] & 0xC0) == 0x80) room--;
      pb_span_in *cut = pb_arena_alloc(arena, (i + 1) * sizeof *cut);
      memcpy(cut, spans, (i + 1) * sizeof *cut);
      cut[i].len = room;
      size_t all = total;
      for (size_t j = i; j < *n; j++) all += spans[j].len;
      pb_warn(diag_file, diag_line,
              "a paragraph of %zu bytes; only its first %d KB are set (bounded work)", all,
              PB_PARA_MAX_BYTES >> 10);
      *n = i + 1;
      return cut;
    }
    total += spans[i].len;
  }
  return spans;
}

/* The lines of the break sequence ending at node best, set into out. */
static void set_lines(ctx *c, kp *k, int best, pb_arena *arena, const pb_para_options *opt,
                      pb_para *out) {
  size_t nlines = 0;
  for (int a = best; k->nodes[a].prev >= 0; a = k->nodes[a].prev) nlines++;
  int *breaks = pb_xmalloc((nlines + 1) * sizeof *breaks);
  size_t j = nlines;
  for (int a = best; k->nodes[a].prev >= 0; a = k->nodes[a].prev) breaks[--j] = k->nodes[a].pos;
  out->lines = pb_arena_alloc(arena, nlines * sizeof *out->lines);
  out->nlines = nlines;
  out->demerits = k->nodes[best].dem;
  line_work w = {0};
  int prev = -1;
  for (j = 0; j < nlines; j++) {
    size_t s = line_start(k, prev);
    size_t b = (size_t)breaks[j];
    if (s > b) s = b;
    set_line(c, k, arena, opt, s, b, (int)j, &w, &out->lines[j]);
    out->overfull += out->lines[j].overfull;
    int bad = punct_violations(c, k, prev, s, b);
    out->lines[j].punct_violation = bad > 0;
    out->punct_violations += bad;
    prev = breaks[j];
  }
  free(w.p);
  free(w.runs);
  pb_buf_free(&w.text);
  free(breaks);
}

int pb_para_layout(pb_fonts *fonts, pb_arena *arena, const pb_span_in *spans, size_t n,
                   const pb_para_options *opt, pb_para *out, const char *diag_file, int diag_line) {
  if (!out) return PB_EUSAGE;
  memset(out, 0, sizeof *out);
  if (!fonts || !arena || !opt || (n > 0 && !spans)) return PB_EUSAGE;

  para_store *st = paras_for(fonts);
  uint64_t ka = 0, kb = 0;
  if (st) {
    paras_key(spans, n, opt, &ka, &kb);
    para_slot *hit = st->cap ? paras_find(st, ka, kb) : NULL;
    if (hit && hit->live &&
        paras_get(fonts, st->data.data + hit->off, hit->len, arena, spans, n, out) == 0) {
      hit->used = 1;
      return PB_OK;
    }
  }
  const pb_span_in *given = spans;
  spans = bounded_spans(arena, spans, &n, diag_file, diag_line);
  /* kept only when nothing was said: a warm build warns as a cold one */
  int keep = st && spans == given;

  ctx c = {0};
  c.fonts = fonts;
  c.spans = spans;
  c.nspans = n;
  c.diag_file = diag_file;
  c.diag_line = diag_line;
  c.warn = 1;
  itemize(&c);
  if (c.n == 0) {
    ctx_free(&c);
    return PB_OK;
  }
  adjust_pairs(&c);

  double len_first = opt->width - opt->first_indent;
  double len_rest = opt->width - opt->hang;
  if (!(len_first >= 1)) /* also NaN */
    len_first = 1;
  if (!(len_rest >= 1)) len_rest = 1;
  double shortest = len_first < len_rest ? len_first : len_rest;

  unicode_breaks(&c);
  mark_urls(&c);
  for_each_segment(&c, url_breaks, 0.25 * shortest);
  mark_spaced(&c);

  items v = {0};
  build_items(&c, &v);
  kp k = {0};
  kp_load(&k, &v);
  k.len_first = len_first;
  k.len_rest = len_rest;
  k.em = spans[0].size > 0 ? spans[0].size : 10.0;
  if (!opt->justify || opt->center) k.ragged = RAGGED_STRETCH * k.em;

  /* First without hyphenation or last-resort breaks; then with them. */
  int best = kp_pass(&k, PASS0_MAX_RATIO);
  if (best < 0) {
    if (opt->hyphenate) for_each_segment(&c, hyphenate_segment, 0);
    for_each_segment(&c, anywhere_breaks, 0.8 * shortest);
    for_each_segment(&c, forced_breaks, shortest);
    mark_spaced(&c);
    v.n = 0;
    build_items(&c, &v);
    kp_load(&k, &v);
  }
  if (best < 0) best = kp_pass(&k, PASS1_MAX_RATIO);
  if (best < 0) best = kp_pass(&k, PASS2_MAX_RATIO);
  if (best < 0) best = kp_pass(&k, -1);

  int rc = PB_OK;
  if (best < 0) {
    rc = PB_ELIMIT; /* cannot happen: the emergency pass always ends */
    goto done;
  }
  set_lines(&c, &k, best, arena, opt, out);
  if (keep && c.nwarned == 0 && !c.no_dict) paras_put(st, ka, kb, out);
done:
  free(k.sw);
  free(k.sy);
  free(k.sl);
  free(k.sz);
  free(k.nodes);
  free(v.it);
  ctx_free(&c);
  return rc;
}

static double text_width(pb_fonts *fonts, const char *text, size_t len, pb_family family,
                         unsigned style, double size);

double pb_text_width(pb_fonts *fonts, const char *text, size_t len, pb_family family,
                     unsigned style, double size) {
  if (!fonts || !text || len == 0) return 0;
  /* Measured once per text and style: the key is the arguments' bytes.
   * Faces a first measurement loads (fallback) stay loaded, and nothing
   * here warns, so a memo hit changes nothing but the time. */
  pb_buf key = PB_BUF_INIT;
  int fam = (int)family;
  pb_buf_append(&key, &fam, sizeof fam);
  pb_buf_append(&key, &style, sizeof style);
  pb_buf_append(&key, &size, sizeof size);
  pb_buf_append(&key, text, len);
  double w = 0;
  if (!pb_fonts_memo_get(fonts, key.data, key.len, &w)) {
    w = text_width(fonts, text, len, family, style, size);
    pb_fonts_memo_put(fonts, key.data, key.len, w);
  }
  pb_buf_free(&key);
  return w;
}

static double text_width(pb_fonts *fonts, const char *text, size_t len, pb_family family,
                         unsigned style, double size) {
  pb_span_in span = {0};
  span.text = text;
  span.len = len;
  span.family = family;
  span.style = style;
  span.size = size;
  ctx c = {0};
  c.fonts = fonts;
  c.spans = &span;
  c.nspans = 1;
  c.keep_edges = 1;
  itemize(&c);
  adjust_pairs(&c);
  double w = 0, line = 0;
  for (size_t i = 0; i < c.n; i++) {
    const elem *e = &c.e[i];
    if (e->kind == EK_NEWLINE) {
      if (line > w) w = line;
      line = 0;
      continue;
    }
    line += e->adv;
    if (e->kind == EK_CHAR && i + 1 < c.n && c.e[i + 1].kind == EK_CHAR) {
      double gw, gy, gz;
      pair_glue(e, &c.e[i + 1], &gw, &gy, &gz);
      line += gw;
    }
  }
  if (line > w) w = line;
  ctx_free(&c);
  return w;
}
