#include "diag.h"

#include <pthread.h>
#include <stdarg.h>

static FILE *diag_out;
static int diag_quiet, diag_strict, diag_color, diag_muted;
static int n_errors, n_warnings;
static pthread_mutex_t diag_lock = PTHREAD_MUTEX_INITIALIZER;

void pb_diag_set_stream(FILE *out) { diag_out = out; }
void pb_diag_set_quiet(int quiet) { diag_quiet = quiet; }
void pb_diag_mute(int mute) { diag_muted = mute; }
void pb_diag_set_strict(int strict) { diag_strict = strict; }
void pb_diag_set_color(int color) { diag_color = color; }
int pb_diag_errors(void) { return n_errors; }
int pb_diag_warnings(void) { return n_warnings; }
void pb_diag_reset(void) { n_errors = n_warnings = 0; }

void pb_diagv(pb_diag_level level, const char *file, int line, int col, const char *fmt,
              va_list ap) {
  static const char *names[] = {"note", "warning", "error"};
  static const char *colors[] = {"\033[1;36m", "\033[1;35m", "\033[1;31m"};
  FILE *out = diag_out ? diag_out : stderr;
  if (level == PB_DIAG_WARNING && diag_strict) level = PB_DIAG_ERROR;
  if (diag_muted) return;
  pthread_mutex_lock(&diag_lock);
  if (level == PB_DIAG_ERROR) n_errors++;
  if (level == PB_DIAG_WARNING) n_warnings++;
  /* Errors are printed even when quiet: a silent failure helps no one. */
  if (!diag_quiet || level == PB_DIAG_ERROR) {
    fputs(file ? file : "paperbook", out);
    if (line > 0) fprintf(out, ":%d", line);
    if (line > 0 && col > 0) fprintf(out, ":%d", col);
    if (diag_color)
      fprintf(out, ": %s%s:\033[0m ", colors[level], names[level]);
    else
      fprintf(out, ": %s: ", names[level]);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
  }
  pthread_mutex_unlock(&diag_lock);
}

void pb_diag(pb_diag_level level, const char *file, int line, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  pb_diagv(level, file, line, col, fmt, ap);
  va_end(ap);
}

void pb_info(const char *fmt, ...) {
  va_list ap;
  if (diag_quiet) return;
  va_start(ap, fmt);
  vfprintf(diag_out ? diag_out : stderr, fmt, ap);
  va_end(ap);
}

void pb_errf(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || !errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}
