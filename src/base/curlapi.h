/* libcurl, opened on first use (dynlib.h): only --fetch, enrich and mail
 * talk to the network, and libcurl with what it brings (TLS, Kerberos,
 * LDAP, SSH, RTMP, IDN: 23 libraries) cost 16.6 M instructions at every
 * start of paperbook. The functions the network stages call, by their
 * names without the curl_ prefix (curl.h's type-checking macros keep the
 * prefixed names for themselves). */
#ifndef PB_CURLAPI_H
#define PB_CURLAPI_H

#include <curl/curl.h>
#include <stddef.h>

#define PB_CURL_FUNCTIONS(X)                                                                       \
  X(global_init)                                                                                   \
  X(global_cleanup)                                                                                \
  X(easy_init)                                                                                     \
  X(easy_setopt)                                                                                   \
  X(easy_perform)                                                                                  \
  X(easy_cleanup)                                                                                  \
  X(easy_getinfo)                                                                                  \
  X(easy_strerror)                                                                                 \
  X(easy_escape)                                                                                   \
  X(free)                                                                                          \
  X(slist_append)                                                                                  \
  X(slist_free_all)                                                                                \
  X(multi_init)                                                                                    \
  X(multi_add_handle)                                                                              \
  X(multi_perform)                                                                                 \
  X(multi_strerror)                                                                                \
  X(multi_info_read)                                                                               \
  X(multi_remove_handle)                                                                           \
  X(multi_poll)                                                                                    \
  X(multi_cleanup)                                                                                 \
  X(url)                                                                                           \
  X(url_set)                                                                                       \
  X(url_get)                                                                                       \
  X(url_cleanup)

#define PB_CURL_SLOT(f) __typeof__(&curl_##f) f;
typedef struct {
  PB_CURL_FUNCTIONS(PB_CURL_SLOT)
} pb_curl_api;
#undef PB_CURL_SLOT

/* libcurl's functions, opened once (thread-safe); NULL with the reason in
 * why when the library cannot be opened. */
const pb_curl_api *pb_curl(char *why, size_t whylen);

#endif
