/* Unit tests of the shared jobs of the base stage: dates (dates.c),
 * percent-decoding (percent.c) and HTML character references
 * (entities.c). Each CHECK names what it guards; exit 0 = pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dates.h"
#include "entities.h"
#include "mem.h"
#include "percent.h"
#include "store.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      failures++;                                                                                  \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                         \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
    }                                                                                              \
  } while (0)

/* pb_date_scan of a NUL-terminated string: bytes used, with *iso set. */
static size_t scan(const char *s, pb_date_form form, char iso[11]) {
  int y = 0, m = 0, d = 0;
  size_t n = pb_date_scan(s, strlen(s), form, &y, &m, &d);
  iso[0] = 0;
  if (n) pb_date_format(y, m, d, iso);
  return n;
}

static void test_dates(void) {
  CHECK(pb_leap_year(2024) && !pb_leap_year(2023), "2024 leap, 2023 not");
  CHECK(!pb_leap_year(1900) && pb_leap_year(2000), "1900 not leap (century), 2000 leap (400)");
  CHECK(pb_date_valid(2024, 2, 29), "2024-02-29 is a date");
  CHECK(!pb_date_valid(2023, 2, 29), "2023-02-29 is not");
  CHECK(!pb_date_valid(1900, 2, 29), "1900-02-29 is not");
  CHECK(pb_date_valid(2000, 2, 29), "2000-02-29 is");
  CHECK(!pb_date_valid(2024, 4, 31) && !pb_date_valid(2024, 13, 1) && !pb_date_valid(2024, 1, 0),
        "April 31, month 13, day 0 are not");
  CHECK(pb_days_in_month(2024, 2) == 29 && pb_days_in_month(2023, 2) == 28 &&
            pb_days_in_month(2023, 12) == 31 && pb_days_in_month(2023, 13) == 0,
        "days in month");

  /* day numbers: 1970-01-01 is day 0; known days */
  CHECK(pb_date_days("1970-01-01") == 0, "epoch is day 0");
  CHECK(pb_date_days("2000-03-01") == 11017, "2000-03-01 is day 11017, got %ld",
        pb_date_days("2000-03-01"));
  CHECK(pb_date_days("2024-02-29") == 19782, "2024-02-29 is day 19782, got %ld",
        pb_date_days("2024-02-29"));
  CHECK(pb_date_days("2024-03-01") - pb_date_days("2024-02-28") == 2, "leap day counted");
  CHECK(pb_date_days("2023-03-01") - pb_date_days("2023-02-28") == 1, "no leap day in 2023");
  CHECK(pb_date_days("2024-02-31") == pb_date_days("2024-03-02"),
        "a day past the month's end runs on (as the readers always counted)");
  CHECK(pb_date_days("2024-13-01") == -1 && pb_date_days("x") == -1 && pb_date_days(NULL) == -1,
        "unreadable dates are -1");
  char out[11];
  pb_date_from_days(19782, out);
  CHECK(strcmp(out, "2024-02-29") == 0, "day 19782 is 2024-02-29, got %s", out);
  pb_date_from_days(-1, out);
  CHECK(strcmp(out, "1969-12-31") == 0, "day -1 is 1969-12-31, got %s", out);
  for (long z = -800; z < 30000; z += 7) { /* round trip over eighty years */
    pb_date_from_days(z, out);
    if (pb_date_days(out) != z && z >= 0) {
      CHECK(0, "round trip of day %ld (%s)", z, out);
      break;
    }
  }
  CHECK(pb_weekday(pb_date_days("2024-05-27")) == 0 && pb_weekday(pb_date_days("2024-06-02")) == 6,
        "2024-05-27 is a Monday, 2024-06-02 a Sunday");
  CHECK(pb_weekday(-1) == 2, "1969-12-31 was a Wednesday");
  CHECK(pb_date_week("2024-05-31") == pb_date_week("2024-06-02") &&
            pb_date_week("2024-06-03") == pb_date_week("2024-06-02") + 1,
        "a Friday and the Sunday after share a week; Monday starts the next");
  pb_week_monday(pb_date_week("2024-05-31"), out);
  CHECK(strcmp(out, "2024-05-27") == 0, "the Monday of 2024-05-31's week, got %s", out);
  CHECK(strcmp(pb_month_name(9), "September") == 0 && !pb_month_name(13), "month names");

  /* strict forms */
  int y, m, d;
  CHECK(pb_date_parse_exact("2024-02-29", &y, &m, &d) && y == 2024 && m == 2 && d == 29,
        "exact: 2024-02-29");
  CHECK(!pb_date_parse_exact("2023-02-29", &y, &m, &d), "exact: 2023-02-29 rejected");
  CHECK(!pb_date_parse_exact("1900-02-29", &y, &m, &d), "exact: 1900-02-29 rejected");
  CHECK(pb_date_parse_exact("2000-02-29", &y, &m, &d), "exact: 2000-02-29 accepted");
  CHECK(!pb_date_parse_exact("2024-02-29x", &y, &m, &d), "exact: nothing may follow");
  CHECK(pb_date_parse_cli("2024.12.1", &y, &m, &d) && m == 12 && d == 1, "cli: 2024.12.1");
  CHECK(!pb_date_parse_cli("2024-12/1", &y, &m, &d), "cli: mixed separators rejected");

  /* the readers' form */
  CHECK(scan("2024-02-29", PB_DATE_TEXT, out) == 10 && strcmp(out, "2024-02-29") == 0,
        "text: 2024-02-29");
  CHECK(!scan("2023-02-29", PB_DATE_TEXT, out), "text: 2023-02-29 rejected");
  CHECK(!scan("1900-02-29", PB_DATE_TEXT, out), "text: 1900-02-29 rejected");
  CHECK(scan("2000-02-29", PB_DATE_TEXT, out) == 10, "text: 2000-02-29 accepted");
  CHECK(!scan("2025-11-230", PB_DATE_TEXT, out), "text: day 230 rejected");
  CHECK(!scan("2025-11-230", PB_DATE_NAME, out), "name: day 230 rejected");
  CHECK(scan("2024年5月31日 x", PB_DATE_TEXT, out) == 16 && strcmp(out, "2024-05-31") == 0,
        "text: 2024年5月31日");
  CHECK(scan("2024 . 5 . 3]", PB_DATE_TEXT, out) == 12 && strcmp(out, "2024-05-03") == 0,
        "text: blanks around separators");
  CHECK(scan("20240531-x", PB_DATE_TEXT, out) == 8 && strcmp(out, "2024-05-31") == 0,
        "text: 20240531");
  CHECK(!scan("202405311", PB_DATE_TEXT, out), "text: nine digits are no date");
  CHECK(!scan("1899-12-31", PB_DATE_TEXT, out) && !scan("2200-01-01", PB_DATE_TEXT, out),
        "text: years 1900..2199");
  CHECK(scan("2024_05_31 deck", PB_DATE_NAME, out) == 10, "name: underscores");
  CHECK(!scan("2024_05_31", PB_DATE_TEXT, out), "text: no underscores");
  CHECK(!scan("2024-05.31", PB_DATE_NAME, out), "name: one separator twice");
  CHECK(!scan("2024 - 05 - 31", PB_DATE_NAME, out), "name: no blanks");
  CHECK(scan("2024年5月31日", PB_DATE_NAME, out) == 16, "name: 2024年5月31日");
  CHECK(!scan("1979-01-01", PB_DATE_NAME, out) && !scan("2100-01-01", PB_DATE_NAME, out),
        "name: years 1980..2099");
  CHECK(scan("2024 年 5 月 31", PB_DATE_TEXT, out) && !scan("2024 年 5 月 31", PB_DATE_NAME, out),
        "blanks around 年 月: text yes, names no");

  /* the minutes' session heads: no year (0000-) unless written, the month's
   * length left to the reader, which knows the year */
  CHECK(scan("5.31 陈银", PB_DATE_SESSION, out) == 4 && strcmp(out, "0000-05-31") == 0,
        "session: 5.31, no year: %s", out);
  CHECK(scan("5/31", PB_DATE_SESSION, out) == 4 && scan("5-31", PB_DATE_SESSION, out) == 4,
        "session: 5/31 and 5-31");
  CHECK(scan("5月31日 甲", PB_DATE_SESSION, out) == 9 && strcmp(out, "0000-05-31") == 0,
        "session: 5月31日");
  CHECK(scan("5.31号", PB_DATE_SESSION, out) == 7, "session: 号 after the day");
  CHECK(scan("05.03\t甲", PB_DATE_SESSION, out) == 5 && strcmp(out, "0000-05-03") == 0,
        "session: 05.03");
  CHECK(scan("2024.5.31", PB_DATE_SESSION, out) == 9 && strcmp(out, "2024-05-31") == 0,
        "session: 2024.5.31");
  CHECK(scan("2024年5月31日", PB_DATE_SESSION, out) == 16 && strcmp(out, "2024-05-31") == 0,
        "session: 2024年5月31日");
  CHECK(scan("2024年1.12", PB_DATE_SESSION, out) && scan("2024.1月5", PB_DATE_SESSION, out),
        "session: 年 and 月 mixed with dots");
  CHECK(scan("1999.3.22", PB_DATE_SESSION, out) && strcmp(out, "1999-03-22") == 0,
        "session: any written year");
  CHECK(scan("0000.5.31", PB_DATE_SESSION, out) == 9 && strcmp(out, "0000-05-31") == 0,
        "session: year 0000 is none");
  CHECK(scan("012.5", PB_DATE_SESSION, out) == 5 && strcmp(out, "0000-12-05") == 0,
        "session: a month of three digits with a leading zero: %s", out);
  CHECK(scan("2.30", PB_DATE_SESSION, out) == 4 && strcmp(out, "0000-02-30") == 0 &&
            scan("2023.2.29", PB_DATE_SESSION, out) == 9,
        "session: the month's length is the reader's (it warns in its year)");
  CHECK(scan("5.31（补）", PB_DATE_SESSION, out) == 4 && scan("5.31x", PB_DATE_SESSION, out) == 4,
        "session: what follows is the reader's");
  CHECK(!scan("13.1", PB_DATE_SESSION, out) && !scan("0.5", PB_DATE_SESSION, out) &&
            !scan("5.32", PB_DATE_SESSION, out) && !scan("5.0", PB_DATE_SESSION, out),
        "session: months 1..12, days 1..31");
  CHECK(!scan("5.311", PB_DATE_SESSION, out) && !scan("5.31日2", PB_DATE_SESSION, out),
        "session: no digit may follow");
  CHECK(!scan("5.", PB_DATE_SESSION, out) && !scan("5月", PB_DATE_SESSION, out) &&
            !scan("5 .31", PB_DATE_SESSION, out) && !scan("5", PB_DATE_SESSION, out),
        "session: month and day, no blanks");
  CHECK(!scan("20240315", PB_DATE_SESSION, out) && !scan("99999.1.1", PB_DATE_SESSION, out) &&
            !scan("2024 .5.31", PB_DATE_SESSION, out) && !scan("2024_5_31", PB_DATE_SESSION, out),
        "session: a year is four digits and a separator");
  CHECK(!scan("2024.123.4", PB_DATE_SESSION, out), "session: two digits of month after a year");
  y = 7, m = 0, d = 0;
  CHECK(pb_date_scan("5.31", 3, PB_DATE_SESSION, &y, &m, &d) == 3 && y == 0 && m == 5 && d == 3,
        "session: only s[0..len) is read");

  /* a date's shape, date or not: what a check-in head with a typo writes */
#define SHAPE(s) pb_date_shape(s, strlen(s))
  CHECK(SHAPE("2025-11-230]") == 11 && SHAPE("2024-13-02 ]") == 10,
        "shape: 2025-11-230, 2024-13-02");
  CHECK(SHAPE("2024 年 13 月 2]") == 17 && SHAPE("202412.1.1") == 10,
        "shape: blanks around 年 月; a first field of up to six digits");
  CHECK(!SHAPE("24-11-23") && !SHAPE("2024-11") && !SHAPE("2024-11-") && !SHAPE("2024_11_23"),
        "shape: a year first, three fields, the text's separators");
  CHECK(!SHAPE("2024-1234567-1") && !SHAPE("2024123-1-1") && SHAPE("2024-123456-1") == 13,
        "shape: at most six digits a field");
#undef SHAPE

  /* the year of an ISO date, and the year a heading of the minutes names */
  CHECK(pb_date_year("2024-05-31") == 2024 && pb_date_year("1999-12") == 1999, "year of ISO");
  CHECK(!pb_date_year(NULL) && !pb_date_year("") && !pb_date_year("2024-13-01"),
        "year of ISO: none when unreadable");
#define HEADING_YEAR(s) pb_date_heading_year(s, strlen(s))
  CHECK(HEADING_YEAR("### 2024年") == 2024 && HEADING_YEAR("## 2025 (rota)") == 2025,
        "heading year");
  CHECK(HEADING_YEAR("## 第12期 2023") == 2023 && HEADING_YEAR("# 1989 2100") == 2100,
        "heading year: the first four-digit run in 1990..2100");
  CHECK(!HEADING_YEAR("## 2101") && !HEADING_YEAR("## 20245") && !HEADING_YEAR("## 12345678"),
        "heading year: none out of range or in a longer run");
  CHECK(HEADING_YEAR("## 1234562024") == 2024, "heading year: four digits after a group of five");
  CHECK(pb_date_heading_year("2024", 3) == 0, "heading year: only s[0..len) is read");
#undef HEADING_YEAR

  /* SOURCE_DATE_EPOCH, read once for the documents' date and for today */
  long long secs = -1;
  setenv("SOURCE_DATE_EPOCH", "1717200000", 1);
  CHECK(pb_date_epoch(&secs) == 1 && secs == 1717200000LL, "epoch: seconds");
  pb_date_today(out);
  CHECK(strcmp(out, "2024-06-01") == 0, "today from SOURCE_DATE_EPOCH (UTC): %s", out);
  setenv("SOURCE_DATE_EPOCH", "0", 1);
  CHECK(pb_date_epoch(&secs) == 1 && secs == 0, "epoch: 0 is a time");
  setenv("SOURCE_DATE_EPOCH", "", 1);
  CHECK(pb_date_epoch(&secs) == 0, "epoch: empty is unset");
  setenv("SOURCE_DATE_EPOCH", "12abc", 1);
  CHECK(pb_date_epoch(&secs) == -1, "epoch: trailing text is not a time");
  setenv("SOURCE_DATE_EPOCH", "-5", 1);
  CHECK(pb_date_epoch(&secs) == -1, "epoch: negative is not a time");
  unsetenv("SOURCE_DATE_EPOCH");
  CHECK(pb_date_epoch(&secs) == 0, "epoch: unset");
}

