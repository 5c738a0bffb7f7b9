#include "progress.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "context.h"

/* The state lives in the current context (context.h). */
#define P (pb_ctx_current()->progress)

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void pb_progress_init(int m) {
  P.mode = m;
  P.t0 = now();
  /* PAPERBOOK_PROGRESS_DELAY: seconds of silence before progress shows
   * (default 1; tests set 0 to see it on short builds). */
  const char *d = getenv("PAPERBOOK_PROGRESS_DELAY");
  if (d && *d) P.delay = atof(d);
}

static void draw(pb_progress_state *p, int final) {
  double t = now();
  if (t - p->t0 < p->delay && !p->shown) return; /* short builds stay silent */
  if (p->mode == 2) {
    if (!final && t - p->last_draw < 0.1) return;
    int width = 30, fill = p->total ? (int)((double)p->done * width / (double)p->total) : 0;
    fprintf(stderr, "\r%-18s [", p->stage);
    for (int i = 0; i < width; i++) fputc(i < fill ? '#' : '.', stderr);
    if (p->total)
      fprintf(stderr, "] %zu/%zu %5.1fs", p->done, p->total, t - p->t0);
    else
      fprintf(stderr, "] %5.1fs", t - p->t0);
    if (final) fputc('\n', stderr);
  } else if (final) {
    if (p->total)
      fprintf(stderr, "paperbook: %s: %zu/%zu (%.1fs)\n", p->stage, p->done, p->total, t - p->t0);
    else
      fprintf(stderr, "paperbook: %s (%.1fs)\n", p->stage, t - p->t0);
  }
  fflush(stderr);
  p->last_draw = t;
  p->shown = 1;
}

void pb_progress_stage(const char *name, size_t n) {
  pb_progress_state *p = &P;
  if (!p->mode) return;
  pthread_mutex_lock(&p->lock);
  p->stage = name;
  p->total = n;
  p->done = 0;
  p->shown = 0;
  pthread_mutex_unlock(&p->lock);
}

void pb_progress_step(size_t n) {
  pb_progress_state *p = &P;
  if (!p->mode || !p->stage) return;
  pthread_mutex_lock(&p->lock);
  p->done += n;
  draw(p, 0);
  pthread_mutex_unlock(&p->lock);
}

void pb_progress_done(void) {
  pb_progress_state *p = &P;
  if (!p->mode || !p->stage) return;
  pthread_mutex_lock(&p->lock);
  if (p->total && p->done < p->total) p->done = p->total;
  draw(p, 1);
  p->stage = NULL;
  pthread_mutex_unlock(&p->lock);
}
