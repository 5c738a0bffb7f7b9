#include "diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"

/* The state lives in the current context (context.h). */
#define D (pb_ctx_current()->diag)

void pb_diag_set_stream(FILE *out) { D.out = out; }
void pb_diag_set_quiet(int quiet) { D.quiet = quiet; }
void pb_diag_mute(int mute) { D.muted = mute; }
void pb_diag_set_strict(int strict) { D.strict = strict; }
void pb_diag_set_color(int color) { D.color = color; }
void pb_diag_record(int record) { D.record = record; }
size_t pb_diag_nrecorded(void) { return D.nrec; }
const char *pb_diag_recorded(size_t i, int *line) {
  if (i >= D.nrec) return NULL;
  *line = D.rec_line[i];
  return D.rec_file[i];
}

/* Keeps where a warning was (called with the lock held). */
static void record(pb_diag_state *d, const char *file, int line) {
  if (d->nrec == d->caprec) {
    size_t cap = d->caprec ? d->caprec * 2 : 32;
    char **f = realloc(d->rec_file, cap * sizeof *f);
    if (f) d->rec_file = f;
    int *l = realloc(d->rec_line, cap * sizeof *l);
    if (l) d->rec_line = l;
    if (!f || !l) return;
    d->caprec = cap;
  }
  d->rec_file[d->nrec] = file ? strdup(file) : NULL;
  d->rec_line[d->nrec++] = line;
}
int pb_diag_errors(void) { return D.errors; }
int pb_diag_warnings(void) { return D.warnings; }
void pb_diag_reset(void) { D.errors = D.warnings = 0; }

void pb_diagv(pb_diag_level level, const char *file, int line, int col, const char *fmt,
              va_list ap) {
  static const char *names[] = {"note", "warning", "error"};
  static const char *colors[] = {"\033[1;36m", "\033[1;35m", "\033[1;31m"};
  pb_diag_state *d = &D;
  FILE *out = d->out ? d->out : stderr;
  if (level == PB_DIAG_WARNING && d->strict) level = PB_DIAG_ERROR;
  if (d->muted) return;
  pthread_mutex_lock(&d->lock);
  if (level == PB_DIAG_ERROR) d->errors++;
  if (level == PB_DIAG_WARNING) d->warnings++;
  if (level == PB_DIAG_WARNING && d->record) record(d, file, line);
  /* Errors are printed even when quiet: a silent failure helps no one. */
  if (!d->quiet || level == PB_DIAG_ERROR) {
    fputs(file ? file : "paperbook", out);
    if (line > 0) fprintf(out, ":%d", line);
    if (line > 0 && col > 0) fprintf(out, ":%d", col);
    if (d->color)
      fprintf(out, ": %s%s:\033[0m ", colors[level], names[level]);
    else
      fprintf(out, ": %s: ", names[level]);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
  }
  pthread_mutex_unlock(&d->lock);
}

void pb_diag(pb_diag_level level, const char *file, int line, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  pb_diagv(level, file, line, col, fmt, ap);
  va_end(ap);
}

void pb_info(const char *fmt, ...) {
  va_list ap;
  if (D.quiet) return;
  va_start(ap, fmt);
  vfprintf(D.out ? D.out : stderr, fmt, ap);
  va_end(ap);
}

void pb_errf(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || !errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}
