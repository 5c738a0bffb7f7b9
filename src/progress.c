#include "progress.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int mode;
static double t0, last_draw, delay = 1.0;
static const char *stage;
static size_t total, done;
static int shown; /* the current stage has printed something */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void pb_progress_init(int m) {
  mode = m;
  t0 = now();
  /* PAPERBOOK_PROGRESS_DELAY: seconds of silence before progress shows
   * (default 1; tests set 0 to see it on short builds). */
  const char *d = getenv("PAPERBOOK_PROGRESS_DELAY");
  if (d && *d) delay = atof(d);
}

static void draw(int final) {
  double t = now();
  if (t - t0 < delay && !shown) return; /* short builds stay silent */
  if (mode == 2) {
    if (!final && t - last_draw < 0.1) return;
    int width = 30, fill = total ? (int)((double)done * width / (double)total) : 0;
    fprintf(stderr, "\r%-18s [", stage);
    for (int i = 0; i < width; i++) fputc(i < fill ? '#' : '.', stderr);
    if (total)
      fprintf(stderr, "] %zu/%zu %5.1fs", done, total, t - t0);
    else
      fprintf(stderr, "] %5.1fs", t - t0);
    if (final) fputc('\n', stderr);
  } else if (final) {
    if (total)
      fprintf(stderr, "paperbook: %s: %zu/%zu (%.1fs)\n", stage, done, total, t - t0);
    else
      fprintf(stderr, "paperbook: %s (%.1fs)\n", stage, t - t0);
  }
  fflush(stderr);
  last_draw = t;
  shown = 1;
}

void pb_progress_stage(const char *name, size_t n) {
  if (!mode) return;
  pthread_mutex_lock(&lock);
  stage = name;
  total = n;
  done = 0;
  shown = 0;
  pthread_mutex_unlock(&lock);
}

void pb_progress_step(size_t n) {
  if (!mode || !stage) return;
  pthread_mutex_lock(&lock);
  done += n;
  draw(0);
  pthread_mutex_unlock(&lock);
}

void pb_progress_done(void) {
  if (!mode || !stage) return;
  pthread_mutex_lock(&lock);
  if (total && done < total) done = total;
  draw(1);
  stage = NULL;
  pthread_mutex_unlock(&lock);
}
