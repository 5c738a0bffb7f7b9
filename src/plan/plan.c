/* The plan stage: model in, the book to be drawn out (see plan.h).
 *
 * Order of work: apply the selection, make the chapter rows (categories in
 * the configured order, or groups by month or presenter), resolve each
 * selected card's links and probe its figures, then the appendices. */
#include "plan.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collate.h"
#include "diag.h"
#include "images.h"
#include "imgcache.h"
#include "links.h"
#include "sessions.h"
#include "slides.h"

/* The modes' default titles, one language each: the apparatus's. */
#define DEFAULT_BOOKLET_TITLE(zh) PB_SAY(zh, "Paper Reading Booklet", "论文精读")
#define DEFAULT_DIGEST_TITLE(zh) PB_SAY(zh, "Paper digest", "论文速递")
#define DEFAULT_HANDOUT_TITLE(zh) PB_SAY(zh, "Reading session", "论文精读")
#define UNCATEGORIZED "Uncategorized · 未分类"

void pb_plan_options_default(pb_plan_options *o) {
  memset(o, 0, sizeof *o);
  o->mode = PB_PLAN_BOOKLET;
  o->grouping = PB_PLAN_BY_CATEGORY;
  o->newest_first = 1;
}

typedef struct {
  pb_plan *P;
  const pb_plan_options *opt;
  pb_arena *a;
  size_t caprows;
} builder;

/* ==== selection ======================================================= */

/* "CV/Facial expression recognition": a prefix of the entry's path, each
 * part compared without case, spaces around '/' ignored. */
static int category_matches(const pb_entry *e, const char *path) {
  const char *p = path;
  for (size_t i = 0; i < e->ncategory && *p; i++) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    while (n && p[n - 1] == ' ') n--;
    if (strlen(e->category[i]) != n || strncasecmp(e->category[i], p, n) != 0) return 0;
    p = slash ? slash + 1 : p + strlen(p);
    while (*p == ' ') p++;
  }
  return *p == 0;
}

static int selected_entry(const pb_library *lib, const pb_plan_options *o, const pb_entry *e) {
  if (o->mode == PB_PLAN_DIGEST && !(e->date && (!o->since || strcmp(e->date, o->since) >= 0) &&
                                     (!o->until || strcmp(e->date, o->until) <= 0)))
    return 0;
  /* a handout: the session's cards, and with the minutes the latest
   * readings of the session's presenters */
  /* a check-in week's handout: the cards dated in the week */
  if (o->mode == PB_PLAN_HANDOUT && !o->session_date && o->since && o->until)
    return e->date && strcmp(e->date, o->since) >= 0 && strcmp(e->date, o->until) <= 0 &&
           (!o->presenter || (e->presenter && strcmp(e->presenter, o->presenter) == 0)) &&
           (!o->category || category_matches(e, o->category));
  if (o->mode == PB_PLAN_HANDOUT &&
      !(e->date && o->session_date && !strcmp(e->date, o->session_date)) &&
      !pb_session_latest_reading(lib, e, o->session_date))
    return 0;
  if (o->presenter && !(e->presenter && strcmp(e->presenter, o->presenter) == 0)) return 0;
  if (o->category && !category_matches(e, o->category)) return 0;
  return 1;
}

static void select_cards(builder *B) {
  pb_plan *P = B->P;
  const pb_plan_options *o = B->opt;
  const pb_library *lib = P->lib;
  unsigned char *inc = pb_arena_alloc(B->a, lib->nentries + 1);
  P->selected = o->mode != PB_PLAN_BOOKLET || o->presenter || o->category;
  for (size_t i = 0; i < lib->nentries; i++) {
    inc[i] = (unsigned char)(!P->selected || selected_entry(lib, o, lib->entries[i]));
    P->nincluded += inc[i];
  }
  P->include = inc;
  if (!P->selected) return;
  int week = o->mode == PB_PLAN_HANDOUT && !o->session_date && o->since && o->until;
  if (o->mode == PB_PLAN_DIGEST || week) {
    P->absences = pb_arena_alloc(B->a, (lib->nabsences + 1) * sizeof *P->absences);
    for (size_t i = 0; i < lib->nabsences; i++) {
      const pb_absence *a = &lib->absences[i];
      if (!a->date || (o->since && strcmp(a->date, o->since) < 0) ||
          (o->until && strcmp(a->date, o->until) > 0))
        continue;
      if (o->presenter && !(a->presenter && strcmp(a->presenter, o->presenter) == 0)) continue;
      P->absences[P->nabsences++] = a;
    }
  }
  pb_buf wb = PB_BUF_INIT;
  if (o->mode == PB_PLAN_DIGEST)
    pb_buf_printf(&wb, "%s — %s", o->since ? o->since : "", o->until ? o->until : "today");
  else if (week)
    pb_buf_printf(&wb, "%s — %s", o->since, o->until);
  else if (o->mode == PB_PLAN_HANDOUT)
    pb_buf_printf(&wb, "on %s", o->session_date ? o->session_date : "");
  else
    pb_buf_puts(&wb, "selected");
  if (o->presenter) pb_buf_printf(&wb, ", presenter %s", o->presenter);
  if (o->category) pb_buf_printf(&wb, ", category %s", o->category);
  P->selection = pb_arena_strdup(B->a, wb.data);
  pb_buf_free(&wb);
}

/* ==== figures and links ================================================ */

/* Probes a figure's header and decides how it is shown: at its natural
 * size, or as a placeholder with a caption (and a warning). */
static void plan_figure(builder *B, const pb_figure *f, const char *owner_file, int owner_line,
                        pb_plan_figure *pf) {
  memset(pf, 0, sizeof *pf);
  pf->fig = f;
  pf->file = f->file ? f->file : owner_file;
  pf->line = f->line ? f->line : owner_line;
  const char *what = f->path ? f->path : f->url ? f->url : f->src;
  if (!f->path) {
    /* A URL, or a local file the reader did not find (it said so). */
    pf->remote = f->url != NULL;
    pf->caption = f->url ? pb_arena_printf(B->a, "remote figure not embedded: %s", f->url)
                         : pb_arena_printf(B->a, "figure not found: %s", what ? what : "?");
    return;
  }
  pb_img_info info;
  char err[256];
  if (pb_image_probe(f->path, &info, err, sizeof err) != PB_OK ||
      (info.format != PB_IMG_PNG && info.format != PB_IMG_JPEG && info.format != PB_IMG_WEBP &&
       info.format != PB_IMG_GIF)) {
    if (info.format == PB_IMG_OTHER)
      snprintf(err, sizeof err, "%s images cannot be embedded",
               info.format_name ? info.format_name : "such");
    pb_warn(pf->file, pf->line, "figure %s: %s", f->src ? f->src : what, err);
    pf->reason = pb_arena_strdup(B->a, err);
    pf->caption = pb_arena_printf(B->a, "figure not shown: %s (%s)", f->src ? f->src : what, err);
    return;
  }
  pf->ok = 1;
  pf->path = f->path;
  pf->width_px = info.width;
  pf->height_px = info.height;
  pf->format = info.format_name;
  /* Natural size at 96 dpi, the density screenshots and figures are made
   * for; an HTML width attribute caps it as it did on the web page. */
  double w = info.width * 0.75, h = info.height * 0.75;
  if (f->width_hint > 0 && f->width_hint * 0.75 < w) {
    h *= f->width_hint * 0.75 / w;
    w = f->width_hint * 0.75;
  }
  pf->natural_w = w;
  pf->natural_h = h;
}

