#include "links.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "entities.h"
#include "mem.h"
#include "percent.h"

/* ---- normalising ------------------------------------------------------ */

static void put_utf8(pb_buf *b, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    pb_buf_putc(b, (int)cp);
  } else if (cp < 0x800) {
    pb_buf_putc(b, (int)(0xC0 | (cp >> 6)));
    pb_buf_putc(b, (int)(0x80 | (cp & 63)));
  } else if (cp < 0x10000) {
    pb_buf_putc(b, (int)(0xE0 | (cp >> 12)));
    pb_buf_putc(b, (int)(0x80 | ((cp >> 6) & 63)));
    pb_buf_putc(b, (int)(0x80 | (cp & 63)));
  } else {
    pb_buf_putc(b, (int)(0xF0 | (cp >> 18)));
    pb_buf_putc(b, (int)(0x80 | ((cp >> 12) & 63)));
    pb_buf_putc(b, (int)(0x80 | ((cp >> 6) & 63)));
    pb_buf_putc(b, (int)(0x80 | (cp & 63)));
  }
}

/* One character reference at s[0] == '&', read as browsers read URLs
 * (names in any case, the ';' optional): appends its value and returns the
 * bytes used, or 0 when it is not one. */
static size_t entity(const char *s, size_t len, pb_buf *out) {
  uint32_t cp;
  size_t n = pb_entity_read(s, len, PB_ENT_LOOSE, &cp);
  if (n) put_utf8(out, cp);
  return n;
}

/* One round of entity and percent decoding. */
static void decode_once(const char *s, size_t len, pb_buf *out) {
  for (size_t i = 0; i < len;) {
    if (s[i] == '&') {
      size_t n = entity(s + i, len - i, out);
      if (n) {
        i += n;
        continue;
      }
    }
    int byte = pb_percent_escape_at(s + i, len - i);
    if (byte >= 0) {
      pb_buf_putc(out, byte);
      i += 3;
      continue;
    }
    pb_buf_putc(out, (unsigned char)s[i++]);
  }
}

/* Bytes of an invisible character at s (ASCII whitespace and controls,
 * no-break and zero-width spaces, soft hyphen, BOM, line separators),
 * else 0: viewers skip or strip them, so the judge does too. */
static size_t invisible(const unsigned char *s, size_t len) {
  if (s[0] <= 0x20 || s[0] == 0x7F) return 1;
  if (len >= 2 && s[0] == 0xC2 && (s[1] == 0xA0 || s[1] == 0xAD || (s[1] >= 0x80 && s[1] < 0xA0)))
    return 2;
  if (len >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
      ((s[2] >= 0x80 && s[2] <= 0x8F) || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
    return 3;
  if (len >= 3 && s[0] == 0xE2 && s[1] == 0x81 && s[2] >= 0xA0 && s[2] <= 0xAF) return 3;
  if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) return 3;
  return 0;
}

/* The form judged: decoded until nothing changes (at most 4 rounds),
 * invisible characters removed everywhere, ASCII lower case. */
static char *judged_form(const char *raw, size_t len) {
  pb_buf cur = PB_BUF_INIT, next = PB_BUF_INIT;
  pb_buf_append(&cur, raw, len);
  pb_buf_putc(&cur, 0);
  cur.len--;
  for (int round = 0; round < 4; round++) {
    pb_buf_reset(&next);
    decode_once(cur.data, cur.len, &next);
    int same = next.len == cur.len && (!cur.len || memcmp(next.data, cur.data, cur.len) == 0);
    pb_buf tmp = cur;
    cur = next;
    next = tmp;
    if (same) break;
  }
  pb_buf out = PB_BUF_INIT;
  const unsigned char *s = (const unsigned char *)cur.data;
  for (size_t i = 0; i < cur.len;) {
    size_t n = invisible(s + i, cur.len - i);
    if (n) {
      i += n;
      continue;
    }
    pb_buf_putc(&out, tolower(s[i]));
    i++;
  }
  pb_buf_putc(&out, 0);
  pb_buf_free(&cur);
  pb_buf_free(&next);
  return pb_buf_detach(&out);
}

/* Length of the scheme at s ("javascript" of "javascript:..."), 0 if none. */
static size_t scheme_len(const char *s) {
  if (!isalpha((unsigned char)s[0])) return 0;
  size_t i = 1;
  while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.') i++;
  return s[i] == ':' ? i : 0;
}

/* raw without leading whitespace and without any control character
 * (trailing spaces stay: they are part of what was written, and encoded). */
static char *clean_form(const char *raw, size_t len) {
  while (len && ((unsigned char)raw[0] <= 0x20 || raw[0] == 0x7F)) raw++, len--;
  pb_buf b = PB_BUF_INIT;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)raw[i] >= 0x20 && raw[i] != 0x7F) pb_buf_putc(&b, raw[i]);
  pb_buf_putc(&b, 0);
  return pb_buf_detach(&b);
}

