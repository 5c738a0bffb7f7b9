/* Opening an output: the one way every writer of a file the user asked for
 * (the PDF, the .bib, the LaTeX export and its figures, the digest's .txt
 * and .eml, mail-sent.log, --dump-layout) opens it, so that one rule holds
 * for all of them:
 *
 *   - a FIFO, device or socket at the name is never written or replaced
 *     (as root, /dev/null is not replaced by a file), nor is a directory;
 *   - under the confinement rules (confine.h) given: a path the library
 *     chose, a symbolic link at the name, or a path inside the library
 *     whose directories lead out of it (a committed link on the way) must
 *     resolve inside the library root unless --allow-outside;
 *   - a symbolic link at the name that passes is written through: the file
 *     it names is replaced and the link stays;
 *   - the bytes go to a temporary file beside the file replaced
 *     (".NAME.pbtmp-XXXXXX", locked while written), renamed over it when
 *     complete, so a reader never sees half a file and a failure leaves the
 *     old file as it was. Temporary files of killed runs are removed.
 *   - appending (the mail log) opens the file replaced with O_NOFOLLOW and
 *     checks that it is a regular file before writing.
 *
 * Every refusal is an error through diag naming the path. */
#ifndef PB_OUTPUT_H
#define PB_OUTPUT_H

#include <stddef.h>

/* Where an output may go. root NULL: no confinement (the path was checked
 * before, or it is the user's own). */
typedef struct {
  const char *root;     /* the library root */
  int from_library;     /* the path came from the library (paperbook.yml, a
                           default name under build/) */
  int allow_outside;    /* --allow-outside */
  const char *cfg_file; /* paperbook.yml when the path came from it */
} pb_output_rules;

typedef struct {
  char *path;   /* as given, for messages */
  char *target; /* the file replaced: path, or where a link at path leads */
  char *tmp;    /* the temporary file beside target */
  int fd;       /* open on tmp for writing, at its start */
} pb_output;

/* Checks path under rules (NULL: no confinement) and opens a temporary file
 * beside the file it replaces; o->fd is ready for writing. Returns 0, or -1
 * after an error naming path (nothing created). */
int pb_output_open(pb_output *o, const char *path, const pb_output_rules *rules);

/* Renames the temporary file over the target and closes it. Returns 0, or
 * -1 after an error (the temporary file removed, the old file kept). */
int pb_output_commit(pb_output *o);

/* Removes the temporary file and frees o (after a failed write). */
void pb_output_abort(pb_output *o);

/* pb_output_open, data[0..len) written, pb_output_commit. Returns 0 or -1
 * after an error naming path. */
int pb_output_write(const char *path, const void *data, size_t len, const pb_output_rules *rules);

/* Appends data[0..len) to path (created when missing) under the same rules:
 * a link at path that passes is followed to its file, which must be a
 * regular file; opened with O_NOFOLLOW. Returns 0 or -1 after an error. */
int pb_output_append(const char *path, const void *data, size_t len, const pb_output_rules *rules);

#endif
