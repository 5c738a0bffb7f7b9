/* The link policy: which targets written in a library may become clickable
 * in the outputs (PDF, LaTeX export). A library is written by strangers,
 * so a link is judged after normalising it the way viewers would read it
 * (case, whitespace and control characters anywhere, percent- and
 * HTML-entity-encoding), and only these become links:
 *   - http, https and mailto URIs (a bare "www." gets "https://");
 *   - places in the document itself (page destinations, made by the layout);
 *   - files of the library: a PDF as a GoToR action (relative file), any
 *     other file as a URL under base_url or the library's web repository.
 * Everything else (javascript:, vbscript:, file:, data:, smb:, UNC paths,
 * //host, absolute paths, hidden schemes ...) is printed as text, never
 * linked, and pb_links_check reports it once with file:line. No output ever
 * gets a Launch action.
 *
 * Judging functions are pure (no diagnostics); pb_links_check and
 * pb_links_check_library report. */
#ifndef PB_LINKS_H
#define PB_LINKS_H

#include <stddef.h>

#include "model.h"

typedef enum {
  PB_LINKS_WEB,      /* http:, https: (or www.): clean is the URI to link */
  PB_LINKS_MAIL,     /* mailto: clean is the URI to link */
  PB_LINKS_ANCHOR,   /* "#name": a place in the source document; not linked */
  PB_LINKS_RELATIVE, /* a relative path without a scheme: maybe a library file */
  PB_LINKS_REFUSED   /* anything else: text only */
} pb_links_class;

typedef struct {
  pb_links_class cls;
  char scheme[24]; /* the scheme as judged, lower case ("javascript"); "" if none */
  char *clean;     /* WEB / MAIL: the URI to link; RELATIVE: the path as
                      written without surrounding space. Owned, NULL otherwise */
  const char *why; /* REFUSED: a short reason for people (static) */
} pb_links_verdict;

/* Judges raw[0..len). Always fills v; free with pb_links_verdict_free. */
pb_links_class pb_links_judge(const char *raw, size_t len, pb_links_verdict *v);
void pb_links_verdict_free(pb_links_verdict *v);

/* The URI to link for raw (a NUL-terminated target), or NULL when the
 * policy says text only (also for relative paths and anchors). The result
 * is malloc'd; the caller frees it. */
char *pb_links_web_uri(const char *raw);

/* 1 when uri may be written as a PDF URI action as it is: it judges WEB or
 * MAIL and its clean form is uri itself. The last gate before output. */
int pb_links_uri_allowed(const char *uri);

/* 1 when a library-relative path may be a GoToR target: a relative path
 * (no scheme, not absolute, no backslash, no control characters) whose
 * name ends in ".pdf" (any case). prefix_ok allows leading "../" parts
 * (the way from the PDF's directory to the library root). */
int pb_links_gotor_allowed(const char *path);

/* The web address of a library file: base (base_url, or a GitHub/GitLab
 * repository URL, then "/blob/HEAD/" is added) joined with path, percent-
 * encoded where needed. NULL when base is not an http(s) URL or path is
 * not a plain relative path inside the library. malloc'd. */
char *pb_links_file_url(const char *base, int is_repo, const char *path);

/* Judges raw and, when it is refused, warns at file:line, naming the
 * target (control characters shown as '?', cut at 80 bytes) and why.
 * what is "link", "figure" ... Returns the class. */
pb_links_class pb_links_check(const char *raw, const char *what, const char *file, int line);

/* 1 when raw[0..len) is a target the policy refuses (REFUSED), no
 * message: for readers that decide whether to keep text as a link. */
int pb_links_check_quiet_refused(const char *raw, size_t len);

/* Checks every link of the library once (cards' links, summary and
 * reference link spans, remote figures), reporting refused ones. */
void pb_links_check_library(const pb_library *lib);

#endif