/* 1 when the judged mailto: URI j carries a header other than to, cc,
 * bcc, subject, body and in-reply-to: some mail clients take attach= (or
 * attachment=) to attach a local file (~/.ssh/id_rsa) to the message the
 * click composes. */
static int mailto_odd_header(const char *j) {
  static const char *const plain[] = {"to", "cc", "bcc", "subject", "body", "in-reply-to"};
  /* A header follows '?' or '&', and also a second '?' or a ';' for the
   * clients that split there (";attach=" after an address is a header, a
   * second address after ';' is not). */
  const char *q = strpbrk(j, "?;");
  while (q) {
    const char *key = q + 1;
    size_t kl = strcspn(key, "=&?;");
    if (*q != ';' || key[kl] == '=') {
      int known = 0;
      for (size_t i = 0; i < sizeof plain / sizeof *plain && !known; i++)
        known = kl == strlen(plain[i]) && strncmp(key, plain[i], kl) == 0;
      if (!known && kl) return 1;
    }
    q = strpbrk(key + kl, "?&;");
  }
  return 0;
}

/* Does s[0..len) hold a bidirectional control (U+202A..U+202E,
 * U+2066..U+2069)? It would show the address in another order than it
 * is followed ("https://ok.example/\u202egnp.exe" reads as exe.png). */
static int has_bidi_control(const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i + 2 < len; i++)
    if (u[i] == 0xE2 && ((u[i + 1] == 0x80 && u[i + 2] >= 0xAA && u[i + 2] <= 0xAE) ||
                         (u[i + 1] == 0x81 && u[i + 2] >= 0xA6 && u[i + 2] <= 0xA9)))
      return 1;
  return 0;
}

static pb_links_class refuse(pb_links_verdict *v, const char *why) {
  free(v->clean);
  v->clean = NULL;
  v->why = why;
  return v->cls = PB_LINKS_REFUSED;
}

