/* HTML character references (base stage): the one decoder of "&name;",
 * "&#NNN;" and "&#xHHH;". Names come from libxml2's HTML 4 table
 * (htmlEntityLookup), plus the HTML 5 names that spell URL punctuation
 * ("&colon;", "&sol;" ...), which the link judge must see through. */
#ifndef PB_ENTITIES_H
#define PB_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

/* Flags of pb_entity_read. */
enum {
  /* As a browser reads a URL: the ';' may be missing, names are matched
   * whatever their case, and the longest known name before the first
   * non-name character wins ("&colonx" is ':' and "x"). Without it, a
   * reference ends with ';' and its name is matched in its case or all
   * lower case ("&NBSP;"). */
  PB_ENT_LOOSE = 1
};

/* The reference at s[0..len) (s[0] == '&'): returns the bytes it takes,
 * 0 when it is none, with its code point in *cp. A numeric reference to
 * no character (0, a surrogate, past U+10FFFF) is still one, with *cp = 0:
 * the caller drops or replaces it. */
size_t pb_entity_read(const char *s, size_t len, unsigned flags, uint32_t *cp);

/* Whether cp is a character a reference may stand for in text: not 0, not
 * a surrogate, at most U+10FFFF, not a C0 or C1 control (tab and newline
 * are controls too). */
int pb_entity_text_char(uint32_t cp);

#endif
