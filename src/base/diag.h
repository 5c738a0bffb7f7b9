/* Diagnostics for people: `file:line:col: error|warning|note: text`.
 *
 * Every module reports problems with the input through this one module, so
 * that the format editors jump to stays the same everywhere, counts are kept
 * in one place and `--strict` / `--quiet` apply to all of them. */
#ifndef PB_DIAG_H
#define PB_DIAG_H

#include <stdarg.h>
#include <stdio.h>

typedef enum { PB_DIAG_NOTE, PB_DIAG_WARNING, PB_DIAG_ERROR } pb_diag_level;

/* Status codes returned by functions across the project. */
enum {
  PB_OK = 0,
  PB_EIO = -1,     /* a file could not be read or written */
  PB_EPARSE = -2,  /* input could not be understood */
  PB_EFORMAT = -3, /* unsupported or corrupt data format */
  PB_ELIMIT = -4,  /* input exceeds a safety limit */
  PB_EFONT = -5,   /* a font is missing or unusable */
  PB_EPDF = -6,    /* the PDF library failed */
  PB_EUSAGE = -7,  /* bad command-line use */
  PB_ENOMEM = -8
};

/* Where diagnostics go (default stderr) and whether they are printed. */
void pb_diag_set_stream(FILE *out);
void pb_diag_set_quiet(int quiet);
/* While muted (1), findings are neither printed nor counted: for side work
 * whose findings belong to another command (the booklet a handout cites). */
void pb_diag_mute(int mute);
/* With strict set, every warning is counted as an error. */
void pb_diag_set_strict(int strict);
/* While record is set, the file and line of every warning printed or
 * counted are kept (file NULL, line 0 when unknown), for a command that
 * decides afterwards which of them concern it (a digest's --strict counts
 * only those in its window's cards). pb_diag_recorded gives the i-th;
 * pb_diag_nrecorded how many there are. */
void pb_diag_record(int record);
size_t pb_diag_nrecorded(void);
const char *pb_diag_recorded(size_t i, int *line);
/* While hold is set, findings are kept back, neither printed nor counted,
 * until pb_diag_release ends the hold: keep 1 prints and counts them as
 * they came, 0 drops them, 2 prints and counts those that the previous
 * release(1) did not print. For work that may be made again (a layout made
 * while the figures were still being encoded, made again when one of them
 * failed): its findings are said once, whether the first making or the
 * second found them (a warning given once per font comes only from the
 * first). */
void pb_diag_hold(int hold);
void pb_diag_release(int keep);
/* Colour when writing to a terminal and NO_COLOR is unset. */
void pb_diag_set_color(int color);

/* Reports one finding. file may be NULL (then "paperbook" is printed);
 * line or col 0 means unknown and is omitted. */
void pb_diag(pb_diag_level level, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void pb_diagv(pb_diag_level level, const char *file, int line, int col, const char *fmt,
              va_list ap);

#define pb_error(file, line, ...) pb_diag(PB_DIAG_ERROR, file, line, 0, __VA_ARGS__)
#define pb_warn(file, line, ...) pb_diag(PB_DIAG_WARNING, file, line, 0, __VA_ARGS__)
#define pb_note(file, line, ...) pb_diag(PB_DIAG_NOTE, file, line, 0, __VA_ARGS__)

/* Formats a message for people into err[0..errlen) (nothing when err is
 * NULL): for functions that report failure to a caller who adds file:line. */
void pb_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int pb_diag_errors(void);
int pb_diag_warnings(void);
void pb_diag_reset(void);

/* Progress and informational lines (suppressed by quiet). */
void pb_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