pb_links_class pb_links_judge(const char *raw, size_t len, pb_links_verdict *v) {
  memset(v, 0, sizeof *v);
  if (!raw) return refuse(v, "empty");
  char *j = judged_form(raw, len);
  char *clean = clean_form(raw, len);
  size_t sl = scheme_len(j);
  pb_links_class cls;
  if (!*j) {
    cls = refuse(v, "empty");
  } else if (sl) {
    snprintf(v->scheme, sizeof v->scheme, "%.*s", (int)sl, j);
    size_t cl = scheme_len(clean);
    int plain = cl == sl && strncasecmp(clean, j, sl) == 0;
    int web = (sl == 4 && memcmp(j, "http", 4) == 0) || (sl == 5 && memcmp(j, "https", 5) == 0);
    int mail = sl == 6 && memcmp(j, "mailto", 6) == 0;
    if (!web && !mail) {
      cls = refuse(v, "only http, https and mailto links are allowed");
    } else if (!plain) {
      cls = refuse(v, "its scheme is hidden by encoding or control characters");
    } else if (has_bidi_control(raw, len) || has_bidi_control(j, strlen(j))) {
      cls = refuse(v, "a bidirectional control character would show the address in another order");
    } else if (mail && mailto_odd_header(j)) {
      cls = refuse(v, "a mailto link may set only to, cc, bcc, subject and body (attach= would "
                      "attach a file of the reader's)");
    } else {
      for (size_t i = 0; i < sl; i++) clean[i] = (char)tolower((unsigned char)clean[i]);
      v->clean = clean;
      clean = NULL;
      cls = v->cls = web ? PB_LINKS_WEB : PB_LINKS_MAIL;
    }
  } else if (j[0] == '#') {
    cls = v->cls = PB_LINKS_ANCHOR;
  } else if ((j[0] == '/' || j[0] == '\\') && (j[1] == '/' || j[1] == '\\')) {
    cls = refuse(v, "a network path (//host or \\\\host)");
  } else if (j[0] == '/' || j[0] == '\\') {
    cls = refuse(v, "an absolute path");
  } else if (strncmp(j, "www.", 4) == 0) {
    if (strncasecmp(clean, "www.", 4) != 0) {
      cls = refuse(v, "its host is hidden by encoding or control characters");
    } else {
      pb_buf b = PB_BUF_INIT;
      pb_buf_printf(&b, "https://%s", clean);
      v->clean = pb_buf_detach(&b);
      cls = v->cls = PB_LINKS_WEB;
    }
  } else {
    v->clean = clean;
    clean = NULL;
    cls = v->cls = PB_LINKS_RELATIVE;
  }
  free(j);
  free(clean);
  return cls;
}

void pb_links_verdict_free(pb_links_verdict *v) {
  if (!v) return;
  free(v->clean);
  v->clean = NULL;
}

char *pb_links_web_uri(const char *raw) {
  if (!raw) return NULL;
  pb_links_verdict v;
  pb_links_class c = pb_links_judge(raw, strlen(raw), &v);
  if (c == PB_LINKS_WEB || c == PB_LINKS_MAIL) return v.clean;
  pb_links_verdict_free(&v);
  return NULL;
}

int pb_links_uri_allowed(const char *uri) {
  char *u = pb_links_web_uri(uri);
  int ok = u && strcmp(u, uri) == 0;
  free(u);
  return ok;
}

/* 1 when path is a plain relative path: no scheme, not absolute, no
 * backslash, no control or invisible characters, no '%' or '&' (nothing a
 * viewer could decode into something else), and no ".." part after the
 * leading ones when leading_up is set (none at all otherwise). */
static int plain_relative(const char *path, int leading_up) {
  if (!path || !*path || path[0] == '/' || scheme_len(path)) return 0;
  const unsigned char *s = (const unsigned char *)path;
  size_t n = strlen(path);
  for (size_t i = 0; i < n; i++)
    if (s[i] == '\\' || s[i] == '%' || s[i] == '&' || invisible(s + i, n - i)) {
      if (s[i] == ' ') continue; /* a space in a file name is fine */
      return 0;
    }
  const char *p = path;
  if (leading_up)
    while (strncmp(p, "../", 3) == 0 || strncmp(p, "./", 2) == 0) p += p[1] == '/' ? 2 : 3;
  for (const char *seg = p; *seg;) {
    const char *end = strchr(seg, '/');
    size_t sl = end ? (size_t)(end - seg) : strlen(seg);
    if (sl == 2 && seg[0] == '.' && seg[1] == '.') return 0;
    seg += sl + (end != NULL);
  }
  return 1;
}

int pb_links_gotor_allowed(const char *path) {
  if (!plain_relative(path, 1)) return 0;
  size_t n = strlen(path);
  return n > 4 && strcasecmp(path + n - 4, ".pdf") == 0;
}

char *pb_links_file_url(const char *base, int is_repo, const char *path) {
  if (!base || !plain_relative(path, 0)) return NULL;
  char *b = pb_links_web_uri(base);
  if (!b || strncmp(b, "http", 4) != 0) {
    free(b);
    return NULL;
  }
  size_t bl = strlen(b);
  while (bl && b[bl - 1] == '/') bl--;
  if (is_repo && bl > 4 && strncmp(b + bl - 4, ".git", 4) == 0) bl -= 4;
  pb_buf out = PB_BUF_INIT;
  pb_buf_append(&out, b, bl);
  pb_buf_puts(&out, is_repo ? "/blob/HEAD/" : "/");
  free(b);
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if (isalnum(*p) || strchr("-._~/", *p)) {
      pb_buf_putc(&out, *p);
    } else {
      pb_buf_putc(&out, '%');
      pb_buf_putc(&out, hex[*p >> 4]);
      pb_buf_putc(&out, hex[*p & 15]);
    }
  }
  return pb_buf_detach(&out);
}

