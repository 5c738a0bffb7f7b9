/* Bibliographic records: what a bibliography file (bibtex.h), a scholarly
 * API (enrich.h) or a card's own links say about a paper, how a record is
 * matched with a card (an identifier, or the same title once normalised),
 * and how it fills the fields the card lacks without touching what the
 * card states. */
#ifndef PB_BIBLIO_H
#define PB_BIBLIO_H

#include <stddef.h>

#include "mem.h"
#include "model.h"

/* A field of a BibTeX entry as written: name lower-cased, value in TeX
 * with @string macros and # concatenation resolved, outer braces or
 * quotes dropped. */
typedef struct {
  const char *name, *value;
} pb_bibfield;

/* One record. Strings live in the arena of the list that holds it. */
typedef struct pb_bibrec {
  const char *type;  /* BibTeX entry type as read ("article", "inproceedings"), or NULL */
  const char *key;   /* citation key as read, or NULL */
  const char *title; /* plain text (TeX markup decoded) */
  const char **authors;
  size_t nauthors, capauthors;
  const char *venue; /* journal, booktitle or container title */
  int year;          /* 0 if unknown */
  const char *doi;   /* bare "10.x/y" */
  const char *arxiv; /* bare id, no version */
  const char *url;
  const char *abstract;
  const char *source; /* "crossref", "arxiv", "bibtex:refs.bib", ... */
  const char *file;   /* where it was read (a bibliography file), or NULL */
  int line;
  pb_bibfield *fields; /* every field of a BibTeX entry, in file order (a
                          repeated name keeps its last value) */
  size_t nfields, capfields;
} pb_bibrec;

typedef struct {
  pb_arena *arena; /* owns the records and their strings */
  pb_bibrec *recs;
  size_t n, cap;
} pb_biblist;

void pb_biblist_init(pb_biblist *l); /* creates the arena */
void pb_biblist_free(pb_biblist *l); /* accepts a zeroed list */
pb_bibrec *pb_biblist_add(pb_biblist *l, const char *source, const char *file, int line);
void pb_bibrec_add_author(pb_biblist *l, pb_bibrec *r, const char *name);

/* A title reduced for comparison, malloc'd: full-width forms folded to
 * ASCII, ASCII letters lower-cased, Latin accents dropped, punctuation,
 * spaces and TeX braces removed, and a trailing venue tag such as
 * " (CVPR 2023)", "[ICLR'24]" or " - NeurIPS 2022" cut off. Two titles
 * are the same paper when their keys are equal and not empty. */
char *pb_title_key(const char *title);

/* Identifiers in a link: an arXiv id (arxiv.org abs/pdf/html, export.
 * arxiv.org), a DOI (doi.org, dl.acm.org/doi, link.springer.com, any
 * ".../10.NNNN/..." path; an ACL Anthology id gives its 10.18653/v1 DOI),
 * an OpenReview forum id, and venue and year that a proceedings URL spells
 * (CVF open access, NeurIPS proceedings). Fields not found stay NULL / 0;
 * strings are malloc'd into *out; free with pb_link_ids_free. */
typedef struct {
  char *arxiv, *doi, *openreview, *venue;
  int year;
} pb_link_ids;
void pb_link_ids_parse(const char *url, pb_link_ids *out);
void pb_link_ids_free(pb_link_ids *ids);

/* Marks what each entry states itself (venue, year, a paper link) as
 * source "card", and fills its arXiv id and DOI from its links (also
 * "card"; venue and year from a proceedings URL as "link"). Idempotent. */
void pb_biblio_from_cards(pb_library *lib);

/* Whether r is e's paper: the same arXiv id or DOI, else equal title keys. */
int pb_biblio_matches(const pb_entry *e, const pb_bibrec *r);

/* Fills e's empty fields from r (copied into lib's arena), each marked
 * with r->source; a paper link is added when e has none. Returns the
 * number of fields filled. */
