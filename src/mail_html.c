/* The HTML body of the mailed digest: a small list with inline styles only
 * (mail clients drop <style> blocks and external sheets), well-formed
 * (every element closed, so that it also parses as XML), each paper with
 * its title linked, presenter, date, venue, and its first figure as a
 * thumbnail referred to by cid:. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "images.h"
#include "mail.h"

/* Thumbnails: at most this many pixels (shown at half size, sharp on
 * high-density screens) and this JPEG quality. */
#define THUMB_W 240
#define THUMB_H 180
#define THUMB_QUALITY 75
#define MAX_FIGURE_BYTES ((size_t)64 << 20)

static void esc(pb_buf *b, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': pb_buf_puts(b, "&amp;"); break;
    case '<': pb_buf_puts(b, "&lt;"); break;
    case '>': pb_buf_puts(b, "&gt;"); break;
    case '"': pb_buf_puts(b, "&quot;"); break;
    case '\'': pb_buf_puts(b, "&#39;"); break;
    default: pb_buf_putc(b, *s);
    }
  }
}

/* Only web links become anchors: a mailed javascript: or file: URL would
 * be a hazard, and a relative one leads nowhere. */
static int web_url(const char *u) {
  return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) &&
         !strpbrk(u, " \t\r\n");
}

/* The title's link: the paper link the plan chose, else the first web link
 * of the card. */
static const char *title_url(const pb_plan_card *c) {
  if (c->paper) return c->paper->target;
  for (size_t i = 0; i < c->nlinks; i++)
    if (web_url(c->links[i].target)) return c->links[i].target;
  return NULL;
}

/* The card's first figure the plan shows, as a thumbnail appended to the
 * list; the cid (no angle brackets) is returned, or NULL when there is none
 * or it does not decode. */
static const char *thumbnail(const pb_plan_card *c, const char *domain, pb_mail_thumb **thumbs,
                             size_t *n) {
  const pb_plan_figure *f = NULL;
  for (size_t i = 0; i < c->nfigures && !f; i++)
    if (c->figures[i].ok && c->figures[i].path) f = &c->figures[i];
  if (!f) return NULL;
  pb_buf data = PB_BUF_INIT;
  pb_buf jpeg = PB_BUF_INIT;
  char err[256] = "";
  int w = 0, h = 0;
  int rc = pb_read_file(f->path, MAX_FIGURE_BYTES, &data);
  if (rc)
    snprintf(err, sizeof err, "cannot read %s", f->path);
  else
    rc = pb_image_thumbnail(data.data, data.len, THUMB_W, THUMB_H, THUMB_QUALITY, &jpeg, &w, &h,
                            err, sizeof err);
  pb_buf_free(&data);
  if (rc) {
    pb_warn(f->file, f->line, "no thumbnail in the mail for '%s': %s", f->fig->src, err);
    pb_buf_free(&jpeg);
    return NULL;
  }
  *thumbs = pb_xrealloc(*thumbs, (*n + 1) * sizeof **thumbs);
  pb_mail_thumb *t = &(*thumbs)[(*n)++];
  memset(t, 0, sizeof *t);
  snprintf(t->cid, sizeof t->cid, "figure%zu.%016llx@%s", *n,
           (unsigned long long)pb_hash64(jpeg.data, jpeg.len, 0), domain);
  t->jpeg = jpeg;
  t->w = w;
  t->h = h;
  return t->cid;
}

