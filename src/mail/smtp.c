/* Sending the digest over SMTP with libcurl.
 *
 *   smtp://host[:587]            STARTTLS required (CURLUSESSL_ALL)
 *   smtps://host[:465]           TLS from the first byte
 *   smtp+insecure://host[:25]    no TLS at all: a relay on this machine, tests
 *                                (a loopback address only)
 *
 * The password comes from PAPERBOOK_SMTP_PASSWORD or from ~/.netrc
 * (libcurl reads it), never from the URL, the command line or
 * paperbook.yml, and is never printed: messages show the URL without its
 * user part, and only the server's answers (never what we sent) are kept
 * for them. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "curlapi.h"
#include "diag.h"
#include "mail.h"

typedef struct {
  const char *data;
  size_t len, pos;
  char answer[512]; /* the server's last reply, for messages */
} smtp_state;

/* libcurl's functions, opened when a message is sent is first needed */
static const pb_curl_api *cu;

static size_t read_body(char *out, size_t size, size_t n, void *userp) {
  smtp_state *s = userp;
  size_t room = size * n, left = s->len - s->pos;
  size_t k = left < room ? left : room;
  memcpy(out, s->data + s->pos, k);
  s->pos += k;
  return k;
}

/* Keeps the last line the server sent (CURLINFO_HEADER_IN holds replies),
 * for the terminal: printable ASCII as it is, every other byte (controls,
 * escape sequences, bytes from 0x80 on) as \xHH. */
static int on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *userp) {
  (void)c;
  smtp_state *s = userp;
  if (type != CURLINFO_HEADER_IN || size == 0) return 0;
  while (size && (data[size - 1] == '\n' || data[size - 1] == '\r')) size--;
  size_t o = 0;
  for (size_t i = 0; i < size && o + 5 < sizeof s->answer; i++) {
    unsigned char b = (unsigned char)data[i];
    if (b >= 0x20 && b < 0x7f)
      s->answer[o++] = (char)b;
    else
      o += (size_t)snprintf(s->answer + o, sizeof s->answer - o, "\\x%02X", b);
  }
  s->answer[o] = 0;
  return 0;
}

/* 1 when host (as libcurl parsed it) is this machine: 127.0.0.0/8, ::1 or
 * localhost (libcurl resolves "localhost" to the loopback itself, without
 * asking DNS). */
