/* BibTeX and CSL-JSON (the export of Zotero and JabRef) read into records.
 *
 * Reading: a group's own bibliography, named in paperbook.yml
 * (`bibliography: refs.bib`), becomes records (biblio.h) matched with the
 * cards with no network. The BibTeX reader knows braces and quotes,
 * `#` concatenation, @string macros (and the month names), @comment and
 * @preamble, and decodes TeX accents (\'e, {\"o}, \v{s}, \ss, ...) and
 * escapes (\&, \%, --) into UTF-8. Bad input is reported as
 * file:line:col: error: ... and the entry skipped; reading goes on.
 * The writers are in the export stage (export/bibtex_write.h). */
#ifndef PB_BIBTEX_H
#define PB_BIBTEX_H

#include <stddef.h>

#include "biblio.h"
#include "mem.h"
#include "model.h"

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

#endif
