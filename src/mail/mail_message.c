/* The digest as an RFC 5322 message, built with GMime 3 (headers encoded
 * per RFC 2047, parameters per RFC 2231, base64 and quoted-printable bodies,
 * boundaries, CRLF line ends):
 *
 *   multipart/mixed
 *     multipart/alternative
 *       text/plain            the --text list
 *       multipart/related     (just text/html when no card has a figure)
 *         text/html           inline-styled list
 *         image/jpeg ...      thumbnails, referred to by cid:
 *     application/pdf         the digest, file name in both RFC 2231 and
 *                             RFC 2047 form (for clients that know one) */
#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "mail.h"

/* Largest PDF attached (the mail servers' usual limit is 25 MB). */
#define MAX_PDF_BYTES ((size_t)20 << 20)

/* 1 when addr has a control character: GMime keeps CR and LF inside a
 * quoted local part ("a\r\nRCPT TO:<x>"@example.org), and written into
 * the header or the SMTP envelope they would end the line there and start
 * a header or command the library chose. */
static int has_control(const char *addr) {
  for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
    if (*p < 0x20 || *p == 0x7F) return 1;
  return 0;
}

/* Parses an address list into list; appends each bare address to the
 * envelope when rcpt is set. Returns 0, or -1 when nothing parses or an
 * address has a control character. */
static int add_addresses(InternetAddressList *list, const char *text, pb_mail_settings *ms,
                         int rcpt) {
  InternetAddressList *parsed = internet_address_list_parse(NULL, text);
  int n = parsed ? internet_address_list_length(parsed) : 0;
  int found = 0, bad = 0;
  for (int i = 0; i < n && !bad; i++) {
    InternetAddress *a = internet_address_list_get_address(parsed, i);
    if (!INTERNET_ADDRESS_IS_MAILBOX(a)) continue;
    const char *addr = internet_address_mailbox_get_idn_addr(INTERNET_ADDRESS_MAILBOX(a));
    if (!addr || !strchr(addr, '@')) continue;
    if (has_control(addr)) {
      pb_error(NULL, 0, "'%s' is not an e-mail address: it has a line break or control character",
               text);
      bad = 1;
      continue;
    }
    internet_address_list_add(list, a);
    found = 1;
    if (rcpt) {
      ms->rcpt = pb_xrealloc(ms->rcpt, (ms->nrcpt + 1) * sizeof *ms->rcpt);
      ms->rcpt[ms->nrcpt++] = pb_xstrdup(addr);
    } else if (!ms->env_from) {
      ms->env_from = pb_xstrdup(addr);
    }
  }
  if (parsed) g_object_unref(parsed);
  if (!found && !bad) pb_error(NULL, 0, "'%s' is not an e-mail address (name@example.org)", text);
  return found && !bad ? 0 : -1;
}

static int set_addresses(GMimeMessage *m, pb_mail_settings *ms) {
  if (add_addresses(g_mime_message_get_from(m), ms->from, ms, 0) != 0) return -1;
  for (size_t i = 0; i < ms->nto; i++)
    if (add_addresses(g_mime_message_get_to(m), ms->to[i], ms, 1) != 0) return -1;
  for (size_t i = 0; i < ms->ncc; i++)
    if (add_addresses(g_mime_message_get_cc(m), ms->cc[i], ms, 1) != 0) return -1;
  return 0;
}

static GMimePart *part_with_bytes(const char *type, const char *subtype, const void *data,
                                  size_t len, GMimeContentEncoding enc) {
  GMimePart *p = g_mime_part_new_with_type(type, subtype);
  GMimeStream *s = g_mime_stream_mem_new_with_buffer(data, len);
  GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content(p, w);
  g_object_unref(w);
  g_object_unref(s);
  g_mime_part_set_content_encoding(p, enc);
  return p;
}

