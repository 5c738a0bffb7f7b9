/* The mailed digest's options and windows, and the step that writes the
 * message and sends it (see mail.h). */
#include "mail.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "diag.h"
#include "links.h"
#include "sessions.h"
#include "utf8.h"

const char pb_mail_help[] =
    "\n"
    "Mail (see docs/mail.md):\n"
    "      --mail FILE.eml     also write the digest as an e-mail message: the text\n"
    "                          list, an HTML list with thumbnails, the PDF attached\n"
    "      --send              send it over SMTP: the server, login and CA from the\n"
    "                          options below or $PAPERBOOK_SMTP, $PAPERBOOK_SMTP_USER,\n"
    "                          $PAPERBOOK_SMTP_CA (never from paperbook.yml); the\n"
    "                          password from $PAPERBOOK_SMTP_PASSWORD or ~/.netrc;\n"
    "                          sender and recipients also from its mail: block\n"
    "      --from ADDR, --to ADDR, --cc ADDR   (--to and --cc repeatable; the sender\n"
    "                          is the SMTP login when none is named and it is an address)\n"
    "      --subject TEXT      {title} {group} {since} {until} {count} are replaced\n"
    "      --smtp URL          smtp://host:587 (STARTTLS required), smtps://host:465,\n"
    "                          smtp+insecure://127.0.0.1:25 (no TLS: a relay on this\n"
    "                          machine; loopback addresses only)\n"
    "      --smtp-user NAME    login name (default: from the URL or ~/.netrc)\n"
    "      --booklet-url URL   link to the group's published booklet\n"
    "      --smtp-ca FILE      CA certificates (PEM) for the server's TLS\n"
    "                          (default: the system's)\n"
    "      --timeout SECONDS   for connecting and each server answer (default 60)\n"
    "      --last-week         the window is last Monday-Sunday week\n"
    "      --last-month        the window is last calendar month\n"
    "      --days N            the window is the N days up to today\n"
    "      --today DATE        what the windows count from (default: today, or the\n"
    "                          day of SOURCE_DATE_EPOCH when set)\n";

/* ---- dates ---------------------------------------------------------- */

/* Parses YYYY-MM-DD (a real calendar date) into days since the epoch. */
static int parse_day(const char *s, long *days) {
  int y, m, d;
  if (!pb_date_parse_exact(s, &y, &m, &d) || y < 1900) return -1;
  *days = pb_days_from_civil(y, m, d);
  return 0;
}

typedef enum { WIN_NONE, WIN_WEEK, WIN_MONTH, WIN_DAYS } window_kind;

static void compute_window(pb_mail_options *mo, window_kind kind, long ndays) {
  long today;
  parse_day(mo->today, &today);
  if (kind == WIN_WEEK) {
    long wd = pb_weekday(today); /* Monday = 0 */
    pb_date_from_days(today - wd - 7, mo->since);
    pb_date_from_days(today - wd - 1, mo->until);
  } else if (kind == WIN_MONTH) {
    int y, m;
    pb_date_scan_month(mo->today, &y, &m); /* a real date (--today is checked) */
    m -= 1;
    if (m == 0) {
      m = 12;
      y--;
    }
    pb_date_format(y, m, 1, mo->since);
    pb_date_format(y, m, pb_days_in_month(y, m), mo->until);
  } else if (kind == WIN_DAYS) {
    pb_date_from_days(today - ndays + 1, mo->since);
    pb_date_from_days(today, mo->until);
  }
}

/* ---- the command line ------------------------------------------------ */

typedef enum {
  M_MAIL,
  M_SEND,
  M_FROM,
  M_TO,
  M_CC,
  M_SUBJECT,
  M_SMTP,
  M_USER,
  M_BOOKLET,
  M_CA,
  M_TIMEOUT,
  M_LAST_WEEK,
  M_LAST_MONTH,
  M_DAYS,
  M_TODAY
} mail_opt;

static const struct {
  const char *name;
  mail_opt id;
  int arg;
} mail_opts[] = {
    {"mail", M_MAIL, 1},
    {"send", M_SEND, 0},
    {"from", M_FROM, 1},
    {"to", M_TO, 1},
    {"cc", M_CC, 1},
    {"subject", M_SUBJECT, 1},
    {"smtp", M_SMTP, 1},
    {"smtp-user", M_USER, 1},
    {"booklet-url", M_BOOKLET, 1},
    {"smtp-ca", M_CA, 1},
    {"timeout", M_TIMEOUT, 1},
    {"last-week", M_LAST_WEEK, 0},
    {"last-month", M_LAST_MONTH, 0},
    {"days", M_DAYS, 1},
    {"today", M_TODAY, 1},
};

