/* The plan stage: the book to be drawn, decided once for every output.
 *
 * From the model (a pb_library) and one pb_plan_options, pb_plan_build
 * decides what any renderer shows: which cards are selected (presenter,
 * category, a digest's window of dates, a handout's session), the front
 * matter, the chapters in order with their headings and cards, each card's
 * links resolved (decks matched by the model added, library paths turned
 * into targets), each figure judged with its size or, when it cannot be
 * shown, the placeholder caption that replaces it (for a PDF its data is
 * decoded and encoded here, once: pb_plan_options.figures), and the
 * appendices.
 *
 * Renderers (the PDF layout, the LaTeX export, the digest text, the outputs
 * to come) walk a pb_plan and decide nothing of this themselves. This is the
 * only stage after reading that judges the library's files (figures, their data
 * decoded once, deck thumbnails, decks that are missing); the outputs then read only the
 * files the plan names (figures to embed) and their own caches (fonts,
 * the store).
 *
 * A pb_plan owns its memory (one arena) and borrows the library: free the
 * plan before the library. */
#ifndef PB_PLAN_H
#define PB_PLAN_H

#include <stddef.h>

#include "mem.h"
#include "model.h"

struct pb_figstream;     /* imgcache.h: an encoded figure */
struct pb_plan_figstore; /* the plan's figures in the image cache */

typedef enum {
  PB_PLAN_BOOKLET, /* cover, contents, chapters, appendices */
  PB_PLAN_DIGEST,  /* the cards of a window of dates, "what is new" first */
  PB_PLAN_HANDOUT  /* one session's cards, for print */
} pb_plan_mode;

typedef enum { PB_PLAN_BY_CATEGORY, PB_PLAN_BY_MONTH, PB_PLAN_BY_PRESENTER } pb_plan_grouping;

/* How the plan judges the figures' data (see pb_plan_options.figures). */
typedef struct {
  const char *cache_dir; /* the image cache (imgcache.h); NULL: a private one, removed
                            with the plan (--no-cache) */
  double dpi;            /* --dpi: figures that are decoded anyway go as JPEG; the
                            downsampling itself waits for the layout's placed sizes */
  int gray;              /* --print: figures in grayscale */
  int threads;           /* encoding workers; 0: PAPERBOOK_JOBS or the processors */
  int judge_only;        /* 1: the data is decoded and checked as for the PDF, but no
                            stream is made (pb_encode_options.judge_only): for outputs
                            that copy or convert the files (the LaTeX export, which
                            asks the image cache for them: pb_imgcache_latex_file) */
  int overlap;           /* 1: pb_plan_build returns while the figures are still being
                            encoded, in the background; until pb_plan_settle_figures
                            every figure whose header read counts as shown, so that
                            the caller can lay the pages out meanwhile */
} pb_plan_figure_options;

typedef struct {
  pb_plan_mode mode;
  /* Selection; NULL = no condition. Dates are ISO YYYY-MM-DD. */
  const char *since, *until; /* digest window (since required in a digest) */
  const char *session_date;  /* handout: the session's date (required) */
  const char *presenter;     /* exact canonical name */
  const char *category;      /* "CV" or "CV/Facial ...": a prefix of the card's path */
  /* Chapters. */
  pb_plan_grouping grouping;
  int grouping_set; /* 0: by category when the library has categories, else month */
  int newest_first; /* month and presenter chapters */
  const char *const *category_order; /* display order of top categories */
  size_t ncategory_order;
  int appendix_presenters; /* booklet only */
  int appendix_slides;     /* booklet only */
  /* Front matter. */
  const char *title; /* NULL = the mode's default title, in the apparatus language */
  int zh;            /* the apparatus language is Chinese (lang: zh) */
  const char *group, *semester, *author;
  /* Links to files of the library: root_prefix leads from the output's
   * directory to the library root ("../"); base_url, when set, is a web copy
   * of the library and such links become URLs under it. */
  const char *root_prefix;
  const char *base_url;
  /* Figures: NULL probes headers only (dump --plan). Set, every figure
   * shown is also decoded and encoded for the PDF once, here, through the
   * image cache (or with judge_only decoded and checked the same way, for
   * the LaTeX export): one whose data is corrupt gets the placeholder and
   * the warning any other figure the plan cannot show gets, so the layout
   * never has to be made again, and the outputs only read what the plan
   * judged (pb_plan_figure.stream). */
  const pb_plan_figure_options *figures;
} pb_plan_options;

