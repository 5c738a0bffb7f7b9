/* Helpers shared by the readers (read_report.c, read_checkins.c,
 * read_card.c): loading a source file as clean UTF-8 lines, dates, venues,
 * figures and links, inline HTML, and Markdown (cmark) to pb_text. Internal
 * to the read module; callers outside it use read.h. */
#ifndef PB_READ_COMMON_H
#define PB_READ_COMMON_H

#include <stddef.h>

#include "read.h"

/* A source larger than this is not a reading-group file. */
#define PB_READ_MAX_FILE (64u * 1024 * 1024)

/* Old Mac files end lines with a lone CR: turns each lone CR of raw into LF
 * in place (a CRLF pair is left as it is). */
void pb_read_lone_cr_to_lf(pb_buf *raw);

/* Text as (pointer, length); never NUL-terminated by contract. */
typedef struct {
  const char *s;
  size_t len;
} pb_read_str;

/* A source file split into lines. Lines point into text, which is the file
 * with invalid UTF-8 replaced and control characters removed (each problem
 * reported once per line with file:line:col). Line i is lines[i - 1]. */
typedef struct {
  const char *file; /* path as given, in the library arena */
  const char *dir;  /* directory of file, in the library arena ("." if none) */
  pb_buf text;
  pb_read_str *lines;
  size_t nlines;
} pb_read_source;

/* Reads path into src. Returns 0, or PB_EIO / PB_ELIMIT after reporting an
 * error. src must be released with pb_read_source_free in either case. */
int pb_read_source_load(pb_library *lib, const char *path, pb_read_source *src);
void pb_read_source_free(pb_read_source *src);
/* Blanks git conflict markers, one warning per conflict (done by load). */
void pb_read_drop_conflicts(pb_read_source *src);

/* ---- small text helpers -------------------------------------------- */
pb_read_str pb_read_trim(pb_read_str t);
/* Skips blockquote markers ('>' with the blanks around them). Returns the
 * number of bytes skipped; *depth (may be NULL) gets the number of '>'.
 * max_depth limits how many markers are taken (0 = all). */
size_t pb_read_unquote(const char *s, size_t len, int max_depth, int *depth);
/* t cut to at most max bytes at a character boundary (for messages). */
pb_read_str pb_read_cut(pb_read_str t, size_t max);
int pb_read_starts_with(pb_read_str t, const char *prefix);
/* Case-insensitive ASCII comparison of t with word. */
int pb_read_eq_word(pb_read_str t, const char *word);
/* A line that only separates (----, ####---- 周分界线 ----####, ***). */
int pb_read_is_separator(pb_read_str t);
/* A line that is blank or only "&nbsp;" entities and blanks. */
int pb_read_is_blank(pb_read_str t);
int pb_read_is_url(pb_read_str t);

/* Normalises a written date ("2024-12-9", "2024.12.1", "2024/4/21",
 * "2024年4月1日", "20240531") at the start of t to ISO "YYYY-MM-DD" in out.
 * Returns the number of bytes consumed, 0 when t does not start with a
 * valid date. */
size_t pb_read_date(pb_read_str t, char out[11]);

/* Splits a venue as written ("NeurIPS 2023 Oral", "CVPR2025投稿",
 * "arxiv 2024 preprint", " 2023 TMM", "Neurlps24", "MM ’23") into venue,
 * year and note on e; venue_raw keeps the text. A bare "paper" gives
 * nothing. Returns 1 if anything was recognised. */
int pb_read_venue(pb_library *lib, pb_entry *e, pb_read_str raw);
/* Whether a parenthesised text reads as a venue: a year or a known name. */
int pb_read_looks_like_venue(pb_read_str t);
/* Sets e->title from text; a trailing parenthesised venue
 * ("Title (NeurIPS 2023 Oral)") is split off into the venue fields when
 * it holds a year or a known venue name and e has no venue yet. */
void pb_read_title(pb_library *lib, pb_entry *e, pb_read_str text);
/* "paper", "code", "知乎", "project"... : words that name a link, not a venue.
 * Returns the length of the leading link word, 0 if t does not start with one. */
size_t pb_read_link_word(pb_read_str t);

