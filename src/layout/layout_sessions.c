#include "layout_sessions.h"

#include <stdlib.h>
#include <string.h>

#include "collate.h"
#include "dates.h"
#include "diag.h"
#include "links.h"
#include "para.h"
#include "qr.h"
#include "sessions.h"

/* Colours of the pictures; in print mode every mark is a gray level or a
 * pattern (cross, diagonal, inner square) that reads without colour. */
typedef struct {
  pb_rgb ink, gray, rule, read, absent_fill, absent_mark, note_fill, presented, bar, link;
} palette;

static palette colours(const pb_sheet *s) {
  if (s->print)
    return (palette){{0.1f, 0.1f, 0.1f},
                     {0.4f, 0.4f, 0.4f},
                     {0.7f, 0.7f, 0.7f},
                     {0.62f, 0.62f, 0.62f},
                     {1, 1, 1},
                     {0.1f, 0.1f, 0.1f},
                     {1, 1, 1},
                     {0.05f, 0.05f, 0.05f},
                     {0.55f, 0.55f, 0.55f},
                     {0.1f, 0.1f, 0.1f}};
  return (palette){{0.1f, 0.1f, 0.1f},    {0.42f, 0.42f, 0.42f}, {0.75f, 0.75f, 0.75f},
                   {0.36f, 0.70f, 0.46f}, {0.99f, 0.85f, 0.80f}, {0.78f, 0.20f, 0.15f},
                   {0.99f, 0.93f, 0.62f}, {0.08f, 0.20f, 0.58f}, {0.30f, 0.50f, 0.75f},
                   {0.05f, 0.30f, 0.62f}};
}

/* ---- drawing helpers --------------------------------------------- */

static void new_page(pb_sheet *s) {
  s->page = s->new_page(s->ctx);
  s->y = s->top;
}

static void need(pb_sheet *s, double h) {
  if (s->y - h < s->bottom && s->y < s->top - 0.01) new_page(s);
}

static pb_item *add(pb_sheet *s, pb_item_kind k) {
  return pb_page_add_item(s->doc, &s->doc->pages[s->page], k);
}

static void rect(pb_sheet *s, double x, double y, double w, double h, const pb_rgb *fill,
                 const pb_rgb *stroke, double lw) {
  pb_item *r = add(s, PB_ITEM_RECT);
  r->x = (float)x, r->y = (float)y, r->w = (float)w, r->h = (float)h;
  if (fill) r->filled = 1, r->fill = *fill;
  if (stroke) r->color = *stroke, r->line_width = (float)lw;
}

static void line(pb_sheet *s, double x, double y, double x2, double y2, pb_rgb c, double lw) {
  pb_item *r = add(s, PB_ITEM_LINE);
  r->x = (float)x, r->y = (float)y, r->w = (float)(x2 - x), r->h = (float)(y2 - y);
  r->color = c;
  r->line_width = (float)lw;
}

static pb_span_in sp(const char *text, pb_family fam, unsigned style, double size, pb_rgb c) {
  pb_span_in x;
  memset(&x, 0, sizeof x);
  x.text = text ? text : "";
  x.len = strlen(x.text);
  x.family = fam;
  x.style = style;
  x.size = size;
  x.color = c;
  return x;
}

static void draw_runs(pb_sheet *s, const pb_line *ln, double x, double y) {
  for (size_t i = 0; i < ln->nruns; i++) {
    const pb_run *r = &ln->runs[i];
    pb_item *t = add(s, PB_ITEM_TEXT);
    t->x = (float)(x + r->x), t->y = (float)y, t->w = (float)r->w, t->h = (float)r->size;
    t->face = r->face;
    t->size = (float)r->size;
    t->text = pb_arena_strndup(s->arena, r->text, r->len);
    t->len = r->len;
    t->char_space = (float)r->char_space;
    t->color = r->color;
    /* only what the link policy makes clickable (http, https, mailto) */
    char *uri = r->url && r->len ? pb_links_web_uri(r->url) : NULL;
    if (uri) {
      pb_item *k = add(s, PB_ITEM_LINK);
      k->x = (float)(x + r->x), k->y = (float)(y - r->size * 0.25);
      k->w = (float)r->w, k->h = (float)(r->size * 1.15);
      k->target = PB_TARGET_URI;
      k->uri = pb_arena_strdup(s->arena, uri);
      free(uri);
    }
  }
}

