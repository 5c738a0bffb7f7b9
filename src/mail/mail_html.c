/* The HTML body of the mailed digest: a small list with inline styles only
 * (mail clients drop <style> blocks and external sheets), well-formed
 * (every element closed, so that it also parses as XML), each paper with
 * its title linked, presenter, date, venue, and its first figure as a
 * thumbnail referred to by cid:. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "imgcache.h"
#include "mail.h"
#include "utf8.h"

/* Figures: at most this many pixels, shown at that size (a mail column is
 * about 600 pixels wide), and this JPEG quality. */
#define THUMB_W 480
#define THUMB_H 360
#define THUMB_QUALITY 78

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

/* Free text (title, names, summary, notes): escaped, and nothing in it a
 * mail client would make a link of that the policy did not judge. */
static void esc_free(pb_buf *b, const char *s) {
  pb_buf t = PB_BUF_INIT;
  pb_utf8_unlinkable(&t, s);
  esc(b, t.data);
  pb_buf_free(&t);
}

/* Bytes of the UTF-8 character at s (1 for a stray byte). */
static size_t char_len(const unsigned char *s) {
  size_t n = *s < 0x80 ? 1 : *s >> 5 == 6 ? 2 : *s >> 4 == 14 ? 3 : *s >> 3 == 30 ? 4 : 1;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80) return 1;
  return n;
}

/* Does a sentence end after the character at s (length n)? */
static int sentence_end(const char *s, size_t n) {
  if (n == 3 && (memcmp(s, "\xE3\x80\x82", 3) == 0 || /* 。 */
                 memcmp(s, "\xEF\xBC\x81", 3) == 0 || /* ！ */
                 memcmp(s, "\xEF\xBC\x9F", 3) == 0))  /* ？ */
    return 1;
  return n == 1 && (*s == '.' || *s == '!' || *s == '?') && (s[1] == ' ' || s[1] == 0);
}

char *pb_mail_summary_lead(const pb_entry *e, size_t max_chars) {
  pb_buf t = PB_BUF_INIT;
  for (size_t i = 0; i < e->summary.n; i++) {
    const pb_block *bl = &e->summary.blocks[i];
    if (bl->kind == PB_BLOCK_CODE) continue;
    if (t.len) pb_buf_putc(&t, ' ');
    for (size_t j = 0; j < bl->nspans; j++) pb_buf_puts(&t, bl->spans[j].text);
  }
  /* white space made single spaces, none at the ends */
  pb_buf w = PB_BUF_INIT;
  for (size_t i = 0; i < t.len; i++) {
    char c = t.data[i];
    int space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space && (w.len == 0 || w.data[w.len - 1] == ' ')) continue;
    pb_buf_putc(&w, space ? ' ' : c);
  }
  while (w.len && w.data[w.len - 1] == ' ') w.len--;
  pb_buf_free(&t);
  if (!w.len) {
    pb_buf_free(&w);
    return pb_xstrdup("");
  }
  pb_buf_putc(&w, 0);
  w.len--;
  /* whole sentences while they fit; else the first, cut */
  size_t chars = 0, cut = 0, last_space = 0, last_space_chars = 0, at_max = 0;
  for (size_t i = 0; i < w.len;) {
    size_t n = char_len((const unsigned char *)w.data + i);
    if (chars == max_chars - 1) at_max = i;
    if (w.data[i] == ' ') {
      last_space = i;
      last_space_chars = chars;
    }
    chars++;
    i += n;
    if (chars > max_chars) break;
    if (sentence_end(w.data + i - n, n) || i == w.len) cut = i;
  }
  pb_buf out = PB_BUF_INIT;
  if (cut) {
    pb_buf_append(&out, w.data, cut);
  } else {
    /* one long sentence: at the last space in its second half, else at
     * max_chars - 1 characters */
    size_t end = last_space && last_space_chars > max_chars / 2 ? last_space : at_max;
    while (end && (w.data[end - 1] == ' ' || w.data[end - 1] == ',')) end--;
    pb_buf_append(&out, w.data, end);
    pb_buf_puts(&out, "\xE2\x80\xA6"); /* … */
  }
  pb_buf_free(&w);
  return pb_buf_detach(&out);
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

/* The card's first figure the plan shows (its data judged: the digest's
 * plan judges every figure), as a thumbnail appended to the list, made by
 * the image cache from what the plan judged (kept there by the figure's
 * content); the cid (no angle brackets) is returned, or NULL when there is
 * none. A thumbnail that cannot be made after all (the file changed or
 * went away since the plan read it) is left out with a warning. */
