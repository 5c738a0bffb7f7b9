#!/usr/bin/env bash
# Shaping results kept in the store (cache/shapes/HASH.bin, one record per
# font file): a cold build writes them, a warm build reads them and shapes
# nothing (so no record is written again), and the PDF is byte-identical
# cold, warm, with damaged records and without any cache. A truncated, a
# bit-flipped and an empty record are each ignored (shaped again and
# rewritten), never a crash or a different PDF; the paragraph store
# (cache/paras) is emptied before those builds, so that every paragraph is
# set and every word shaped again.
# Usage: shape_cache.sh PAPERBOOK WORKDIR LIBRARY
set -euo pipefail
pb=$1 out=$2 lib=$3
rm -rf "$out" && mkdir -p "$out"
export SOURCE_DATE_EPOCH=1700000000
cache=$out/cache
build() { "$pb" build "$lib" -q --cache-dir "$cache" -o "$out/$1.pdf"; }
fail() { echo "FAIL $*"; exit 1; }
# inode and modification time of every record: a rewrite (atomic rename)
# changes both
records() { find "$cache/shapes" -name '*.bin' -printf '%f %i %T@\n' | sort; }

"$pb" build "$lib" -q --no-cache -o "$out/nocache.pdf"
build cold
n=$(find "$cache/shapes" -name '*.bin' | wc -l)
[ "$n" -gt 0 ] || fail "cold build wrote no shape record"
echo "ok   cold build wrote $n shape records"
cmp "$out/nocache.pdf" "$out/cold.pdf" || fail "cold PDF differs from the uncached one"
before=$(records)
sleep 0.05
build warm
[ "$(records)" = "$before" ] || fail "warm build shaped text again (records rewritten)"
echo "ok   warm build shaped nothing (records untouched)"
cmp "$out/cold.pdf" "$out/warm.pdf" || fail "warm PDF differs from the cold one"
echo "ok   cold and warm PDFs identical"

biggest=$(find "$cache/shapes" -name '*.bin' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
size=$(stat -c %s "$biggest")
for damage in truncate flip empty; do
  case $damage in
  truncate) head -c $((size / 2)) "$biggest" >"$out/rec" ;;
  flip) python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[len(d) * 2 // 3] ^= 0x40
open(sys.argv[2], "wb").write(d)' "$biggest" "$out/rec" ;;
  empty) : >"$out/rec" ;;
  esac
  cp "$out/rec" "$biggest"
  # without the paragraph store every word is shaped again, as cold
  rm -rf "$cache/paras"
  build "$damage"
  cmp "$out/cold.pdf" "$out/$damage.pdf" || fail "$damage record: PDF differs"
  [ "$(stat -c %s "$biggest")" = "$size" ] || fail "$damage record: not rewritten whole"
  echo "ok   $damage record ignored, shaped again and rewritten; PDF identical"
done
echo "all ok"
