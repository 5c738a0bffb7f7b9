/* Built with a stage's settings by tests/stages.cmake: only the pdf stage
 * may include libharu's header. */
#include <hpdf.h>

int pb_stage_probe(void) { return HPDF_TRUE; }
