#!/usr/bin/env bash
# The outputs that do not draw PDF streams (the LaTeX export, the mail)
# follow the plan's verdict on a figure and judge none themselves (issue
# 21): no object file of theirs refers to a function of the images stage
# that reads a figure's header or data (probing, decoding, encoding,
# thumbnailing, converting); they ask the image cache for the files made
# from what the plan judged (pb_imgcache_latex_file, pb_imgcache_thumbnail).
# Usage: outputs_judge_no_figure.sh OBJECT...
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 OBJECT..."; exit 2; }
command -v nm >/dev/null || { echo "skip: nm not installed"; exit 77; }
forbidden='^(pb_image_(probe|probe_mem|sniff|decode_rgb8|thumbnail|latex_file|encode|encode_mem)|png_[a-z_]+|WebP[A-Za-z]+|DGif[A-Za-z]+|jpeg_[a-z_]+)$'
bad=0
for obj in "$@"; do
  [ -f "$obj" ] || { echo "FAIL: $obj not built"; exit 1; }
  while read -r sym; do
    echo "FAIL: $(basename "$obj") calls $sym"
    bad=1
  done < <(nm -u "$obj" | awk '{print $NF}' | grep -E "$forbidden" || true)
done
[ $bad -eq 0 ] || exit 1
echo "ok   $# export and mail objects judge no figure"
