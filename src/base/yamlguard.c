#include "yamlguard.h"

/* 1 when a '[' or '{' at s[i] (outside any flow collection) starts one: it
 * is the first thing on its line or follows ':', '-', '?' or ',' and
 * blanks (else it is part of a plain scalar such as "a [b]"). */
static int starts_flow(const char *s, size_t i) {
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) i--;
  return i == 0 || s[i - 1] == '\n' || s[i - 1] == ':' || s[i - 1] == '-' || s[i - 1] == '?' ||
         s[i - 1] == ',';
}

int pb_yaml_guard(const char *s, size_t len, int max, int *line) {
  int depth = 0, ln = 1;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '\n') {
      ln++;
    } else if (c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\n')) {
      while (i + 1 < len && s[i + 1] != '\n') i++; /* a comment */
    } else if ((c == '"' || c == '\'') && (depth > 0 || starts_flow(s, i))) {
      /* a quoted scalar: brackets inside do not count */
      for (i++; i < len; i++) {
        if (s[i] == '\n') ln++;
        if (c == '"' && s[i] == '\\' && i + 1 < len) {
          i++;
          continue;
        }
        if (s[i] == c) {
          if (c == '\'' && i + 1 < len && s[i + 1] == '\'') {
            i++;
            continue;
          }
          break;
        }
      }
    } else if ((c == '[' || c == '{') && (depth > 0 || starts_flow(s, i))) {
      if (++depth > max) {
        if (line) *line = ln;
        return -1;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
  return 0;
}
