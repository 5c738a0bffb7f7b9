/* BibTeX and CSL-JSON out (the export stage): one entry per paper
 * (pb_biblio_papers: a paper read twice is one entry) with a stable key,
 * TeX specials escaped, UTF-8 (Chinese included) kept as it is, and every
 * session (presenters, dates) in a note. The readers are in the records
 * stage (records/bibtex.h). */
#ifndef PB_BIBTEX_WRITE_H
#define PB_BIBTEX_WRITE_H

#include <stddef.h>

#include "bibtex.h"
#include "mem.h"
#include "model.h"
#include "output.h"
#include "plan.h"

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
 * pb_biblio_papers_of over the plan's record, which holds every card of the
 * library (so a selection keeps the keys of the full bibliography, and its
 * notes name every session): BibTeX,
 * or CSL-JSON when csl is set. */
void pb_bib_export_buf(const pb_plan *plan, pb_buf *out, int csl);
/* The same written to path under the output rule (output.h); PB_OK, or
 * PB_EIO reported. */
int pb_bib_export(const pb_plan *plan, const char *path, int csl, const pb_output_rules *rules);

#endif