/* Sets spans at width; 0 on success. */
static int set(pb_sheet *s, const pb_span_in *v, size_t n, double width, pb_para *p) {
  pb_para_options po;
  memset(&po, 0, sizeof po);
  po.width = width > 10 ? width : 10;
  memset(p, 0, sizeof *p);
  return pb_para_layout(s->fonts, s->arena, v, n, &po, p, NULL, 0);
}

/* One line of text with its baseline at y; returns its width. */
static double text_at(pb_sheet *s, double x, double y, const char *t, pb_family fam, unsigned style,
                      double size, pb_rgb c) {
  pb_span_in v = sp(t, fam, style, size, c);
  pb_para p;
  if (set(s, &v, 1, 2000, &p) != PB_OK || !p.nlines) return 0;
  draw_runs(s, &p.lines[0], x, y);
  return p.lines[0].width;
}

static double width_of(pb_sheet *s, const char *t, pb_family fam, unsigned style, double size) {
  return pb_text_width(s->fonts, t, strlen(t), fam, style, size);
}

/* Flows a paragraph from the cursor at x, breaking pages between lines. */
static void flow(pb_sheet *s, const pb_span_in *v, size_t n, double x, double width,
                 double leading) {
  pb_para p;
  if (set(s, v, n, width, &p) != PB_OK) return;
  for (size_t i = 0; i < p.nlines; i++) {
    if (s->y - leading < s->bottom) new_page(s);
    const pb_line *ln = &p.lines[i];
    double base = s->y - leading + (leading - ln->ascent - ln->descent) / 2 + ln->descent;
    draw_runs(s, ln, x, base);
    s->y -= leading;
  }
}

static void heading(pb_sheet *s, const char *title, double size, double keep) {
  palette P = colours(s);
  need(s, size * 1.4 + 8 + keep);
  if (s->y < s->top - 0.01) s->y -= 8;
  pb_span_in v = sp(title, PB_FAMILY_SANS, PB_STYLE_BOLD, size, P.ink);
  flow(s, &v, 1, s->left, s->right - s->left, size * 1.35);
  s->y -= 3;
}

/* ---- the calendar ---------------------------------------------------- */

enum { C_READ = 1, C_ABSENT = 2, C_PRESENTED = 4, C_NOTE = 8 };
#define MAX_WEEKS 160 /* about three years; older weeks are left out */
#define MAX_ROWS 60   /* people in one picture */

static size_t person_index(const char **v, size_t n, const char *name) {
  if (!name) return n;
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = pb_name_cmp(v[mid], name);
    if (!c) return mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return n;
}

typedef struct {
  long w0, nweeks;
  const char **who;
  size_t nwho, total;  /* drawn, and all people in the record */
  unsigned char *cell; /* nwho x nweeks */
} calendar;

static void mark(calendar *c, const char *who, const char *date, unsigned char bit) {
  long w = pb_date_week(date);
  size_t p = person_index(c->who, c->nwho, who);
  if (w < c->w0 || w >= c->w0 + c->nweeks || p >= c->nwho) return;
  c->cell[p * (size_t)c->nweeks + (size_t)(w - c->w0)] |= bit;
}

static int build_calendar(pb_arena *a, const pb_plan_record *rec, calendar *c) {
  long lo = rec->week_first, hi = rec->week_last;
  if (lo < 0) return 0;
  if (hi - lo + 1 > MAX_WEEKS) lo = hi - MAX_WEEKS + 1;
  c->w0 = lo;
  c->nweeks = hi - lo + 1;
  c->who = rec->people;
  c->nwho = rec->npeople;
  if (!c->nwho) return 0;
  c->total = c->nwho;
  if (c->nwho > MAX_ROWS) c->nwho = MAX_ROWS; /* the rest are counted below the picture */
  c->cell = pb_arena_alloc(a, c->nwho * (size_t)c->nweeks);
  for (size_t i = 0; i < rec->nentries; i++)
    mark(c, rec->entries[i]->presenter, rec->entries[i]->date, C_READ);
  for (size_t i = 0; i < rec->nabsences; i++)
    mark(c, rec->absences[i]->presenter, rec->absences[i]->date, C_ABSENT);
  for (size_t i = 0; i < rec->nnotes; i++)
    mark(c, rec->notes[i]->presenter, rec->notes[i]->date, C_NOTE);
  for (size_t i = 0; i < rec->nsessions; i++) {
    const pb_session *ses = rec->sessions[i];
    if (ses->planned) continue;
    for (size_t k = 0; k < ses->npresenters; k++)
      mark(c, ses->presenters[k], ses->date, C_PRESENTED);
  }
  return 1;
}

