/* Reading a library from disk into the model: REPORT.md-style files
 * (categories as headings, cards in blockquotes), weekly check-in logs, and
 * papers/ with one YAML-front-matter card per file. Every entry keeps its
 * file:line; whatever cannot be placed is a warning, never silently lost. */
#ifndef PB_READ_H
#define PB_READ_H

#include "model.h"

typedef struct {
  int allow_outside; /* figure paths may leave the library root */
  int fetch;         /* download remote figures (into cache_dir) */
  const char *cache_dir;
} pb_read_options;

/* Reads a Markdown file, choosing the dialect from its content: check-in
 * logs ("[2024-12-29]-[name]-...") or REPORT-style cards. */
int pb_read_markdown(pb_library *lib, const char *path, const pb_read_options *opt);
/* What a Markdown file is, by the shape of its text alone (no name is
 * looked at): a YAML card, a check-in log (dated heads), the minutes, a
 * REPORT-style file (headings with cards in blockquotes that link), or
 * none of these. Used to read a file and to find a library's files. */
typedef enum {
  PB_SNIFF_NONE,
  PB_SNIFF_CARD,
  PB_SNIFF_CHECKINS,
  PB_SNIFF_REPORT,
  PB_SNIFF_MINUTES
} pb_sniff_kind;
pb_sniff_kind pb_read_sniff(const char *path);
int pb_read_report(pb_library *lib, const char *path, const pb_read_options *opt);
int pb_read_checkins(pb_library *lib, const char *path, const pb_read_options *opt);
/* Reads the group's weekly minutes (sessions, talks, absentees, best
 * questioners, write-ups, the planned rota) into lib->sessions. */
int pb_read_minutes(pb_library *lib, const char *path, const pb_read_options *opt);
/* Whether text looks like minutes: dated session heads ("- 5.31 陈银"),
 * a checklist line, no check-in heads. */
int pb_read_is_minutes_text(const char *s, size_t len);
/* Reads every *.md card (YAML front matter + Markdown summary) under dir,
 * in sorted path order. A missing dir is not an error. */
int pb_read_cards_dir(pb_library *lib, const char *dir, const pb_read_options *opt);
int pb_read_card(pb_library *lib, const char *path, const pb_read_options *opt);

/* The name a venue is shown and counted by ("taffc", "IEEE Transactions on
 * Affective Computing" -> "IEEE TAFFC"): the library's own names from
 * paperbook.yml (venues:) first, then the table in read_common.c; else
 * venue itself. */
const char *pb_venue_canonical(const pb_library *lib, const char *venue);

/* What a venue is: a conference or workshop (BibTeX @inproceedings), a
 * journal (@article), a preprint server (arXiv), or not known. From the
 * table beside the venue names in read_common.c (canonical names and
 * acronyms), then words ("Conference", "Proceedings", "Workshop",
 * "Transactions", "Journal", "Letters", "会议", "学报"...). */
typedef enum {
  PB_VENUE_UNKNOWN,
  PB_VENUE_CONFERENCE,
  PB_VENUE_JOURNAL,
  PB_VENUE_PREPRINT
} pb_venue_kind;
pb_venue_kind pb_venue_kind_of(const char *venue);

/* Resolves a figure or link target as written in a card (relative path,
 * percent-encoded path, or a URL into the library's own repository) to a
 * file under lib->root. Returns an arena path, or NULL when not local. */
const char *pb_resolve_local(pb_library *lib, const char *target, const pb_read_options *opt);

#endif
