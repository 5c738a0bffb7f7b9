/* Inline marks the group writes that plain CommonMark leaves as text:
 * `~~struck~~` (GitHub's strike-through) and TeX-style scripts such as
 * `A$^3$lign` or `x$_t$`. Part of the read stage: the model keeps the
 * result (a PB_STYLE_STRIKE span, Unicode super/subscript characters). */
#ifndef PB_INLINE_H
#define PB_INLINE_H

#include <stddef.h>

#include "mem.h"
#include "model.h"

/* Returns s[0..len) with every `$^X$`, `$^{X}$`, `$_X$` and `$_{X}$` whose X
 * has Unicode super/subscript forms (digits, + - = ( ), a few letters)
 * replaced by them ("A$^3$lign" -> "A³lign"). Other `$...$` stay as written.
 * The result is NUL-terminated and lives in arena. */
char *pb_inline_scripts(pb_arena *arena, const char *s, size_t len);

/* Rewrites the spans of b[first..n): adjacent spans of one style and URL
 * are merged, scripts converted as above, and text between a pair of `~~`
 * in one block becomes PB_STYLE_STRIKE (the tildes removed). An unpaired
 * `~~` stays as text. */
void pb_inline_blocks(pb_library *lib, pb_text *t, size_t first);

#endif
