/* Built with the settings of a stage that may not use the layout (read,
 * mail) by tests/stages.cmake, and with the pdf stage's, which may: the
 * layout's header is found only by stages that use it. */
#include "layout.h"

int pb_stage_probe(void) { return PB_ITEM_TEXT; }
