/* Dates (base stage): the one place that knows the calendar and the date
 * forms the readers and the command line accept. Calendar arithmetic is
 * GLib's GDate (proleptic Gregorian); day numbers count from 1970-01-01.
 * Nothing here allocates. */
#ifndef PB_DATES_H
#define PB_DATES_H

#include <stddef.h>

/* Whether y is a leap year (Gregorian). */
int pb_leap_year(int y);
/* Days in month m (1..12) of year y; 0 for a month out of range. */
int pb_days_in_month(int y, int m);
/* Whether y-m-d is a real calendar date (years 1..9999). */
int pb_date_valid(int y, int m, int d);

/* Days since 1970-01-01 of y-m-d, for 1 <= m <= 12 and 1 <= d <= 31 (a day
 * past the month's end runs on into the next, as "2024-02-31" = March 2);
 * -1 when out of range. Dates before 1970 are negative too. */
long pb_days_from_civil(int y, int m, int d);
/* Days since 1970-01-01 of an ISO date at the start of iso ("2024-05-31",
 * read as "%4d-%2d-%2d", anything may follow); -1 when unreadable. */
long pb_date_days(const char *iso);
/* The Monday-based week of an ISO date (weeks since 1969-12-29), -1 when
 * invalid: a Friday session and the Sunday check-ins after it share one. */
long pb_date_week(const char *iso);
/* Day of the week of day z (days since 1970-01-01): Monday = 0. */
int pb_weekday(long z);
/* ISO date of day z (days since 1970-01-01), into out[11]. */
void pb_date_from_days(long z, char out[11]);
/* ISO date of the Monday of week w, into out[11]. */
void pb_week_monday(long w, char out[11]);
/* Writes y-m-d as YYYY-MM-DD into out[11]. */
void pb_date_format(int y, int m, int d, char out[11]);

/* English name of month m (1..12), NULL out of range. */
const char *pb_month_name(int m);

/* ---- reading dates ---------------------------------------------------- */

/* The ISO form at the start of s, as "%4d-%2d-%2d" reads it, with
 * 1 <= m <= 12 (the day is not checked). Returns 1 when read. */
int pb_date_scan_iso(const char *s, int *y, int *m, int *d);
/* The year and month at the start of s, as "%d-%d" reads them ("2024-05",
 * "2024-05-31"), with 1 <= m <= 12. Returns 1 when read. */
int pb_date_scan_month(const char *s, int *y, int *m);
/* The year of an ISO date at the start of iso, as pb_date_scan_month reads
 * it; 0 when unreadable or NULL. */
int pb_date_year(const char *iso);
/* The year a heading names ("### 2024年", "## 2025 (rota)"): the first run
 * of exactly four digits in 1990..2100. Digits are read five at a time and
 * the one after such a group is passed over, so a longer run does not name
 * a year unless four digits stand alone after it; 0 when there is none. */
int pb_date_heading_year(const char *s, size_t len);
/* s is exactly a real calendar date YYYY-MM-DD (as "%4d-%2d-%2d" reads it,
 * nothing after it). Returns 1 when it is. */
int pb_date_parse_exact(const char *s, int *y, int *m, int *d);
/* A date as written on the command line: YYYY-MM-DD, also 2024-12-1,
 * 2024.12.1 and 2024/12/1 (one separator, used twice), the day 1..31
 * whatever the month. Returns 1 when read. */
int pb_date_parse_cli(const char *s, int *y, int *m, int *d);

/* The lenient forms, at the start of s[0..len). They return the bytes
 * used (0 when there is no date). PB_DATE_TEXT and PB_DATE_NAME read
 * YYYYMMDD and YYYY<sep>M<sep>D with months and days of one or two digits
 * and check that the date is real:
 *   PB_DATE_TEXT (cards, logs, minutes): separators - . / 年 月 (either
 *     of the last two in either place), blanks around them, an optional
 *     日 after the day, years 1900..2199; no digit may follow.
 *   PB_DATE_NAME (file names of decks): separators - . _ (the same one
 *     twice) or 年..月..(日), no blanks, years 1980..2099; no digit may
 *     follow the month or the day.
 *   PB_DATE_SESSION (a session head of the minutes: "5.31", "5/31",
 *     "5月31日", "5.31号", "2024.5.31", "2024年5月31日"): an optional
 *     year of four digits (any value) and one of . - / 年 after it, a
 *     month (of up to two digits after a year, else up to three, leading
 *     zeros read as such: "012.5" is December 5), one of . / - 月, a day
 *     of one or two digits, an optional 日 or 号; no blanks, no digit may
 *     follow. *y is 0 when no year is written (a year "0000" reads as none
 *     too): the reader takes it from the heading above. Only 1 <= m <= 12
 *     and 1 <= d <= 31 are checked, not the month's length, which depends
 *     on that year: "2.30" is read, and the reader says it is no date in
 *     its year. What may follow (a blank, a name's separator) is the
 *     reader's. */
/* PB_DATE_TEXT's separator at s[0..len): blanks, one of - . / 年 月,
 * blanks. Returns its length, 0 when there is none. */
size_t pb_date_sep(const char *s, size_t len);
/* The shape of a date at the start of s[0..len), whether or not it is one
 * ("2025-11-230", "2024-13-02"; what a check-in head with a typo writes):
 * three runs of digits joined by PB_DATE_TEXT separators, each of at most
 * six digits and not followed by another, the first of at least four.
 * Returns the bytes used, 0 when s does not start with that shape. */
size_t pb_date_shape(const char *s, size_t len);
typedef enum { PB_DATE_TEXT, PB_DATE_NAME, PB_DATE_SESSION } pb_date_form;
size_t pb_date_scan(const char *s, size_t len, pb_date_form form, int *y, int *m, int *d);

/* SOURCE_DATE_EPOCH: 1 with *secs set when it is a number of seconds (as
 * strtoll reads it, nothing after, not negative), 0 when it is unset or
 * empty, -1 when it is set to anything else (ignored; the caller may say
 * so). */
int pb_date_epoch(long long *secs);

/* Today, into out[11]: the day (UTC) of SOURCE_DATE_EPOCH when it is set
 * to a number of seconds, so that re-runs and tests are reproducible,
 * else the local date. What handout --next, --week and a digest's windows
 * count from, unless --today says. */
void pb_date_today(char out[11]);

#endif