/* Where a link to a file of the library leads from the output, under the
 * link policy (links.h): a PDF as a GoToR file link relative to the
 * output; another file at base_url or in the library's web repository;
 * NULL (text only) when none applies. Never a Launch action. */
static const char *local_target(builder *B, const char *local, pb_plan_target *kind) {
  const pb_plan_options *o = B->opt;
  *kind = PB_PLAN_TARGET_URI;
  char *u = o->base_url ? pb_links_file_url(o->base_url, 0, local) : NULL;
  if (!u && !pb_links_gotor_allowed(local) && B->P->lib->repo_url)
    u = pb_links_file_url(B->P->lib->repo_url, 1, local);
  if (u) {
    const char *a = pb_arena_strdup(B->a, u);
    free(u);
    return a;
  }
  if (!pb_links_gotor_allowed(local)) return NULL;
  const char *t = pb_arena_printf(B->a, "%s%s", o->root_prefix ? o->root_prefix : "", local);
  if (!pb_links_gotor_allowed(t)) return NULL;
  *kind = PB_PLAN_TARGET_FILE;
  return t;
}

static void resolve_link(builder *B, pb_plan_link *pl) {
  if (pl->local) {
    pl->target = local_target(B, pl->local, &pl->target_kind);
  } else {
    /* only http, https and mailto; anything else is printed as text */
    pl->target_kind = PB_PLAN_TARGET_URI;
    char *u = pb_links_web_uri(pl->url);
    pl->target = u ? pb_arena_strdup(B->a, u) : NULL;
    free(u);
  }
}

/* The card's links as written, and the deck the model matched to it by
 * presenter and date when the card names none itself. */
static void plan_links(builder *B, pb_plan_card *c) {
  const pb_entry *e = c->entry;
  const pb_library *lib = B->P->lib;
  int has_slide = 0;
  const pb_slide *matched = NULL;
  for (size_t i = 0; i < e->nlinks; i++)
    if (e->links[i].kind == PB_LINK_SLIDE) has_slide = 1;
  if (!has_slide)
    for (size_t i = 0; i < lib->nslides; i++)
      for (size_t k = 0; k < lib->slides[i].nentries; k++)
        if (lib->slides[i].entries[k] == e->index) matched = &lib->slides[i];
  c->links = pb_arena_alloc(B->a, (e->nlinks + 1) * sizeof *c->links);
  for (size_t i = 0; i < e->nlinks; i++) {
    const pb_link *l = &e->links[i];
    pb_plan_link *pl = &c->links[c->nlinks++];
    pl->link = l;
    pl->kind = l->kind;
    pl->label = pb_link_display_label(l);
    pl->url = l->url;
    pl->local = l->local;
    pl->line = l->line;
    resolve_link(B, pl);
  }
  if (matched) {
    pb_plan_link *pl = &c->links[c->nlinks++];
    pl->kind = PB_LINK_SLIDE;
    pl->label = "Slides";
    pl->url = matched->path;
    pl->local = matched->path;
    pl->matched = 1;
    resolve_link(B, pl);
  }
  for (size_t i = 0; i < c->nlinks && !c->paper; i++) {
    const pb_plan_link *pl = &c->links[i];
    if (pl->kind == PB_LINK_PAPER && pl->target_kind == PB_PLAN_TARGET_URI && pl->target &&
        (strncmp(pl->target, "http://", 7) == 0 || strncmp(pl->target, "https://", 8) == 0))
      c->paper = pl;
  }
}

static pb_plan_card *plan_card(builder *B, const pb_entry *e) {
  pb_plan *P = B->P;
  pb_plan_card *c = P->card_of_entry[e->index];
  if (c) return c;
  c = &P->cards[P->ncards++];
  P->card_of_entry[e->index] = c;
  c->entry = e;
  plan_links(B, c);
  c->figures = pb_arena_alloc(B->a, (e->nfigures + 1) * sizeof *c->figures);
  for (size_t i = 0; i < e->nfigures; i++)
    plan_figure(B, &e->figures[i], e->file, e->line, &c->figures[c->nfigures++]);
  return c;
}

/* ==== chapters ========================================================== */

static pb_plan_row *add_row(builder *B, pb_plan_row_kind kind, int level, const char *title) {
  pb_plan *P = B->P;
  pb_plan_row *r = PB_PUSH(B->a, P->rows, P->nrows, B->caprows);
  r->kind = kind;
  r->level = level;
  r->title = title;
  return r;
}

static void add_card_row(builder *B, int level, const pb_entry *e) {
  pb_plan_row *r = add_row(B, PB_ROW_CARD, level, e->title);
  r->card = plan_card(B, e);
}

/* A category is shown when it holds a selected card, or references in a
 * book without a selection (a digest or handout shows cards only). */
static int category_has_content(const pb_plan *P, const pb_category *c) {
  for (size_t i = 0; i < c->nentries; i++)
    if (c->entries[i] >= 0 && (size_t)c->entries[i] < P->lib->nentries && P->include[c->entries[i]])
      return 1;
  if ((c->references.n || c->nfigures) && !P->selected) return 1;
  for (size_t i = 0; i < c->nchildren; i++)
    if (category_has_content(P, c->children[i])) return 1;
  return 0;
}

/* A category's colour as written ("#RRGGBB", or one of the names the
 * README lists) into rgb, decided once here for the PDF and the LaTeX
 * export; 0 when it is none of these. */
static int plan_color(const char *name, float rgb[3]) {
  static const struct {
    const char *name;
    float c[3];
  } named[] = {{"green", {0.0f, 0.45f, 0.2f}},    {"red", {0.7f, 0.1f, 0.1f}},
               {"blue", {0.1f, 0.25f, 0.65f}},    {"orange", {0.8f, 0.45f, 0.0f}},
               {"purple", {0.45f, 0.15f, 0.55f}}, {"gray", {0.4f, 0.4f, 0.4f}},
               {"black", {0.1f, 0.1f, 0.1f}},     {"brown", {0.5f, 0.3f, 0.1f}}};
  if (!name) return 0;
  if (name[0] == '#' && strlen(name) == 7) {
    unsigned v;
    if (sscanf(name + 1, "%6x", &v) != 1) return 0;
    rgb[0] = (float)((v >> 16) & 255) / 255.0f;
    rgb[1] = (float)((v >> 8) & 255) / 255.0f;
    rgb[2] = (float)(v & 255) / 255.0f;
    return 1;
  }
  for (size_t i = 0; i < sizeof named / sizeof *named; i++)
    if (strcasecmp(name, named[i].name) == 0) {
      memcpy(rgb, named[i].c, sizeof named[i].c);
      return 1;
    }
  return 0;
}