/* Decodes %XX escapes (invalid escapes are kept as written). */
char *pb_read_percent_decode(pb_library *lib, const char *s, size_t len);
/* Removes HTML tags and decodes the common entities (&nbsp; &amp; &lt; &gt;
 * &quot; &#N; &#xN;). *color (may be NULL) gets the colour of a <font
 * color=...> tag. Tags other than a few harmless formatting ones are
 * reported at file:line. */
char *pb_read_strip_html(pb_library *lib, pb_read_str t, const char **color, const char *file,
                         int line);

/* Resolves target like pb_resolve_local, trying base_dir (the card's own
 * directory) before the library root, and reporting refusals at file:line.
 * *rel (may be NULL) gets the path relative to the root. */
const char *pb_read_resolve(pb_library *lib, pb_read_str target, const char *base_dir,
                            const pb_read_options *opt, const char *file, int line,
                            const char **rel);
/* Sets lib->repo_url from root/.git/config's remote "origin" when it is not
 * set yet. Returns 1 if it was found. */
int pb_read_repo_from_git(pb_library *lib);

/* Adds a figure to e: src as written, resolved to a local file or kept as a
 * remote URL; a missing local file is a warning. */
pb_figure *pb_read_add_figure(pb_library *lib, pb_entry *e, pb_read_str src, pb_read_str alt,
                              int width, const char *base_dir, const pb_read_options *opt,
                              const char *file, int line);
/* Adds a link; label may be empty (then the kind's name is used). */
pb_link *pb_read_add_link(pb_library *lib, pb_entry *e, pb_read_str label, pb_read_str url,
                          pb_link_kind kind, const char *base_dir, const pb_read_options *opt,
                          const char *file, int line);

/* Finds <img ...> tags and ![alt](src) images in line, adds them as figures
 * of e (or, when e is NULL, to *figs as they are found), and appends the
 * rest of the line to rest. Returns the number of images found. */
size_t pb_read_take_images(pb_library *lib, pb_entry *e, pb_read_str line, pb_buf *rest,
                           const char *base_dir, const pb_read_options *opt, const char *file,
                           int lineno);
/* A line made only of Markdown links and separators ("[Paper](..), [Code](..)"). */
int pb_read_is_link_line(pb_read_str t);
/* Adds every [label](url) of t to e. Returns how many. */
size_t pb_read_take_links(pb_library *lib, pb_entry *e, pb_read_str t, const char *base_dir,
                          const pb_read_options *opt, const char *file, int line);

/* Markdown (CommonMark, through cmark) to rich text. md holds the text with
 * its source line numbers in linemap (linemap[i] is the source line of md's
 * line i + 1). Images met in the text become figures of e (when e is not
 * NULL) or link spans. Blank paragraphs are dropped. */
typedef struct {
  pb_library *lib;
  pb_entry *entry;
  const char *file;
  const char *base_dir;
  const pb_read_options *opt;
  const int *linemap;
  size_t nlinemap;
} pb_read_md;
void pb_read_markdown_text(const pb_read_md *m, pb_text *out, const char *md, size_t len);

/* Growable list of source line numbers for pb_read_md.linemap. */
typedef struct {
  int *v;
  size_t n, cap;
} pb_read_lines;
void pb_read_lines_push(pb_read_lines *l, int line);
void pb_read_lines_free(pb_read_lines *l);

/* t without a trailing "\\" (a Markdown hard break, which the booklet
 * renders as a space like a soft one; left at a paragraph's end, cmark would
 * show it). */
pb_read_str pb_read_drop_hard_break(pb_read_str t);

/* Skips a leading "论文简述：" / "论文框架：" / "论文简介:" label; returns the
 * bytes skipped (0 if none). */
size_t pb_read_summary_label(pb_read_str t);

/* Whether a check-in head ("[2024-12-29]-[name]-...") starts t (quote
 * markers already removed). */
/* A date with a typo as a head writes it ("2025-11-230", "2024-13-02"):
 * digits and separators up to a closing bracket that pb_read_date does not
 * take. Returns the length of the written date, 0 if t is no such thing. */
size_t pb_read_bad_date(pb_read_str t);
int pb_read_is_checkin_head(pb_read_str t);

#endif
