#!/usr/bin/env bash
# Builds a fresh copy of the sample library under valgrind, following the
# forked deck readers (valgrind.sh --children), so that every PDF deck is
# opened and its first page rendered by poppler under valgrind.
# Usage: decks.sh PAPERBOOK SAMPLE_ROOT OUTDIR
set -euo pipefail
pb=$1 root=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out/lib" "$out/cache"
cp -r "$root/papers" "$root/Images" "$root/Slide" "$out/lib/"
[ -f "$root/paperbook.yml" ] && cp "$root/paperbook.yml" "$out/lib/"
n=$(find "$out/lib/Slide" -iname '*.pdf' | wc -l)
[ "$n" -gt 0 ] || { echo "FAIL: the sample has no PDF deck to read"; exit 1; }
PAPERBOOK_CACHE_DIR="$out/cache" PAPERBOOK_BROWSER=none "$here/valgrind.sh" --children "$pb" build "$out/lib" --appendix slides -o "$out/decks.pdf"
# The decks were really read: their thumbnails are in the cache.
t=$(find "$out/cache" -path '*/thumbs/pdf/*.png' | wc -l)
echo "PDF decks: $n, thumbnails rendered: $t"
[ "$t" -ge "$n" ] || { echo "FAIL: fewer thumbnails than PDF decks"; exit 1; }
