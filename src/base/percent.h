/* Percent-decoding (base stage): the one decoder of %XX escapes, for link
 * targets and file paths: the escapes decoded as libcurl's
 * curl_easy_unescape decodes them (not called: it would open libcurl at
 * every start, see curlapi.h), the callers' safety rule and the one-escape
 * primitive. */
#ifndef PB_PERCENT_H
#define PB_PERCENT_H

#include <stddef.h>

#include "mem.h"

/* Flags of pb_percent_decode. */
enum {
  /* An escape that would decode to a control byte (%00..%1F, %7F) stays as
   * written: a decoded NUL or control would end or corrupt a path. */
  PB_PCT_KEEP_CONTROLS = 1
};

/* The byte of the escape at s[0..len) ('%' and two hex digits), or -1 when
 * there is none there ("%ZZ", "%4", not a '%'). */
int pb_percent_escape_at(const char *s, size_t len);

/* Appends s[0..len) to out with every %XX escape decoded (bytes, any
 * value, NUL included unless flags keep controls); an escape that is not
 * '%' and two hex digits stays as written. Keeps out NUL-terminated. */
void pb_percent_decode(const char *s, size_t len, unsigned flags, pb_buf *out);

/* Appends uri to out as 7-bit ASCII: every byte that may not stand in a URI
 * as written (non-ASCII UTF-8 bytes, controls, space, " < > \ ^ ` { | })
 * becomes a %XX escape; the rest, '%' included, is kept. What a PDF link
 * (a URI action's string is ASCII) and a QR code carry, so that a reader
 * never has to guess the text's encoding. */
void pb_percent_encode_uri(const char *uri, pb_buf *out);

#endif
