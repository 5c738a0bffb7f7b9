#!/usr/bin/env bash
# Figure hashes kept by file identity (cache/figids/HASH.txt, imgcache.c):
# a file whose change time is under two seconds old is not recorded; a
# settled one is, and a warm build then uses the record and reads no
# figure; a figure rewritten with its size and modification time put back
# (only the change time moves) is read again, so the PDF is the one an
# uncached build makes of the new bytes; a damaged record is ignored. The
# PDF is byte-identical to an uncached build at every step.
# Usage: figure_ids.sh PAPERBOOK WORKDIR LIBRARY
set -euo pipefail
pb=$1 out=$2 src=$3
rm -rf "$out" && mkdir -p "$out"
export SOURCE_DATE_EPOCH=1700000000
lib=$out/lib
mkdir -p "$lib"
cp -r "$src/papers" "$src/Images" "$src/paperbook.yml" "$lib/"
cache=$out/cache
build() { "$pb" build "$lib" -q --cache-dir "$cache" -o "$out/$1.pdf"; }
nocache() { "$pb" build "$lib" -q --no-cache -o "$out/$1.pdf"; }
fail() { echo "FAIL $*"; exit 1; }
nrec() { find "$cache/figids" -name '*.txt' 2>/dev/null | wc -l; }

build fresh
[ "$(nrec)" = 0 ] || fail "files changed under two seconds ago were recorded"
echo "ok   fresh files not recorded"
sleep 2.2
build cold
n=$(nrec)
[ "$n" -gt 0 ] || fail "settled files were not recorded"
echo "ok   $n figure hashes recorded"
nocache ref
cmp "$out/ref.pdf" "$out/cold.pdf" || fail "cold PDF differs from the uncached one"
build warm
cmp "$out/ref.pdf" "$out/warm.pdf" || fail "warm PDF differs from the uncached one"
echo "ok   warm PDF identical"

# The same size and modification time, other bytes: a flipped byte in the
# middle of the PNG (its chunk's CRC no longer matches: the figure fails,
# which shows in the PDF).
fig=$lib/Images/lora.png
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[len(d) // 2] ^= 0x55
open(sys.argv[2], "wb").write(d)' "$fig" "$out/lora.png"
touch -r "$fig" "$out/stamp"
ino=$(stat -c %i "$fig")
cat "$out/lora.png" >"$fig" # in place: the same inode
touch -r "$out/stamp" "$fig"
[ "$(stat -c %i "$fig")" = "$ino" ] || fail "the figure's inode changed (test is void)"
nocache ref2
cmp -s "$out/ref.pdf" "$out/ref2.pdf" && fail "the changed figure changes nothing (test is void)"
build changed
cmp "$out/ref2.pdf" "$out/changed.pdf" || fail "a figure rewritten with its old size and mtime was not read again"
echo "ok   rewritten figure (same size and mtime) read again"

for f in $(find "$cache/figids" -name '*.txt'); do printf 'paperbook figure hash 1\nzz\n' >"$f"; done
build damaged
cmp "$out/ref2.pdf" "$out/damaged.pdf" || fail "damaged records: PDF differs"
echo "ok   damaged records ignored"
echo "all ok"