void pb_plan_options_default(pb_plan_options *o);

/* ---- cards -------------------------------------------------------- */

typedef enum {
  PB_PLAN_TARGET_URI,  /* target is a URL */
  PB_PLAN_TARGET_FILE, /* target is a path relative to the output's directory */
  /* target is a PDF file relative to the output's directory (GoToR) */
  PB_PLAN_TARGET_PDF_FILE
} pb_plan_target;

typedef struct {
  const pb_link *link; /* as written; NULL for a matched deck */
  pb_link_kind kind;
  const char *label;          /* the word shown: "Paper", "Slides", ... */
  const char *url;            /* as written (a matched deck: its library path) */
  const char *local;          /* library-relative path, NULL for a URL */
  pb_plan_target target_kind; /* how target is to be opened */
  const char *target;         /* resolved with root_prefix / base_url */
  int line;                   /* source line, 0 for a matched deck */
  int matched;                /* a deck the model matched by presenter and date */
} pb_plan_link;

typedef struct {
  const pb_figure *fig;
  const char *file; /* where the figure is written (the card's file when unknown) */
  int line;
  int ok;                      /* shown: path, width_px, height_px set */
  const char *path;            /* file on disk when ok */
  int width_px, height_px;     /* displayed pixels (after EXIF orientation) */
  const char *format;          /* "PNG", "JPEG", "WebP", "GIF" when ok */
  double natural_w, natural_h; /* points at 96 dpi, an HTML width attribute applied */
  int remote;                  /* not a local file: a URL (the placeholder links it) */
  const char *caption;         /* the placeholder's caption when !ok */
  const char *reason;          /* why it is not shown (NULL for remote figures) */
  /* When the plan judged the data (pb_plan_options.figures): the figure in
   * the image cache (imgcache.h's pb_figstream; opaque to the stages that
   * may not use images): its encoded stream for the PDF back end, or with
   * judge_only its verdict; the LaTeX export and the mail ask the cache for
   * the files they need by it. NULL when !ok or when only the header was
   * probed. */
  const struct pb_figstream *stream;
} pb_plan_figure;

typedef struct {
  const pb_entry *entry;
  pb_plan_link *links;
  size_t nlinks;
  /* The paper link, decided here for every output that names one (the
   * BibTeX url, CSL-JSON URL, the mail's title link): the first link of
   * kind PB_LINK_PAPER whose target is an http or https URL; NULL if none. */
  const pb_plan_link *paper;
  pb_plan_figure *figures;
  size_t nfigures;
} pb_plan_card;

/* ---- chapters ----------------------------------------------------- */

typedef enum { PB_ROW_CHAPTER, PB_ROW_SECTION, PB_ROW_SUBSECTION, PB_ROW_CARD } pb_plan_row_kind;

typedef struct {
  pb_plan_row_kind kind;
  int level;                   /* 1 = chapter, 2 = section, ...: a category's depth;
                                  a card is one deeper than its heading */
  const char *title;           /* heading text, or the card's title */
  const char *color;           /* a category's colour as written, NULL if none */
  int has_rgb;                 /* color is one paperbook knows ("#RRGGBB" or a name): */
  float rgb[3];                /* its red, green and blue, 0..1, for every output */
  const pb_category *cat;      /* category headings, NULL otherwise */
  int references;              /* show cat's references and figures here */
  pb_plan_figure *ref_figures; /* cat's reference figures, probed */
  size_t nref_figures;
  pb_plan_card *card; /* PB_ROW_CARD */
} pb_plan_row;

/* ---- appendices --------------------------------------------------- */

typedef struct {
  const pb_entry *entry;           /* a paper presented, or NULL */
  const pb_absence *absence;       /* a week not read, or NULL */
  const pb_link *deck;             /* the card's own deck link, NULL if none */
  pb_plan_target deck_target_kind; /* where deck leads, under the link policy */
  const char *deck_target;         /* NULL: its name is text only */
  int in_book;                     /* the card is in this plan (can be linked to) */
} pb_plan_session;