/* ---- reporting --------------------------------------------------------- */

pb_links_class pb_links_check(const char *raw, const char *what, const char *file, int line) {
  if (!raw) return PB_LINKS_REFUSED;
  pb_links_verdict v;
  pb_links_class c = pb_links_judge(raw, strlen(raw), &v);
  if (c == PB_LINKS_REFUSED) {
    char shown[84];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)raw; *p && n < 80; p++)
      shown[n++] = *p < 0x20 || *p == 0x7F || *p == '\'' ? '?' : (char)*p;
    shown[n] = 0;
    if (n == 80) memcpy(shown + 77, "...", 4);
    pb_warn(file, line, "%s '%s'%s%s%s: %s; printed as text, not linked", what, shown,
            v.scheme[0] ? " (scheme " : "", v.scheme, v.scheme[0] ? ")" : "", v.why);
  }
  pb_links_verdict_free(&v);
  return c;
}

static void check_text(const pb_text *t, const char *file, int line) {
  for (size_t i = 0; i < t->n; i++) {
    const pb_block *b = &t->blocks[i];
    for (size_t j = 0; j < b->nspans; j++) {
      const pb_span *s = &b->spans[j];
      if ((s->style & PB_STYLE_LINK) && s->url)
        pb_links_check(s->url, "link", b->file ? b->file : file, b->line ? b->line : line);
    }
  }
}

static void check_figures(const pb_figure *f, size_t n, const char *file, int line) {
  for (size_t i = 0; i < n; i++)
    if (!f[i].path && f[i].url)
      pb_links_check(f[i].url, "figure", f[i].file ? f[i].file : file,
                     f[i].line ? f[i].line : line);
}

static void check_category(const pb_category *c) {
  if (!c) return;
  check_text(&c->references, c->file, c->line);
  check_figures(c->figures, c->nfigures, c->file, c->line);
  for (size_t i = 0; i < c->nchildren; i++) check_category(c->children[i]);
}

int pb_links_check_quiet_refused(const char *raw, size_t len) {
  pb_links_verdict v;
  int refused = pb_links_judge(raw, len, &v) == PB_LINKS_REFUSED;
  pb_links_verdict_free(&v);
  return refused;
}

void pb_links_check_library(const pb_library *lib) {
  if (!lib) return;
  for (size_t i = 0; i < lib->nentries; i++) {
    const pb_entry *e = lib->entries[i];
    for (size_t k = 0; k < e->nlinks; k++) {
      const pb_link *l = &e->links[k];
      if (!l->local && l->url && *l->url)
        pb_links_check(l->url, "link", e->file, l->line ? l->line : e->line);
    }
    check_text(&e->summary, e->file, e->line);
    check_figures(e->figures, e->nfigures, e->file, e->line);
  }
  check_category(lib->root_category);
  /* the minutes: talks' links and write-ups, printed by the handout */
  for (size_t i = 0; i < lib->nsessions; i++) {
    const pb_session *s = &lib->sessions[i];
    for (size_t t = 0; t < s->ntalks; t++)
      for (size_t k = 0; k < s->talks[t].nlinks; k++) {
        const pb_link *l = &s->talks[t].links[k];
        if (!l->local && l->url && *l->url)
          pb_links_check(l->url, "link", s->talks[t].file ? s->talks[t].file : s->file,
                         l->line ? l->line : s->talks[t].line);
      }
    for (size_t w = 0; w < s->nwriteups; w++)
      if (s->writeups[w].url && *s->writeups[w].url)
        pb_links_check(s->writeups[w].url, "link", s->writeups[w].file, s->writeups[w].line);
  }
}
