#!/usr/bin/env bash
# The layout report on the real 2024 archive: zero overfull lines, zero
# punctuation violations, zero widows and orphans.
set -euo pipefail
pb=$1 out=$2 archive=$3
[ -f "$archive" ] || { echo "skip: $archive not present"; exit 77; }
mkdir -p "$out"
report=$("$pb" build -q --layout-report --no-cache "$archive" -o "$out/layout-report.pdf")
summary=$(printf '%s\n' "$report" | grep '^layout report:')
echo "$summary"
echo "$summary" | grep -q " 0 overfull lines, 0 punctuation violations, 0 widows, 0 orphans" || {
  printf '%s\n' "$report" | head -40; exit 1; }