/* One cell at (x, y) size q: read = filled, not read = crossed, a note =
 * one diagonal, presented = a dark inner square over whatever else. */
static void draw_cell(pb_sheet *s, const palette *P, double x, double y, double q, double h,
                      unsigned char v) {
  const pb_rgb *fill = v & C_READ     ? &P->read
                       : v & C_ABSENT ? &P->absent_fill
                       : v & C_NOTE   ? &P->note_fill
                                      : NULL;
  rect(s, x, y, q, h, fill, &P->rule, 0.3);
  if ((v & C_ABSENT) && !(v & C_READ)) {
    line(s, x + 1, y + 1, x + q - 1, y + h - 1, P->absent_mark, 0.7);
    line(s, x + 1, y + h - 1, x + q - 1, y + 1, P->absent_mark, 0.7);
  } else if ((v & C_NOTE) && !(v & C_READ)) {
    line(s, x + 1, y + 1, x + q - 1, y + h - 1, P->ink, 0.6);
  }
  if (v & C_PRESENTED) {
    double m = (q < h ? q : h) * 0.28;
    rect(s, x + m, y + m, q - 2 * m, h - 2 * m, &P->presented, NULL, 0);
  }
}

static void legend(pb_sheet *s, const palette *P, double q) {
  static const struct {
    unsigned char v;
    const char *label;
  } keys[] = {{C_READ, "read · 精读"},
              {C_ABSENT, "not read · 未精读"},
              {C_NOTE, "skimmed, no card · 泛读"},
              {C_PRESENTED, "presented · 报告"},
              {0, "no record · 无记录"}}; /* one side drawn: pb_one_voice */
  need(s, q + 10);
  double x = s->left, y = s->y - q - 2;
  for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
    draw_cell(s, P, x, y, q, q, keys[k].v);
    x += q + 4;
    x += text_at(s, x, y + 1, pb_one_voice(s->arena, keys[k].label, s->zh), PB_FAMILY_SANS, 0, 7.5,
                 P->gray) +
         14;
  }
  s->y = y - 8;
}

/* The columns shown: every week from the first to the last with a
 * record, except that a run of more than four empty weeks (a break, a
 * mistyped year) collapses into one narrow gap column (-1). */
static size_t calendar_columns(pb_arena *a, const calendar *c, long **out) {
  long *col = pb_arena_alloc(a, ((size_t)c->nweeks + 1) * sizeof *col);
  size_t n = 0;
  long w = 0;
  while (w < c->nweeks) {
    long e = w;
    while (e < c->nweeks) {
      int any = 0;
      for (size_t p = 0; p < c->nwho && !any; p++) any = c->cell[p * (size_t)c->nweeks + (size_t)e];
      if (any) break;
      e++;
    }
    if (e - w > 4) {
      col[n++] = -1;
      w = e;
      continue;
    }
    for (; w <= e && w < c->nweeks; w++) col[n++] = w;
  }
  *out = col;
  return n;
}

