#include "utf8.h"

#include <string.h>
#include <strings.h>

int pb_utf8_decode(const char *str, size_t len, uint32_t *cp) {
  const unsigned char *s = (const unsigned char *)str;
  if (len == 0) return 0;
  unsigned c = s[0];
  int need;
  uint32_t v, min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    v = c & 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    v = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    v = c & 0x07;
    min = 0x10000;
  } else {
    *cp = 0xFFFD;
    return 1;
  }
  if ((size_t)need >= len) {
    *cp = 0xFFFD;
    return 1;
  }
  for (int i = 1; i <= need; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    v = (v << 6) | (s[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    *cp = 0xFFFD;
    return 1;
  }
  *cp = v;
  return need + 1;
}

void pb_utf8_put(pb_buf *b, uint32_t cp) {
  char t[4];
  if (cp < 0x80) {
    t[0] = (char)cp;
    pb_buf_append(b, t, 1);
  } else if (cp < 0x800) {
    t[0] = (char)(0xC0 | (cp >> 6));
    t[1] = (char)(0x80 | (cp & 0x3F));
    pb_buf_append(b, t, 2);
  } else if (cp < 0x10000) {
    t[0] = (char)(0xE0 | (cp >> 12));
    t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    t[2] = (char)(0x80 | (cp & 0x3F));
    pb_buf_append(b, t, 3);
  } else {
    t[0] = (char)(0xF0 | (cp >> 18));
    t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    t[3] = (char)(0x80 | (cp & 0x3F));
    pb_buf_append(b, t, 4);
  }
}

size_t pb_utf8_check(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    int n = pb_utf8_decode(s + i, len - i, &cp);
    if (cp == 0xFFFD && n == 1 && (unsigned char)s[i] >= 0x80) return i;
    i += (size_t)n;
  }
  return len;
}

size_t pb_utf8_clean(const char *s, size_t len, pb_buf *out, size_t *first_bad) {
  size_t i = 0, problems = 0;
  pb_buf_reserve(out, len);
  while (i < len) {
    /* a run of printable ASCII, tabs and line feeds goes in one append
     * (one call per character was 12 M instructions of a warm build) */
    size_t run = i;
    while (run < len && ((s[run] >= 0x20 && s[run] < 0x7F) || s[run] == '\t' || s[run] == '\n'))
      run++;
    if (run > i) {
      pb_buf_append(out, s + i, run - i);
      i = run;
      continue;
    }
    uint32_t cp;
    int n = pb_utf8_decode(s + i, len - i, &cp);
    int bad = (cp == 0xFFFD && n == 1 && (unsigned char)s[i] >= 0x80);
    int ctrl = (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F ||
               (cp >= 0x80 && cp < 0xA0);
    if (bad || ctrl) {
      if (!problems && first_bad) *first_bad = i;
      problems++;
      if (bad) pb_utf8_put(out, 0xFFFD);
    } else if (cp != '\r') {
      pb_buf_append(out, s + i, (size_t)n);
    }
    i += (size_t)n;
  }
  pb_buf_append(out, "", 0); /* terminated even when nothing was appended */
  return problems;
}

int pb_is_cjk(uint32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

int pb_is_cjk_punct(uint32_t cp) {
  return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
         (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
         (cp >= 0xFF5B && cp <= 0xFF65) || cp == 0x2018 || cp == 0x2019 || cp == 0x201C ||
         cp == 0x201D || cp == 0x2026 || cp == 0x2014;
}

int pb_is_space(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x3000;
}

static int quote_cjk(uint32_t cp) { return pb_is_cjk(cp) || (cp >= 0x3000 && cp <= 0x303F); }

static int quote_opens_after(uint32_t cp) {
  return cp == 0 || pb_is_space(cp) || cp == '(' || cp == '[' || cp == '{' || cp == '<' ||
         cp == '-' || cp == '/' || cp == 0x2013 || cp == 0x2014 || cp == 0x201C || cp == 0x2018;
}

const char *pb_utf8_quotes(pb_arena *a, const char *s, uint32_t before) {
  if (!s || (!strchr(s, '"') && !strchr(s, '\''))) return s;
  size_t len = strlen(s);
  pb_buf b = PB_BUF_INIT;
  uint32_t prev = before;
  int changed = 0;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    int n = pb_utf8_decode(s + i, len - i, &cp);
    uint32_t next = 0;
    if (i + (size_t)n < len) pb_utf8_decode(s + i + n, len - i - n, &next);
    if ((cp == '"' || cp == '\'') && !quote_cjk(prev) && !quote_cjk(next)) {
      int open = quote_opens_after(prev) && !pb_is_space(next); /* next 0: the next span */
      uint32_t q = cp == '"' ? (open ? 0x201C : 0x201D) : (open ? 0x2018 : 0x2019);
      pb_utf8_put(&b, q);
      changed = 1;
      prev = q;
    } else {
      pb_buf_append(&b, s + i, (size_t)n);
      prev = cp;
    }
    i += (size_t)n;
  }
  const char *r = changed ? pb_arena_strdup(a, b.data) : s;
  pb_buf_free(&b);
  return r;
}

uint32_t pb_utf8_last(const char *s) {
  if (!s || !*s) return 0;
  size_t len = strlen(s), i = len - 1;
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
  uint32_t cp = 0;
  pb_utf8_decode(s + i, len - i, &cp);
  return cp;
}

static int scheme_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '.' || c == '-';
}

/* Schemes that stay dangerous with blanks before the colon (some readers
 * drop them). */
static int blank_scheme(const char *s, size_t n) {
  static const char *const bad[] = {"javascript", "vbscript", "file",       "data",
                                    "smb",        "jar",      "view-source"};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
    if (strlen(bad[k]) == n && strncasecmp(s, bad[k], n) == 0) return 1;
  return 0;
}

void pb_utf8_unlinkable(pb_buf *b, const char *s) {
  for (size_t i = 0; s && s[i];) {
    unsigned char c = (unsigned char)s[i];
    int word_start = i == 0 || !scheme_char((unsigned char)s[i - 1]);
    if (word_start && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      size_t j = i;
      while (scheme_char((unsigned char)s[j])) j++;
      size_t n = j - i, k = j;
      while (s[k] == ' ' || s[k] == '\t') k++;
      int colon = s[k] == ':' && n <= 32;
      int web = (n == 4 && strncasecmp(s + i, "http", 4) == 0) ||
                (n == 5 && strncasecmp(s + i, "https", 5) == 0);
      int linkable = colon && (k > j ? blank_scheme(s + i, n)
                                     : !web && s[k + 1] && s[k + 1] != ' ' && s[k + 1] != '\t' &&
                                           s[k + 1] != '\n');
      if (linkable) {
        pb_buf_append(b, s + i, k - i);
        pb_buf_puts(b, "\xEF\xBC\x9A"); /* U+FF1A FULLWIDTH COLON */
        i = k + 1;
        continue;
      }
      pb_buf_append(b, s + i, n);
      i = j;
      continue;
    }
    if (c == '\\' && s[i + 1] == '\\' && (i == 0 || s[i - 1] != '\\')) {
      pb_buf_puts(b, "\xEF\xBC\xBC"); /* U+FF3C FULLWIDTH REVERSE SOLIDUS */
      i++;
      continue;
    }
    pb_buf_putc(b, (char)c);
    i++;
  }
}

void pb_utf8_squeeze(pb_buf *out, const char *s, size_t len) {
  int pending = 0, any = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending = any;
      continue;
    }
    if (pending) pb_buf_putc(out, ' ');
    pending = 0;
    any = 1;
    pb_buf_putc(out, c);
  }
}