static int push_addr(const char **list, size_t *n, const char *v, const char *opt) {
  if (*n >= PB_MAIL_MAX_ADDRS) {
    pb_error(NULL, 0, "more than %d --%s addresses", PB_MAIL_MAX_ADDRS, opt);
    return PB_EUSAGE;
  }
  list[(*n)++] = v;
  return 0;
}

static int positive(const char *v, const char *opt, long max, long *out) {
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (errno || end == v || *end || n < 1 || n > max) {
    pb_error(NULL, 0, "--%s wants a whole number from 1 to %ld, not '%s'", opt, max, v);
    return PB_EUSAGE;
  }
  *out = n;
  return 0;
}

/* Applies one option; *kind and *ndays collect the window. */
static int apply(pb_mail_options *mo, mail_opt id, const char *name, const char *v,
                 window_kind *kind, long *ndays) {
  long n;
  window_kind k = WIN_NONE;
  switch (id) {
  case M_MAIL: mo->eml = v; break;
  case M_SEND: mo->send = 1; break;
  case M_FROM: mo->from = v; break;
  case M_TO: return push_addr(mo->to, &mo->nto, v, name);
  case M_CC: return push_addr(mo->cc, &mo->ncc, v, name);
  case M_SUBJECT: mo->subject = v; break;
  case M_SMTP: mo->smtp = v; break;
  case M_USER: mo->user = v; break;
  case M_BOOKLET: mo->booklet_url = v; break;
  case M_CA: mo->ca_file = v; break;
  case M_TIMEOUT:
    if (positive(v, name, 3600, &n)) return PB_EUSAGE;
    mo->timeout = (int)n;
    break;
  case M_TODAY: {
    long d;
    if (parse_day(v, &d) != 0) {
      pb_error(NULL, 0, "--today wants a date YYYY-MM-DD, not '%s'", v);
      return PB_EUSAGE;
    }
    snprintf(mo->today, sizeof mo->today, "%s", v);
    break;
  }
  case M_DAYS:
    if (positive(v, name, 3660, ndays)) return PB_EUSAGE;
    k = WIN_DAYS;
    break;
  case M_LAST_WEEK: k = WIN_WEEK; break;
  case M_LAST_MONTH: k = WIN_MONTH; break;
  }
  if (k != WIN_NONE) {
    if (*kind != WIN_NONE && *kind != k) {
      pb_error(NULL, 0, "choose one of --last-week, --last-month and --days");
      return PB_EUSAGE;
    }
    *kind = k;
  }
  return 0;
}

int pb_mail_take_options(int *argc, char **argv, pb_mail_options *mo) {
  memset(mo, 0, sizeof *mo);
  window_kind kind = WIN_NONE;
  long ndays = 0;
  int out = 1, dates = 0, rc = 0;
  int i = 1;
  for (; i < *argc && rc == 0; i++) {
    char *a = argv[i];
    if (strcmp(a, "--") == 0) break;
    if (strcmp(a, "--strict") == 0) mo->strict = 1;
    if (strncmp(a, "--since", 7) == 0 || strncmp(a, "--until", 7) == 0) dates = 1;
    size_t k = 0, nopts = sizeof mail_opts / sizeof *mail_opts;
    const char *eq = a[0] == '-' && a[1] == '-' ? strchr(a, '=') : NULL;
    size_t nlen = eq ? (size_t)(eq - a - 2) : strlen(a) - 2;
    for (; a[0] == '-' && a[1] == '-' && k < nopts; k++)
      if (strlen(mail_opts[k].name) == nlen && strncmp(a + 2, mail_opts[k].name, nlen) == 0) break;
    if (a[0] != '-' || a[1] != '-' || k == nopts) {
      argv[out++] = a;
      continue;
    }
    const char *v = NULL;
    if (mail_opts[k].arg) {
      if (eq)
        v = eq + 1;
      else if (i + 1 < *argc)
        v = argv[++i];
      else {
        pb_error(NULL, 0, "--%s needs a value", mail_opts[k].name);
        rc = PB_EUSAGE;
        break;
      }
    } else if (eq) {
      pb_error(NULL, 0, "--%s takes no value", mail_opts[k].name);
      rc = PB_EUSAGE;
      break;
    }
    rc = apply(mo, mail_opts[k].id, mail_opts[k].name, v, &kind, &ndays);
  }
  for (; i < *argc; i++) argv[out++] = argv[i];
  argv[out] = NULL;
  *argc = out;
  if (rc) return rc;
  mo->wanted = mo->eml != NULL || mo->send;
  if (!mo->today[0]) pb_date_today(mo->today);
  if (kind != WIN_NONE && dates) {
    pb_error(NULL, 0, "--since/--until and --last-week/--last-month/--days: choose one");
    return PB_EUSAGE;
  }
  compute_window(mo, kind, ndays);
  return 0;
}