static void add_category_rows(builder *B, const pb_category *c) {
  pb_plan *P = B->P;
  if (!category_has_content(P, c)) return;
  pb_plan_row_kind kind = c->level == 1   ? PB_ROW_CHAPTER
                          : c->level == 2 ? PB_ROW_SECTION
                                          : PB_ROW_SUBSECTION;
  pb_plan_row *r = add_row(B, kind, c->level, c->name);
  r->cat = c;
  r->color = c->color;
  r->has_rgb = plan_color(c->color, r->rgb);
  if (!P->selected && (c->references.n || c->nfigures)) {
    r->references = 1;
    r->ref_figures = pb_arena_alloc(B->a, (c->nfigures + 1) * sizeof *r->ref_figures);
    for (size_t i = 0; i < c->nfigures; i++)
      plan_figure(B, &c->figures[i], c->file, c->line, &r->ref_figures[r->nref_figures++]);
  }
  for (size_t i = 0; i < c->nentries; i++) {
    int k = c->entries[i];
    if (k >= 0 && (size_t)k < P->lib->nentries && P->include[k])
      add_card_row(B, c->level + 1, P->lib->entries[k]);
  }
  for (size_t i = 0; i < c->nchildren; i++) add_category_rows(B, c->children[i]);
}

/* One chapter per group of the entries in include (months, or people),
 * in the given order. */
static void add_group_chapters(builder *B, const unsigned char *include, pb_entry_order order) {
  pb_entry_group *groups;
  size_t ng = pb_entry_groups(B->a, B->P->lib, include, order, &groups);
  for (size_t k = 0; k < ng; k++) {
    add_row(B, PB_ROW_CHAPTER, 1, groups[k].key);
    for (size_t i = 0; i < groups[k].n; i++) add_card_row(B, 2, groups[k].entries[i]);
  }
}

static void plan_chapters(builder *B) {
  pb_plan *P = B->P;
  const pb_library *lib = P->lib;
  const pb_plan_options *o = B->opt;
  pb_plan_grouping g = o->mode == PB_PLAN_HANDOUT ? PB_PLAN_BY_PRESENTER : o->grouping;
  int has_categories = 0;
  for (size_t i = 0; lib->root_category && i < lib->root_category->nchildren; i++)
    if (category_has_content(P, lib->root_category->children[i])) has_categories = 1;
  if (o->mode != PB_PLAN_HANDOUT && !o->grouping_set && !has_categories) g = PB_PLAN_BY_MONTH;
  pb_entry_order month_order = o->newest_first ? PB_ORDER_NEWEST_FIRST : PB_ORDER_OLDEST_FIRST;

  if (g == PB_PLAN_BY_CATEGORY) {
    const pb_category **top =
        pb_top_categories(B->a, lib, (const char **)o->category_order, o->ncategory_order);
    for (size_t i = 0; lib->root_category && i < lib->root_category->nchildren; i++)
      add_category_rows(B, top[i]);
    /* Entries with no category (a check-in log read beside a REPORT) follow
     * the categories in month chapters, as the log would be on its own; only
     * the undated ones share an Uncategorized chapter. */
    unsigned char *rest = pb_arena_alloc(B->a, lib->nentries + 1);
    for (size_t i = 0; i < lib->nentries; i++) {
      const pb_entry *e = lib->entries[i];
      rest[i] = e->ncategory == 0 && P->include[i] && e->date;
    }
    add_group_chapters(B, rest, month_order);
    int any = 0;
    for (size_t i = 0; i < lib->nentries; i++)
      if (lib->entries[i]->ncategory == 0 && P->include[i] && !rest[i]) {
        if (!any) add_row(B, PB_ROW_CHAPTER, 1, UNCATEGORIZED);
        any = 1;
        add_card_row(B, 2, lib->entries[i]);
      }
    return;
  }
  add_group_chapters(B, P->include, g == PB_PLAN_BY_PRESENTER ? PB_ORDER_PRESENTER : month_order);
}

/* ==== appendices ======================================================== */

/* One paper or week not read of somebody's, for grouping by name. */
typedef struct {
  const char *name;
  const pb_entry *entry;     /* or */
  const pb_absence *absence; /* the library's order: entries, then absences */
  size_t seq;
} by_name;

static int cmp_by_name(const void *pa, const void *pb) {
  const by_name *a = pa, *b = pb;
  int c = pb_name_cmp(a->name, b->name);
  if (c) return c;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* One presenter's papers (by date, oldest first), then weeks not read, from
 * the run v[0..n) of their name. */
static void plan_presenter(builder *B, pb_plan_presenter *pp, const by_name *v, size_t n,
                           const pb_entry **mine) {
  pb_plan *P = B->P;
  size_t np = 0, na = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i].entry)
      mine[np++] = v[i].entry;
    else
      na++;
  }
  pp->name = v[0].name;
  pp->npapers = (int)np;
  pp->nabsences = (int)na;
  P->total_papers += (int)np;
  P->total_absences += (int)na;
  pb_entries_sort(mine, np, PB_ORDER_OLDEST_FIRST);
  pp->sessions = pb_arena_alloc(B->a, (np + na + 1) * sizeof *pp->sessions);
  for (size_t i = 0; i < np; i++) {
    pb_plan_session *s = &pp->sessions[pp->nsessions++];
    s->entry = mine[i];
    for (size_t j = 0; j < mine[i]->nlinks; j++)
      if (mine[i]->links[j].kind == PB_LINK_SLIDE) s->deck = &mine[i]->links[j];
    if (s->deck) {
      pb_plan_link pl = {0};
      pl.url = s->deck->url;
      pl.local = s->deck->local;
      resolve_link(B, &pl);
      s->deck_target_kind = pl.target_kind;
      s->deck_target = pl.target;
    }
    s->in_book = P->card_of_entry[mine[i]->index] != NULL;
  }
  for (size_t i = 0; i < n; i++)
    if (v[i].absence) pp->sessions[pp->nsessions++].absence = v[i].absence;
}

/* Everybody with a paper or a week not read, by name (the order of
 * pb_library_presenters): one sort, then one pass per name, so that the
 * work grows as n log n with the number of presenters, not n^2. */
