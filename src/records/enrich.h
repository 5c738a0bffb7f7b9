/* Filling what a card lacks (authors, venue, year, DOI, arXiv id, a paper
 * link, an abstract) from bibliographic records, never over what the card
 * states (biblio.h):
 *
 *   1. the card's own links: arXiv ids and DOIs, venue and year of a CVF
 *      or NeurIPS proceedings URL;
 *   2. the bibliography files named in paperbook.yml (BibTeX, CSL-JSON),
 *      with no network;
 *   3. the answers of scholarly APIs kept in a content-addressed cache
 *      under build/cache/enrich, reused offline; with --enrich, the APIs
 *      are asked for what the cache lacks:
 *        - an arXiv id: arXiv's API (id_list), Atom XML read with libxml2;
 *          a DOI it names is then looked up at Crossref for the venue;
 *        - a DOI (doi.org, dl.acm.org/doi, link.springer.com, ACL
 *          Anthology ids): Crossref's REST API, /works/DOI, JSON (json-c);
 *        - otherwise (IEEE, OpenReview, CVF, ScienceDirect, no link):
 *          a title search at Crossref (query.bibliographic), then arXiv
 *          (ti:"..."); an answer is taken only when its title key equals
 *          the card's (pb_title_key); otherwise the card stays as it is
 *          and a note says so.
 *      Polite: a User-Agent naming paperbook and the contact address of
 *      `enrich.mailto` (also sent to Crossref as mailto=), one request at a
 *      time, at least `interval` seconds apart per service (arXiv asks for
 *      3), retries with exponential back-off that honour a 429/503's
 *      Retry-After, a timeout per request, a deadline for the whole run,
 *      and a size limit per response. A service that fails three lookups
 *      in a row is not asked again in that run.
 *
 * Only this module and fetch.c talk to the network. */
#ifndef PB_ENRICH_H
#define PB_ENRICH_H

#include <stddef.h>

#include "config.h"
#include "model.h"

#define PB_ENRICH_ARXIV_API "http://export.arxiv.org/api/query"
#define PB_ENRICH_CROSSREF_API "https://api.crossref.org"
#define PB_ENRICH_INTERVAL 3.0   /* seconds between two requests to one service */
#define PB_ENRICH_TIMEOUT 20.0   /* seconds per request */
#define PB_ENRICH_DEADLINE 900.0 /* seconds for the whole run */
#define PB_ENRICH_RETRIES 3
#define PB_ENRICH_CACHE_MB 64.0                  /* cache size cap */
#define PB_ENRICH_MAX_RESPONSE ((size_t)4 << 20) /* bytes per answer */

typedef struct {
  int network;           /* --enrich: ask the APIs for what the cache lacks */
  const char *cache_dir; /* the enrich cache; NULL: none (nothing cached) */
  /* bibliography files may resolve outside lib->root (--allow-outside);
   * otherwise one that does is refused with an error at paperbook.yml:line */
  int allow_outside;
  /* the command line's --enrich-interval, --enrich-timeout, --enrich-deadline
   * (seconds; 0: paperbook.yml's, else the defaults) */
  double interval, timeout, deadline;
} pb_enrich_options;

/* Steps 1-3 above for every entry of lib, with the settings of cfg (the
 * `bibliography:` files, relative to lib->root, and the `enrich:`
 * mapping; cfg NULL: none, defaults). Prints one summary line (unless quiet) and a note for each
 * card looked up with no match. Returns the number of entries that got at
 * least one field. */
int pb_enrich_library(pb_library *lib, const pb_config *cfg, const pb_enrich_options *opt);

#endif