typedef struct {
  const char *name;
  int npapers, nabsences;
  pb_plan_session *sessions; /* papers by date (oldest first), then absences */
  size_t nsessions;
} pb_plan_presenter;

typedef struct {
  const pb_slide *deck;
  const char *thumbnail;                   /* probed JPEG/PNG thumbnail, NULL if none */
  int thumb_w, thumb_h;                    /* its pixels */
  const struct pb_figstream *thumb_stream; /* its encoded stream, as a figure's */
  /* Where the deck's name links: a remote deck's URL; with base_url or
   * the library's repo_url, its page there; else the local file (a PDF
   * deck as PB_PLAN_TARGET_PDF_FILE). local_pdf: a PDF deck linked to the
   * web keeps its local file here (GoToR), else NULL. */
  pb_plan_target target_kind;
  const char *target;
  const char *local_pdf;
} pb_plan_deck;

/* ---- the record ---------------------------------------------------- */

typedef struct {
  const char *venue; /* as the card names it (canonical) */
  int n;             /* cards of that venue */
} pb_plan_venue;

/* One thing the minutes or the check-ins' notes hold of a person: a talk,
 * a write-up or a week as best questioner at a held session, or a note. */
typedef enum { PB_PLAN_TALK, PB_PLAN_WRITEUP, PB_PLAN_BEST, PB_PLAN_NOTE } pb_plan_item_kind;

typedef struct {
  const char *name;
  pb_plan_item_kind kind;
  size_t ses; /* index into the record's sessions (a note: into its notes) */
  size_t k;   /* the talk, write-up or best questioner in that session */
} pb_plan_person_item;

/* What the group kept, for the appendix's overview and per-presenter
 * sections and a handout's brief: views onto the model's structs that the
 * plan chose (today every item of the library, in library order, so that
 * the overview counts the whole record whatever the selection). Renderers
 * read these, never the library. */
typedef struct {
  const pb_entry *const *entries; /* every card read, indexed as the model's */
  size_t nentries;
  const pb_absence *const *absences; /* weeks not read ("未精读") */
  size_t nabsences;
  const pb_absence *const *notes; /* check-in heads naming no single paper */
  size_t nnotes;
  const pb_session *const *sessions; /* the minutes' sessions, held and planned */
  size_t nsessions;
  size_t sessions_held, sessions_planned;
  const pb_slide *const *slides; /* every deck of the library, in its order */
  size_t nslides;
  /* A handout's session: the latest held session before it, else NULL. */
  const pb_session *session_before;
  /* Everybody in the record (cards, weeks not read, notes, presenters of
   * held sessions), distinct, in name order (pinyin for Chinese). */
  const char **people;
  size_t npeople;
  /* The record's period in week numbers (dates.h), -1 when undated: the
   * check-ins' (cards, weeks not read, notes), or the held sessions' when
   * the check-ins have no date. */
  long week_first, week_last;
  /* The cards' venues with their counts, most counted first (then by
   * name). */
  const pb_plan_venue *venues;
  size_t nvenues;
  /* Everybody's talks, write-ups, best-questioner weeks (held sessions
   * only) and notes, sorted by name (pb_name_cmp), kind and place, so that
   * a person's items of one kind are one run: pb_plan_person_items. */
  const pb_plan_person_item *person_items;
  size_t nperson_items;
  /* The dated decks, by date then in the library's order:
   * pb_plan_talk_decks. */
  const pb_slide *const *dated_decks;
  size_t ndated_decks;
} pb_plan_record;

/* The run of who's items of one kind in rec (binary search, so that an
 * appendix of every presenter is n log n): *first and the count. */
size_t pb_plan_person_items(const pb_plan_record *rec, const char *who, pb_plan_item_kind kind,
                            const pb_plan_person_item **first);
/* The decks of the library that go with talk t of session ses and that the
 * talk does not link already: dated the session's day and named for the
 * talk's presenter (or for nobody, or the talk names nobody). At most max
 * of them, in rec's dated_decks order, into out; returns how many. */
