/* Sessions from the minutes (lib->sessions): lookups by date, the weeks
 * that join sessions to check-ins and decks, and the JSON dump. The
 * sessions themselves are model data (model.h); nothing here allocates
 * outside the arena passed in. */
#ifndef PB_SESSIONS_H
#define PB_SESSIONS_H

#include "dates.h" /* the day and week numbers used with sessions */
#include "model.h"

/* The session (held first, then planned) on date; NULL if none. */
const pb_session *pb_session_on(const pb_library *lib, const char *date);
/* The first session on or after date (held or planned); NULL if none. */
const pb_session *pb_session_next(const pb_library *lib, const char *date);
/* The session with the latest date (held or planned; of equal dates the
 * first in file order), where a session after it would be written: what
 * a missing next session is told from. NULL when there are none. */
const pb_session *pb_session_last(const pb_library *lib);
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
