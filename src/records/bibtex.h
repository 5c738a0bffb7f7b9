/* BibTeX in and out, and CSL-JSON (the export of Zotero and JabRef).
 *
 * Reading: a group's own bibliography, named in paperbook.yml
 * (`bibliography: refs.bib`), becomes records (biblio.h) matched with the
 * cards with no network. The BibTeX reader knows braces and quotes,
 * `#` concatenation, @string macros (and the month names), @comment and
 * @preamble, and decodes TeX accents (\'e, {\"o}, \v{s}, \ss, ...) and
 * escapes (\&, \%, --) into UTF-8. Bad input is reported as
 * file:line:col: error: ... and the entry skipped; reading goes on.
 *
 * Writing: one entry per paper (pb_biblio_papers: a paper read twice is
 * one entry) with a stable key, TeX specials escaped, UTF-8 (Chinese
 * included) kept as it is, and every session (presenters, dates) in a
 * note. */
#ifndef PB_BIBTEX_H
#define PB_BIBTEX_H

#include <stddef.h>

#include "biblio.h"
#include "mem.h"
#include "model.h"
#include "output.h"
#include "plan.h"

/* The largest bibliography file read (bytes). */
#define PB_BIB_MAX_BYTES ((size_t)64 << 20)

/* Parses text[0..len) (need not be NUL-terminated) as BibTeX; records get
 * source and file (for messages). Returns the number of records added. */
size_t pb_bibtex_parse(const char *text, size_t len, const char *file, const char *source,
                       pb_biblist *list);

/* TeX markup in s decoded to plain UTF-8 (accents composed, braces and
 * font commands dropped, blanks collapsed); malloc'd. */
char *pb_bibtex_detex(const char *s, size_t len);

/* Parses CSL-JSON (an array of items, or one item) with json-c. Returns
 * the number of records added, or -1 when the text is not JSON (an error
 * at file:line:col is reported). */
int pb_csljson_parse(const char *text, size_t len, const char *file, const char *source,
                     pb_biblist *list);

/* Reads the file at path: CSL-JSON when it ends in .json, else BibTeX.
 * source is "bibtex:NAME" or "csl-json:NAME" with NAME as given. Returns
 * PB_OK, or PB_EIO / PB_ELIMIT with an error reported. */
int pb_bibliography_read(const char *path, const char *name, pb_biblist *list);

/* JSON through json-c, depth-limited: NULL when text is not JSON, with
 * "line:col: reason" in err. Release the result with json_object_put. */
struct json_object;
struct json_object *pb_json_parse(const char *text, size_t len, char *err, size_t errlen);
/* Text from a stranger (an API, a bibliography): HTML/JATS tags dropped,
 * &amp; &lt; &gt; &quot; &#39; decoded, blanks collapsed, invalid UTF-8
 * and control characters cleaned. malloc'd. */
char *pb_bib_clean_text(const char *s);
/* Fills r from a CSL-JSON item or a Crossref work (the same member names;
 * Crossref gives title and container-title as arrays, abstracts in JATS). */
void pb_csl_item_record(struct json_object *item, pb_biblist *l, pb_bibrec *r);

/* Whether a venue names a conference or workshop (an @inproceedings), not
 * a journal (pb_venue_kind_of). */
int pb_bibtex_is_conference(const char *venue);

/* Appends papers[0..n) as BibTeX to out, in that order, under their keys
 * (pb_paper.key); urls[i] is the paper link of papers[i] as the plan
 * decided it (pb_plan_card.paper), NULL for none; urls may be NULL. A
 * paper matched with the group's bibliography is written as that entry
 * was: its type, key and every field as written, the paper's own fields
 * only where it has none. Otherwise the type follows the venue's kind
 * (@inproceedings, @article, else @misc), and title words whose capitals
 * matter (CLIP, ViT, 2D, LLaMA) are brace-protected. The note names
 * every session (pb_paper_note). */
void pb_bibtex_write(const pb_paper *const *papers, const char *const *urls, size_t n, pb_buf *out);

/* The same as a CSL-JSON array. */
void pb_csljson_write(const pb_paper *const *papers, const char *const *urls, size_t n,
                      pb_buf *out);

/* The papers of a plan's cards (plan.h: the selection, in library order),
 * one entry per paper in the order of its first selected card, keyed by
 * pb_biblio_papers over the whole library (so a selection keeps the keys
 * of the full bibliography, and its notes name every session): BibTeX,
 * or CSL-JSON when csl is set. */
void pb_bib_export_buf(const pb_plan *plan, pb_buf *out, int csl);
/* The same written to path under the output rule (output.h); PB_OK, or
 * PB_EIO reported. */
int pb_bib_export(const pb_plan *plan, const char *path, int csl, const pb_output_rules *rules);

#endif
