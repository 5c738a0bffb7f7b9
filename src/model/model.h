/* The model: what a library of paper cards says, independent of how it was
 * written (REPORT.md blockquotes, check-in logs, YAML cards) and of how it
 * will be laid out. Everything here lives in the library's arena and is
 * freed by pb_library_free. Parsers fill it; layout reads it. */
#ifndef PB_MODEL_H
#define PB_MODEL_H

#include <stddef.h>

#include "mem.h"

/* ---- rich text (summaries, references) ----------------------------- */
enum {
  PB_STYLE_BOLD = 1,
  PB_STYLE_ITALIC = 2,
  PB_STYLE_CODE = 4,
  PB_STYLE_LINK = 8,   /* span.url is set */
  PB_STYLE_STRIKE = 16 /* ~~struck~~ */
};

typedef struct {
  const char *text; /* UTF-8, cleaned (no control characters) */
  unsigned style;   /* PB_STYLE_* bits */
  const char *url;  /* link target when PB_STYLE_LINK */
} pb_span;

typedef enum {
  PB_BLOCK_PARA,   /* a paragraph */
  PB_BLOCK_ITEM,   /* one list item's paragraph; see marker and depth */
  PB_BLOCK_CODE,   /* a code block: one span, verbatim text */
  PB_BLOCK_HEADING /* a heading inside a summary */
} pb_block_kind;

typedef struct {
  pb_block_kind kind;
  int depth;        /* list nesting (1 = top-level item) or quote depth */
  int ordinal;      /* ordered list number, 0 for bullets */
  int continuation; /* an item's second and later paragraphs: no marker */
  pb_span *spans;
  size_t nspans, capspans;
  const char *file;
  int line;
} pb_block;

typedef struct {
  pb_block *blocks;
  size_t n, cap;
} pb_text;

/* ---- links and figures -------------------------------------------- */
typedef enum {
  PB_LINK_PAPER,
  PB_LINK_CODE,
  PB_LINK_BLOG,
  PB_LINK_SLIDE,
  PB_LINK_PROJECT,
  PB_LINK_VIDEO,
  PB_LINK_DATA,
  PB_LINK_OTHER
} pb_link_kind;

typedef struct {
  pb_link_kind kind;
  const char *label; /* as written ("Paper", "代码", "arxiv") */
  const char *url;   /* as written (percent-decoding is the layout's job) */
  const char *local; /* for a library-relative target (Slide/x.pptx): the
                        path relative to the library root, else NULL */
  int line;
  const char *source; /* NULL: written on the card; else where a filled
                         paper link came from ("crossref", "bibtex:x.bib") */
} pb_link;

typedef struct {
  const char *src;  /* as written in the card */
  const char *path; /* resolved file on disk (absolute or relative to cwd),
                       NULL when not local */
  const char *url;  /* remote URL when not resolvable to a local file */
  const char *alt;
  int width_hint; /* HTML width attribute in px, 0 if none */
  const char *file;
  int line;
} pb_figure;

/* ---- entries ------------------------------------------------------ */
typedef struct pb_category pb_category;

/* Where each bibliographic field of an entry came from: NULL while the
 * field is empty, "card" when the card states it (or one of its links
 * does), else the record that filled it: "crossref", "arxiv",
 * "bibtex:FILE", "csl-json:FILE" (literals or arena strings). */
typedef struct {
  const char *authors, *venue, *year, *doi, *arxiv, *abstract, *link;
} pb_sources;

typedef struct {
  const char *title;
  const char *venue;     /* "NeurIPS", "CVPR Workshop", NULL */
  int year;              /* 0 if unknown */
  const char *note;      /* "Oral", "under review", NULL */
  const char *venue_raw; /* the parenthesised / bracketed text as written */
  const char *presenter; /* canonical spelling, NULL if unknown */
  const char *date;      /* ISO "YYYY-MM-DD", NULL if unknown */
  const char **category; /* path from the top, e.g. {"CV", "Facial expression recognition"} */
  size_t ncategory;
  pb_link *links;
  size_t nlinks, caplinks;
  pb_figure *figures;
  size_t nfigures, capfigures;
  pb_text summary;
  const char **tags;
  size_t ntags, captags;
  const char *file; /* source file and line of the entry's first line */
  int line;
  int index; /* position in the library, 0-based */
  /* The bibliographic record (biblio.h fills it from the card's links, a
   * bibliography file or --enrich; never over what the card states). */
  const char **authors; /* "Ashish Vaswani", "张三": as written, in their script */
  size_t nauthors;
  const char *doi;      /* "10.1145/3581783.3612345", no resolver prefix */
  const char *arxiv;    /* "2404.02905" or "cs/0112017", no version */
  const char *abstract; /* plain text, for dump only */
  pb_sources src;
  /* The entry of the group's own bibliography (paperbook.yml
   * `bibliography:`) matched with this card, kept whole for the BibTeX
   * and CSL-JSON exports (biblio.h); in the library's arena, or NULL. */
  const struct pb_bibrec *bibrec;
} pb_entry;

