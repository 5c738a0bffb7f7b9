#include "dates.h"

#include <stdlib.h>
#include <time.h>

#include <glib.h>
#include <stdio.h>
#include <string.h>

/* Julian day (GDate counts 0001-01-01 as day 1) of 1970-01-01. */
#define EPOCH_JULIAN 719163L

int pb_leap_year(int y) { return y >= 1 && y <= G_MAXUINT16 && g_date_is_leap_year((GDateYear)y); }

int pb_days_in_month(int y, int m) {
  if (m < 1 || m > 12 || y < 1 || y > G_MAXUINT16) return 0;
  return g_date_get_days_in_month((GDateMonth)m, (GDateYear)y);
}

int pb_date_valid(int y, int m, int d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31 &&
         g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

long pb_days_from_civil(int y, int m, int d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return -1;
  GDate g;
  g_date_clear(&g, 1);
  g_date_set_dmy(&g, 1, (GDateMonth)m, (GDateYear)y);
  return (long)g_date_get_julian(&g) - EPOCH_JULIAN + d - 1;
}

int pb_date_scan_iso(const char *s, int *y, int *m, int *d) {
  return s && sscanf(s, "%4d-%2d-%2d", y, m, d) == 3 && *m >= 1 && *m <= 12;
}

int pb_date_scan_month(const char *s, int *y, int *m) {
  return s && sscanf(s, "%d-%d", y, m) == 2 && *m >= 1 && *m <= 12;
}

int pb_date_year(const char *iso) {
  int y, m;
  return iso && pb_date_scan_month(iso, &y, &m) ? y : 0;
}

long pb_date_days(const char *iso) {
  int y, m, d;
  if (!pb_date_scan_iso(iso, &y, &m, &d)) return -1;
  return pb_days_from_civil(y, m, d);
}

long pb_date_week(const char *iso) {
  long d = pb_date_days(iso);
  if (d < 0) return -1;
  return (d + 3) / 7;
}

int pb_weekday(long z) { return (int)(((z % 7) + 7 + 3) % 7); }

void pb_date_format(int y, int m, int d, char out[11]) {
  char tmp[48];
  snprintf(tmp, sizeof tmp, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
           (unsigned)d % 100u);
  memcpy(out, tmp, 10);
  out[10] = 0;
}

void pb_date_from_days(long z, char out[11]) {
  long j = z + EPOCH_JULIAN;
  if (j < 1 || j > 3652059L) { /* before 0001-01-01 or after 9999-12-31 */
    pb_date_format(0, 0, 0, out);
    return;
  }
  GDate g;
  g_date_clear(&g, 1);
  g_date_set_julian(&g, (guint32)j);
  pb_date_format(g_date_get_year(&g), g_date_get_month(&g), g_date_get_day(&g), out);
}

void pb_week_monday(long w, char out[11]) { pb_date_from_days(w * 7 - 3, out); }

const char *pb_month_name(int m) {
  static const char *const months[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
  return m >= 1 && m <= 12 ? months[m - 1] : NULL;
}

int pb_date_parse_exact(const char *s, int *y, int *m, int *d) {
  char tail;
  return s && sscanf(s, "%4d-%2d-%2d%c", y, m, d, &tail) == 3 && pb_date_valid(*y, *m, *d);
}

int pb_date_parse_cli(const char *s, int *y, int *m, int *d) {
  char sep1, sep2, tail;
  return s && sscanf(s, "%4d%c%2d%c%2d%c", y, &sep1, m, &sep2, d, &tail) == 5 && sep1 == sep2 &&
         (sep1 == '-' || sep1 == '.' || sep1 == '/') && *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

/* ---- the lenient forms -------------------------------------------------- */

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Reads up to max digits at s[*i]; returns how many, with the value in *v. */
static size_t digits(const char *s, size_t len, size_t *i, size_t max, int *v) {
  size_t n = 0;
  *v = 0;
  while (*i < len && n < max && is_digit(s[*i])) *v = *v * 10 + (s[(*i)++] - '0'), n++;
  return n;
}

static int word_at(const char *s, size_t len, size_t i, const char *w) {
  size_t n = strlen(w);
  return i <= len && len - i >= n && memcmp(s + i, w, n) == 0;
}

size_t pb_date_sep(const char *s, size_t len) {
  size_t k = 0;
  while (k < len && s[k] == ' ') k++;
  if (k < len && (s[k] == '-' || s[k] == '.' || s[k] == '/'))
    k++;
  else if (word_at(s, len, k, "年") || word_at(s, len, k, "月"))
    k += 3;
  else
    return 0;
  while (k < len && s[k] == ' ') k++;
  return k;
}

size_t pb_date_shape(const char *s, size_t len) {
  size_t i = 0;
  for (int field = 0; field < 3; field++) {
    int v;
    size_t n = digits(s, len, &i, 6, &v);
    if (!n || (i < len && is_digit(s[i]))) return 0;
    if (field == 0 && n < 4) return 0; /* a year first */
    if (field < 2) {
      size_t k = i < len ? pb_date_sep(s + i, len - i) : 0;
      if (!k) return 0;
      i += k;
    }
  }
  return i;
}

static int text_sep(const char *s, size_t len, size_t *i) {
  size_t n = pb_date_sep(s + *i, len - *i);
  *i += n;
  return n > 0;
}

/* PB_DATE_SESSION: [YYYY<sep>]M<sep>D[日|号], the month and day in range
 * but not checked against the month's length (the year may come later). */
static size_t scan_session(const char *s, size_t len, int *y, int *m, int *d) {
  size_t i = 0;
  int v;
  size_t n = digits(s, len, &i, 4, &v);
  if (!n) return 0;
  *y = 0;
  if (n == 4) { /* a year first */
    if (i < len && (s[i] == '.' || s[i] == '-' || s[i] == '/'))
      i++;
    else if (word_at(s, len, i, "年"))
      i += 3;
    else
      return 0;
    *y = v;
    if (!digits(s, len, &i, 2, &v)) return 0;
  }
  *m = v;
  if (i < len && (s[i] == '.' || s[i] == '/' || s[i] == '-'))
    i++;
  else if (word_at(s, len, i, "月"))
    i += 3;
  else
    return 0;
  if (!digits(s, len, &i, 2, d)) return 0;
  if (word_at(s, len, i, "日") || word_at(s, len, i, "号")) i += 3;
  if (*m < 1 || *m > 12 || *d < 1 || *d > 31) return 0;
  if (i < len && is_digit(s[i])) return 0;
  return i;
}

size_t pb_date_scan(const char *s, size_t len, pb_date_form form, int *y, int *m, int *d) {
  if (form == PB_DATE_SESSION) return scan_session(s, len, y, m, d);
  size_t i = 0;
  int v;
  size_t n = digits(s, len, &i, 8, &v);
  if (n == 8) { /* 20240531 */
    *y = v / 10000, *m = (v / 100) % 100, *d = v % 100;
  } else if (n != 4) {
    return 0;
  } else if (form == PB_DATE_TEXT) {
    *y = v;
    if (!text_sep(s, len, &i) || !digits(s, len, &i, 2, m)) return 0;
    if (!text_sep(s, len, &i) || !digits(s, len, &i, 2, d)) return 0;
    if (word_at(s, len, i, "日")) i += 3;
  } else {
    *y = v;
    if (i < len && (s[i] == '.' || s[i] == '-' || s[i] == '_')) {
      char sep = s[i++];
      if (!digits(s, len, &i, 2, m) || (i < len && is_digit(s[i])) || i >= len || s[i] != sep)
        return 0;
      i++;
      if (!digits(s, len, &i, 2, d) || (i < len && is_digit(s[i]))) return 0;
    } else if (word_at(s, len, i, "年")) {
      i += 3;
      if (!digits(s, len, &i, 2, m) || (i < len && is_digit(s[i])) || !word_at(s, len, i, "月"))
        return 0;
      i += 3;
      if (!digits(s, len, &i, 2, d) || (i < len && is_digit(s[i]))) return 0;
      if (word_at(s, len, i, "日")) i += 3;
    } else {
      return 0;
    }
  }
  if ((form == PB_DATE_TEXT || n == 8) && i < len && is_digit(s[i])) return 0;
  if (form == PB_DATE_TEXT ? *y < 1900 || *y > 2199 : *y < 1980 || *y > 2099) return 0;
  return pb_date_valid(*y, *m, *d) ? i : 0;
}

int pb_date_heading_year(const char *s, size_t len) {
  for (size_t i = 0; i + 4 <= len; i++) {
    if (!is_digit(s[i])) continue;
    size_t j = i;
    int v;
    digits(s, len, &j, 5, &v);
    if (j - i == 4 && v >= 1990 && v <= 2100) return v;
    i = j;
  }
  return 0;
}

int pb_date_epoch(long long *secs) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (!sde || !*sde) return 0;
  char *end;
  long long v = strtoll(sde, &end, 10);
  if (*end || v < 0) return -1;
  *secs = v;
  return 1;
}

void pb_date_today(char out[11]) {
  long long v;
  int given = pb_date_epoch(&v) > 0;
  time_t t = given ? (time_t)v : time(NULL);
  struct tm tm;
  if (given)
    gmtime_r(&t, &tm);
  else
    localtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}