static void plan_presenters(builder *B) {
  pb_plan *P = B->P;
  const pb_library *lib = P->lib;
  by_name *v = pb_arena_alloc(B->a, (lib->nentries + lib->nabsences + 1) * sizeof *v);
  size_t n = 0;
  for (size_t i = 0; i < lib->nentries; i++)
    if (lib->entries[i]->presenter) {
      v[n] = (by_name){lib->entries[i]->presenter, lib->entries[i], NULL, n};
      n++;
    }
  for (size_t i = 0; i < lib->nabsences; i++)
    if (lib->absences[i].presenter) {
      v[n] = (by_name){lib->absences[i].presenter, NULL, &lib->absences[i], n};
      n++;
    }
  if (n > 1) qsort(v, n, sizeof *v, cmp_by_name);
  P->presenters = pb_arena_alloc(B->a, (n + 1) * sizeof *P->presenters);
  const pb_entry **mine = pb_arena_alloc(B->a, (lib->nentries + 1) * sizeof *mine);
  size_t nu = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && strcmp(v[j].name, v[i].name) == 0) j++;
    plan_presenter(B, &P->presenters[nu++], v + i, j - i, mine);
    i = j;
  }
  P->npresenters_appendix = nu;
}

/* Where a deck links: see pb_plan_deck. Under the link policy (links.h):
 * a remote deck only at an http(s) URL, a local one at base_url or in the
 * repository, a local PDF as a GoToR file link; a local deck of another
 * kind with neither has no link (never a Launch action). */
static void deck_target(builder *B, const pb_slide *d, pb_plan_deck *pd) {
  const pb_plan_options *o = B->opt;
  int pdf = d->ext && strcmp(d->ext, "pdf") == 0;
  const char *local = pb_arena_printf(B->a, "%s%s", o->root_prefix ? o->root_prefix : "", d->path);
  const char *base = o->base_url, *repo = B->P->lib->repo_url;
  pd->target_kind = PB_PLAN_TARGET_URI;
  char *u = NULL;
  if (d->url) {
    u = pb_links_web_uri(d->url);
  } else if (base && *base) {
    u = pb_links_file_url(base, 0, d->path);
  } else if (repo && *repo) {
    u = pb_links_file_url(repo, 1, d->path);
  }
  if (u) {
    pd->target = pb_arena_strdup(B->a, u);
    free(u);
    if (pdf && !d->url && pb_links_gotor_allowed(local)) pd->local_pdf = local;
    return;
  }
  if (d->url || !pdf || !pb_links_gotor_allowed(local)) {
    pd->target = NULL;
    return;
  }
  pd->target_kind = PB_PLAN_TARGET_PDF_FILE;
  pd->target = local;
}

static void plan_decks(builder *B) {
  pb_plan *P = B->P;
  const pb_library *lib = P->lib;
  P->decks = pb_arena_alloc(B->a, (lib->nslides + 1) * sizeof *P->decks);
  P->ndecks = lib->nslides;
  for (size_t i = 0; i < lib->nslides; i++) {
    const pb_slide *d = &lib->slides[i];
    pb_plan_deck *pd = &P->decks[i];
    pd->deck = d;
    if (!d->nentries) P->decks_unmentioned++;
    pb_img_info info;
    char err[128];
    if (d->thumbnail && pb_image_probe(d->thumbnail, &info, err, sizeof err) == PB_OK &&
        info.width > 0 && (info.format == PB_IMG_JPEG || info.format == PB_IMG_PNG)) {
      pd->thumbnail = d->thumbnail;
      pd->thumb_w = info.width;
      pd->thumb_h = info.height;
    }
    deck_target(B, d, pd);
  }
  /* What does not match up (decks no card mentions, missing decks). */
  pb_buf b = PB_BUF_INIT;
  P->deck_problems = pb_slides_report(lib, &b);
  P->deck_report = pb_arena_strdup(B->a, b.data ? b.data : "");
  pb_buf_free(&b);
}

/* ==== front matter and entry point ====================================== */

static void plan_front(builder *B) {
  pb_plan *P = B->P;
  const pb_plan_options *o = B->opt;
  const pb_library *lib = P->lib;
  P->title = o->title                     ? o->title
             : o->mode == PB_PLAN_DIGEST  ? DEFAULT_DIGEST_TITLE(o->zh)
             : o->mode == PB_PLAN_HANDOUT ? DEFAULT_HANDOUT_TITLE(o->zh)
                                          : DEFAULT_BOOKLET_TITLE(o->zh);
  P->title_given = o->title != NULL || o->mode != PB_PLAN_BOOKLET;
  P->group = o->group;
  P->semester = o->semester;
  P->author = o->author;
  pb_library_date_range(lib, &P->date_first, &P->date_last);
  const char **names;
  if (!P->selected) {
    P->npapers = lib->nentries;
    P->npresenters = pb_library_presenters(B->a, lib, 0, &names);
  } else {
    /* Distinct presenters of the selected cards, in the order first met. */
    P->npapers = P->nincluded;
    names = pb_arena_alloc(B->a, (lib->nentries + 1) * sizeof *names);
    for (size_t i = 0; i < lib->nentries; i++) {
      const char *who = lib->entries[i]->presenter;
      if (!P->include[i] || !who) continue;
      size_t k = 0;
      while (k < P->npresenters && strcmp(names[k], who)) k++;
      if (k == P->npresenters) names[P->npresenters++] = who;
    }
    P->session_presenters = names;
  }
  pb_buf kw = PB_BUF_INIT;
  for (size_t i = 0; i < P->nrows; i++)
    if (P->rows[i].kind == PB_ROW_CHAPTER) {
      if (kw.len) pb_buf_puts(&kw, ", ");
      pb_buf_puts(&kw, P->rows[i].title);
    }
  P->keywords = pb_arena_strdup(B->a, kw.data ? kw.data : "");
  pb_buf_free(&kw);
}

static int cmp_person_name(const void *a, const void *b) {
  return pb_name_cmp(*(const char *const *)a, *(const char *const *)b);
}

static void record_people(pb_arena *a, pb_plan_record *r) {
  size_t cap = r->nentries + r->nabsences + r->nnotes + 1;
  for (size_t i = 0; i < r->nsessions; i++) cap += r->sessions[i]->npresenters;
  const char **v = pb_arena_alloc(a, cap * sizeof *v);
  size_t n = 0;
  for (size_t i = 0; i < r->nentries; i++)
    if (r->entries[i]->presenter) v[n++] = r->entries[i]->presenter;
  for (size_t i = 0; i < r->nabsences; i++)
    if (r->absences[i]->presenter) v[n++] = r->absences[i]->presenter;
  for (size_t i = 0; i < r->nnotes; i++)
    if (r->notes[i]->presenter) v[n++] = r->notes[i]->presenter;
  for (size_t i = 0; i < r->nsessions; i++)
    for (size_t k = 0; !r->sessions[i]->planned && k < r->sessions[i]->npresenters; k++)
      v[n++] = r->sessions[i]->presenters[k];
  qsort(v, n, sizeof *v, cmp_person_name);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (!u || strcmp(v[u - 1], v[i]) != 0) v[u++] = v[i];
  r->people = v;
  r->npeople = u;
}

static void see_week(long *lo, long *hi, const char *date) {
  long w = pb_date_week(date);
  if (w < 0) return;
  if (*lo < 0 || w < *lo) *lo = w;
  if (w > *hi) *hi = w;
}

