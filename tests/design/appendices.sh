#!/usr/bin/env bash
# The 2024 archive with both appendices (issue 23, item 3), built from a copy
# of the corpus (never inside the shared one):
#   appendices.sh PAPERBOOK OUTDIR CORPUS_DIR MAX_PAGES MIN_MEAN
# fails when the booklet has more than MAX_PAGES pages, a mean page fill
# (bench/pagefill.py) under MIN_MEAN or a page under 25 % full, or when an
# outline entry keeps a straight quote its card title had (the body
# educates them: “ ” ‘ ’). A one-card library whose title has straight
# double quotes checks those. Skips (77) without the corpus.
set -euo pipefail
pb=$1 out=$2 corpus=$3 max_pages=$4 min_mean=$5
here=$(cd "$(dirname "$0")" && pwd)
archive=Archived/2024论文精读归档.md
[ -f "$corpus/$archive" ] || { echo "skip: $corpus/$archive not present"; exit 77; }
rm -rf "$out" && mkdir -p "$out"
tar -C "$corpus" --exclude=./build -cf - . | tar -C "$out" --one-top-level=corpus -xf -
(cd "$out/corpus" && "$pb" build -q "$archive" --appendix presenters --appendix slides \
  -o "$out/archive.pdf" 2>"$out/archive.err") || { tail "$out/archive.err"; exit 1; }
(cd "$out/corpus" && "$pb" dump "$archive" >"$out/archive.json" 2>/dev/null)
mkdir -p "$out/quoted/papers"
cat >"$out/quoted/papers/q.md" <<'CARD'
---
title: "The \"Quoted\" Model: a Students' Benchmark"
venue: CVPR
year: 2024
presenter: 张宇
date: 2024-03-01
---
One card whose title has straight quotes.
CARD
"$pb" build -q "$out/quoted" -o "$out/quoted.pdf" 2>"$out/quoted.err" || { cat "$out/quoted.err"; exit 1; }
python3 "$here/appendices_check.py" "$out/archive.pdf" "$out/archive.json" "$max_pages" "$min_mean" \
  "$out/quoted.pdf" 'The "Quoted" Model: a Students'"'"' Benchmark'
