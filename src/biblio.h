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

/* One record. Strings live in the arena of the list that holds it. */
typedef struct {
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

/* Matches every entry against the records of list and fills it from the
 * first that matches. Returns the number of entries filled. */
size_t pb_biblio_apply(pb_library *lib, const pb_biblist *list);

/* A stable citation key for each entry (keys[i] for lib->entries[i]):
 * first author's family name (its last word; accents dropped), year,
 * first title word that is not an article, all ASCII lower case:
 * "vaswani2017attention". A part with no Latin letters or digits (a
 * Chinese name: pinyin is not guessed) or a missing one is "anon", "nd" or
 * "untitled"; duplicates get a, b, c... (then aa, ab...) in library order.
 * Returns an array of arena strings in a. */
const char **pb_biblio_keys(pb_arena *a, const pb_library *lib);

/* "A, B, C et al." (three names, then et al.), or NULL without authors;
 * arena string. */
const char *pb_biblio_authors_short(pb_arena *a, const pb_entry *e);

#endif