static void record_weeks(pb_plan_record *r) {
  long lo = -1, hi = -1;
  for (size_t i = 0; i < r->nentries; i++) see_week(&lo, &hi, r->entries[i]->date);
  for (size_t i = 0; i < r->nabsences; i++) see_week(&lo, &hi, r->absences[i]->date);
  for (size_t i = 0; i < r->nnotes; i++) see_week(&lo, &hi, r->notes[i]->date);
  /* minutes that go further back (or on) do not stretch the check-ins'
   * period; they set it only when there are no dated check-ins */
  if (lo < 0)
    for (size_t i = 0; i < r->nsessions; i++)
      if (!r->sessions[i]->planned) see_week(&lo, &hi, r->sessions[i]->date);
  r->week_first = lo;
  r->week_last = lo < 0 ? -1 : hi;
}

static int cmp_venue(const void *a, const void *b) {
  const pb_plan_venue *x = a, *y = b;
  if (x->n != y->n) return y->n - x->n;
  return strcmp(x->venue, y->venue);
}

static void record_venues(pb_arena *a, pb_plan_record *r) {
  pb_plan_venue *v = pb_arena_alloc(a, (r->nentries + 1) * sizeof *v);
  size_t n = 0;
  for (size_t i = 0; i < r->nentries; i++) {
    const char *name = r->entries[i]->venue;
    if (!name || !*name) continue;
    size_t k = 0;
    while (k < n && strcmp(v[k].venue, name) != 0) k++;
    if (k == n) v[n++] = (pb_plan_venue){name, 0};
    v[k].n++;
  }
  if (n > 1) qsort(v, n, sizeof *v, cmp_venue);
  r->venues = v;
  r->nvenues = n;
}

static int cmp_person_item(const void *pa, const void *pb) {
  const pb_plan_person_item *a = pa, *b = pb;
  int c = pb_name_cmp(a->name, b->name);
  if (c) return c;
  if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
  if (a->ses != b->ses) return a->ses < b->ses ? -1 : 1;
  return a->k < b->k ? -1 : a->k > b->k;
}

static int cmp_deck_date(const void *pa, const void *pb) {
  const pb_slide *a = *(const pb_slide *const *)pa, *b = *(const pb_slide *const *)pb;
  int c = strcmp(a->date, b->date);
  return c ? c : (a < b ? -1 : a > b);
}

/* The index of people's items and the dated decks, made once here for
 * every output that lists them (the PDF's and the LaTeX appendix). */
static void record_person_items(pb_arena *a, pb_plan_record *r) {
  size_t cap = r->nnotes + 1;
  for (size_t i = 0; i < r->nsessions; i++)
    cap += r->sessions[i]->ntalks + r->sessions[i]->nwriteups + r->sessions[i]->nbest;
  pb_plan_person_item *v = pb_arena_alloc(a, cap * sizeof *v);
  size_t n = 0;
  for (size_t i = 0; i < r->nsessions; i++) {
    const pb_session *ses = r->sessions[i];
    if (ses->planned) continue;
    for (size_t k = 0; k < ses->ntalks; k++)
      if (ses->talks[k].presenter)
        v[n++] = (pb_plan_person_item){ses->talks[k].presenter, PB_PLAN_TALK, i, k};
    for (size_t k = 0; k < ses->nwriteups; k++)
      if (ses->writeups[k].author)
        v[n++] = (pb_plan_person_item){ses->writeups[k].author, PB_PLAN_WRITEUP, i, k};
    for (size_t k = 0; k < ses->nbest; k++)
      if (ses->best[k]) v[n++] = (pb_plan_person_item){ses->best[k], PB_PLAN_BEST, i, k};
  }
  for (size_t i = 0; i < r->nnotes; i++)
    if (r->notes[i]->presenter)
      v[n++] = (pb_plan_person_item){r->notes[i]->presenter, PB_PLAN_NOTE, i, 0};
  if (n > 1) qsort(v, n, sizeof *v, cmp_person_item);
  r->person_items = v;
  r->nperson_items = n;
  const pb_slide **d = pb_arena_alloc(a, (r->nslides + 1) * sizeof *d);
  size_t nd = 0;
  for (size_t i = 0; i < r->nslides; i++)
    if (r->slides[i]->date) d[nd++] = r->slides[i];
  if (nd > 1) qsort(d, nd, sizeof *d, cmp_deck_date);
  r->dated_decks = d;
  r->ndated_decks = nd;
}

size_t pb_plan_person_items(const pb_plan_record *rec, const char *who, pb_plan_item_kind kind,
                            const pb_plan_person_item **first) {
  pb_plan_person_item key = {who, kind, 0, 0};
  size_t lo = 0, hi = rec->nperson_items;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cmp_person_item(&rec->person_items[mid], &key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t e = lo;
  while (e < rec->nperson_items && rec->person_items[e].kind == kind &&
         strcmp(rec->person_items[e].name, who) == 0)
    e++;
  *first = rec->person_items + lo;
  return e - lo;
}

size_t pb_plan_talk_decks(const pb_plan_record *rec, const pb_session *ses, const pb_talk *t,
                          const pb_slide **out, size_t max) {
  size_t lo = 0, hi = rec->ndated_decks, n = 0;
  while (lo < hi) { /* the first deck dated the session's day */
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(rec->dated_decks[mid]->date, ses->date) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo;
       i < rec->ndated_decks && n < max && strcmp(rec->dated_decks[i]->date, ses->date) == 0; i++) {
    const pb_slide *d = rec->dated_decks[i];
    if (d->presenter && t->presenter && strcmp(d->presenter, t->presenter) != 0) continue;
    int dup = 0;
    for (size_t k = 0; k < t->nlinks; k++)
      dup |= t->links[k].local && strcmp(t->links[k].local, d->path) == 0;
    if (!dup) out[n++] = d;
  }
  return n;
}

/* The record: every entry, absence, note, session and deck of the library,
 * as views in library order, with the sessions' counts. */
static void plan_record(builder *B) {
  const pb_library *lib = B->P->lib;
  pb_plan_record *r = &B->P->record;
  const pb_entry **e = pb_arena_alloc(B->a, (lib->nentries + 1) * sizeof *e);
  for (size_t i = 0; i < lib->nentries; i++) e[i] = lib->entries[i];
  r->entries = e;
  r->nentries = lib->nentries;
  const pb_absence **ab = pb_arena_alloc(B->a, (lib->nabsences + 1) * sizeof *ab);
  for (size_t i = 0; i < lib->nabsences; i++) ab[i] = &lib->absences[i];
  r->absences = ab;
  r->nabsences = lib->nabsences;
  const pb_absence **no = pb_arena_alloc(B->a, (lib->nnotes + 1) * sizeof *no);
  for (size_t i = 0; i < lib->nnotes; i++) no[i] = &lib->notes[i];
  r->notes = no;
  r->nnotes = lib->nnotes;
  const pb_session **se = pb_arena_alloc(B->a, (lib->nsessions + 1) * sizeof *se);
  for (size_t i = 0; i < lib->nsessions; i++) se[i] = &lib->sessions[i];
  r->sessions = se;
  r->nsessions = lib->nsessions;
  pb_sessions_count(lib, &r->sessions_held, &r->sessions_planned);
  const pb_slide **sl = pb_arena_alloc(B->a, (lib->nslides + 1) * sizeof *sl);
  for (size_t i = 0; i < lib->nslides; i++) sl[i] = &lib->slides[i];
  r->slides = sl;
  r->nslides = lib->nslides;
  r->session_before = B->P->session ? pb_session_before(lib, B->P->session->date) : NULL;
  record_people(B->a, r);
  record_weeks(r);
  record_venues(B->a, r);
  record_person_items(B->a, r);
}

/* ==== figures' data ===================================================== */

struct pb_plan_figstore {
  pb_imgcache *cache;
  int private_cache;
  pb_figstream *jobs; /* one per distinct path shown */
  size_t n, cap;
  pb_encode_options eo;
  int threads;
  /* overlap: the thread encoding the jobs; no one else touches jobs[]
   * until it is joined */
  pthread_t encoder;
  int pending;
};

static void figstore_join(struct pb_plan_figstore *st) {
  if (!st || !st->pending) return;
  pthread_join(st->encoder, NULL);
  st->pending = 0;
}

static void figstore_free(struct pb_plan_figstore *st) {
  if (!st) return;
  figstore_join(st);
  for (size_t i = 0; i < st->n; i++) pb_figstream_free(&st->jobs[i]);
  free(st->jobs);
  if (st->cache && !st->private_cache) pb_imgcache_trim(st->cache);
  pb_imgcache_close(st->cache, st->private_cache);
  free(st);
}

/* The cache the figures go to: the build's, or (--no-cache, or the
 * build's cannot be made) a private one under TMPDIR that the plan
 * removes. NULL after a message when neither can be made. */
static pb_imgcache *open_cache(const pb_plan_figure_options *fo, int *private_cache) {
  char err[300];
  *private_cache = 0;
  pb_imgcache *c = NULL;
  if (fo->cache_dir) {
    c = pb_imgcache_open(fo->cache_dir, 0, err, sizeof err);
    if (!c) pb_warn(NULL, 0, "%s; figures are encoded without a cache", err);
  }
  if (c) return c;
  const char *tmp = getenv("TMPDIR");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/paperbook-fig-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp(dir)) c = pb_imgcache_open(dir, UINT64_MAX, err, sizeof err);
  if (!c)
    pb_error(NULL, 0, "cannot create a temporary directory for figures under %s",
             tmp && *tmp ? tmp : "/tmp");
  *private_cache = c != NULL;
  return c;
}