static void draw_calendar(pb_sheet *s, const pb_plan_record *rec) {
  calendar c;
  memset(&c, 0, sizeof c);
  if (!build_calendar(s->arena, rec, &c)) return;
  palette P = colours(s);
  long *col;
  size_t ncol = calendar_columns(s->arena, &c, &col);
  const double fs = 7, rh = 9.5; /* name size, row height */
  double namew = 0;
  for (size_t i = 0; i < c.nwho; i++) {
    double w = width_of(s, c.who[i], PB_FAMILY_SANS, 0, fs);
    if (w > namew) namew = w;
  }
  if (namew > 90) namew = 90;
  namew += 6;
  double avail = s->right - s->left - namew;
  /* columns of 6.5 to 11 pt; more weeks than fit go to a further band */
  double q = avail / (double)ncol;
  if (q > 11) q = 11;
  size_t per = ncol;
  if (q < 6.5) {
    q = 6.5;
    per = (size_t)(avail / q);
  }
  double ch = q < rh - 1 ? q : rh - 1; /* cell height */
  heading(s, PB_SAY(s->zh, "Weeks × presenters", "每周精读与报告"), 12, 40);
  for (size_t b0 = 0; b0 < ncol; b0 += per) {
    size_t bn = ncol - b0 < per ? ncol - b0 : per;
    need(s, 16 + rh * (double)c.nwho + 6);
    double top = s->y - 12;
    int last_m = 0, last_y = 0;
    double lab_end = 0;
    for (size_t k = 0; k < bn; k++) {
      long w = col[b0 + k];
      double x = s->left + namew + q * (double)k;
      if (w < 0) {
        text_at(s, x + q * 0.15, top - rh * (double)c.nwho / 2 - 2, "…", PB_FAMILY_SANS, 0, 7,
                P.gray);
        last_m = 0;
        continue;
      }
      char mon[11];
      pb_week_monday(c.w0 + w, mon);
      int y, m;
      pb_date_scan_month(mon, &y, &m);
      if (m == last_m || x < lab_end) continue;
      const char *lab = y != last_y ? pb_arena_printf(s->arena, "%d.%d", y, m)
                                    : pb_arena_printf(s->arena, "%d", m);
      lab_end = x + text_at(s, x, top + 2, lab, PB_FAMILY_SANS, 0, 6.5, P.gray) + 3;
      last_m = m, last_y = y;
    }
    for (size_t p = 0; p < c.nwho; p++) {
      double y = top - rh * (double)(p + 1);
      text_at(s, s->left, y + 1.5, c.who[p], PB_FAMILY_SANS, 0, fs, P.ink);
      for (size_t k = 0; k < bn; k++)
        if (col[b0 + k] >= 0)
          draw_cell(s, &P, s->left + namew + q * (double)k, y, q - 0.8, ch,
                    c.cell[p * (size_t)c.nweeks + (size_t)col[b0 + k]]);
    }
    s->y = top - rh * (double)c.nwho - 8;
  }
  if (c.total > c.nwho) {
    pb_span_in v =
        sp(pb_arena_printf(s->arena, "… and %zu more people, not drawn", c.total - c.nwho),
           PB_FAMILY_SANS, 0, 7.5, P.gray);
    flow(s, &v, 1, s->left, s->right - s->left, 11);
  }
  legend(s, &P, 8);
}

/* ---- papers per month and top venues --------------------------------- */

/* The months the chart spans (at most the last five years): 0 when no
 * card is dated. */
static int month_span(const pb_plan_record *rec, int *py0, int *pm0) {
  int y0 = 0, m0 = 0, y1 = 0, m1 = 0;
  for (size_t i = 0; i < rec->nentries; i++) {
    const char *d = rec->entries[i]->date;
    if (!d) continue;
    int y, m;
    if (!pb_date_scan_month(d, &y, &m)) continue;
    if (!y0 || y * 12 + m < y0 * 12 + m0) y0 = y, m0 = m;
    if (y * 12 + m > y1 * 12 + m1) y1 = y, m1 = m;
  }
  if (!y0) return 0;
  int n = (y1 * 12 + m1) - (y0 * 12 + m0) + 1;
  if (n > 60) { /* the last five years */
    int start = y1 * 12 + m1 - 59;
    y0 = (start - 1) / 12, m0 = (start - 1) % 12 + 1;
    n = 60;
  }
  *py0 = y0, *pm0 = m0;
  return n;
}

#define MONTH_SLOT_MIN 12.0 /* a bar and its two-digit count */
#define VENUE_BAR_MIN 80.0
#define MONTHS_CHART_H 90.0 /* the tallest bar */
/* the chart with its heading (8 above, a 12 pt line, 3 below) as its own
 * need() asks for it */
#define MONTHS_H (8 + 12 * 1.35 + 3 + MONTHS_CHART_H + 42)

