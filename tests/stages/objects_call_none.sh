#!/usr/bin/env bash
# Checks that no object file of a stage refers to a forbidden function
# (nm -u: the symbols an object needs from elsewhere). Used for rules the
# include graph cannot state (issue 21):
#  - the PDF back end draws the glyph runs the layout shaped and shapes,
#    itemizes and measures nothing itself;
#  - the outputs that draw no PDF streams (the LaTeX export, the mail) follow
#    the plan's verdict on a figure and probe, decode, encode, thumbnail or
#    convert none themselves: they ask the image cache for the files made
#    from what the plan judged (pb_imgcache_latex_file, pb_imgcache_thumbnail).
# Usage: objects_call_none.sh WHAT REGEX OBJECT...
#   WHAT   what the objects must not do, for the verdict line
#   REGEX  extended regular expression of the forbidden symbols
set -euo pipefail
[ $# -gt 2 ] || { echo "usage: $0 WHAT REGEX OBJECT..."; exit 2; }
what=$1 forbidden=$2
shift 2
command -v nm >/dev/null || { echo "skip: nm not installed"; exit 77; }
bad=0
for obj in "$@"; do
  [ -f "$obj" ] || { echo "FAIL: $obj not built"; exit 1; }
  while read -r sym; do
    echo "FAIL: $(basename "$obj") calls $sym"
    bad=1
  done < <(nm -u "$obj" | awk '{print $NF}' | grep -E "$forbidden" || true)
done
[ $bad -eq 0 ] || exit 1
echo "ok   $# objects: $what"