int pb_mail_empty_window(const pb_mail_options *mo, const char *window) {
  const char *what = !mo->wanted ? "nothing written"
                     : mo->send  ? "no message written or sent"
                                 : "no message written";
  if (mo->strict) {
    pb_error(NULL, 0, "no papers %s: %s (--strict)", window, what);
    return 1;
  }
  pb_note(NULL, 0, "no papers %s: %s", window, what);
  return 0;
}

/* ---- settings, writing, sending -------------------------------------- */

/* Expands {title} {group} {since} {until} {count} in a subject template. */
static char *expand_subject(const char *tpl, const pb_config *cfg, const pb_mail_input *in) {
  pb_buf b = PB_BUF_INIT;
  char count[32];
  snprintf(count, sizeof count, "%zu", in->plan->ncards);
  for (const char *p = tpl; *p; p++) {
    const char *close = *p == '{' ? strchr(p, '}') : NULL;
    const char *val = NULL;
    if (close) {
      size_t n = (size_t)(close - p - 1);
#define KEY(k) (n == sizeof k - 1 && strncmp(p + 1, k, n) == 0)
      if (KEY("title"))
        val = in->plan->title;
      else if (KEY("group"))
        val = cfg->group ? cfg->group : in->plan->title;
      else if (KEY("since"))
        val = in->since;
      else if (KEY("until"))
        val = in->until[0] ? in->until : "today";
      else if (KEY("count"))
        val = count;
#undef KEY
    }
    if (!val) {
      pb_buf_putc(&b, *p);
      continue;
    }
    pb_buf_puts(&b, val);
    p = close;
  }
  return pb_buf_detach(&b);
}

static const char *default_subject(const pb_config *cfg, size_t n) {
  if (cfg->group)
    return n == 1 ? "{group} digest {since} — {until}: 1 paper"
                  : "{group} digest {since} — {until}: {count} papers";
  return n == 1 ? "{title} {since} — {until}: 1 paper"
                : "{title} {since} — {until}: {count} papers";
}