static void draw_months(pb_sheet *s, const pb_plan_record *rec) {
  int y0, m0, n = month_span(rec, &y0, &m0);
  if (!n) return;
  int *count = pb_arena_alloc(s->arena, (size_t)n * sizeof *count);
  int most = 0;
  for (size_t i = 0; i < rec->nentries; i++) {
    const char *d = rec->entries[i]->date;
    if (!d) continue;
    int y, m;
    if (!pb_date_scan_month(d, &y, &m)) continue;
    int k = y * 12 + m - (y0 * 12 + m0);
    if (k >= 0 && k < n && ++count[k] > most) most = count[k];
  }
  palette P = colours(s);
  heading(s, PB_SAY(s->zh, "Papers per month", "每月精读篇数"), 12, 120);
  double H = MONTHS_CHART_H, avail = s->right - s->left - 20;
  double slot = avail / n, bw = slot * 0.7;
  if (bw > 26) bw = 26;
  need(s, H + 42);
  double base = s->y - H - 12;
  line(s, s->left + 16, base, s->right, base, P.ink, 0.6);
  for (int k = 0; k < n; k++) {
    double x = s->left + 20 + slot * k + (slot - bw) / 2;
    double h = most ? H * count[k] / most : 0;
    if (h > 0) rect(s, x, base, bw, h, &P.bar, &P.ink, 0.3);
    if (count[k])
      text_at(s, x + bw / 2 - 3, base + h + 2, pb_arena_printf(s->arena, "%d", count[k]),
              PB_FAMILY_SANS, 0, 6.5, P.ink);
    int m = (m0 - 1 + k) % 12 + 1, y = y0 + (m0 - 1 + k) / 12;
    text_at(s, x, base - 9, pb_arena_printf(s->arena, "%d", m), PB_FAMILY_SANS, 0, 6.5, P.gray);
    if (k == 0 || m == 1)
      text_at(s, x, base - 17, pb_arena_printf(s->arena, "%d", y), PB_FAMILY_SANS, PB_STYLE_BOLD,
              6.5, P.gray);
  }
  s->y = base - 26;
}

/* The width of the venue labels' column. */
static double venue_label_w(pb_sheet *s, const pb_plan_record *rec, size_t n) {
  double labw = 0;
  for (size_t k = 0; k < n; k++) {
    double w = width_of(s, rec->venues[k].venue, PB_FAMILY_SANS, 0, 8);
    if (w > labw) labw = w;
  }
  return labw > 140 ? 140 : labw;
}

static void draw_venues(pb_sheet *s, const pb_plan_record *rec) {
  const pb_plan_venue *v = rec->venues;
  size_t n = rec->nvenues;
  if (!n) return;
  if (n > 10) n = 10;
  palette P = colours(s);
  heading(s, PB_SAY(s->zh, "Top venues", "主要会议与期刊"), 12, 14.0 * (double)n);
  double labw = venue_label_w(s, rec, n);
  double x0 = s->left + labw + 8, maxw = s->right - x0 - 30;
  for (size_t k = 0; k < n; k++) {
    need(s, 14);
    double y = s->y - 12;
    text_at(s, s->left, y + 2, v[k].venue, PB_FAMILY_SANS, 0, 8, P.ink);
    double w = maxw * v[k].n / v[0].n;
    rect(s, x0, y, w, 9, &P.bar, &P.ink, 0.3);
    text_at(s, x0 + w + 4, y + 2, pb_arena_printf(s->arena, "%d", v[k].n), PB_FAMILY_SANS, 0, 8,
            P.ink);
    s->y -= 14;
  }
  s->y -= 6;
}

double pb_layout_group_overview_head(const pb_plan_record *rec) {
  size_t n = rec->npeople;
  if (n > MAX_ROWS) n = MAX_ROWS;
  /* the counts line (13), the calendar's heading (8 + 12 x 1.35 + 3) and
   * its first band (20 + a row per person): what draw_calendar keeps whole */
  return 13 + 28 + 20 + 9.5 * (double)n;
}

