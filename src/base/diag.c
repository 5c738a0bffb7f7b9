#include "diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "mem.h"

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
/* Appends s[0..n) to b with every control character shown as \xHH: C0
 * but the tab, DEL, and C1 (U+0080-U+009F in UTF-8, read as CSI, OSC ...
 * by some terminals). A library's file names, paths and fields reach the
 * messages; raw, an escape sequence in them would recolour or retitle the
 * terminal, make an OSC 8 link (file:, javascript:) clickable, and a
 * newline would print a line that looks like a finding of its own. The
 * bidirectional embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069) are shown too: raw, they reorder the rest of the line on
 * screen (a file name or URL that reads as another). */
static void put_visible(pb_buf *b, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n; i++) {
    if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7F) {
      pb_buf_printf(b, "\\x%02X", p[i]);
    } else if (p[i] == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] < 0xA0) {
      pb_buf_printf(b, "\\xC2\\x%02X", p[i + 1]);
      i++;
    } else if (p[i] == 0xE2 && i + 2 < n &&
               ((p[i + 1] == 0x80 && p[i + 2] >= 0xAA && p[i + 2] <= 0xAE) ||
                (p[i + 1] == 0x81 && p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9))) {
      pb_buf_printf(b, "\\xE2\\x%02X\\x%02X", p[i + 1], p[i + 2]);
      i += 2;
    } else {
      pb_buf_putc(b, p[i]);
    }
  }
}

/* fmt with ap appended to b as put_visible writes it; a final newline
 * stays one. */
static void put_formatted(pb_buf *b, const char *fmt, va_list ap) {
  pb_buf raw = PB_BUF_INIT;
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n < 0) return;
  pb_buf_reserve(&raw, (size_t)n + 1);
  vsnprintf(raw.data, (size_t)n + 1, fmt, ap);
  size_t len = (size_t)n;
  int newline = len && raw.data[len - 1] == '\n';
  put_visible(b, raw.data, len - (size_t)newline);
  if (newline) pb_buf_putc(b, '\n');
  pb_buf_free(&raw);
}

/* Counts a finding and prints its line text (called with the lock held).
 * Errors are printed even when quiet: a silent failure helps no one. */
static void show(pb_diag_state *d, int level, const char *file, int line, const char *text,
                 FILE *out) {
  if (level == PB_DIAG_ERROR) d->errors++;
  if (level == PB_DIAG_WARNING) d->warnings++;
  if (level == PB_DIAG_WARNING && d->record) record(d, file, line);
  /* one write per line: stderr is unbuffered */
  if (!d->quiet || level == PB_DIAG_ERROR) fputs(text, out);
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
  pb_buf b = PB_BUF_INIT;
  const char *who = file ? file : "paperbook";
  put_visible(&b, who, strlen(who));
  if (line > 0) pb_buf_printf(&b, ":%d", line);
  if (line > 0 && col > 0) pb_buf_printf(&b, ":%d", col);
  if (d->color)
    pb_buf_printf(&b, ": %s%s:\033[0m ", colors[level], names[level]);
  else
    pb_buf_printf(&b, ": %s: ", names[level]);
  put_formatted(&b, fmt, ap);
  pb_buf_putc(&b, '\n');
  if (d->holding) {
    if (d->nheld == d->capheld) {
      size_t cap = d->capheld ? d->capheld * 2 : 16;
      d->held = pb_xrealloc(d->held, cap * sizeof *d->held);
      d->capheld = cap;
    }
    pb_diag_held *h = &d->held[d->nheld++];
    h->level = (int)level;
    h->file = file ? pb_xstrdup(file) : NULL;
    h->line = line;
    h->text = b.data; /* printed, or not, on release */
    pthread_mutex_unlock(&d->lock);
    return;
  }
  show(d, (int)level, file, line, b.data, out);
  pb_buf_free(&b);
  pthread_mutex_unlock(&d->lock);
}

void pb_diag_hold(int hold) {
  pthread_mutex_lock(&D.lock);
  D.holding = hold;
  pthread_mutex_unlock(&D.lock);
}

/* Frees the texts of the previous release. */
static void forget_shown(pb_diag_state *d) {
  for (size_t i = 0; i < d->nshown; i++) free(d->shown[i]);
  free(d->shown);
  d->shown = NULL;
  d->nshown = 0;
}

static int was_shown(const pb_diag_state *d, const char *text) {
  for (size_t i = 0; i < d->nshown; i++)
    if (strcmp(d->shown[i], text) == 0) return 1;
  return 0;
}

void pb_diag_release(int keep) {
  pb_diag_state *d = &D;
  pthread_mutex_lock(&d->lock);
  d->holding = 0;
  FILE *out = d->out ? d->out : stderr;
  char **shown = keep == 1 ? pb_xmalloc((d->nheld + 1) * sizeof *shown) : NULL;
  size_t nshown = 0;
  for (size_t i = 0; i < d->nheld; i++) {
    pb_diag_held *h = &d->held[i];
    if (keep == 1 || (keep == 2 && !was_shown(d, h->text)))
      show(d, h->level, h->file, h->line, h->text, out);
    free(h->file);
    if (shown)
      shown[nshown++] = h->text;
    else
      free(h->text);
  }
  d->nheld = 0;
  forget_shown(d);
  d->shown = shown;
  d->nshown = nshown;
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
  pb_buf b = PB_BUF_INIT;
  va_start(ap, fmt);
  put_formatted(&b, fmt, ap);
  va_end(ap);
  fwrite(b.data ? b.data : "", 1, b.len, D.out ? D.out : stderr);
  pb_buf_free(&b);
}

void pb_errf(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || !errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}
