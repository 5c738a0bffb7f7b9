/* Work spread over threads (see jobs.h). */
#include "jobs.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "mem.h"

int pb_jobs(void) {
  const char *s = getenv("PAPERBOOK_JOBS");
  if (s && *s) {
    char *end;
    long n = strtol(s, &end, 10);
    if (*end == 0 && n >= 1 && n <= 64) return (int)n;
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
}

typedef struct {
  void (*fn)(void *ctx, size_t i);
  void *ctx;
  size_t n, next;
  pthread_mutex_t lock;
} pool;

static void *work(void *arg) {
  pool *p = arg;
  for (;;) {
    pthread_mutex_lock(&p->lock);
    size_t i = p->next++;
    pthread_mutex_unlock(&p->lock);
    if (i >= p->n) return NULL;
    p->fn(p->ctx, i);
  }
}

void pb_parallel(size_t n, int threads, void (*fn)(void *ctx, size_t i), void *ctx) {
  if ((size_t)threads > n) threads = (int)n;
  if (threads <= 1) {
    for (size_t i = 0; i < n; i++) fn(ctx, i);
    return;
  }
  pool p = {fn, ctx, n, 0, PTHREAD_MUTEX_INITIALIZER};
  pthread_t *t = pb_xmalloc((size_t)(threads - 1) * sizeof *t);
  int started = 0;
  for (int k = 0; k < threads - 1; k++)
    if (pthread_create(&t[started], NULL, work, &p) == 0) started++;
  work(&p);
  for (int k = 0; k < started; k++) pthread_join(t[k], NULL);
  free(t);
  pthread_mutex_destroy(&p.lock);
}
