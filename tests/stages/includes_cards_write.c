/* Built by tests/stages.cmake with the export stage's settings: the import's
 * writer (the model written back as card files) is a stage of its own that
 * the outputs may not use, since they read only the plan. */
#include "cards_write.h"

int pb_stage_probe(void) { return 0; }
