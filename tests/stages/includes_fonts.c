/* Built with the model stage's settings by tests/stages.cmake: the model
 * knows no fonts (they are the layout's). */
#include "fonts.h"

int pb_stage_probe(const pb_fonts *f) { return pb_fonts_count(f); }
