/* The mailed digest: `paperbook digest --mail FILE.eml [--send]`.
 *
 * mail.c takes the mail options out of the digest's command line and turns
 * the cron windows (--last-week, --last-month, --days N, relative to
 * --today) into dates; mail_message.c builds the RFC 5322 message with
 * GMime (plain text = the --text list, an inline-styled HTML list with
 * thumbnails as cid: parts, the PDF attached); smtp.c sends it with
 * libcurl. The library, the PDF and the text list come from the digest
 * command; nothing here lays out or renders the booklet. */
#ifndef PB_MAIL_H
#define PB_MAIL_H

#include <stddef.h>

#include "config.h"
#include "model.h"
#include "output.h"
#include "plan.h"

#define PB_MAIL_MAX_ADDRS 64
/* Characters of a summary's opening in the mail's text and HTML parts. */
#define PB_MAIL_LEAD_CHARS 200

typedef struct {
  const char *eml;  /* --mail FILE.eml, NULL if not given */
  int send;         /* --send */
  int wanted;       /* any of --mail / --send */
  int strict;       /* --strict seen (it stays on the command line too) */
  const char *from; /* --from */
  const char *to[PB_MAIL_MAX_ADDRS], *cc[PB_MAIL_MAX_ADDRS]; /* --to, --cc (repeatable) */
  size_t nto, ncc;
  const char *subject;     /* --subject TEMPLATE */
  const char *smtp;        /* --smtp URL */
  const char *user;        /* --smtp-user NAME */
  const char *booklet_url; /* --booklet-url URL */
  const char *ca_file;     /* --smtp-ca FILE */
  int timeout;             /* --timeout SECONDS (0: default) */
  /* A window from --last-week / --last-month / --days N; empty when none.
   * The digest uses them as --since / --until. */
  char since[11], until[11];
  char today[11]; /* --today DATE, or the local date */
} pb_mail_options;

/* The help lines for these options (appended to the digest's help). */
extern const char pb_mail_help[];

/* Removes the mail and window options from argv (argc updated; argv[0]
 * kept), filling mo. Returns 0, or PB_EUSAGE after a message. A window
 * option together with --since or --until is a usage error. */
int pb_mail_take_options(int *argc, char **argv, pb_mail_options *mo);

/* Says that the window holds no papers and nothing is sent: a note and 0,
 * or with --strict an error and 1 (an exit status). */
int pb_mail_empty_window(const pb_mail_options *mo, const char *window);

/* What the message is built from. */
typedef struct {
  const pb_plan *plan; /* the digest's plan: its cards, in the text's order */
  const char *text;    /* the plain-text list, exactly as --text writes it */
  const char *pdf;     /* the digest PDF just written */
  const char *since;   /* ISO dates of the window; until may be "" */
  const char *until;
  int zh;            /* lang: zh: the apparatus (headings, labels) in Chinese */
  long long created; /* Date: header (seconds since the epoch) */
  /* where the .eml (beside the PDF unless --mail names it) and
   * mail-sent.log may be written (output.h) */
  const pb_output_rules *rules;
} pb_mail_input;

/* The opening of a card's summary for the mail: its plain text (code
 * blocks left out, white space made single spaces), whole sentences (a
 * sentence ends at 。！？ or at . ! ? before a space) as many as fit in
 * max_chars characters; a first sentence longer than that is cut at a
 * space (or between characters in Chinese) and ends with "…". malloc'd;
 * "" when the card has no summary. */
char *pb_mail_summary_lead(const pb_entry *e, size_t max_chars);

/* The plain-text summary of a digest's plan into out (replaced): the cards
 * with venue, presenter, date, the summary's lead and the links as the
 * plan resolved them, then the weeks not read. `digest --text` writes it
 * and the mail's text part is it; zh: the apparatus in Chinese. */
void pb_mail_digest_text(const pb_plan *plan, int zh, pb_buf *out);

/* Builds the message and writes it to mo->eml (or beside the PDF, .eml),
 * atomically; sends it when mo->send. Settings not given as options come
 * from cfg's mail: block. Returns an exit status: 0 written (and sent),
 * 1 failed (the .eml is kept when it was written), 2 bad settings. */
int pb_mail_digest(const pb_mail_options *mo, const pb_config *cfg, const pb_mail_input *in);

/* ---- used between the mail files ---------------------------------- */

/* The resolved settings of one message. */
typedef struct {
  const char *from;
  const char **to, **cc;
  size_t nto, ncc;
  const char *subject; /* final text, UTF-8 */
  const char *booklet_url;
  const char *smtp; /* URL */
  const char *user;
  const char *ca_file; /* CA certificates for the server's TLS, NULL: the system's */
  int timeout;
  /* Filled by pb_mail_build (malloc'd; freed with pb_mail_settings_free):
   * the envelope's sender and recipients, bare addresses. */
  char *env_from;
  char **rcpt;
  size_t nrcpt;
} pb_mail_settings;
void pb_mail_settings_free(pb_mail_settings *ms);

/* Builds the whole message (CRLF line ends) into out. Returns 0 or a PB_E*
 * code after a message. Writes the Message-ID into msgid (without <>). */
int pb_mail_build(pb_mail_settings *ms, const pb_mail_input *in, pb_buf *out, char *msgid,
                  size_t msgidlen);

/* The HTML body: an inline-styled list; figures appended to thumbs as
 * (cid, JPEG bytes) pairs, for multipart/related. */
typedef struct {
  char cid[96];
  pb_buf jpeg;
  int w, h;
} pb_mail_thumb;
char *pb_mail_html(const pb_mail_settings *ms, const pb_mail_input *in, const char *cid_domain,
                   pb_mail_thumb **thumbs, size_t *nthumbs);

/* Sends message[0..len) over SMTP. Returns 0, or PB_EIO after an error
 * naming the server's answer. The password is read from the environment
 * variable PAPERBOOK_SMTP_PASSWORD or ~/.netrc and never printed. */
int pb_smtp_send(const pb_mail_settings *ms, const char *message, size_t len);

#endif
