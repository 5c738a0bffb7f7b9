/* The context of one run: what every stage shares and would otherwise be
 * scattered process-wide state.
 *
 * It owns the diagnostics (where they go, quiet/strict/colour, the counts),
 * the progress display, objects that are costly to make and are shared for
 * the whole run (the hyphenation dictionary), and the clean-ups of libraries
 * that keep state of their own (fontconfig, cairo, libxml2, GMime, curl).
 * main() makes one, installs it, runs the command and frees it, so that a
 * run ends with every block it allocated released: valgrind is run with all
 * leak kinds counted as errors.
 *
 * Stages never receive the context as a parameter: the diag and progress
 * functions and pb_ctx_slot() use the installed one. Without an installed
 * context (unit tests, fuzz targets) a built-in default serves; it is
 * released by pb_ctx_free(NULL). Install before starting threads: workers
 * read the current context but never change it. */
#ifndef PB_CONTEXT_H
#define PB_CONTEXT_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

/* Objects a context can hold, one of each. */
typedef enum {
  PB_SLOT_HYPHEN,
  PB_SLOT_COLLATOR,
  PB_SLOT_PARAS,
  PB_SLOT_QR,
  PB_SLOT_COUNT
} pb_ctx_slot_id;

enum { PB_CTX_MAX_CLEANUPS = 16 };

/* A finding kept back by pb_diag_hold: its level, where it was (for
 * pb_diag_record) and the line as it would have been printed. */
typedef struct pb_diag_held {
  int level;
  char *file; /* malloc'd, or NULL */
  int line;
  char *text; /* malloc'd: the line, printed on release unless quiet hides it */
} pb_diag_held;

typedef struct {
  FILE *out; /* NULL: stderr */
  int quiet, strict, color, muted;
  int errors, warnings;
  /* pb_diag_record: where each warning was (malloc'd file names) */
  int record;
  char **rec_file;
  int *rec_line;
  size_t nrec, caprec;
  /* pb_diag_hold: findings kept back, in order (pb_diag_release) */
  int holding;
  pb_diag_held *held;
  size_t nheld, capheld;
  char **shown; /* the lines the last pb_diag_release(1) printed */
  size_t nshown;
  pthread_mutex_t lock;
} pb_diag_state;

typedef struct {
  int mode; /* 0 off, 1 plain lines, 2 terminal bar */
  double t0, last_draw, delay;
  const char *stage; /* static strings only */
  size_t total, done;
  int shown;
  pthread_mutex_t lock;
} pb_progress_state;

typedef struct pb_ctx {
  pb_diag_state diag;
  pb_progress_state progress;
  pthread_mutex_t lock; /* guards slots and cleanups */
  struct {
    void *obj;
    void (*drop)(void *);
    int made; /* make() was called (it may have returned NULL) */
  } slot[PB_SLOT_COUNT];
  void (*cleanup[PB_CTX_MAX_CLEANUPS])(void);
  int n_cleanups;
} pb_ctx;

/* A new context with default settings (diagnostics on stderr, no
 * progress); NULL when out of memory. */
pb_ctx *pb_ctx_new(void);
/* Makes ctx the current context (NULL: the built-in default). */
void pb_ctx_use(pb_ctx *ctx);
pb_ctx *pb_ctx_current(void);
/* Releases what ctx holds: the slot objects (in reverse order of their
 * ids), then the library clean-ups (last registered first), then ctx itself.
 * ctx NULL releases what the built-in default holds. Must not be the
 * current context of running threads. */
void pb_ctx_free(pb_ctx *ctx);

/* The object in slot id of the current context, made by make() on the
 * first call (once, under the context's lock; a NULL result is remembered
 * and make is not called again) and released by drop() with the context.
 * make may report diagnostics but must not call pb_ctx_slot or pb_ctx_at_free. */
void *pb_ctx_slot(pb_ctx_slot_id id, void *(*make)(void), void (*drop)(void *));

/* Runs fn when the current context is freed: for libraries with global
 * state of their own. Registering the same fn again does nothing. Returns 0,
 * or -1 when the table is full (fn will then not run). */
int pb_ctx_at_free(void (*fn)(void));

#endif
