/* Libraries opened on first use (see dynlib.h). */
#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

void *pb_dynlib_open(const char *soname, char *why, size_t whylen) {
  void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(why, whylen, "cannot load %s: %s", soname, e ? e : "unknown error");
  }
  return h;
}

int pb_dynlib_sym(void *handle, const char *name, void *slot, size_t slot_size, char *why,
                  size_t whylen) {
  dlerror();
  void *p = handle ? dlsym(handle, name) : NULL;
  if (!p || slot_size != sizeof p) {
    snprintf(why, whylen, "%s not found in the library loaded", name);
    return -1;
  }
  memcpy(slot, &p, sizeof p);
  return 0;
}
