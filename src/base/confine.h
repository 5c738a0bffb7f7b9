/* Confinement: what a library may make paperbook read or write. A library
 * is written by strangers, so paths that come from it (paperbook.yml's
 * output: and inputs:, symbolic links committed into it, the cache under
 * build/) must stay inside the library root once every symbolic link is
 * resolved, unless the command line says --allow-outside (a setting in the
 * library cannot). Special files (FIFOs, devices, sockets) are never read
 * as inputs nor replaced as outputs. Every refusal is an error printed
 * through diag. */
#ifndef PB_CONFINE_H
#define PB_CONFINE_H

/* The absolute path path names once every symbolic link is resolved, also
 * when its last component does not exist yet (then its directory is
 * resolved). NULL when its directory does not exist. malloc'd. */
char *pb_confine_resolve(const char *path);

/* 1 when the resolved path is root_real itself or below it. */
int pb_confine_is_inside(const char *root_real, const char *path_real);

/* Checks an output path before anything is written: it must be a regular
 * file or a new name (not a device, FIFO, socket or directory); from_library
 * (the path came from paperbook.yml), a symbolic link at path, or a path
 * inside root by its text (a committed link among its directories) must
 * resolve inside root unless allow_outside. Returns 0, or -1 after an error naming
 * the path (and where it came from, cfg_file, when not NULL). */
int pb_confine_output(const char *path, const char *root, int from_library, int allow_outside,
                      const char *cfg_file);

/* Checks an input named by the library (inputs: in paperbook.yml, at
 * line): it must be a regular file inside root (after resolving links)
 * unless allow_outside, and never in the clone's .git directory. Returns
 * 0, or -1 after an error at cfg_file:line. */
int pb_confine_input(const char *path, const char *root, int allow_outside, const char *cfg_file,
                     int line);

/* 1 when path, once every symbolic link is resolved, is outside root (a
 * path or root that cannot be resolved counts as outside); *real gets the
 * resolved path (malloc'd, NULL when it cannot be resolved) unless real is
 * NULL. */
int pb_confine_outside(const char *path, const char *root, char **real);

/* Checks a file the library names at cfg_file:line (`bibliography:`,
 * `minutes:`; what says which in the message): it must be a regular file
 * inside root after resolving links, unless allow_outside, and never in
 * the clone's .git directory (not even with allow_outside). Returns 0, or
 * -1 after an error at cfg_file:line naming path and where it resolves. */
int pb_confine_input_at(const char *path, const char *root, int allow_outside, const char *cfg_file,
                        int line, const char *what);

/* Checks a directory paperbook writes in under the library (the cache and
 * its parts, the LaTeX export's figures/): the directory, or when it does
 * not exist yet its nearest existing parent, must resolve inside root unless
 * allow_outside. what names it in the message ("the cache directory").
 * Returns 0, or -1 after an error naming dir and where it resolves. */
int pb_confine_dir(const char *dir, const char *root, int allow_outside, const char *what);

/* 1 when path exists and is a FIFO, device or socket (stat, following
 * links); *what gets "a FIFO", "a device" or "a socket". */
int pb_confine_is_special(const char *path, const char **what);

#endif