void pb_layout_group_overview(pb_sheet *s, const pb_plan_record *rec) {
  size_t held = rec->sessions_held, planned = rec->sessions_planned;
  palette P = colours(s);
  pb_span_in v =
      sp(pb_arena_printf(s->arena,
                         PB_SAY(s->zh, "%zu papers, %zu weeks not read, %zu sessions held%s%s",
                                "精读 %zu 篇，未精读 %zu 周，组会 %zu 次%s%s"),
                         rec->nentries, rec->nabsences, held,
                         planned ? PB_SAY(s->zh, ", planned: ", "，计划 ") : "",
                         planned ? pb_arena_printf(s->arena, "%zu", planned) : ""),
         PB_FAMILY_SANS, 0, 9, P.gray);
  flow(s, &v, 1, s->left, s->right - s->left, 13);
  draw_calendar(s, rec);
  /* The two small charts share a row, each in half the measure, when each
   * keeps what it needs there: a month's bar slot of MONTH_SLOT_MIN and
   * venue bars of VENUE_BAR_MIN beside their labels. Otherwise, or when
   * one is empty, they stack. */
  int y0, m0, nm = month_span(rec, &y0, &m0);
  size_t nv = rec->nvenues > 10 ? 10 : rec->nvenues;
  double L = s->left, R = s->right, gap = 24, half = (R - L - gap) / 2;
  if (nm && nv && (half - 20) / nm >= MONTH_SLOT_MIN &&
      half - venue_label_w(s, rec, nv) - 8 - 30 >= VENUE_BAR_MIN) {
    double venues_h = 8 + 12 * 1.35 + 3 + 14.0 * (double)nv + 6;
    need(s, MONTHS_H > venues_h ? MONTHS_H : venues_h);
    double top = s->y;
    s->right = L + half;
    draw_months(s, rec);
    double low = s->y;
    s->y = top;
    s->left = R - half;
    s->right = R;
    draw_venues(s, rec);
    if (s->y > low) s->y = low;
    s->left = L;
    return;
  }
  draw_months(s, rec);
  draw_venues(s, rec);
}

/* ---- per presenter ----------------------------------------------------- */

static void item_line(pb_sheet *s, const char *date, pb_span_in *v, size_t n) {
  palette P = colours(s);
  double dw = 58;
  need(s, 13);
  double y0 = s->y;
  int p0 = s->page;
  flow(s, v, n, s->left + 12 + dw, s->right - s->left - 12 - dw, 12.5);
  if (date) {
    int keep = s->page;
    s->page = p0;
    text_at(s, s->left + 12, y0 - 9.5, date, PB_FAMILY_SANS, 0, 8.5, P.gray);
    s->page = keep;
  }
}

/* The plan's index of people's items (pb_plan_person_items): the handle
 * layout.c passes along, so that the per-presenter sections find it. */
struct pb_person_index {
  const pb_plan_record *rec;
};

static void talk_line(pb_sheet *s, const pb_person_index *ix, const pb_session *ses,
                      const pb_talk *t) {
  palette P = colours(s);
  pb_span_in v[16];
  size_t n = 0;
  v[n++] = sp(t->text ? t->text : "(no description)", PB_FAMILY_TEXT, 0, 9, P.ink);
  for (size_t i = 0; i < t->nlinks && n < 12; i++) {
    const pb_link *l = &t->links[i];
    v[n] = sp(l->local ? pb_arena_printf(s->arena, "  [%s: %s]", pb_link_display_label(l), l->local)
                       : pb_arena_printf(s->arena, "  [%s]", pb_link_display_label(l)),
              PB_FAMILY_SANS, 0, 8, P.link);
    v[n].url = l->url;
    n++;
  }
  /* decks of the library dated this session and named for this presenter */
  const pb_slide *decks[16];
  size_t nd = pb_plan_talk_decks(ix->rec, ses, t, decks, 15 - n);
  for (size_t i = 0; i < nd; i++)
    v[n++] =
        sp(pb_arena_printf(s->arena, "  [deck: %s]", decks[i]->path), PB_FAMILY_SANS, 0, 8, P.gray);
  item_line(s, ses->date, v, n);
}

const pb_person_index *pb_layout_person_index(pb_arena *a, const pb_plan_record *rec) {
  pb_person_index *ix = pb_arena_alloc(a, sizeof *ix);
  ix->rec = rec;
  return ix;
}

static void writeup_line(pb_sheet *s, const pb_session *ses, const pb_writeup *w) {
  palette P = colours(s);
  pb_span_in v[3];
  size_t n = 0;
  /* the minutes' checkbox (ticked once the column accepted it) in words */
  v[n] = sp(w->title ? w->title : w->url, PB_FAMILY_TEXT, 0, 9, P.link);
  v[n++].url = w->url;
  const char *state = w->done ? "" : PB_SAY(s->zh, " (pending)", "（待录用）");
  if (w->note || *state)
    v[n++] = sp(
        pb_arena_printf(s->arena, "%s%s%s", state, w->note ? "  — " : "", w->note ? w->note : ""),
        PB_FAMILY_TEXT, PB_STYLE_ITALIC, 8.5, P.gray);
  item_line(s, ses->date, v, n);
}

