/* Names in pinyin order through ICU's collator (see collate.h). */
#include <string.h>

#include <unicode/uclean.h>
#include <unicode/ucol.h>

#include "collate.h"
#include "context.h"

static void icu_cleanup(void) { u_cleanup(); }

static void *collator_make(void) {
  UErrorCode st = U_ZERO_ERROR;
  UCollator *c = ucol_open("zh", &st);
  if (U_FAILURE(st)) {
    if (c) ucol_close(c);
    return NULL;
  }
  return c;
}

static void collator_drop(void *c) { ucol_close(c); }

int pb_name_cmp(const char *a, const char *b) {
  if (!a || !b) return !a - !b;
  /* ICU's caches go with the context, after the collator (slots first) */
  pb_ctx_at_free(icu_cleanup);
  UCollator *c = pb_ctx_slot(PB_SLOT_COLLATOR, collator_make, collator_drop);
  if (c) {
    UErrorCode st = U_ZERO_ERROR;
    UCollationResult r = ucol_strcollUTF8(c, a, -1, b, -1, &st);
    if (U_SUCCESS(st) && r != UCOL_EQUAL) return r == UCOL_LESS ? -1 : 1;
  }
  return strcmp(a, b);
}
