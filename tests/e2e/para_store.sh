#!/usr/bin/env bash
# Paragraphs kept in the store (cache/paras/HASH.bin, one record): a cold
# build writes it, a warm build sets no paragraph again (the record is not
# rewritten) and gives the same PDF, --dump-layout and warnings as the cold
# one and as a build without any cache; a paragraph that warned (a
# character no font draws) is not kept, so the warm build warns again. A
# truncated, a bit-flipped and an empty record are each ignored (set again
# and rewritten), never a crash or a different PDF.
# Usage: para_store.sh PAPERBOOK WORKDIR LIBRARY
set -euo pipefail
pb=$1 out=$2 lib=$3
rm -rf "$out" && mkdir -p "$out"
export SOURCE_DATE_EPOCH=1700000000
fail() { echo "FAIL $*"; exit 1; }
# the library with one more card whose summary has a character no font
# draws (U+10FFFD, a private use code point): it warns at every build
cp -a "$lib/papers" "$out/lib-papers"
mkdir -p "$out/lib"
mv "$out/lib-papers" "$out/lib/papers"
for f in paperbook.yml Images fonts; do [ -e "$lib/$f" ] && cp -a "$lib/$f" "$out/lib/"; done
mkdir -p "$out/lib/papers/zz"
printf -- '---\ntitle: "Store test"\nyear: 2024\ncategory: [Test]\npresenter: 张三\ndate: 2024-11-01\n---\nA summary with \xf4\x8f\xbf\xbd in it, long enough to be a paragraph of its own.\n' \
  > "$out/lib/papers/zz/card.md"
cache=$out/cache
# stderr with the output's name and the progress lines left out (they
# differ from build to build; progress shows only when a step is slow)
build() {
  "$pb" build "$out/lib" --cache-dir "$cache" -o "$out/$1.pdf" --dump-layout "$out/$1.layout" \
    2> "$out/$1.err"
  sed -i -e "s#$out/$1.pdf#OUT.pdf#" -e '/ ([0-9.]*s)$/d' "$out/$1.err"
}
record() { find "$cache/paras" -name '*.bin' -printf '%f %i %T@ %s\n'; }

"$pb" build "$out/lib" --no-cache -o "$out/nocache.pdf" --dump-layout "$out/nocache.layout" 2> "$out/nocache.err"
sed -i -e "s#$out/nocache.pdf#OUT.pdf#" -e '/ ([0-9.]*s)$/d' "$out/nocache.err"
grep -q "U+10FFFD" "$out/nocache.err" || fail "the test card does not warn"
build cold
[ "$(find "$cache/paras" -name '*.bin' | wc -l)" -eq 1 ] || fail "cold build wrote no paragraph record"
echo "ok   cold build wrote the paragraph record"
cmp "$out/nocache.pdf" "$out/cold.pdf" || fail "cold PDF differs from the uncached one"
before=$(record)
sleep 0.05
build warm
[ "$(record)" = "$before" ] || fail "warm build set paragraphs again (record rewritten)"
echo "ok   warm build set no paragraph again (record untouched)"
for what in pdf layout err; do
  cmp "$out/cold.$what" "$out/warm.$what" || fail "warm .$what differs from the cold one"
  cmp "$out/nocache.$what" "$out/warm.$what" || fail "warm .$what differs from the uncached one"
done
echo "ok   PDF, layout dump and warnings identical cold, warm and uncached"
grep -q "U+10FFFD" "$out/warm.err" || fail "the warm build lost the warning"

rec=$(find "$cache/paras" -name '*.bin')
size=$(stat -c %s "$rec")
for damage in truncate flip empty; do
  case $damage in
  truncate) head -c $((size / 2)) "$rec" >"$out/rec" ;;
  flip) python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[len(d) * 2 // 3] ^= 0x40
open(sys.argv[2], "wb").write(d)' "$rec" "$out/rec" ;;
  empty) : >"$out/rec" ;;
  esac
  cp "$out/rec" "$rec"
  build "$damage"
  cmp "$out/cold.pdf" "$out/$damage.pdf" || fail "$damage record: PDF differs"
  cmp "$out/cold.err" "$out/$damage.err" || fail "$damage record: warnings differ"
  [ "$(stat -c %s "$rec")" = "$size" ] || fail "$damage record: not rewritten whole"
  echo "ok   $damage record ignored, set again and rewritten; PDF identical"
done
echo "all ok"
