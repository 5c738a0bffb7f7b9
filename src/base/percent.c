#include "percent.h"

#include <string.h>

#include <glib.h>

int pb_percent_escape_at(const char *s, size_t len) {
  if (len < 3 || s[0] != '%') return -1;
  int hi = g_ascii_xdigit_value(s[1]), lo = g_ascii_xdigit_value(s[2]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/* Appends s[0..len) decoded: each %XX (two hex digits) as its byte, any
 * other '%' as written (libcurl's curl_easy_unescape did the same, but
 * reading percent escapes in every card then opened libcurl and the 23
 * libraries behind it at every start; only the network stages need it). */
static void unescape(const char *s, size_t len, pb_buf *out) {
  pb_buf_reserve(out, len);
  for (size_t i = 0; i < len; i++) {
    int v = s[i] == '%' ? pb_percent_escape_at(s + i, len - i) : -1;
    if (v < 0) {
      pb_buf_putc(out, s[i]);
    } else {
      pb_buf_putc(out, v);
      i += 2;
    }
  }
}

void pb_percent_decode(const char *s, size_t len, unsigned flags, pb_buf *out) {
  size_t start = 0;
  if (flags & PB_PCT_KEEP_CONTROLS)
    for (size_t i = 0; i < len; i++) {
      int v = s[i] == '%' ? pb_percent_escape_at(s + i, len - i) : -1;
      if (v < 0 || (v >= 0x20 && v != 0x7F)) continue;
      unescape(s + start, i - start, out); /* the run before, decoded */
      pb_buf_append(out, s + i, 3);        /* the control escape, as written */
      start = i + 3;
      i += 2;
    }
  unescape(s + start, len - start, out);
  pb_buf_putc(out, 0);
  out->len--;
}

void pb_percent_encode_uri(const char *uri, pb_buf *out) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)uri; *p; p++) {
    if (*p <= 0x20 || *p >= 0x7F || strchr("\"<>\\^`{|}", *p)) {
      pb_buf_putc(out, '%');
      pb_buf_putc(out, hex[*p >> 4]);
      pb_buf_putc(out, hex[*p & 15]);
    } else {
      pb_buf_putc(out, (char)*p);
    }
  }
}
