#!/usr/bin/env bash
# The PDF back end draws the glyph runs the layout shaped and shapes,
# itemizes and measures nothing itself (issue 21): no object file of the pdf
# stage refers to a shaping, face-choosing or line-setting function.
# (pdf/ cannot include hb.h at all: the layout owns it, cmake/stages.cmake.)
# Usage: pdf_shapes_nothing.sh OBJECT...
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 OBJECT..."; exit 2; }
command -v nm >/dev/null || { echo "skip: nm not installed"; exit 77; }
forbidden='^(pb_fonts_shape|pb_fonts_face_for|pb_text_width|pb_para_layout|hb_shape|hb_shape_full|hb_buffer_create)$'
bad=0
for obj in "$@"; do
  [ -f "$obj" ] || { echo "FAIL: $obj not built"; exit 1; }
  while read -r sym; do
    echo "FAIL: $(basename "$obj") calls $sym"
    bad=1
  done < <(nm -u "$obj" | awk '{print $NF}' | grep -E "$forbidden" || true)
done
[ $bad -eq 0 ] || exit 1
echo "ok   $# pdf objects call no shaping function"
