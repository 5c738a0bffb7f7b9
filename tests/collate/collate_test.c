/* Names sort by pinyin (src/base/collate.c), and a presenter-grouped plan of
 * the sample library lists its chapters in that order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collate.h"
#include "context.h"

static int cmp(const void *a, const void *b) {
  return pb_name_cmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void) {
  const char *v[] = {"周婷", "Bob", "陈思远", "张伟", "李华", "alice", "刘洋", "赵敏", "李华"};
  /* ICU's zh order puts Han (by pinyin) before Latin letters */
  const char *want[] = {"陈思远", "李华", "李华", "刘洋", "张伟", "赵敏", "周婷", "alice", "Bob"};
  size_t n = sizeof v / sizeof *v;
  qsort(v, n, sizeof *v, cmp);
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    printf("%s%s", i ? " " : "", v[i]);
    if (strcmp(v[i], want[i])) bad = 1;
  }
  printf("\n");
  if (pb_name_cmp(NULL, "a") <= 0 || pb_name_cmp("a", NULL) >= 0 || pb_name_cmp(NULL, NULL)) {
    printf("FAIL: a missing name sorts last\n");
    bad = 1;
  }
  pb_ctx_free(NULL);
  if (bad) printf("FAIL: not in pinyin order\n");
  return bad;
}
