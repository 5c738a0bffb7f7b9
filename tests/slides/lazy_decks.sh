#!/usr/bin/env bash
# Deck contents are read only for the outputs that draw them (issue 25): a
# booklet without the slide index or the presenter appendix, a digest, a
# handout and the LaTeX export start no browser and render no deck page;
# the slide index, dump and check do. The "browser" is a script that leaves
# a mark when it is started; thumbnails are counted in the cache.
# Usage: lazy_decks.sh PAPERBOOK SAMPLE_ROOT OUTDIR
set -euo pipefail
pb=$1 root=$2 out=$3
rm -rf "$out"
mkdir -p "$out/lib"
cp -r "$root/papers" "$root/Images" "$root/Slide" "$out/lib/"
ls "$out/lib/Slide/"*.html "$out/lib/Slide/"*.pdf >/dev/null ||
  { echo "FAIL: the sample needs an HTML and a PDF deck"; exit 1; }
mark=$out/browser-started
cat > "$out/browser" <<EOS
#!/bin/sh
echo "\$@" >> "$mark"
exit 1
EOS
chmod +x "$out/browser"
export PAPERBOOK_BROWSER=$out/browser
unset PAPERBOOK_CACHE_DIR
lib=$out/lib
fail=0
thumbs() { [ -d "$lib/build/cache/thumbs" ] || { echo 0; return; }; find "$lib/build/cache/thumbs" -type f | wc -l; }
expect_none() { # what
  if [ -e "$mark" ]; then echo "FAIL: $1 started the browser"; fail=1; rm -f "$mark"; fi
  n=$(thumbs)
  if [ "$n" -ne 0 ]; then echo "FAIL: $1 wrote $n deck thumbnails/records"; fail=1; fi
  rm -rf "$lib/build/cache/thumbs"
}
"$pb" build "$lib" -q -o "$out/book.pdf" || { echo "FAIL: build"; exit 1; }
expect_none "a booklet without the slide index"
# The decks are still matched with the cards: the booklet links the decks.
links=$(qpdf --qdf --object-streams=disable "$out/book.pdf" - | python3 -c '
import re, sys
t = sys.stdin.buffer.read()
names = [bytes.fromhex(h.decode()) for h in re.findall(rb"/F <([0-9a-f]+)>", t)]
names += re.findall(rb"/F \(([^)]*)\)", t)
print(sum(b"Slide/" in n for n in names))')
[ "$links" -ge 2 ] || { echo "FAIL: the booklet links $links decks under Slide/ (want 2: the PDF decks)"; fail=1; }
"$pb" digest "$lib" -q --since 2000-01-01 --until 2100-01-01 -o "$out/digest.pdf" || { echo "FAIL: digest"; exit 1; }
expect_none "a digest"
"$pb" build "$lib" -q --format tex -o "$out/tex" || { echo "FAIL: tex"; exit 1; }
expect_none "the LaTeX export"
"$pb" build "$lib" -q --appendix slides -o "$out/index.pdf" || { echo "FAIL: build --appendix slides"; exit 1; }
[ -e "$mark" ] || { echo "FAIL: the slide index did not start the browser for the HTML deck"; fail=1; }
n=$(thumbs)
[ "$n" -ge 2 ] || { echo "FAIL: the slide index wrote $n thumbnails/records (want the PDF decks' at least)"; fail=1; }
rm -f "$mark"; rm -rf "$lib/build/cache/thumbs"
"$pb" dump "$lib" -q > "$out/dump.json" || { echo "FAIL: dump"; exit 1; }
python3 - "$out/dump.json" <<'EOP' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
decks = [s for s in d["slides"] if s["path"].endswith(".pdf")]
if not decks or not all(s["slides"] > 0 for s in decks):
    print("FAIL: dump shows no page counts of the PDF decks"); sys.exit(1)
EOP
echo "lazy decks: fail=$fail"
exit $fail