void pb_layout_presenter_sessions(pb_sheet *s, const pb_plan_record *rec, const pb_person_index *ix,
                                  const char *who) {
  palette P = colours(s);
  const pb_plan_person_item *t, *w, *b, *nt;
  size_t ntalks = pb_plan_person_items(ix->rec, who, PB_PLAN_TALK, &t);
  size_t nw = pb_plan_person_items(ix->rec, who, PB_PLAN_WRITEUP, &w);
  size_t nbest = pb_plan_person_items(ix->rec, who, PB_PLAN_BEST, &b);
  size_t nnotes = pb_plan_person_items(ix->rec, who, PB_PLAN_NOTE, &nt);
  if (ntalks) {
    heading(s, pb_arena_printf(s->arena, "%s (%zu)", PB_SAY(s->zh, "Talks", "报告"), ntalks), 9.5,
            13);
    for (size_t i = 0; i < ntalks; i++) {
      const pb_session *ses = rec->sessions[t[i].ses];
      talk_line(s, ix, ses, &ses->talks[t[i].k]);
    }
  }
  if (nw) {
    heading(s, pb_arena_printf(s->arena, "%s (%zu)", PB_SAY(s->zh, "Write-ups", "专栏文章"), nw),
            9.5, 13);
    for (size_t i = 0; i < nw; i++) {
      const pb_session *ses = rec->sessions[w[i].ses];
      writeup_line(s, ses, &ses->writeups[w[i].k]);
    }
  }
  if (nbest) {
    pb_buf d = PB_BUF_INIT;
    for (size_t i = 0; i < nbest; i++)
      pb_buf_printf(&d, "%s%s", d.len ? ", " : "", rec->sessions[b[i].ses]->date);
    heading(
        s,
        pb_arena_printf(s->arena, "%s (%zu)", PB_SAY(s->zh, "Best questioner", "最佳提问"), nbest),
        9.5, 13);
    pb_span_in v = sp(pb_arena_strdup(s->arena, d.data), PB_FAMILY_SANS, 0, 8.5, P.gray);
    item_line(s, NULL, &v, 1);
    pb_buf_free(&d);
  }
  if (nnotes) {
    heading(s, pb_arena_printf(s->arena, "%s (%zu)", PB_SAY(s->zh, "Notes", "泛读与其他"), nnotes),
            9.5, 13);
    for (size_t i = 0; i < nnotes; i++) {
      const pb_absence *a = rec->notes[nt[i].ses];
      pb_span_in v = sp(a->note ? a->note : "", PB_FAMILY_TEXT, PB_STYLE_ITALIC, 9, P.gray);
      item_line(s, a->date, &v, 1);
    }
  }
}

/* ---- handout brief ------------------------------------------------------ */

/* A QR code of text, size points square, top-left at (x, top); -1 when it
 * cannot be encoded or the link policy refuses text (javascript: ...). */
static int qr(pb_sheet *s, const char *text, double x, double top, double size) {
  return pb_qr_add(s->doc, &s->doc->pages[s->page], s->qr_store, text, x, top, size);
}

static void brief_talk(pb_sheet *s, const pb_session *ses, const pb_talk *t) {
  palette P = colours(s);
  pb_span_in v[2];
  v[0] = sp(pb_arena_printf(s->arena, "%s  ", t->presenter ? t->presenter : "?"), PB_FAMILY_SANS,
            PB_STYLE_BOLD, 10, P.ink);
  v[1] = sp(t->text ? t->text : "", PB_FAMILY_TEXT, 0, 9.5, P.ink);
  need(s, 30);
  flow(s, v, 2, s->left, s->right - s->left, 13.5);
  (void)ses;
  for (size_t i = 0; i < t->nlinks; i++) {
    const pb_link *l = &t->links[i];
    const double size = 46;
    need(s, size + 6);
    double top = s->y - 2;
    pb_span_in w[2];
    w[0] = sp(pb_arena_printf(s->arena, "%s  ", pb_link_display_label(l)), PB_FAMILY_SANS,
              PB_STYLE_BOLD, 8.5, P.ink);
    w[1] = sp(l->local ? l->local : l->url, PB_FAMILY_MONO, 0, 7.5, P.ink);
    w[1].url = l->url;
    double y = s->y;
    flow(s, w, 2, s->left + 12, s->right - s->left - size - 24, 11);
    if (qr(s, l->url, s->right - size, top, size) == 0 && s->y > top - size - 4)
      s->y = top - size - 4;
    (void)y;
  }
  s->y -= 4;
}

