/* Built with the export stage's settings by tests/stages.cmake: only the
 * mail stage may include GMime's header. */
#include <gmime/gmime.h>

int pb_stage_probe(void) { return GMIME_MAJOR_VERSION; }