/* The job of path, added once (figures are few: hundreds; a linear look
 * costs nothing next to reading one). */
static size_t job_of(struct pb_plan_figstore *st, size_t *cap, const char *path,
                     const pb_encode_options *eo) {
  for (size_t i = 0; i < st->n; i++)
    if (strcmp(st->jobs[i].path, path) == 0) return i;
  if (st->n == *cap) {
    *cap = *cap ? *cap * 2 : 64;
    st->jobs = pb_xrealloc(st->jobs, *cap * sizeof *st->jobs);
  }
  pb_figstream *j = &st->jobs[st->n];
  memset(j, 0, sizeof *j);
  j->path = path;
  j->opt = *eo;
  return st->n++;
}

/* Every figure of the plan in the order the book shows them (a heading's
 * reference figures, then its cards'), for fn. */
static void each_figure(pb_plan *P, void (*fn)(pb_plan_figure *, void *), void *arg) {
  for (size_t i = 0; i < P->nrows; i++) {
    pb_plan_row *r = &P->rows[i];
    for (size_t k = 0; k < r->nref_figures; k++) fn(&r->ref_figures[k], arg);
    for (size_t k = 0; r->card && k < r->card->nfigures; k++) fn(&r->card->figures[k], arg);
  }
}

typedef struct {
  struct pb_plan_figstore *st;
  pb_arena *a;
  unsigned char *said; /* per job: its failure was reported */
  size_t lost;         /* figures the verdicts took away */
} judging;

static void add_job(pb_plan_figure *f, void *arg) {
  judging *J = arg;
  if (f->ok && f->path) job_of(J->st, &J->st->cap, f->path, &J->st->eo);
}

/* Before the verdicts (overlap): each shown figure points at its job, as
 * a good one does. */
static void point_at_job(pb_plan_figure *f, void *arg) {
  judging *J = arg;
  if (f->ok && f->path) f->stream = &J->st->jobs[job_of(J->st, &J->st->cap, f->path, &J->st->eo)];
}

/* A figure whose data failed gets the placeholder any figure the plan
 * cannot show gets, and its file one warning, at its first use (as the
 * layout lists a file once, however often it is shown). */
static void give_verdict(pb_plan_figure *f, void *arg) {
  judging *J = arg;
  if (!f->ok || !f->path) return;
  size_t i = job_of(J->st, &J->st->cap, f->path, &J->st->eo);
  const pb_figstream *j = &J->st->jobs[i];
  if (!j->failed) {
    f->stream = j;
    return;
  }
  const char *src = f->fig && f->fig->src ? f->fig->src : f->path;
  const char *reason = j->err[0] ? j->err : "cannot be encoded";
  if (!J->said[i]) pb_warn(f->file, f->line, "figure %s: %s", src, reason);
  J->said[i] = 1;
  f->ok = 0;
  f->stream = NULL;
  f->reason = pb_arena_strdup(J->a, reason);
  f->caption = pb_arena_printf(J->a, "figure not shown: %s (%s)", src, reason);
  J->lost++;
}

static void encode_jobs(struct pb_plan_figstore *st) {
  if (st->cache) {
    pb_imgcache_encode_all(st->cache, st->jobs, st->n, st->threads);
  } else {
    for (size_t i = 0; i < st->n; i++) {
      st->jobs[i].failed = 1;
      snprintf(st->jobs[i].err, sizeof st->jobs[i].err, "no directory to encode it in");
    }
  }
}

static void *encoder_main(void *arg) {
  encode_jobs(arg);
  return NULL;
}

/* The verdicts, reported in the book's order whatever the threads did;
 * returns how many figures and thumbnails they took away. */
static size_t verdicts(pb_plan *P) {
  struct pb_plan_figstore *st = P->figstore;
  if (!st || st->n == 0) return 0;
  judging J = {st, P->arena, pb_xcalloc(st->n, 1), 0};
  each_figure(P, give_verdict, &J);
  free(J.said);
  for (size_t i = 0; i < P->ndecks; i++) {
    pb_plan_deck *d = &P->decks[i];
    if (!d->thumbnail) continue;
    const pb_figstream *j = &st->jobs[job_of(st, &st->cap, d->thumbnail, &st->eo)];
    /* a thumbnail that cannot be shown is left out, as the probe does */
    if (j->failed) {
      d->thumbnail = NULL;
      d->thumb_stream = NULL;
      J.lost++;
    } else {
      d->thumb_stream = j;
    }
  }
  return J.lost;
}