static GMimeObject *text_part(const char *subtype, const char *text) {
  GMimeTextPart *t = g_mime_text_part_new_with_subtype(subtype);
  g_mime_text_part_set_text(t, text);
  g_mime_text_part_set_charset(t, "utf-8");
  g_mime_part_set_content_encoding(GMIME_PART(t), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  return GMIME_OBJECT(t);
}

/* The attachment's name: the digest's title and window, made safe for file
 * systems (no slashes or control characters). */
static char *attachment_name(const pb_mail_input *in) {
  pb_buf b = PB_BUF_INIT;
  pb_buf_printf(&b, "%s %s", in->plan->title, in->since);
  if (in->until[0]) pb_buf_printf(&b, " — %s", in->until);
  for (size_t i = 0; i < b.len; i++) {
    unsigned char c = (unsigned char)b.data[i];
    if (c < 0x20 || c == '/' || c == '\\' || c == ':' || c == '"' || c == '*' || c == '?')
      b.data[i] = '-';
  }
  pb_buf_puts(&b, ".pdf");
  return pb_buf_detach(&b);
}

/* name as RFC 2047 encoded-words (B encoding, UTF-8), each under 75
 * characters and split between whole characters, separated by spaces: the
 * form Outlook and Foxmail write and read in name="...". ASCII stays as is. */
static char *encoded_words(const char *name) {
  int ascii = 1;
  for (const char *c = name; *c; c++) ascii &= (unsigned char)*c < 0x80;
  if (ascii) return pb_xstrdup(name);
  pb_buf b = PB_BUF_INIT;
  size_t len = strlen(name), pos = 0;
  while (pos < len) {
    size_t n = len - pos < 45 ? len - pos : 45; /* 45 bytes: 60 base64 characters */
    while (n < len - pos && ((unsigned char)name[pos + n] & 0xC0) == 0x80) n--;
    gchar *b64 = g_base64_encode((const guchar *)name + pos, n);
    pb_buf_printf(&b, "%s=?UTF-8?B?%s?=", pos ? " " : "", b64);
    g_free(b64);
    pos += n;
  }
  return pb_buf_detach(&b);
}

/* The PDF, with its name in Content-Type name= as RFC 2047 (Outlook,
 * Foxmail and other clients read only that) and in Content-Disposition
 * filename*= as RFC 2231 (the standard form). */
static GMimeObject *pdf_part(const pb_mail_input *in) {
  pb_buf pdf = PB_BUF_INIT;
  int rc = pb_read_file(in->pdf, MAX_PDF_BYTES, &pdf);
  if (rc) {
    if (rc == PB_ELIMIT)
      pb_error(in->pdf, 0, "larger than %zu MB: too large to attach", MAX_PDF_BYTES >> 20);
    else
      pb_error(in->pdf, 0, "cannot read the digest to attach it");
    pb_buf_free(&pdf);
    return NULL;
  }
  GMimePart *p =
      part_with_bytes("application", "pdf", pdf.data, pdf.len, GMIME_CONTENT_ENCODING_BASE64);
  pb_buf_free(&pdf);
  char *name = attachment_name(in);
  GMimeContentDisposition *d = g_mime_content_disposition_new();
  g_mime_content_disposition_set_disposition(d, GMIME_DISPOSITION_ATTACHMENT);
  g_mime_object_set_content_disposition(GMIME_OBJECT(p), d);
  g_object_unref(d);
  g_mime_part_set_filename(p, name);
  char *encoded = encoded_words(name);
  g_mime_object_set_content_type_parameter(GMIME_OBJECT(p), "name", encoded);
  free(encoded);
  GMimeParam *cp = g_mime_param_list_get_parameter(
      g_mime_content_type_get_parameters(g_mime_object_get_content_type(GMIME_OBJECT(p))), "name");
  if (cp) g_mime_param_set_encoding_method(cp, GMIME_PARAM_ENCODING_METHOD_RFC2047);
  GMimeParam *dp =
      g_mime_param_list_get_parameter(g_mime_content_disposition_get_parameters(
                                          g_mime_object_get_content_disposition(GMIME_OBJECT(p))),
                                      "filename");
  if (dp) g_mime_param_set_encoding_method(dp, GMIME_PARAM_ENCODING_METHOD_RFC2231);
  free(name);
  return GMIME_OBJECT(p);
}

/* text/html, wrapped in multipart/related with the thumbnails when any. */
static GMimeObject *html_part(const pb_mail_settings *ms, const pb_mail_input *in,
                              const char *domain) {
  pb_mail_thumb *thumbs = NULL;
  size_t nthumbs = 0;
  char *html = pb_mail_html(ms, in, domain, &thumbs, &nthumbs);
  GMimeObject *h = text_part("html", html);
  free(html);
  if (nthumbs == 0) return h;
  GMimeMultipart *rel = g_mime_multipart_new_with_subtype("related");
  g_mime_object_set_content_type_parameter(GMIME_OBJECT(rel), "type", "text/html");
  g_mime_multipart_add(rel, h);
  g_object_unref(h);
  for (size_t i = 0; i < nthumbs; i++) {
    GMimePart *img = part_with_bytes("image", "jpeg", thumbs[i].jpeg.data, thumbs[i].jpeg.len,
                                     GMIME_CONTENT_ENCODING_BASE64);
    g_mime_part_set_content_id(img, thumbs[i].cid);
    GMimeContentDisposition *d = g_mime_content_disposition_new();
    g_mime_content_disposition_set_disposition(d, GMIME_DISPOSITION_INLINE);
    g_mime_object_set_content_disposition(GMIME_OBJECT(img), d);
    g_object_unref(d);
    char name[64];
    snprintf(name, sizeof name, "figure-%zu.jpg", i + 1);
    g_mime_part_set_filename(img, name);
    g_mime_multipart_add(rel, GMIME_OBJECT(img));
    g_object_unref(img);
    pb_buf_free(&thumbs[i].jpeg);
  }
  free(thumbs);
  return GMIME_OBJECT(rel);
}

/* The body: mixed { alternative { plain, html }, pdf }. */
static GMimeObject *body(const pb_mail_settings *ms, const pb_mail_input *in, const char *domain) {
  GMimeObject *pdf = pdf_part(in);
  if (!pdf) return NULL;
  GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
  GMimeObject *plain = text_part("plain", in->text);
  g_mime_multipart_add(alt, plain);
  g_object_unref(plain);
  GMimeObject *html = html_part(ms, in, domain);
  g_mime_multipart_add(alt, html);
  g_object_unref(html);
  GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
  g_mime_multipart_add(mixed, GMIME_OBJECT(alt));
  g_object_unref(alt);
  g_mime_multipart_add(mixed, pdf);
  g_object_unref(pdf);
  return GMIME_OBJECT(mixed);
}

/* The Message-ID's (and cid:'s) domain: the sender's when it is a plain
 * host name (letters, digits, '-' and '.', as DNS has them), else
 * "paperbook.invalid": the ID is copied into mail-sent.log, headers and
 * URLs, where $( ), backticks, ';' or braces from a configured from: must
 * not go. */
static const char *msgid_domain(const char *from) {
  const char *at = from ? strrchr(from, '@') : NULL;
  const char *d = at ? at + 1 : "";
  size_t n = strlen(d);
  int ok = n > 0 && n <= 253 && d[0] != '.' && d[0] != '-' && d[n - 1] != '.';
  for (size_t i = 0; ok && i < n; i++) {
    unsigned char c = (unsigned char)d[i];
    ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         (c == '.' && d[i + 1] != '.');
  }
  return ok ? d : "paperbook.invalid";
}

int pb_mail_build(pb_mail_settings *ms, const pb_mail_input *in, pb_buf *out, char *msgid,
                  size_t msgidlen) {
  g_mime_init();
  int rc = PB_EUSAGE;
  GMimeMessage *m = g_mime_message_new(TRUE);
  GMimeFormatOptions *fo = NULL;
  if (set_addresses(m, ms) != 0) goto done;
  const char *domain = msgid_domain(ms->env_from);
  g_mime_message_set_subject(m, ms->subject, "utf-8");
  GDateTime *date = g_date_time_new_from_unix_local(in->created);
  g_mime_message_set_date(m, date);
  g_date_time_unref(date);
  char *id = g_mime_utils_generate_message_id(domain);
  g_mime_message_set_message_id(m, id);
  snprintf(msgid, msgidlen, "%s", id);
  g_free(id);
  g_mime_object_set_header(GMIME_OBJECT(m), "X-Mailer", "paperbook " PB_VERSION, NULL);
  rc = PB_EIO;
  GMimeObject *b = body(ms, in, domain);
  if (!b) goto done;
  g_mime_message_set_mime_part(m, b);
  g_object_unref(b);
  fo = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
  char *s = g_mime_object_to_string(GMIME_OBJECT(m), fo);
  pb_buf_puts(out, s);
  g_free(s);
  rc = 0;
done:
  if (fo) g_mime_format_options_free(fo);
  g_object_unref(m);
  g_mime_shutdown();
  return rc;
}
