/* Layout of what the minutes add: the group overview drawn as pictures
 * (a calendar of weeks x presenters, papers per month, top venues), each
 * presenter's talks, write-ups and notes, and a session's brief at the head
 * of a handout. Everything is boxes on the pages of a pb_doc (text, lines,
 * rectangles); the PDF stage draws them.
 *
 * The caller (layout.c) owns the page flow: a pb_sheet carries the doc, the
 * text area and a callback that starts a page with the caller's running
 * heads; the cursor (page, y) is read and written back. */
#ifndef PB_LAYOUT_SESSIONS_H
#define PB_LAYOUT_SESSIONS_H

#include "fonts.h"
#include "layout.h"
#include "model.h"
#include "plan.h"

typedef struct {
  pb_doc *doc;
  pb_fonts *fonts;
  pb_arena *arena; /* the doc's arena: text of the boxes lives here */
  double left, right, top, bottom;
  int print;                  /* gray levels and patterns only */
  int zh;                     /* labels in Chinese, else English */
  const char *qr_store;       /* the cache directory QR codes are kept in (NULL: none) */
  int (*new_page)(void *ctx); /* starts a page, returns its index */
  void *ctx;
  int page; /* cursor: current page index and baseline-free top y */
  double y;
} pb_sheet;

/* The group overview: calendar grid, papers per month, top venues. Draws
 * nothing when the record has no dated entry, absence, note or session. */
void pb_layout_group_overview(pb_sheet *s, const pb_plan_record *rec);
/* The height the overview's start needs on one page (its counts line and
 * the calendar's heading and first band), so that a heading above it is not
 * left alone at a page foot. */
double pb_layout_group_overview_head(const pb_plan_record *rec);

/* Everybody's talks, write-ups, best-questioner weeks (held sessions only)
 * and notes for the per-presenter sections below: a handle on the index
 * the plan made (pb_plan_person_items), which the LaTeX appendix walks
 * too. Allocated in a (owned by the arena); the plan must outlive it. */
typedef struct pb_person_index pb_person_index;
const pb_person_index *pb_layout_person_index(pb_arena *a, const pb_plan_record *rec);

/* A presenter's talks (with their decks), write-ups, best-questioner weeks
 * and notes from the minutes and the check-ins' notes, found in ix (from
 * pb_layout_person_index on the same record). Nothing when there are none. */
void pb_layout_presenter_sessions(pb_sheet *s, const pb_plan_record *rec, const pb_person_index *ix,
                                  const char *who);

/* The head of a handout for a session from the minutes: presenters and
 * their talks with deck links (QR codes), and the previous session's best
 * questioners and write-ups. ses is the plan's session: rec->session_before
 * is the one before it. */
void pb_layout_session_brief(pb_sheet *s, const pb_plan_record *rec, const pb_session *ses);

#endif
