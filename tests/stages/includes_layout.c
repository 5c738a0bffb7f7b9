/* Built with the read stage's settings by tests/stages.cmake: a reader
 * must not include the layout's header. */
#include "layout.h"

int pb_stage_probe(void) { return PB_ITEM_TEXT; }
