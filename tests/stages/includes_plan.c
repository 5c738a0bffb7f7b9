/* Built by tests/stages.cmake with the records stage's settings, which may
 * not use the plan (the plan exports of BibTeX are the export stage's), and
 * with the mail stage's, which may: the digest walks the plan. */
#include "plan.h"

size_t pb_stage_probe(const pb_plan *p) { return sizeof *p; }