/* pb_percent_decode of a NUL-terminated string; the bytes in b. */
static void pct(const char *s, unsigned flags, pb_buf *b) {
  pb_buf_reset(b);
  pb_percent_decode(s, strlen(s), flags, b);
}

static void test_percent(void) {
  pb_buf b = PB_BUF_INIT;
  pct("a%20b%2Fc%e4%b8%ad", 0, &b);
  CHECK(b.len == 8 && memcmp(b.data, "a b/c\xe4\xb8\xad", 8) == 0, "plain escapes, either case");
  pct("%ZZ%4%", 0, &b);
  CHECK(b.len == 6 && strcmp(b.data, "%ZZ%4%") == 0, "invalid escapes stay as written: '%s'",
        b.data);
  pct("x%00y", 0, &b);
  CHECK(b.len == 3 && memcmp(b.data, "x\0y", 3) == 0 && b.data[3] == 0,
        "%%00 decodes to a NUL byte (length 3), out stays NUL-terminated");
  pct("x%00y%1f%7Fz%41", PB_PCT_KEEP_CONTROLS, &b);
  CHECK(strcmp(b.data, "x%00y%1f%7FzA") == 0, "controls kept as written: '%s'", b.data);
  pct("", 0, &b);
  CHECK(b.data && b.len == 0 && b.data[0] == 0, "empty input: empty string");
  CHECK(pb_percent_escape_at("%41", 3) == 'A' && pb_percent_escape_at("%4", 2) == -1 &&
            pb_percent_escape_at("%ZZ", 3) == -1 && pb_percent_escape_at("%00", 3) == 0,
        "one escape");
  pb_buf_free(&b);
}

