#include "context.h"

#include <stdlib.h>

static pb_ctx default_ctx = {
    .diag = {.lock = PTHREAD_MUTEX_INITIALIZER},
    .progress = {.delay = 1.0, .lock = PTHREAD_MUTEX_INITIALIZER},
    .lock = PTHREAD_MUTEX_INITIALIZER,
};
static pb_ctx *current = &default_ctx;

pb_ctx *pb_ctx_new(void) {
  pb_ctx *ctx = calloc(1, sizeof *ctx);
  if (!ctx) return NULL;
  pthread_mutex_init(&ctx->diag.lock, NULL);
  pthread_mutex_init(&ctx->progress.lock, NULL);
  pthread_mutex_init(&ctx->lock, NULL);
  ctx->progress.delay = 1.0;
  return ctx;
}

void pb_ctx_use(pb_ctx *ctx) { current = ctx ? ctx : &default_ctx; }

pb_ctx *pb_ctx_current(void) { return current; }

void pb_ctx_free(pb_ctx *ctx) {
  pb_ctx *c = ctx ? ctx : &default_ctx;
  for (int i = PB_SLOT_COUNT - 1; i >= 0; i--) {
    if (c->slot[i].obj && c->slot[i].drop) c->slot[i].drop(c->slot[i].obj);
    c->slot[i].obj = NULL;
    c->slot[i].made = 0;
  }
  for (int i = c->n_cleanups - 1; i >= 0; i--) c->cleanup[i]();
  c->n_cleanups = 0;
  for (size_t i = 0; i < c->diag.nrec; i++) free(c->diag.rec_file[i]);
  free(c->diag.rec_file);
  free(c->diag.rec_line);
  c->diag.rec_file = NULL;
  c->diag.rec_line = NULL;
  c->diag.nrec = c->diag.caprec = 0;
  for (size_t i = 0; i < c->diag.nheld; i++) {
    free(c->diag.held[i].file);
    free(c->diag.held[i].text);
  }
  free(c->diag.held);
  c->diag.held = NULL;
  for (size_t i = 0; i < c->diag.nshown; i++) free(c->diag.shown[i]);
  free(c->diag.shown);
  c->diag.shown = NULL;
  c->diag.nshown = 0;
  c->diag.nheld = c->diag.capheld = 0;
  c->diag.holding = 0;
  if (!ctx) return;
  if (current == ctx) current = &default_ctx;
  pthread_mutex_destroy(&ctx->diag.lock);
  pthread_mutex_destroy(&ctx->progress.lock);
  pthread_mutex_destroy(&ctx->lock);
  free(ctx);
}

void *pb_ctx_slot(pb_ctx_slot_id id, void *(*make)(void), void (*drop)(void *)) {
  pb_ctx *c = current;
  if ((int)id < 0 || id >= PB_SLOT_COUNT) return NULL;
  pthread_mutex_lock(&c->lock);
  if (!c->slot[id].made) {
    c->slot[id].made = 1;
    c->slot[id].obj = make();
    c->slot[id].drop = drop;
  }
  void *obj = c->slot[id].obj;
  pthread_mutex_unlock(&c->lock);
  return obj;
}

int pb_ctx_at_free(void (*fn)(void)) {
  pb_ctx *c = current;
  int rc = 0;
  pthread_mutex_lock(&c->lock);
  int known = 0;
  for (int i = 0; i < c->n_cleanups; i++) known |= c->cleanup[i] == fn;
  if (!known) {
    if (c->n_cleanups < PB_CTX_MAX_CLEANUPS)
      c->cleanup[c->n_cleanups++] = fn;
    else
      rc = -1;
  }
  pthread_mutex_unlock(&c->lock);
  return rc;
}
