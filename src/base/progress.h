/* Progress on standard error for long builds: nothing for the first second
 * (short builds stay silent), then a bar with counts on a terminal or one
 * plain line per stage otherwise; nothing at all when quiet. Thread-safe. */
#ifndef PB_PROGRESS_H
#define PB_PROGRESS_H

#include <stddef.h>

/* mode: 0 off, 1 plain lines, 2 terminal bar. Call once at start. */
void pb_progress_init(int mode);
/* Starts a stage with a number of steps (0 if unknown). */
void pb_progress_stage(const char *name, size_t total);
/* Marks n more steps done (callable from worker threads). */
void pb_progress_step(size_t n);
/* Ends the current stage (finishes the bar line). */
void pb_progress_done(void);

#endif
