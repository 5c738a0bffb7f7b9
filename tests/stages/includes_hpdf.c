/* Built with a stage's settings by tests/stages.cmake: only the pdf stage
 * may include libharu's header (the layout's probe fails, the pdf's builds). */
#include <hpdf.h>

int pb_stage_probe(void) { return HPDF_TRUE; }