/* Decodes and encodes every figure the plan shows (and the decks'
 * thumbnails), in parallel, through the cache: the verdict that the
 * layout and every renderer then follow. With overlap this only starts
 * the encoding; pb_plan_settle_figures waits for it and gives the
 * verdicts. */
static void judge_figures(builder *B, const pb_plan_figure_options *fo) {
  pb_plan *P = B->P;
  struct pb_plan_figstore *st = pb_xcalloc(1, sizeof *st);
  P->figstore = st;
  pb_image_encode_options(&st->eo, fo->dpi, fo->gray);
  st->eo.judge_only = fo->judge_only;
  st->threads = fo->threads;
  /* --dpi: the stream drawn depends on the size the layout gives the
   * figure, so it is made after the layout (pdf_image.c). Here the figure
   * is judged by asking for it one point large: the encoder decodes all of
   * it and writes a few bytes, so the verdict costs a decode, not a
   * full-size stream made for nothing (that was 1.39x the CPU of a cold
   * --dpi 150 build of the archive). */
  if (st->eo.dpi > 0) st->eo.placed_w = st->eo.placed_h = 1;
  judging J = {st, B->a, NULL, 0};
  each_figure(P, add_job, &J);
  for (size_t i = 0; i < P->ndecks; i++)
    if (P->decks[i].thumbnail) job_of(st, &st->cap, P->decks[i].thumbnail, &st->eo);
  if (st->n == 0) return;
  st->cache = open_cache(fo, &st->private_cache);
  if (fo->overlap && st->cache) {
    /* jobs[] is complete: the pointers below stay valid */
    each_figure(P, point_at_job, &J);
    for (size_t i = 0; i < P->ndecks; i++)
      if (P->decks[i].thumbnail)
        P->decks[i].thumb_stream = &st->jobs[job_of(st, &st->cap, P->decks[i].thumbnail, &st->eo)];
    if (pthread_create(&st->encoder, NULL, encoder_main, st) == 0) {
      st->pending = 1;
      return;
    }
  }
  encode_jobs(st);
  verdicts(P);
}

int pb_plan_figures_pending(const pb_plan *P) { return P && P->figstore && P->figstore->pending; }

size_t pb_plan_settle_figures(pb_plan *P) {
  if (!pb_plan_figures_pending(P)) return 0;
  figstore_join(P->figstore);
  return verdicts(P);
}

pb_plan *pb_plan_build(const pb_library *lib, const pb_plan_options *opt) {
  pb_plan_options defaults;
  if (!opt) {
    pb_plan_options_default(&defaults);
    opt = &defaults;
  }
  pb_arena *a = pb_arena_new();
  pb_plan *P = pb_arena_alloc(a, sizeof *P);
  P->arena = a;
  P->lib = lib;
  P->mode = opt->mode;
  P->session_date = opt->mode == PB_PLAN_HANDOUT ? opt->session_date : NULL;
  P->session = P->session_date ? pb_session_on(lib, P->session_date) : NULL;
  builder B = {P, opt, a, 0};
  select_cards(&B);
  P->cards = pb_arena_alloc(a, (lib->nentries + 1) * sizeof *P->cards);
  P->card_of_entry = pb_arena_alloc(a, (lib->nentries + 1) * sizeof *P->card_of_entry);
  plan_chapters(&B);
  /* cards[] in library order: rows were made in chapter order. */
  pb_plan_card *ordered = pb_arena_alloc(a, (lib->nentries + 1) * sizeof *ordered);
  size_t n = 0;
  for (size_t i = 0; i < lib->nentries; i++)
    if (P->card_of_entry[i]) ordered[n++] = *P->card_of_entry[i];
  for (size_t i = 0; i < n; i++) P->card_of_entry[ordered[i].entry->index] = &ordered[i];
  for (size_t i = 0; i < P->nrows; i++)
    if (P->rows[i].card) P->rows[i].card = P->card_of_entry[P->rows[i].card->entry->index];
  P->cards = ordered;
  P->ncards = n;
  if (opt->mode == PB_PLAN_BOOKLET && opt->appendix_presenters) {
    P->appendix_presenters = 1;
    plan_presenters(&B);
  }
  if (opt->mode == PB_PLAN_BOOKLET && opt->appendix_slides) {
    P->appendix_slides = 1;
    plan_decks(&B);
  }
  if (opt->figures) judge_figures(&B, opt->figures);
  plan_front(&B);
  plan_record(&B);
  return P;
}

void pb_plan_free(pb_plan *plan) {
  if (!plan) return;
  figstore_free(plan->figstore);
  pb_arena_free(plan->arena);
}

/* ==== JSON ============================================================== */

static const char *row_kind_name(pb_plan_row_kind k) {
  switch (k) {
  case PB_ROW_CHAPTER: return "chapter";
  case PB_ROW_SECTION: return "section";
  case PB_ROW_SUBSECTION: return "subsection";
  default: return "card";
  }
}

static void dump_figure(const pb_plan_figure *f, pb_buf *b) {
  pb_buf_puts(b, "{\"src\": ");
  pb_buf_json_str(b, f->fig->src);
  pb_buf_printf(b, ", \"line\": %d, \"shown\": %s", f->line, f->ok ? "true" : "false");
  if (f->ok)
    pb_buf_printf(b, ", \"format\": \"%s\", \"pixels\": [%d, %d], \"natural_pt\": [%.2f, %.2f]",
                  f->format ? f->format : "", f->width_px, f->height_px, f->natural_w,
                  f->natural_h);
  else {
    pb_buf_puts(b, ", \"placeholder\": ");
    pb_buf_json_str(b, f->caption);
  }
  pb_buf_puts(b, "}");
}

static void dump_card(const pb_plan_card *c, pb_buf *b) {
  const pb_entry *e = c->entry;
  pb_buf loc = PB_BUF_INIT;
  pb_buf_printf(&loc, "%s:%d", e->file ? e->file : "", e->line);
  pb_buf_puts(b, ", \"entry\": ");
  pb_buf_printf(b, "%d, \"source\": ", e->index);
  pb_buf_json_str(b, loc.data);
  pb_buf_free(&loc);
  pb_buf_puts(b, ",\n      \"links\": [");
  for (size_t i = 0; i < c->nlinks; i++) {
    const pb_plan_link *l = &c->links[i];
    pb_buf_puts(b, i ? ",\n        " : "\n        ");
    pb_buf_printf(b, "{\"kind\": \"%s\", \"label\": ", pb_link_kind_name(l->kind));
    pb_buf_json_str(b, l->label);
    pb_buf_printf(b, ", \"%s\": ", l->target_kind == PB_PLAN_TARGET_URI ? "uri" : "file");
    pb_buf_json_str(b, l->target);
    if (l->matched) pb_buf_puts(b, ", \"matched\": true");
    pb_buf_puts(b, "}");
  }
  pb_buf_puts(b, c->nlinks ? "\n      ]" : "]");
  pb_buf_puts(b, ",\n      \"figures\": [");
  for (size_t i = 0; i < c->nfigures; i++) {
    pb_buf_puts(b, i ? ",\n        " : "\n        ");
    dump_figure(&c->figures[i], b);
  }
  pb_buf_puts(b, c->nfigures ? "\n      ]" : "]");
}