static uint32_t ent(const char *s, unsigned flags, size_t *n) {
  uint32_t cp = 99;
  *n = pb_entity_read(s, strlen(s), flags, &cp);
  return cp;
}

static void test_entities(void) {
  size_t n;
  CHECK(ent("&amp;x", 0, &n) == '&' && n == 5, "&amp;");
  CHECK(ent("&#x4E2D;", 0, &n) == 0x4E2D && n == 8, "&#x4E2D; is 中");
  CHECK(ent("&#20013;", 0, &n) == 0x4E2D && n == 8, "&#20013; is 中");
  CHECK(ent("&#0;", 0, &n) == 0 && n == 4 && !pb_entity_text_char(0),
        "&#0; is a reference to no character");
  CHECK(ent("&#xD800;", 0, &n) == 0 && n == 8, "a surrogate is no character");
  CHECK(ent("&#x110000;", 0, &n) == 0 && n == 10, "past U+10FFFF is no character");
  CHECK(ent("&bogus;", 0, &n) == 0 && n == 0, "&bogus; is no reference");
  CHECK(ent("&amp", 0, &n) == 0 && n == 0, "strict: ';' needed");
  CHECK(ent("&eacute;", 0, &n) == 0xE9 && ent("&Eacute;", 0, &n) == 0xC9,
        "names from libxml2's table, in their case");
  CHECK(ent("&NBSP;", 0, &n) == 0xA0 && n == 6, "a name in capitals read in lower case");
  CHECK(ent("&apos;", 0, &n) == '\'' && ent("&ensp;", 0, &n) == 0x2002, "&apos; &ensp;");
  CHECK(ent("&colon;", 0, &n) == ':', "HTML 5 &colon;");
  CHECK(ent("&COLONjavascript", PB_ENT_LOOSE, &n) == ':' && n == 6,
        "loose: any case, no ';', the longest name");
  CHECK(ent("&#106", PB_ENT_LOOSE, &n) == 'j' && n == 5, "loose: numeric without ';'");
  CHECK(ent("&#9;", PB_ENT_LOOSE, &n) == 9 && !pb_entity_text_char(9),
        "a tab is read (the link judge needs it) but is no text character");
  CHECK(ent("&", 0, &n) == 0 && n == 0 && ent("&#;", 0, &n) == 0 && n == 0, "no digits");
}

