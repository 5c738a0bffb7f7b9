/* A guard in front of libyaml: libyaml's scanner rechecks every open flow
 * collection for each token, so a document nested 150,000 levels deep
 * ("x: [[[[...") takes minutes. pb_yaml_guard scans the text once, with
 * the quoting and comment rules that decide where a flow collection
 * starts, and stops at the first level beyond the limit. */
#ifndef PB_YAMLGUARD_H
#define PB_YAMLGUARD_H

#include <stddef.h>

/* Deepest flow nesting ([ and {) accepted; paper cards use two or three,
 * libyaml needs 2 s for 10,000 levels (it is quadratic in the depth). */
#define PB_YAML_MAX_DEPTH 1000

/* 0 when s[0..len) nests flow collections at most max deep; otherwise -1
 * and *line (1-based, within s) where the limit was passed. */
int pb_yaml_guard(const char *s, size_t len, int max, int *line);

#endif