static const char *thumbnail(const pb_plan_card *c, const char *domain, pb_mail_thumb **thumbs,
                             size_t *n) {
  const pb_plan_figure *f = NULL;
  for (size_t i = 0; i < c->nfigures && !f; i++)
    if (c->figures[i].ok && c->figures[i].stream) f = &c->figures[i];
  if (!f) return NULL;
  pb_buf jpeg = PB_BUF_INIT;
  char err[300] = "";
  int w = 0, h = 0;
  int rc = pb_imgcache_thumbnail(f->stream, THUMB_W, THUMB_H, THUMB_QUALITY, &jpeg, &w, &h, err,
                                 sizeof err);
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

/* One paper: a table row with the text, the summary's opening and, when
 * there is one, the figure below them. */
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
  esc_free(b, e->title ? e->title : "(untitled)");
  pb_buf_puts(b, url ? "</a>" : "</span>");
  pb_buf_puts(b, "<div style=\"font-size:13px;color:#555;margin-top:4px;\">");
  int sep = 0;
  if (e->presenter) {
    esc_free(b, e->presenter);
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
    esc_free(b, e->venue);
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
    esc_free(b, l->label);
    pb_buf_puts(b, "</a>");
  }
  if (!first) pb_buf_puts(b, "</div>");
  char *lead = pb_mail_summary_lead(e, PB_MAIL_LEAD_CHARS);
  if (*lead) {
    pb_buf_puts(b, "<p style=\"font-size:14px;line-height:1.5;color:#333;margin:6px 0 0 0;\">");
    esc_free(b, lead);
    pb_buf_puts(b, "</p>");
  }
  free(lead);
  const char *cid = thumbnail(c, domain, thumbs, n);
  if (cid) {
    const pb_mail_thumb *t = &(*thumbs)[*n - 1];
    pb_buf_printf(b,
                  "<img src=\"cid:%s\" width=\"%d\" height=\"%d\" alt=\"\" "
                  "style=\"display:block;max-width:100%%;height:auto;margin-top:8px;"
                  "border:1px solid #ddd;\"/>",
                  cid, t->w, t->h);
  }
  pb_buf_puts(b, "</td>");
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
  esc_free(&b, in->plan->title);
  pb_buf_puts(&b, "</h1>\n<p style=\"margin:0 0 12px 0;font-size:13px;color:#666;\">");
  esc(&b, in->since);
  pb_buf_puts(&b, " — ");
  esc(&b, in->until[0] ? in->until : "today");
  if (in->zh)
    pb_buf_printf(&b, " · 论文 %zu 篇</p>\n", in->plan->ncards);
  else
    pb_buf_printf(&b, " · %zu paper%s</p>\n", in->plan->ncards, in->plan->ncards == 1 ? "" : "s");
  pb_buf_puts(&b, "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" "
                  "style=\"width:100%;border-collapse:collapse;\">\n");
  for (size_t i = 0; i < in->plan->ncards; i++)
    entry_row(&b, &in->plan->cards[i], cid_domain, thumbs, nthumbs);
  pb_buf_puts(&b, "</table>\n");
  const pb_plan *P = in->plan;
  if (P->nabsences) {
    pb_buf_printf(&b,
                  "<h2 style=\"font-size:16px;margin:16px 0 4px 0;\">%s</h2>\n"
                  "<ul style=\"margin:0;padding-left:20px;font-size:14px;line-height:1.5;\">\n",
                  PB_SAY(in->zh, "Not read", "未精读"));
    for (size_t i = 0; i < P->nabsences; i++) {
      const pb_absence *a = P->absences[i];
      pb_buf_puts(&b, "<li><b>");
      esc_free(&b, a->presenter ? a->presenter : PB_SAY(in->zh, "(no name)", "（未署名）"));
      pb_buf_puts(&b, "</b>");
      if (a->date) {
        pb_buf_puts(&b, " · ");
        esc(&b, a->date);
      }
      if (a->note && *a->note) {
        pb_buf_puts(&b, PB_SAY(in->zh, ": ", "："));
        esc_free(&b, a->note);
      }
      pb_buf_puts(&b, "</li>\n");
    }
    pb_buf_puts(&b, "</ul>\n");
  }
  pb_buf_printf(&b, "<p style=\"margin:16px 0 0 0;font-size:12px;color:#777;\">%s",
                PB_SAY(in->zh, "The cards are in the attached PDF.", "卡片全文见附件 PDF。"));
  if (web_url(ms->booklet_url)) {
    pb_buf_puts(&b, PB_SAY(in->zh, " The whole booklet: ", " 完整手册："));
    pb_buf_puts(&b, "<a href=\"");
    esc(&b, ms->booklet_url);
    pb_buf_puts(&b, "\" style=\"color:#1a4f8b;\">");
    esc(&b, ms->booklet_url);
    pb_buf_puts(&b, "</a>");
  }
  pb_buf_puts(&b, "</p>\n</div>\n</body></html>\n");
  return pb_buf_detach(&b);
}
