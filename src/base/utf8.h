/* UTF-8 decoding, validation and cleaning. Text is (pointer, length) and
 * never assumed NUL-terminated. */
#ifndef PB_UTF8_H
#define PB_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "mem.h"

/* Decodes one code point at s[0..len). Returns the number of bytes used
 * (1..4), with *cp set; an invalid or truncated sequence consumes 1 byte and
 * gives *cp = 0xFFFD. len 0 returns 0. */
int pb_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Appends the UTF-8 encoding of cp. */
void pb_utf8_put(pb_buf *b, uint32_t cp);
/* Returns the byte offset of the first invalid sequence, or len if all valid. */
size_t pb_utf8_check(const char *s, size_t len);

/* Copies s[0..len) into out, replacing invalid sequences with U+FFFD and
 * removing C0/C1 control characters other than tab and newline (and CR,
 * which is dropped). Returns the number of problems fixed; *first_bad (may
 * be NULL) gets the byte offset of the first. */
size_t pb_utf8_clean(const char *s, size_t len, pb_buf *out, size_t *first_bad);

/* Character classes used by the parsers and the layout. */
int pb_is_cjk(uint32_t cp);       /* Han, kana, hangul, CJK symbols */
int pb_is_cjk_punct(uint32_t cp); /* full-width punctuation */
int pb_is_space(uint32_t cp);     /* ASCII whitespace, NBSP, ideographic space */

/* s with its straight quotes educated for Latin text: " as “ ”, ' as ‘ ’
 * (an apostrophe is ’), opening after a space, a bracket, a dash or the
 * start, closing elsewhere. A quote next to a CJK character is left as
 * written (Chinese has its own full-width quotes). before is the character
 * in front of s (the end of the previous span; 0 at a paragraph's start).
 * Returns s itself when nothing changes, else a copy in a. */
const char *pb_utf8_quotes(pb_arena *a, const char *s, uint32_t before);
/* Appends s[0..len) with each run of spaces, tabs and line breaks as one
 * space and none at the ends (a title as the page sets it). */
void pb_utf8_squeeze(pb_buf *out, const char *s, size_t len);
/* Appends s as text no mail client or terminal turns into a link it did
 * not get from the link policy: the colon after anything shaped like a URL
 * scheme but http and https ("javascript:", "ms-msdt:/id", "mailto:", also
 * "file :" with blanks) is written as U+FF1A FULLWIDTH COLON, and a UNC
 * path's leading "\\" as U+FF3C "\". For the free text (titles, names,
 * summaries, notes) of the digest's text and HTML parts. */
void pb_utf8_unlinkable(pb_buf *b, const char *s);
/* The last code point of s (0 for NULL or ""). */
uint32_t pb_utf8_last(const char *s);

#endif