static int loopback_host(const char *host) {
  struct in_addr a4;
  struct in6_addr a6;
  char h[64];
  size_t n = strlen(host);
  if (n >= sizeof h) return 0;
  if (host[0] == '[' && host[n - 1] == ']') { /* [::1] */
    memcpy(h, host + 1, n - 2);
    h[n - 2] = 0;
  } else {
    memcpy(h, host, n + 1);
  }
  if (strcasecmp(h, "localhost") == 0) return 1;
  if (inet_pton(AF_INET, h, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  return inet_pton(AF_INET6, h, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* The URL libcurl gets and how much TLS it must insist on; *shown is the
 * URL without user information, for messages. Returns -1 after an error. */
static int parse_url(const char *url, char **real, long *tls, char **shown) {
  static const char insecure[] = "smtp+insecure://";
  *real = *shown = NULL;
  if (strncmp(url, insecure, sizeof insecure - 1) == 0) {
    pb_buf b = PB_BUF_INIT;
    pb_buf_printf(&b, "smtp://%s", url + sizeof insecure - 1);
    *real = pb_buf_detach(&b);
    *tls = CURLUSESSL_NONE;
  } else if (strncmp(url, "smtp://", 7) == 0 || strncmp(url, "smtps://", 8) == 0) {
    *real = pb_xstrdup(url);
    *tls = CURLUSESSL_ALL;
  } else {
    pb_error(NULL, 0,
             "the SMTP server must be smtp://HOST[:PORT] (STARTTLS), smtps://HOST[:PORT] "
             "or smtp+insecure://HOST[:PORT]");
    return -1;
  }
  CURLU *u = cu->url();
  char *host = NULL, *port = NULL, *pw = NULL;
  int rc = -1;
  if (cu->url_set(u, CURLUPART_URL, *real, 0) != CURLUE_OK ||
      cu->url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    pb_error(NULL, 0, "the SMTP server's URL does not parse (it should be smtp://HOST[:PORT])");
  } else if (*tls == CURLUSESSL_NONE && !loopback_host(host)) {
    /* no TLS: the login and the message in clear text, so only to a relay
     * on this machine */
    pb_error(NULL, 0,
             "smtp+insecure:// (no TLS) is only for a relay on this machine (127.0.0.1, ::1, "
             "localhost), not '%s': use smtp:// (STARTTLS) or smtps://",
             host);
  } else if (cu->url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
    pb_error(NULL, 0,
             "the SMTP URL holds a password: it is never read from the command line or "
             "paperbook.yml; set PAPERBOOK_SMTP_PASSWORD or use "
             "~/.netrc");
  } else {
    cu->url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
    pb_buf b = PB_BUF_INIT;
    pb_buf_printf(&b, "%.*s//%s:%s", (int)(strchr(url, '/') - url), url, host, port ? port : "?");
    *shown = pb_buf_detach(&b);
    rc = 0;
  }
  cu->free(host);
  cu->free(port);
  cu->free(pw);
  cu->url_cleanup(u);
  if (rc) {
    free(*real);
    *real = NULL;
  }
  return rc;
}

/* What went wrong, in words, from libcurl's code and the server's answer. */
static void report(const char *shown, CURLcode rc, const char *errbuf, const smtp_state *s,
                   int timeout) {
  const char *what = errbuf[0] ? errbuf : cu->easy_strerror(rc);
  switch (rc) {
  case CURLE_OPERATION_TIMEDOUT:
    pb_error(shown, 0, "sending failed: no answer from the server within %d s (%s)", timeout, what);
    return;
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
    pb_error(shown, 0, "sending failed: cannot connect: %s", what);
    return;
  case CURLE_USE_SSL_FAILED:
    pb_error(shown, 0,
             "sending failed: the server does not offer STARTTLS, which smtp:// requires (use "
             "smtps:// for TLS from the start, or smtp+insecure:// for a relay on this machine)");
    return;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CONNECT_ERROR:
    pb_error(shown, 0, "sending failed: TLS: %s (a server with its own CA: --smtp-ca FILE)", what);
    return;
  case CURLE_LOGIN_DENIED:
    pb_error(shown, 0, "sending failed: the server refused the login%s%s", s->answer[0] ? ": " : "",
             s->answer);
    return;
  default:
    if (s->answer[0] == '4' || s->answer[0] == '5') /* the server's refusal says it best */
      pb_error(shown, 0, "sending failed: the server said: %s", s->answer);
    else if (s->answer[0])
      pb_error(shown, 0, "sending failed: %s; the server said: %s", what, s->answer);
    else
      pb_error(shown, 0, "sending failed: %s", what);
  }
}

/* Login: the user from the settings (or the URL), the password from the
 * user's environment (PAPERBOOK_SMTP_PASSWORD, a name no library can
 * change); without one, libcurl looks in ~/.netrc. */
static void set_login(CURL *c, const pb_mail_settings *ms) {
  const char *pw = getenv("PAPERBOOK_SMTP_PASSWORD");
  if (ms->user) cu->easy_setopt(c, CURLOPT_USERNAME, ms->user);
  if (pw && *pw)
    cu->easy_setopt(c, CURLOPT_PASSWORD, pw);
  else
    cu->easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
}

int pb_smtp_send(const pb_mail_settings *ms, const char *message, size_t len) {
  char *real, *shown;
  long tls;
  char why[256];
  if (!(cu = pb_curl(why, sizeof why))) {
    pb_error(NULL, 0, "sending failed: %s", why);
    return PB_EIO;
  }
  if (parse_url(ms->smtp, &real, &tls, &shown) != 0) return PB_EIO;
  cu->global_init(CURL_GLOBAL_DEFAULT);
  CURL *c = cu->easy_init();
  smtp_state s = {message, len, 0, ""};
  char errbuf[CURL_ERROR_SIZE] = "";
  struct curl_slist *rcpt = NULL;
  for (size_t i = 0; i < ms->nrcpt; i++) {
    pb_buf b = PB_BUF_INIT;
    pb_buf_printf(&b, "<%s>", ms->rcpt[i]);
    rcpt = cu->slist_append(rcpt, b.data);
    pb_buf_free(&b);
  }
  pb_buf from = PB_BUF_INIT;
  pb_buf_printf(&from, "<%s>", ms->env_from);
  cu->easy_setopt(c, CURLOPT_URL, real);
  cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  cu->easy_setopt(c, CURLOPT_USE_SSL, tls);
  cu->easy_setopt(c, CURLOPT_MAIL_FROM, from.data);
  cu->easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  cu->easy_setopt(c, CURLOPT_UPLOAD, 1L);
  cu->easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
  cu->easy_setopt(c, CURLOPT_READFUNCTION, read_body);
  cu->easy_setopt(c, CURLOPT_READDATA, &s);
  cu->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  cu->easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
  cu->easy_setopt(c, CURLOPT_DEBUGDATA, &s);
  cu->easy_setopt(c, CURLOPT_VERBOSE, 1L); /* for on_debug; it prints nothing itself */
  cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)ms->timeout);
  cu->easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)ms->timeout);
  cu->easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  cu->easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)ms->timeout);
  if (ms->ca_file) cu->easy_setopt(c, CURLOPT_CAINFO, ms->ca_file);
  set_login(c, ms);
  CURLcode rc = cu->easy_perform(c);
  if (rc != CURLE_OK) report(shown, rc, errbuf, &s, ms->timeout);
  cu->slist_free_all(rcpt);
  pb_buf_free(&from);
  cu->easy_cleanup(c);
  cu->global_cleanup();
  free(real);
  free(shown);
  return rc == CURLE_OK ? 0 : PB_EIO;
}
