/* LaTeX export: the library as a .tex file for xelatex (ctexbook), with the
 * same structure as the PDF booklet (title page, contents, chapters by
 * category / month / presenter, cards, presenter appendix), for people who
 * want to adjust the typesetting themselves.
 *
 * This is a back end beside the layout, not after it: it walks the plan
 * (plan.h) and leaves measuring and breaking to TeX. */
#ifndef PB_TEX_H
#define PB_TEX_H

#include "output.h"
#include "plan.h"

typedef struct {
  int letter; /* US Letter instead of A4 */
  int print;  /* print mode: link targets as footnotes, no colour */
  /* where booklet.tex and figures/ may be written (output.h); NULL: no
   * confinement */
  const pb_output_rules *rules;
  int zh; /* the apparatus in Chinese (`lang: zh`), else English */
} pb_tex_options;

/* Writes outdir/booklet.tex and the figures it uses into outdir/figures/
 * (both directories are created when missing). The figures are the plan's
 * verdicts: plan must be built with pb_plan_options.figures (judge_only is
 * enough), and a figure the plan shows is written under an ASCII name
 * (fig-001.png, ...) as the image cache gives it (pb_imgcache_latex_file:
 * JPEG and PNG as they are, chosen by their bytes, never their extension;
 * WebP, GIF and a PNG without IEND converted to PNG). A figure the plan
 * cannot show (it warned at the card's file:line), a remote one, and one
 * whose data the plan did not judge become a framed placeholder; the last
 * two with a warning of the export's at the card's file:line. Characters
 * that none of the configured fonts has (emoji) are dropped with a
 * warning. booklet.tex is written to a temporary file and renamed, so a
 * failed run never leaves half a file behind.
 *
 * The .tex compiles with xelatex (run twice for the contents) using the
 * fonts Noto Serif / Noto Sans / Noto Sans Mono and Noto Serif / Sans CJK
 * SC (else AR PL UMing CN / WenQuanYi Micro Hei, with a synthetic bold).
 * opt may be NULL (defaults).
 * Returns 0, or PB_EIO when a file cannot be written (error printed). */
int pb_tex_write(const pb_plan *plan, const pb_tex_options *opt, const char *outdir);

#endif