static void test_store(const char *tmp) {
  char root[512];
  snprintf(root, sizeof root, "%s/store", tmp);
  pb_buf b = PB_BUF_INIT;
  CHECK(pb_store_get(root, "k", "key", 3, ".bin", 100, &b) == -1, "a miss before the first put");
  CHECK(pb_store_put(root, "k", "key", 3, ".bin", "hello", 5) == 0, "put makes root/kind");
  CHECK(pb_store_get(root, "k", "key", 3, ".bin", 100, &b) == 0 && b.len == 5 &&
            strcmp(b.data, "hello") == 0,
        "get reads what put wrote");
  CHECK(pb_store_get(root, "k", "kez", 3, ".bin", 100, &b) == -1, "another key misses");
  CHECK(pb_store_get(root, "k", "key", 3, ".bin", 4, &b) == -1, "a record over the cap misses");
  char *p1 = pb_store_path(root, "k", "key", 3, ".bin"),
       *p2 = pb_store_path(root, "k", "key", 3, ".bin");
  CHECK(p1 && strcmp(p1, p2) == 0 && strlen(p1) == strlen(root) + 3 + 32 + 4,
        "the path is root/kind/32 hex digits.ext: %s", p1 ? p1 : "(null)");
  /* a record that is a symbolic link is not followed */
  char target[600];
  snprintf(target, sizeof target, "%s/target", tmp);
  FILE *f = fopen(target, "w");
  if (f) fputs("secret", f), fclose(f);
  unlink(p1);
  CHECK(symlink(target, p1) == 0, "made a link");
  CHECK(pb_store_get(root, "k", "key", 3, ".bin", 100, &b) == -1, "a linked record is a miss");
  CHECK(pb_store_put(root, "k", "key", 3, ".bin", "again", 5) == 0, "put replaces the link");
  struct stat st;
  CHECK(lstat(p1, &st) == 0 && S_ISREG(st.st_mode), "the record is a file again");
  f = fopen(target, "r");
  char got[16] = "";
  if (f) {
    if (!fgets(got, sizeof got, f)) got[0] = 0;
    fclose(f);
  }
  CHECK(strcmp(got, "secret") == 0, "the link's target untouched");
  /* a kind directory that is a link is not used */
  char kdir[600], other[600];
  snprintf(kdir, sizeof kdir, "%s/l", root);
  snprintf(other, sizeof other, "%s/other", tmp);
  mkdir(other, 0777);
  CHECK(symlink(other, kdir) == 0, "made a directory link");
  CHECK(pb_store_put(root, "l", "key", 3, ".bin", "x", 1) == -1, "no put through a linked kind");
  CHECK(pb_store_get(root, "l", "key", 3, ".bin", 100, &b) == -1, "no get through a linked kind");
  CHECK(!pb_store_path(NULL, "k", "key", 3, "") && !pb_store_path("", "k", "key", 3, ""),
        "no root, no store");
  free(p1);
  free(p2);
  pb_buf_free(&b);
}

int main(int argc, char **argv) {
  if (argc > 1) test_store(argv[1]);
  test_dates();
  test_percent();
  test_entities();
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