/* A week somebody did not present ("本周未精读"). */
typedef struct {
  const char *date;
  const char *presenter;
  const char *note;
  const char *file;
  int line;
} pb_absence;

struct pb_category {
  const char *name;  /* display name, inline HTML removed */
  const char *color; /* from <font color=...>, NULL if none */
  int level;         /* 1 = chapter */
  pb_category *parent;
  pb_category **children;
  size_t nchildren, capchildren;
  int *entries; /* indexes into the library's entries */
  size_t nentries, capentries;
  pb_text references; /* "相关链接" lists and similar */
  pb_figure *figures; /* figures shown with the references */
  size_t nfigures, capfigures;
  const char *file;
  int line;
};

/* A slide deck found under Slide/. */
typedef struct {
  const char *path;      /* relative to the library root: "Slide/x.pptx" */
  const char *name;      /* file name */
  const char *ext;       /* "pptx", "pdf", "html", ... lower case */
  const char *date;      /* ISO date read from the name, NULL if none */
  const char *presenter; /* recognised presenter, NULL if none */
  const char *topic;     /* what is left of the name */
  int slides;            /* slide count (pptx), 0 if unknown */
  const char *thumbnail; /* extracted thumbnail file, NULL if none */
  /* Read from the deck file (slides_deck.c): slides above is the page
   * count of a PDF deck. title: PDF Info /Title or first page text, the
   * first slide's title, HTML <title>; slide_titles: each slide's (.pptx),
   * NULL where a slide has none. note: what is missing and why. */
  const char *title;
  const char **slide_titles;
  size_t nslide_titles;
  const char *note;
  int contents_read; /* title, counts and thumbnail above have been read (pb_slides_read) */
  /* A remote deck (Google Slides, a web page): its URL (path is the same),
   * and where it was named (a card, the minutes). NULL for files. */
  const char *url;
  const char *file;
  int line;
  int *entries; /* cards linked with this deck */
  size_t nentries, capentries;
} pb_slide;

/* ---- sessions: the group's minutes (read_minutes.c, sessions.c) ------ */
/* One talk at a session: who, what they said they presented, and its
 * links (papers PB_LINK_PAPER, decks PB_LINK_SLIDE, write-ups PB_LINK_BLOG). */
typedef struct {
  const char *presenter; /* NULL when the line names nobody and several spoke */
  const char *text;      /* the description, links reduced to their titles */
  pb_link *links;
  size_t nlinks, caplinks;
  const char *file;
  int line;
} pb_talk;

/* A person named on a checklist line, with what was written in brackets
 * after the name ("何艺超（请假）": note "请假"). */
typedef struct {
  const char *name;
  const char *note;
} pb_session_person;

/* A write-up published after a session ("[x] 本周知乎专栏投稿文章: ..."). */
typedef struct {
  const char *title; /* link text, NULL if none */
  const char *url;
  const char *author;
  int done; /* [x] 1, [ ] 0 */
  const char *note;
  const char *file;
  int line;
} pb_writeup;

typedef struct {
  const char *date;        /* ISO; the year from the heading above it */
  int planned;             /* 1: from the rota after the divider, not held yet */
  const char **presenters; /* as the head names them, then any other speaker */
  size_t npresenters, cappresenters;
  pb_talk *talks;
  size_t ntalks, captalks;
  pb_session_person *absent; /* absentees; none when "无" was written */
  size_t nabsent, capabsent;
  int absent_line;   /* line of the absentee list, 0 when not written */
  const char **best; /* best questioner(s) */
  size_t nbest, capbest;
  pb_writeup *writeups;
  size_t nwriteups, capwriteups;
  const char *note; /* text in brackets on the head line */
  const char *file;
  int line;
} pb_session;