static void dump_rows(const pb_plan *P, pb_buf *b) {
  pb_buf_puts(b, "  \"rows\": [");
  for (size_t i = 0; i < P->nrows; i++) {
    const pb_plan_row *r = &P->rows[i];
    pb_buf_puts(b, i ? ",\n    " : "\n    ");
    pb_buf_printf(b, "{\"kind\": \"%s\", \"title\": ", row_kind_name(r->kind));
    pb_buf_json_str(b, r->title);
    if (r->card) dump_card(r->card, b);
    if (r->references) {
      pb_buf_printf(b, ", \"references\": %zu, \"reference_figures\": [", r->cat->references.n);
      for (size_t k = 0; k < r->nref_figures; k++) {
        if (k) pb_buf_puts(b, ", ");
        dump_figure(&r->ref_figures[k], b);
      }
      pb_buf_puts(b, "]");
    }
    pb_buf_puts(b, "}");
  }
  pb_buf_puts(b, P->nrows ? "\n  ],\n" : "],\n");
}

static void dump_appendices(const pb_plan *P, pb_buf *b) {
  pb_buf_puts(b, "  \"presenters\": [");
  for (size_t k = 0; k < P->npresenters_appendix; k++) {
    const pb_plan_presenter *pp = &P->presenters[k];
    pb_buf_puts(b, k ? ",\n    " : "\n    ");
    pb_buf_puts(b, "{\"name\": ");
    pb_buf_json_str(b, pp->name);
    pb_buf_printf(b, ", \"papers\": %d, \"absences\": %d, \"sessions\": [", pp->npapers,
                  pp->nabsences);
    for (size_t i = 0; i < pp->nsessions; i++) {
      const pb_plan_session *s = &pp->sessions[i];
      if (i) pb_buf_puts(b, ", ");
      if (s->entry)
        pb_buf_printf(b, "{\"entry\": %d, \"in_book\": %s}", s->entry->index,
                      s->in_book ? "true" : "false");
      else {
        pb_buf_puts(b, "{\"absence\": ");
        pb_buf_json_str(b, s->absence->date);
        pb_buf_puts(b, "}");
      }
    }
    pb_buf_puts(b, "]}");
  }
  pb_buf_puts(b, P->npresenters_appendix ? "\n  ],\n" : "],\n");
  pb_buf_puts(b, "  \"decks\": [");
  for (size_t i = 0; i < P->ndecks; i++) {
    const pb_plan_deck *d = &P->decks[i];
    pb_buf_puts(b, i ? ",\n    " : "\n    ");
    pb_buf_puts(b, "{\"path\": ");
    pb_buf_json_str(b, d->deck->path);
    pb_buf_printf(b, ", \"%s\": ",
                  d->target_kind == PB_PLAN_TARGET_URI        ? "uri"
                  : d->target_kind == PB_PLAN_TARGET_PDF_FILE ? "pdffile"
                                                              : "file");
    pb_buf_json_str(b, d->target);
    if (d->local_pdf) {
      pb_buf_puts(b, ", \"pdffile\": ");
      pb_buf_json_str(b, d->local_pdf);
    }
    pb_buf_printf(b, ", \"thumbnail\": %s}", d->thumbnail ? "true" : "false");
  }
  pb_buf_puts(b, P->ndecks ? "\n  ],\n" : "],\n");
  pb_buf_printf(b, "  \"deck_problems\": %zu,\n", P->deck_problems);
  const pb_plan_record *r = &P->record;
  pb_buf_printf(b,
                "  \"record\": {\"entries\": %zu, \"absences\": %zu, \"notes\": %zu, "
                "\"sessions_held\": %zu, \"sessions_planned\": %zu, \"decks\": %zu, "
                "\"people\": %zu, \"venues\": %zu, \"weeks\": %ld, \"session_before\": ",
                r->nentries, r->nabsences, r->nnotes, r->sessions_held, r->sessions_planned,
                r->nslides, r->npeople, r->nvenues,
                r->week_first < 0 ? 0L : r->week_last - r->week_first + 1);
  pb_buf_json_str(b, r->session_before ? r->session_before->date : NULL);
  pb_buf_puts(b, "}\n");
}

void pb_plan_dump_json(const pb_plan *P, pb_buf *b) {
  static const char *const modes[] = {"booklet", "digest", "handout"};
  pb_buf_printf(b, "{\n  \"mode\": \"%s\",\n  \"selection\": ", modes[P->mode]);
  pb_buf_json_str(b, P->selection);
  pb_buf_printf(b, ",\n  \"cards\": %zu,\n  \"title\": ", P->ncards);
  pb_buf_json_str(b, P->title);
  pb_buf_puts(b, ",\n  \"group\": ");
  pb_buf_json_str(b, P->group);
  pb_buf_puts(b, ",\n  \"semester\": ");
  pb_buf_json_str(b, P->semester);
  pb_buf_puts(b, ",\n  \"dates\": [");
  pb_buf_json_str(b, P->date_first);
  pb_buf_puts(b, ", ");
  pb_buf_json_str(b, P->date_last);
  pb_buf_printf(b, "],\n  \"papers\": %zu,\n  \"presenters_count\": %zu,\n", P->npapers,
                P->npresenters);
  dump_rows(P, b);
  dump_appendices(P, b);
  pb_buf_puts(b, "}\n");
}

const char *pb_one_voice(pb_arena *a, const char *s, int zh) {
  const char *dot = s ? strstr(s, " · ") : NULL;
  if (!dot) return s;
  const char *b = dot + strlen(" · ");
  int cjk_a = 0, cjk_b = 0; /* a character from U+2E80 on (lead byte 0xE2 0xBA.. and up) */
  for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)dot; p++)
    cjk_a |= *p >= 0xE3;
  for (const unsigned char *p = (const unsigned char *)b; *p; p++) cjk_b |= *p >= 0xE3;
  if (cjk_a == cjk_b) return s;
  int take_a = zh ? cjk_a : !cjk_a;
  return take_a ? pb_arena_printf(a, "%.*s", (int)(dot - s), s) : b;
}

const char *pb_chapter_voice(pb_arena *a, const char *t, int zh) {
  if (!t) return t;
  int month = strlen(t) > 7 && t[0] >= '0' && t[0] <= '9' && strstr(t, "年") == t + 4;
  if (strcmp(t, "Undated") == 0) return PB_SAY(zh, t, "未注明日期");
  if (month || !strcmp(t, "Uncategorized · 未分类") || !strcmp(t, "Unknown presenter · 未署名"))
    return pb_one_voice(a, t, zh);
  return t;
}
