/* Sessions from the minutes (lib->sessions): lookups by date, the weeks
 * that join sessions to check-ins and decks, and the JSON dump. The
 * sessions themselves are model data (model.h); nothing here allocates
 * outside the arena passed in. */
#ifndef PB_SESSIONS_H
#define PB_SESSIONS_H

#include "model.h"

/* Days since 1970-01-01 of an ISO date ("2024-05-31"); -1 when invalid. */
long pb_date_days(const char *iso);
/* The Monday-based week of an ISO date (weeks since 1969-12-29), -1 when
 * invalid: a Friday session and the Sunday check-ins after it share one. */
long pb_date_week(const char *iso);
/* ISO date of day z (days since 1970-01-01), into out[11]. */
void pb_date_from_days(long z, char out[11]);
/* ISO date of the Monday of week w, into out[11]. */
void pb_week_monday(long w, char out[11]);
/* Today, into out[11]: the day (UTC) of SOURCE_DATE_EPOCH when it is set
 * to a number of seconds, so that re-runs and tests are reproducible,
 * else the local date. What handout --next, --week and a digest's windows
 * count from, unless --today says. */
void pb_date_today(char out[11]);

/* The session (held first, then planned) on date; NULL if none. */
const pb_session *pb_session_on(const pb_library *lib, const char *date);
/* The first session on or after date (held or planned); NULL if none. */
const pb_session *pb_session_next(const pb_library *lib, const char *date);
/* The latest held session strictly before date; NULL if none. */
const pb_session *pb_session_before(const pb_library *lib, const char *date);
/* Counts of held and planned sessions. */
void pb_sessions_count(const pb_library *lib, size_t *held, size_t *planned);
/* Whether name presented (a talk or the head) at a held session in week w. */
int pb_sessions_presented(const pb_library *lib, const char *name, long week);

/* With a session of the minutes on date: whether e is one of the two
 * latest readings of one of its presenters, dated up to the end of that
 * session's week (a handout's "latest readings"). */
int pb_session_latest_reading(const pb_library *lib, const pb_entry *e, const char *date);

/* Writes "  \"sessions\": [...],\n" for the model dump. */
void pb_sessions_dump_json(const pb_library *lib, pb_buf *b);

#endif