typedef struct {
  pb_arena *arena;
  const char *root; /* library root directory */
  pb_entry **entries;
  size_t nentries, capentries;
  pb_absence *absences;
  size_t nabsences, capabsences;
  pb_category *root_category; /* level 0, name NULL */
  pb_slide *slides;
  size_t nslides, capslides;
  const char *repo_url; /* https://github.com/OWNER/REPO, from git or config */
  pb_session *sessions; /* from the minutes, in file order */
  size_t nsessions, capsessions;
  const char **venue_names; /* paperbook.yml venues: written, canonical pairs */
  size_t nvenue_names;
  pb_absence *notes; /* check-in heads that name no single paper ("泛读几篇") */
  size_t nnotes, capnotes;
} pb_library;

/* Creates an empty library rooted at root (copied). */
pb_library *pb_library_new(const char *root);
void pb_library_free(pb_library *lib); /* accepts NULL */

/* Adds a new zeroed entry (file, line copied into the arena) and returns it. */
pb_entry *pb_library_add_entry(pb_library *lib, const char *file, int line);
pb_absence *pb_library_add_absence(pb_library *lib);
/* Finds or creates the category at path[0..n) below the root; each level is
 * created with the given file:line when new. n 0 returns the root. */
pb_category *pb_library_category(pb_library *lib, const char **path, size_t n, const char *file,
                                 int line);
/* Records entry in cat and copies cat's path into the entry. */
void pb_library_file_entry(pb_library *lib, pb_category *cat, pb_entry *e);

pb_link *pb_entry_add_link(pb_library *lib, pb_entry *e);
pb_figure *pb_entry_add_figure(pb_library *lib, pb_entry *e);
pb_block *pb_text_add_block(pb_library *lib, pb_text *t, pb_block_kind kind, const char *file,
                            int line);
pb_span *pb_block_add_span(pb_library *lib, pb_block *b, const char *text, size_t len,
                           unsigned style, const char *url);

/* The word a booklet shows for a link: "Paper", "Code", ... or, for other
 * links, the label as written ("Link" when it has none). */
const char *pb_link_display_label(const pb_link *l);

/* Orders entries for chapters by month (undated last, ties in library
 * order) or by presenter (unnamed last, then by date). */
typedef enum { PB_ORDER_OLDEST_FIRST, PB_ORDER_NEWEST_FIRST, PB_ORDER_PRESENTER } pb_entry_order;
void pb_entries_sort(const pb_entry **v, size_t n, pb_entry_order order);

/* A chapter of entries that share a key: a month label, or a presenter. */
typedef struct {
  const char *key;
  const pb_entry **entries;
  size_t n;
} pb_entry_group;

/* Groups the entries of lib (those with include[index] set; include NULL =
 * all) into chapters: by presenter for PB_ORDER_PRESENTER, else by month in
 * the given order. Returns the number of groups; *out and everything in it
 * live in arena a. */
size_t pb_entry_groups(pb_arena *a, const pb_library *lib, const unsigned char *include,
                       pb_entry_order order, pb_entry_group **out);

/* The top categories: those named in order[0..n) first, in that order,
 * then the rest as they appear. Returns an arena array of
 * lib->root_category->nchildren pointers. */
const pb_category **pb_top_categories(pb_arena *a, const pb_library *lib, const char *const *order,
                                      size_t norder);

/* The earliest and latest entry dates (ISO strings), or NULL for both when
 * no entry is dated. A lone outlier (a date more than 90 days from every
 * other, of at least four) is left out: one misdated card does not stretch
 * a 2025 booklet back to 2024 (the readers warn about such dates). */
void pb_library_date_range(const pb_library *lib, const char **first, const char **last);

/* Distinct presenters of the entries (and of the absences when
 * with_absences), sorted. Returns the count; *out is an arena array. */
size_t pb_library_presenters(pb_arena *a, const pb_library *lib, int with_absences,
                             const char ***out);

/* "2024年12月 · December 2024" for an ISO date, "Undated" for NULL or a
 * date without a valid month (arena string or a literal). */
const char *pb_month_label(pb_arena *a, const char *date);

/* Plain text of a rich text (spans joined, blocks separated by newlines). */
char *pb_text_plain(pb_library *lib, const pb_text *t);
const char *pb_link_kind_name(pb_link_kind k);
/* Writes link l as a one-line JSON object: kind, label, url, and local and
 * source when set (the form `paperbook dump` uses everywhere). */
void pb_link_dump(pb_buf *b, const pb_link *l);
/* Guesses a link's kind from its label ("Paper", "代码", "Slide", ...). */
pb_link_kind pb_link_kind_from_label(const char *label, const char *url);

/* Writes the whole model as JSON (stable key order, two-space indent). */
void pb_library_dump_json(const pb_library *lib, pb_buf *out);

#endif