/* A setting from the environment, NULL when unset or empty. */
static const char *user_env(const char *name) {
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

/* user@host: one @, a name before it, a dotted host after, nothing that
 * needs quoting in a header. */
static int is_address(const char *s) {
  const char *at = strchr(s, '@');
  if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.')) return 0;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p <= ' ' || strchr("<>()[]\\,;:\"", *p)) return 0;
  return 1;
}

/* Options first, then the mail: block; a missing sender or (for --send)
 * recipient or server is a usage error. */
static int resolve(const pb_mail_options *mo, const pb_config *cfg, const pb_mail_input *in,
                   pb_mail_settings *ms) {
  memset(ms, 0, sizeof *ms);
  ms->from = mo->from ? mo->from : cfg->mail_from;
  ms->to = mo->nto ? (const char **)mo->to : cfg->mail_to;
  ms->nto = mo->nto ? mo->nto : cfg->nmail_to;
  ms->cc = mo->ncc ? (const char **)mo->cc : cfg->mail_cc;
  ms->ncc = mo->ncc ? mo->ncc : cfg->nmail_cc;
  ms->booklet_url = mo->booklet_url ? mo->booklet_url : cfg->mail_booklet_url;
  if (ms->booklet_url) {
    /* the link policy judges it as any card's link: a web address or none */
    char *ok = pb_links_web_uri(ms->booklet_url);
    if (!ok) {
      pb_buf shown = PB_BUF_INIT;
      pb_utf8_clean(ms->booklet_url, strlen(ms->booklet_url), &shown, NULL);
      pb_warn(mo->booklet_url ? NULL : cfg->path, 0,
              "%s '%s' is not a web link the link policy allows; the mail goes without it",
              mo->booklet_url ? "--booklet-url" : "booklet_url", shown.data ? shown.data : "");
      pb_buf_free(&shown);
      ms->booklet_url = NULL;
    }
    free(ok);
  }
  /* where the login goes: the user's options or environment only */
  ms->smtp = mo->smtp ? mo->smtp : user_env("PAPERBOOK_SMTP");
  ms->user = mo->user ? mo->user : user_env("PAPERBOOK_SMTP_USER");
  ms->ca_file = mo->ca_file ? mo->ca_file : user_env("PAPERBOOK_SMTP_CA");
  ms->timeout = mo->timeout ? mo->timeout : cfg->mail_timeout ? cfg->mail_timeout : 60;
  const char *where = cfg->path ? cfg->path : "paperbook.yml";
  /* no sender named: the login, when it is an address (it is the user's
   * own setting, and most servers want the two to agree) */
  if (!ms->from && ms->user && is_address(ms->user)) {
    ms->from = ms->user;
    pb_note(NULL, 0, "sender: %s, the SMTP login (no --from, no 'from:' in %s)", ms->user, where);
  }
  if (!ms->from) {
    pb_error(NULL, 0,
             "the message needs a sender: --from ADDR, 'from:' in the mail: block of %s, or "
             "an SMTP login that is an address",
             where);
    return PB_EUSAGE;
  }
  if (mo->send && ms->nto + ms->ncc == 0) {
    pb_error(NULL, 0, "--send needs recipients: --to ADDR, or 'to:' in the mail: block of %s",
             where);
    return PB_EUSAGE;
  }
  if (mo->send && !ms->smtp) {
    pb_error(NULL, 0,
             "--send needs a server: --smtp URL or PAPERBOOK_SMTP in the environment (never "
             "from the library's %s)",
             where);
    return PB_EUSAGE;
  }
  const char *tpl = mo->subject ? mo->subject : cfg->mail_subject;
  ms->subject = expand_subject(tpl ? tpl : default_subject(cfg, in->plan->ncards), cfg, in);
  return 0;
}

/* FILE.eml given, else the PDF's name with .eml. */
static char *eml_path(const pb_mail_options *mo, const char *pdf) {
  if (mo->eml) return pb_xstrdup(mo->eml);
  pb_buf b = PB_BUF_INIT;
  size_t n = strlen(pdf);
  pb_buf_append(&b, pdf, n > 4 && strcmp(pdf + n - 4, ".pdf") == 0 ? n - 4 : n);
  pb_buf_puts(&b, ".eml");
  return pb_buf_detach(&b);
}

/* One line per message sent, beside the .eml: what cron has done. Appended
 * under the output rule: a link committed at its name (to ~/.bashrc) is
 * refused. Returns 0 or -1 after an error. */
static int log_sent(const char *eml, const char *msgid, const pb_mail_input *in, size_t len,
                    size_t nrcpt, const pb_output_rules *rules) {
  const char *slash = strrchr(eml, '/');
  pb_buf p = PB_BUF_INIT;
  if (slash) pb_buf_append(&p, eml, (size_t)(slash - eml + 1));
  pb_buf_puts(&p, "mail-sent.log");
  char stamp[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  pb_buf line = PB_BUF_INIT;
  pb_buf_printf(&line, "%s\t<%s>\t%s..%s\t%zu papers\t%zu bytes\t%zu recipients\t%s\n", stamp,
                msgid, in->since, in->until[0] ? in->until : "", in->plan->ncards, len, nrcpt, eml);
  int rc = pb_output_append(p.data, line.data, line.len, rules);
  if (rc != 0) pb_error(p.data, 0, "the message was sent but not recorded here");
  pb_buf_free(&line);
  pb_buf_free(&p);
  return rc;
}

int pb_mail_digest(const pb_mail_options *mo, const pb_config *cfg, const pb_mail_input *in) {
  pb_mail_settings ms;
  if (resolve(mo, cfg, in, &ms) != 0) {
    pb_mail_settings_free(&ms);
    return 2;
  }
  char *eml = eml_path(mo, in->pdf);
  pb_buf msg = PB_BUF_INIT;
  char msgid[256] = "";
  int status = 1;
  if (pb_mail_build(&ms, in, &msg, msgid, sizeof msgid) != 0) goto done;
  /* --mail FILE.eml is the user's choice; beside the PDF, the PDF's rule */
  pb_output_rules rules = {0};
  if (in->rules) rules = *in->rules;
  if (mo->eml) {
    rules.from_library = 0;
    rules.cfg_file = NULL;
  }
  if (pb_output_write(eml, msg.data, msg.len, &rules) != 0) goto done;
  pb_info("paperbook: wrote %s: %zu papers, %.2f MB\n", eml, in->plan->ncards, msg.len / 1048576.0);
  if (!mo->send) {
    status = 0;
    goto done;
  }
  if (pb_smtp_send(&ms, msg.data, msg.len) != 0) {
    pb_error(eml, 0, "not sent; the message is kept here (nothing added to mail-sent.log)");
    goto done;
  }
  int logged = log_sent(eml, msgid, in, msg.len, ms.nto + ms.ncc, &rules);
  pb_info("paperbook: sent %s to %zu recipient%s\n", eml, ms.nto + ms.ncc,
          ms.nto + ms.ncc == 1 ? "" : "s");
  status = logged == 0 ? 0 : 1;
done:
  pb_buf_free(&msg);
  free(eml);
  pb_mail_settings_free(&ms);
  return status;
}

void pb_mail_settings_free(pb_mail_settings *ms) {
  free((char *)ms->subject);
  free(ms->env_from);
  for (size_t i = 0; i < ms->nrcpt; i++) free(ms->rcpt[i]);
  free(ms->rcpt);
  memset(ms, 0, sizeof *ms);
}

/* The plain-text summary of a digest (see mail.h).
 * Free text (a title, a name, a summary) goes through pb_utf8_unlinkable:
 * a mail client makes what looks like a URL in a plain-text part clickable
 * (Thunderbird: file:///..., Outlook: \\host), and a card's title or
 * summary is not a link the policy judged. */
void pb_mail_digest_text(const pb_plan *plan, int zh, pb_buf *out) {
  pb_buf b = PB_BUF_INIT;
  pb_buf_printf(&b, "New papers %s\n\n", plan->selection ? plan->selection : "");
  for (size_t i = 0; i < plan->ncards; i++) {
    const pb_plan_card *c = &plan->cards[i];
    const pb_entry *e = c->entry;
    pb_buf_puts(&b, "* ");
    pb_utf8_unlinkable(&b, e->title ? e->title : "(untitled)");
    if (e->venue || e->year) {
      pb_buf_puts(&b, " (");
      if (e->venue) pb_utf8_unlinkable(&b, e->venue);
      if (e->year) pb_buf_printf(&b, "%s%d", e->venue ? " " : "", e->year);
      pb_buf_puts(&b, ")");
    }
    pb_buf_putc(&b, '\n');
    if (e->presenter || e->date) {
      pb_buf_puts(&b, "  ");
      pb_utf8_unlinkable(&b, e->presenter ? e->presenter : "");
      pb_buf_printf(&b, "%s%s\n", e->presenter && e->date ? ", " : "", e->date ? e->date : "");
    }
    char *lead = pb_mail_summary_lead(e, PB_MAIL_LEAD_CHARS);
    if (*lead) {
      pb_buf_puts(&b, "  ");
      pb_utf8_unlinkable(&b, lead);
      pb_buf_putc(&b, '\n');
    }
    free(lead);
    /* The links written in the card (a deck matched by name is a file of
     * the library, which a mail cannot open), as the plan resolved them: a
     * web address, a file of the library by its path, and nothing of what
     * the link policy refuses (a mail client would make it clickable). */
    for (size_t j = 0; j < c->nlinks; j++) {
      const pb_plan_link *l = &c->links[j];
      if (l->matched) continue;
      const char *shown = l->target && l->target_kind == PB_PLAN_TARGET_URI ? l->target
                          : l->local                                        ? l->local
                                     : "(not shown: only http, https and mailto links are)";
      /* a library file named "x:..." must not read as a scheme */
      pb_buf_printf(&b, "  %s: %s%s\n", pb_link_kind_name(l->kind),
                    shown == l->local && strchr(shown, ':') ? "./" : "", shown);
    }
    pb_buf_putc(&b, '\n');
  }
  /* who did not read in the window, with what they wrote */
  if (plan->nabsences) pb_buf_printf(&b, "%s\n\n", PB_SAY(zh, "Not read", "未精读"));
  for (size_t i = 0; i < plan->nabsences; i++) {
    const pb_absence *a = plan->absences[i];
    pb_buf_puts(&b, "- ");
    pb_utf8_unlinkable(&b, a->presenter ? a->presenter : PB_SAY(zh, "(no name)", "（未署名）"));
    if (a->date) pb_buf_printf(&b, ", %s", a->date);
    if (a->note && *a->note) {
      pb_buf_puts(&b, PB_SAY(zh, ": ", "："));
      pb_utf8_unlinkable(&b, a->note);
    }
    pb_buf_putc(&b, '\n');
  }
  /* Control characters reach the fields through YAML escapes ("\e"),
   * character references (&#27;) and bibliographies (\u001b): in a text
   * read in a terminal they would be escape sequences (an OSC 8 link to a
   * file: URL, a cleared screen). Only tab and newline stay. */
  *out = (pb_buf)PB_BUF_INIT;
  pb_utf8_clean(b.data ? b.data : "", b.len, out, NULL);
  pb_buf_free(&b);
}