void pb_layout_session_brief(pb_sheet *s, const pb_plan_record *rec, const pb_session *ses) {
  palette P = colours(s);
  heading(s,
          ses->planned ? PB_SAY(s->zh, "Planned session", "本次安排")
                       : PB_SAY(s->zh, "Session", "本次组会"),
          11, 40);
  pb_buf who = PB_BUF_INIT;
  for (size_t i = 0; i < ses->npresenters; i++)
    pb_buf_printf(&who, "%s%s", i ? "、" : "", ses->presenters[i]);
  pb_span_in v = sp(pb_arena_printf(s->arena, "%s%s", PB_SAY(s->zh, "Presenters: ", "报告人："),
                                    who.data ? who.data : ""),
                    PB_FAMILY_SANS, 0, 9.5, P.ink);
  pb_buf_free(&who);
  flow(s, &v, 1, s->left, s->right - s->left, 14);
  for (size_t i = 0; i < ses->ntalks; i++) brief_talk(s, ses, &ses->talks[i]);
  /* decks in the library dated this session */
  for (size_t i = 0; i < rec->nslides; i++) {
    const pb_slide *d = rec->slides[i];
    if (!d->date || strcmp(d->date, ses->date) != 0) continue;
    int linked = 0; /* a talk links to it already */
    for (size_t t = 0; t < ses->ntalks; t++)
      for (size_t k = 0; k < ses->talks[t].nlinks; k++)
        linked |= ses->talks[t].links[k].local && !strcmp(ses->talks[t].links[k].local, d->path);
    if (linked) continue;
    pb_span_in w =
        sp(pb_arena_printf(
               s->arena, "%s%s%s%s", PB_SAY(s->zh, "Deck: ", "幻灯片："), d->path,
               d->slides > 0 ? pb_arena_printf(s->arena, PB_SAY(s->zh, " (%d slides)", "（%d 页）"),
                                               d->slides)
                             : "",
               d->presenter ? pb_arena_printf(s->arena, " — %s", d->presenter) : ""),
           PB_FAMILY_SANS, 0, 8.5, P.ink);
    flow(s, &w, 1, s->left, s->right - s->left, 12);
  }
  const pb_session *prev = rec->session_before;
  if (prev) {
    heading(s,
            pb_arena_printf(s->arena, PB_SAY(s->zh, "Last session %s", "上次组会 %s"), prev->date),
            10, 30);
    pb_buf b = PB_BUF_INIT;
    for (size_t i = 0; i < prev->nbest; i++)
      pb_buf_printf(&b, "%s%s", i ? "、" : "", prev->best[i]);
    pb_span_in w =
        sp(pb_arena_printf(s->arena, PB_SAY(s->zh, "Best questioner: %s", "最佳提问人：%s"),
                           b.len ? b.data : PB_SAY(s->zh, "(none written)", "（未记录）")),
           PB_FAMILY_SANS, 0, 9, P.ink);
    pb_buf_free(&b);
    flow(s, &w, 1, s->left, s->right - s->left, 13);
    for (size_t i = 0; i < prev->nwriteups; i++) {
      const pb_writeup *wu = &prev->writeups[i];
      pb_span_in x[2];
      x[0] = sp(wu->title ? wu->title : (wu->url ? wu->url : ""), PB_FAMILY_TEXT, 0, 9, P.ink);
      x[0].url = wu->url;
      x[1] = sp(pb_arena_printf(s->arena, "  — %s%s%s%s", wu->author ? wu->author : "?",
                                wu->done ? "" : PB_SAY(s->zh, " (pending)", "（待录用）"),
                                wu->note ? "; " : "", wu->note ? wu->note : ""),
                PB_FAMILY_SANS, 0, 8.5, P.gray);
      flow(s, x, 2, s->left + 12, s->right - s->left - 12, 12.5);
    }
  }
  s->y -= 6;
  line(s, s->left, s->y, s->right, s->y, P.rule, 0.6);
  s->y -= 10;
}
