/* libcurl opened on first use (see curlapi.h). */
#include "curlapi.h"

#include <pthread.h>
#include <stdio.h>

#include "dynlib.h"

static pb_curl_api api;
static char api_why[256]; /* why it could not be opened; "" when it was */
static pthread_once_t api_once = PTHREAD_ONCE_INIT;

static void open_curl(void) {
  void *h = pb_dynlib_open(PB_SONAME_CURL, api_why, sizeof api_why);
  int ok = h != NULL;
#define BIND(f)                                                                                    \
  if (ok) ok = pb_dynlib_sym(h, "curl_" #f, &api.f, sizeof api.f, api_why, sizeof api_why) == 0;
  PB_CURL_FUNCTIONS(BIND)
#undef BIND
  if (ok)
    api_why[0] = 0;
  else if (!api_why[0])
    snprintf(api_why, sizeof api_why, "cannot load libcurl");
}

const pb_curl_api *pb_curl(char *why, size_t whylen) {
  pthread_once(&api_once, open_curl);
  if (api_why[0]) {
    snprintf(why, whylen, "%s", api_why);
    return NULL;
  }
  return &api;
}
