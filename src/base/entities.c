#include "entities.h"

#include <glib.h>
#include <libxml/HTMLparser.h>
#include <string.h>

/* HTML 5 names missing from libxml2's HTML 4 table that spell a scheme, its
 * colon or a path: the link judge decodes them as browsers do. */
static const struct {
  const char *name;
  uint32_t cp;
} html5_url[] = {{"colon", ':'},  {"tab", '\t'},   {"newline", '\n'}, {"sol", '/'},
                 {"bsol", '\\'},  {"lpar", '('},   {"rpar", ')'},     {"period", '.'},
                 {"num", '#'},    {"percnt", '%'}, {"excl", '!'},     {"quest", '?'},
                 {"equals", '='}, {"comma", ','},  {"semi", ';'},     {"plus", '+'},
                 {"dollar", '$'}, {"lowbar", '_'}, {"hyphen", '-'},   {"apos", '\''}};

/* The code point of the name s[0..n), matched exactly; 0 if unknown. */
static uint32_t lookup_exact(const char *s, size_t n) {
  char name[32];
  if (n == 0 || n >= sizeof name) return 0;
  memcpy(name, s, n);
  name[n] = 0;
  const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
  if (e) return e->value;
  for (size_t k = 0; k < sizeof html5_url / sizeof *html5_url; k++)
    if (strcmp(html5_url[k].name, name) == 0) return html5_url[k].cp;
  return 0;
}

/* Exactly, then in lower case ("&NBSP;", "&Colon"). */
static uint32_t lookup(const char *s, size_t n) {
  uint32_t cp = lookup_exact(s, n);
  if (cp || n >= 32) return cp;
  char low[32];
  for (size_t k = 0; k < n; k++) low[k] = g_ascii_tolower(s[k]);
  return lookup_exact(low, n);
}

int pb_entity_text_char(uint32_t cp) {
  return cp >= 0x20 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) &&
         !(cp >= 0x7F && cp < 0xA0);
}

size_t pb_entity_read(const char *s, size_t len, unsigned flags, uint32_t *cp) {
  int loose = (flags & PB_ENT_LOOSE) != 0;
  *cp = 0;
  if (len < 2 || s[0] != '&') return 0;
  size_t i = 1;
  if (s[i] == '#') {
    i++;
    int hex = i < len && (s[i] == 'x' || s[i] == 'X');
    if (hex) i++;
    uint32_t v = 0;
    size_t d0 = i;
    for (; i < len; i++) {
      int dv = hex ? g_ascii_xdigit_value(s[i]) : g_ascii_digit_value(s[i]);
      if (dv < 0) break;
      if (v < 0x110000) v = v * (hex ? 16 : 10) + (uint32_t)dv;
    }
    if (i == d0) return 0;
    if (i < len && s[i] == ';')
      i++;
    else if (!loose)
      return 0;
    *cp = v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ? 0 : v;
    return i;
  }
  size_t n = 0;
  while (i + n < len && g_ascii_isalnum(s[i + n])) n++;
  if (!loose) {
    if (i + n >= len || s[i + n] != ';') return 0;
    *cp = lookup(s + i, n);
    return *cp ? i + n + 1 : 0;
  }
  for (; n > 0; n--) /* the longest known name */
    if ((*cp = lookup(s + i, n)) != 0) return i + n + (i + n < len && s[i + n] == ';');
  return 0;
}
