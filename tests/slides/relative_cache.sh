#!/usr/bin/env bash
# The sample library built from inside it (library ".", the cache in the
# relative ./build/cache, as the README's sample command does): the HTML
# deck's Chromium screenshot must be taken. The file: URL handed to the
# browser was once relative ("file://./build/...") and no picture came.
# Usage: relative_cache.sh PAPERBOOK SAMPLE_ROOT OUTDIR
set -euo pipefail
pb=$1 root=$2 out=$3
command -v chromium >/dev/null || command -v chromium-browser >/dev/null ||
  { echo "skip: no chromium"; exit 77; }
unset PAPERBOOK_CACHE_DIR PAPERBOOK_BROWSER
rm -rf "$out"
mkdir -p "$out/lib"
cp -r "$root/papers" "$root/Images" "$root/Slide" "$out/lib/"
[ -f "$root/paperbook.yml" ] && cp "$root/paperbook.yml" "$out/lib/"
ls "$out/lib/Slide/"*.html >/dev/null || { echo "FAIL: the sample has no HTML deck"; exit 1; }
cd "$out/lib"
"$pb" build . --appendix slides -o book.pdf 2> err.txt || true
cat err.txt
fail=0
if grep -qi "screenshot" err.txt; then echo "FAIL: the browser gave no screenshot"; fail=1; fi
n=$(find build/cache -path '*/thumbs/html/*.png' | wc -l)
[ "$n" -ge 1 ] || { echo "FAIL: no HTML deck thumbnail in ./build/cache"; fail=1; }
# The thumbnail is drawn in the slide index: one more image than without it.
imgs=$(pdfimages -list book.pdf | tail -n +3 | wc -l)
echo "HTML deck thumbnails: $n; images in the booklet: $imgs"
[ $fail -eq 0 ] && echo "relative cache: HTML deck screenshot taken"
exit $fail