/* One paper: a table row with the text and, when there is one, the figure. */
static void entry_row(pb_buf *b, const pb_plan_card *c, const char *domain, pb_mail_thumb **thumbs,
                      size_t *n) {
  const pb_entry *e = c->entry;
  pb_buf_puts(b, "<tr><td style=\"padding:12px 0;border-top:1px solid #e6e6e0;"
                 "vertical-align:top;\">");
  const char *url = title_url(c);
  const char *ts = "font-size:16px;font-weight:bold;line-height:1.35;";
  if (url) {
    pb_buf_puts(b, "<a href=\"");
    esc(b, url);
    pb_buf_printf(b, "\" style=\"%scolor:#1a4f8b;text-decoration:none;\">", ts);
  } else {
    pb_buf_printf(b, "<span style=\"%scolor:#222;\">", ts);
  }
  esc(b, e->title ? e->title : "(untitled)");
  pb_buf_puts(b, url ? "</a>" : "</span>");
  pb_buf_puts(b, "<div style=\"font-size:13px;color:#555;margin-top:4px;\">");
  int sep = 0;
  if (e->presenter) {
    esc(b, e->presenter);
    sep = 1;
  }
  if (e->date) {
    pb_buf_puts(b, sep ? " · " : "");
    esc(b, e->date);
    sep = 1;
  }
  if (e->venue || e->year) {
    pb_buf_puts(b, sep ? " · " : "");
    pb_buf_puts(b, "<i>");
    esc(b, e->venue);
    if (e->year) pb_buf_printf(b, "%s%d", e->venue ? " " : "", e->year);
    pb_buf_puts(b, "</i>");
  }
  pb_buf_puts(b, "</div>");
  int first = 1;
  for (size_t i = 0; i < c->nlinks; i++) {
    const pb_plan_link *l = &c->links[i];
    if (!web_url(l->target) || l->target == url) continue;
    pb_buf_puts(b, first ? "<div style=\"font-size:13px;margin-top:4px;\">" : " · ");
    first = 0;
    pb_buf_puts(b, "<a href=\"");
    esc(b, l->target);
    pb_buf_puts(b, "\" style=\"color:#1a4f8b;\">");
    esc(b, l->label);
    pb_buf_puts(b, "</a>");
  }
  if (!first) pb_buf_puts(b, "</div>");
  pb_buf_puts(b, "</td>");
  const char *cid = thumbnail(c, domain, thumbs, n);
  if (cid) {
    const pb_mail_thumb *t = &(*thumbs)[*n - 1];
    pb_buf_printf(b,
                  "<td style=\"width:132px;padding:12px 0 12px 12px;border-top:1px solid #e6e6e0;"
                  "vertical-align:top;text-align:right;\"><img src=\"cid:%s\" width=\"%d\" "
                  "height=\"%d\" alt=\"\" style=\"display:block;margin-left:auto;border:1px solid "
                  "#ddd;\"/></td>",
                  cid, (t->w + 1) / 2, (t->h + 1) / 2);
  } else {
    pb_buf_puts(b, "<td style=\"border-top:1px solid #e6e6e0;\"></td>");
  }
  pb_buf_puts(b, "</tr>\n");
}

char *pb_mail_html(const pb_mail_settings *ms, const pb_mail_input *in, const char *cid_domain,
                   pb_mail_thumb **thumbs, size_t *nthumbs) {
  pb_buf b = PB_BUF_INIT;
  *thumbs = NULL;
  *nthumbs = 0;
  pb_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"/>"
                  "<meta name=\"viewport\" content=\"width=device-width\"/><title>");
  esc(&b, ms->subject);
  pb_buf_puts(&b, "</title></head>\n<body style=\"margin:0;padding:16px;background:#f4f4f0;"
                  "font-family:'Helvetica Neue',Arial,'PingFang SC','Microsoft YaHei',"
                  "sans-serif;color:#222;\">\n<div style=\"max-width:640px;margin:0 auto;"
                  "background:#ffffff;padding:20px 24px;border:1px solid #e0e0da;\">\n"
                  "<h1 style=\"font-size:20px;margin:0 0 4px 0;\">");
  esc(&b, in->plan->title);
  pb_buf_puts(&b, "</h1>\n<p style=\"margin:0 0 12px 0;font-size:13px;color:#666;\">");
  esc(&b, in->since);
  pb_buf_puts(&b, " — ");
  esc(&b, in->until[0] ? in->until : "today");
  pb_buf_printf(&b, " · %zu paper%s</p>\n", in->plan->ncards, in->plan->ncards == 1 ? "" : "s");
  pb_buf_puts(&b, "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" "
                  "style=\"width:100%;border-collapse:collapse;\">\n");
  for (size_t i = 0; i < in->plan->ncards; i++)
    entry_row(&b, &in->plan->cards[i], cid_domain, thumbs, nthumbs);
  pb_buf_puts(&b, "</table>\n<p style=\"margin:16px 0 0 0;font-size:12px;color:#777;\">"
                  "The cards are in the attached PDF.");
  if (web_url(ms->booklet_url)) {
    pb_buf_puts(&b, " The whole booklet: <a href=\"");
    esc(&b, ms->booklet_url);
    pb_buf_puts(&b, "\" style=\"color:#1a4f8b;\">");
    esc(&b, ms->booklet_url);
    pb_buf_puts(&b, "</a>");
  }
  pb_buf_puts(&b, "</p>\n</div>\n</body></html>\n");
  return pb_buf_detach(&b);
}
