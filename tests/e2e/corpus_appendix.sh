#!/usr/bin/env bash
# The real archive with both appendices: presenter counts and every deck.
set -euo pipefail
pb=$1 out=$2 corpus=$3
archive="$corpus/Archived/2024论文精读归档.md"
[ -f "$archive" ] || { echo "skip: corpus not present"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
"$pb" build -q "$corpus/REPORT.md" "$archive" --appendix presenters --appendix slides --no-cache \
  --cache-dir "$out/appendix-cache" -o "$out/appendix.pdf"
"$pb" dump "$corpus/REPORT.md" "$archive" --cache-dir "$out/appendix-cache" > "$out/appendix.json" 2>/dev/null
qpdf --check "$out/appendix.pdf" >/dev/null
python3 "$here/appendix_check.py" "$out/appendix.pdf" "$out/appendix.json" "$corpus/Slide"
