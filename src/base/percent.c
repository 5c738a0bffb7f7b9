#include "percent.h"

#include <string.h>

#include <curl/curl.h>
#include <glib.h>

int pb_percent_escape_at(const char *s, size_t len) {
  if (len < 3 || s[0] != '%') return -1;
  int hi = g_ascii_xdigit_value(s[1]), lo = g_ascii_xdigit_value(s[2]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/* Appends s[0..len) decoded by libcurl. */
static void unescape(const char *s, size_t len, pb_buf *out) {
  if (!len) return;
  int n = 0;
  /* curl takes an int length: longer input goes in pieces, cut before a '%'
   * so that no escape is split */
  while (len > (size_t)1 << 30) {
    size_t cut = (size_t)1 << 30;
    while (s[cut - 1] == '%' || s[cut - 2] == '%') cut--;
    unescape(s, cut, out);
    s += cut, len -= cut;
  }
  char *d = curl_easy_unescape(NULL, s, (int)len, &n);
  if (!d) { /* out of memory: pb_xmalloc's policy is to stop */
    pb_buf_append(out, s, len);
    return;
  }
  pb_buf_append(out, d, (size_t)n);
  curl_free(d);
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