int pb_biblio_fill(pb_library *lib, pb_entry *e, const pb_bibrec *r);

/* Sets field name of r to value (both copied; a name already there gets
 * the new value). */
void pb_bibrec_set_field(pb_biblist *l, pb_bibrec *r, const char *name, const char *value);
/* The value of field name of r as written, or NULL. */
const char *pb_bibrec_field(const pb_bibrec *r, const char *name);

/* Matches every entry against the records of list and fills it from the
 * first that matches; that record, copied into lib's arena (one copy per
 * record), becomes the entry's bibrec when it has none yet. Returns the
 * number of entries filled. */
size_t pb_biblio_apply(pb_library *lib, const pb_biblist *list);

/* One paper: every card that presents it, merged. Two cards are one
 * paper when they have the same arXiv id, the same DOI, matched the same
 * entry of the group's bibliography, or have equal title keys
 * (pb_title_key, at least 4 bytes) and no arXiv ids or DOIs that differ. */
typedef struct {
  const pb_entry **cards; /* the paper's cards: the sessions in date order,
                             undated cards after them in library order */
  size_t ncards;
  /* The merged record: the fields of the card that states the most
   * (authors, venue, year, DOI, arXiv id; ties to the earliest session),
   * what it lacks filled from the others. Links, figures and summary are
   * not merged (rec.nlinks is 0). */
  pb_entry rec;
  const pb_bibrec *bib; /* the group's bibliography entry, or NULL */
  const char *key;      /* its citation key (pb_biblio_papers) */
  size_t first;         /* library index of its first card */
} pb_paper;

typedef struct {
  pb_paper *papers; /* in the library order of their first cards */
  size_t n;
  size_t *of_entry; /* of_entry[i]: the paper of lib->entries[i] */
} pb_papers;

/* The papers of lib with their citation keys, in arena a. A key is the
 * group's own (the bibliography entry's key, as written) or derived from
 * the paper's content alone, never from its position:
 *   family name of the first author (its last word, accents dropped, ASCII
 *   lower case; a name with no Latin letter, such as a Chinese one: "n" and
 *   5 base-32 letters of a hash of the name), or with no author "t" and 6
 *   base-32 letters of a hash of the title key;
 *   the year, or "nd";
 *   the first title word with Latin letters or digits that is not an
 *   article, preposition or conjunction (ASCII-folded; none: "t" and 4
 *   letters of the title hash when an author gave the first part):
 *   "vaswani2017attention", "tq3xk7a2024siamese".
 * Papers whose derived keys are equal, or equal to a key of the group's
 * bibliography, all get "-" and 4 base-32 letters of a hash of their own
 * title key (8 letters of title key, arXiv id and DOI if those are equal
 * too), so a key never names another paper and adding a card anywhere
 * changes no key, except that a paper whose derived key a new paper shares
 * gets the suffix. */
pb_papers pb_biblio_papers(pb_arena *a, const pb_library *lib);
/* The same over entries[0..n), which are indexed as the library's (of_entry
 * and first count in that order): for an output that has the plan's record
 * of the library rather than the library. */
pb_papers pb_biblio_papers_of(pb_arena *a, const pb_entry *const *entries, size_t n);

/* The citation key of each entry (keys[i] for lib->entries[i]; the cards
 * of one paper share it), from pb_biblio_papers. Arena strings in a. */
const char **pb_biblio_keys(pb_arena *a, const pb_library *lib);

/* The sessions of a paper for a note: "Presented by 张三 on 2024-12-29"
 * (either part may be missing), several joined: "Presented by A on D1 and
 * by B on D2". malloc'd; NULL when no card names a presenter or date. */
char *pb_paper_note(const pb_paper *p);

/* "A, B, C et al." (three names, then et al.), or NULL without authors;
 * arena string. */
const char *pb_biblio_authors_short(pb_arena *a, const pb_entry *e);

#endif