size_t pb_plan_talk_decks(const pb_plan_record *rec, const pb_session *ses, const pb_talk *t,
                          const pb_slide **out, size_t max);

/* ---- the plan ----------------------------------------------------- */

typedef struct {
  pb_arena *arena;
  const pb_library *lib;
  pb_plan_mode mode;
  /* Selection. */
  const unsigned char *include; /* per entry index: 1 = in the book */
  size_t nincluded;
  int selected;              /* a selection was applied (else every card) */
  const char *selection;     /* "2024-12-01 — today, presenter X", NULL if none */
  const char *session_date;  /* handout: the session's date, else NULL */
  const pb_session *session; /* handout: that session in the minutes, else NULL */
  /* A digest or a check-in week's handout: the weeks not read ("未精读")
   * whose date is in its window (and of its presenter, when one is asked
   * for), in library order. */
  const pb_absence **absences;
  size_t nabsences;
  /* Front matter. */
  const char *title; /* never NULL: the mode's default when none was given */
  int title_given;   /* a title was given (a digest's or handout's default counts) */
  const char *group, *semester, *author;
  const char *date_first, *date_last; /* dates of the library's entries */
  size_t npapers;                     /* cards in the book */
  size_t npresenters;                 /* distinct presenters of those cards */
  const char **session_presenters;    /* with a selection: those presenters in
                                         the order first met, else NULL */
  const char *keywords;               /* chapter names, ", "-separated */
  /* Chapters in order. */
  pb_plan_row *rows;
  size_t nrows;
  /* Cards in library order (each also in one row). */
  pb_plan_card *cards;
  size_t ncards;
  pb_plan_card **card_of_entry; /* per entry index, NULL if not in the book */
  /* Appendices (booklet only; empty when not asked for). */
  pb_plan_presenter *presenters;
  size_t npresenters_appendix;
  int appendix_presenters;
  int total_papers, total_absences;
  pb_plan_deck *decks;
  size_t ndecks;
  int appendix_slides;
  size_t decks_unmentioned;
  size_t deck_problems;    /* items in deck_report */
  const char *deck_report; /* decks no card mentions, missing decks */
  /* The record the appendices and a handout's brief draw from. */
  pb_plan_record record;
  /* The judged figures' streams and their cache (owned; NULL when the
   * figures were only probed). */
  struct pb_plan_figstore *figstore;
} pb_plan;

/* Builds the plan. Figures are probed (headers, and with opt->figures
 * their data too) and each that cannot be shown gets a warning at its
 * file:line, once. Returns NULL only when memory runs out; a selection that
 * matches nothing gives nincluded 0. */
pb_plan *pb_plan_build(const pb_library *lib, const pb_plan_options *opt);
void pb_plan_free(pb_plan *plan); /* accepts NULL; waits for the figures first */

/* With pb_plan_figure_options.overlap: whether the figures are still being
 * encoded, and the wait for them. pb_plan_settle_figures gives the
 * verdicts as pb_plan_build gives them without overlap (a figure whose
 * data failed becomes a placeholder, with one warning, in the book's
 * order) and returns how many shown figures and deck thumbnails they took
 * away: a layout made before is then out of date. 0 without overlap. */
int pb_plan_figures_pending(const pb_plan *plan);
size_t pb_plan_settle_figures(pb_plan *plan);

/* Writes the plan as JSON (stable key order, two-space indent): what
 * `paperbook dump --plan` prints. */
void pb_plan_dump_json(const pb_plan *plan, pb_buf *out);

/* One language for the apparatus: en or zh as zh says. */
#define PB_SAY(zh, en, cn) ((zh) ? (cn) : (en))

/* A generated bilingual label "English · 中文" or "2024年12月 · December
 * 2024" (one side in Chinese, the other not) reduced to the side in the
 * language zh asks for; anything else (a reader's own heading) unchanged. */
const char *pb_one_voice(pb_arena *a, const char *s, int zh);
/* A chapter name paperbook made (a month, "Undated", "Uncategorized") in
 * that language; a reader's own heading stays as written. */
const char *pb_chapter_voice(pb_arena *a, const char *t, int zh);

#endif
