/* Strike-through and TeX-style scripts in card text (see inline.h). */
#include "inline.h"

#include <string.h>

/* ==== scripts ========================================================= */

/* The UTF-8 super- (sup = 1) or subscript form of an ASCII character, NULL
 * when Unicode has none. */
static const char *script_form(char c, int sup) {
  static const char *sup_digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  static const char *sub_digits[] = {"₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"};
  static const struct {
    char c;
    const char *sup, *sub;
  } other[] = {{'+', "⁺", "₊"},  {'-', "⁻", "₋"},  {'=', "⁼", "₌"},  {'(', "⁽", "₍"},
               {')', "⁾", "₎"},  {'n', "ⁿ", "ₙ"},  {'i', "ⁱ", NULL}, {'a', NULL, "ₐ"},
               {'e', NULL, "ₑ"}, {'o', NULL, "ₒ"}, {'x', NULL, "ₓ"}, {'h', NULL, "ₕ"},
               {'k', NULL, "ₖ"}, {'l', NULL, "ₗ"}, {'m', NULL, "ₘ"}, {'p', NULL, "ₚ"},
               {'s', NULL, "ₛ"}, {'t', NULL, "ₜ"}, {'j', NULL, "ⱼ"}};
  if (c >= '0' && c <= '9') return sup ? sup_digits[c - '0'] : sub_digits[c - '0'];
  for (size_t i = 0; i < sizeof other / sizeof *other; i++)
    if (other[i].c == c) return sup ? other[i].sup : other[i].sub;
  return NULL;
}

/* At s[i] == '$': the length of a `$^X$` / `$_{X}$` group whose X can be
 * written in script characters (appended to out), else 0. */
static size_t script_group(const char *s, size_t len, size_t i, pb_buf *out) {
  if (i + 3 >= len || (s[i + 1] != '^' && s[i + 1] != '_')) return 0;
  int sup = s[i + 1] == '^';
  size_t a = i + 2, end = a;
  while (end < len && s[end] != '$' && end - a < 16) end++;
  if (end >= len || s[end] != '$' || end == a) return 0;
  size_t b = end;
  if (s[a] == '{') {
    if (s[b - 1] != '}' || b - a < 3) return 0;
    a++;
    b--;
  }
  size_t mark = out->len;
  for (size_t k = a; k < b; k++) {
    const char *f = script_form(s[k], sup);
    if (!f) {
      out->len = mark;
      if (out->data) out->data[mark] = 0;
      return 0;
    }
    pb_buf_puts(out, f);
  }
  return end + 1 - i;
}

static int is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A script attaches to what precedes it, so "A $^3$ lign" (spaced as people
 * type TeX) is "A³lign": the blank before the group goes, and the blank
 * after it when it sits inside a name (capital before, lower case after). */
char *pb_inline_scripts(pb_arena *arena, const char *s, size_t len) {
  if (!memchr(s, '$', len)) return pb_arena_strndup(arena, s, len);
  pb_buf out = PB_BUF_INIT, group = PB_BUF_INIT;
  for (size_t i = 0; i < len;) {
    pb_buf_reset(&group);
    size_t k = s[i] == '$' ? script_group(s, len, i, &group) : 0;
    if (!k) {
      pb_buf_putc(&out, s[i]);
      i++;
      continue;
    }
    char before = 0;
    if (out.len >= 2 && out.data[out.len - 1] == ' ' && is_alnum(out.data[out.len - 2])) {
      out.len--;
      before = out.data[out.len - 1];
    }
    pb_buf_append(&out, group.data, group.len);
    i += k;
    if (before >= 'A' && before <= 'Z' && i + 1 < len && s[i] == ' ' && s[i + 1] >= 'a' &&
        s[i + 1] <= 'z')
      i++;
  }
  char *r = pb_arena_strndup(arena, out.data ? out.data : "", out.len);
  pb_buf_free(&out);
  pb_buf_free(&group);
  return r;
}

/* ==== spans =========================================================== */

static int same_kind(const pb_span *a, const pb_span *b) {
  if (a->style != b->style) return 0;
  if (!a->url || !b->url) return a->url == b->url;
  return strcmp(a->url, b->url) == 0;
}

/* Splits the block's text at each `~~` of a matched pair and marks the text
 * between as struck. */
static void strike_block(pb_library *lib, pb_block *b) {
  size_t pairs = 0;
  for (size_t i = 0; i < b->nspans; i++) {
    if (b->spans[i].style & PB_STYLE_CODE) continue;
    for (const char *p = b->spans[i].text; (p = strstr(p, "~~")) != NULL; p += 2) pairs++;
  }
  if (pairs < 2) return;
  size_t usable = pairs - pairs % 2;
  pb_span *old = b->spans;
  size_t nold = b->nspans;
  b->spans = NULL;
  b->nspans = b->capspans = 0;
  int struck = 0;
  size_t seen = 0;
  for (size_t i = 0; i < nold; i++) {
    const pb_span *s = &old[i];
    unsigned base = s->style & ~(unsigned)PB_STYLE_STRIKE;
    if (s->style & PB_STYLE_CODE) {
      pb_block_add_span(lib, b, s->text, strlen(s->text), base | (struck ? PB_STYLE_STRIKE : 0u),
                        s->url);
      continue;
    }
    const char *p = s->text;
    for (;;) {
      const char *q = seen < usable ? strstr(p, "~~") : NULL;
      size_t n = q ? (size_t)(q - p) : strlen(p);
      if (n)
        pb_block_add_span(lib, b, p, n,
                          (base & ~(unsigned)PB_STYLE_LINK) | (struck ? PB_STYLE_STRIKE : 0u),
                          s->url);
      if (!q) break;
      struck = !struck;
      seen++;
      p = q + 2;
    }
  }
}

void pb_inline_blocks(pb_library *lib, pb_text *t, size_t first) {
  for (size_t k = first; k < t->n; k++) {
    pb_block *b = &t->blocks[k];
    if (b->kind == PB_BLOCK_CODE || !b->nspans) continue;
    /* cmark hands text over in pieces split at `_`, `!` and the like:
     * join them so that a `$_t$` or a `~~` is seen whole. */
    size_t w = 0;
    for (size_t r = 0; r < b->nspans; r++) {
      if (w && same_kind(&b->spans[w - 1], &b->spans[r])) {
        b->spans[w - 1].text =
            pb_arena_printf(lib->arena, "%s%s", b->spans[w - 1].text, b->spans[r].text);
        continue;
      }
      b->spans[w++] = b->spans[r];
    }
    b->nspans = w;
    for (size_t r = 0; r < b->nspans; r++)
      if (!(b->spans[r].style & PB_STYLE_CODE) && strchr(b->spans[r].text, '$'))
        b->spans[r].text =
            pb_inline_scripts(lib->arena, b->spans[r].text, strlen(b->spans[r].text));
    strike_block(lib, b);
  }
}
