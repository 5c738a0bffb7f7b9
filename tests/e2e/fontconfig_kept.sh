#!/usr/bin/env bash
# fontconfig's answers for the default faces kept in the store
# (cache/fontconfig/HASH.txt, fonts.c): a cold build writes the record with
# its witnesses (configuration files, font directories, the font files
# chosen), a warm build uses it (not rewritten), a witness that no longer
# holds (as after a font is installed or a configuration edited, or in a
# record made on another system) sends the build back to fontconfig, which
# writes the record again; a damaged record is ignored. The PDF is
# byte-identical to an uncached build throughout.
# Usage: fontconfig_kept.sh PAPERBOOK WORKDIR LIBRARY
set -euo pipefail
pb=$1 out=$2 lib=$3
rm -rf "$out" && mkdir -p "$out"
export SOURCE_DATE_EPOCH=1700000000
cache=$out/cache
build() { "$pb" build "$lib" -q --cache-dir "$cache" -o "$out/$1.pdf"; }
fail() { echo "FAIL $*"; exit 1; }
rec() { find "$cache/fontconfig" -name '*.txt'; }
stamp() { stat -c '%i %Y.%y' "$(rec)"; }

"$pb" build "$lib" -q --no-cache -o "$out/ref.pdf"
build cold
[ "$(rec | wc -l)" = 1 ] || fail "cold build wrote no fontconfig record"
grep -q '^W .*/fonts.conf$' "$(rec)" || fail "the record has no configuration file as witness"
grep -q '^A 1 ' "$(rec)" || fail "the record has no answer"
cmp "$out/ref.pdf" "$out/cold.pdf" || fail "cold PDF differs from the uncached one"
echo "ok   cold build wrote the record"
before=$(stamp)
sleep 0.05
build warm
[ "$(stamp)" = "$before" ] || fail "warm build asked fontconfig again (record rewritten)"
cmp "$out/ref.pdf" "$out/warm.pdf" || fail "warm PDF differs"
echo "ok   warm build used the record"

# one witness's change time moved, as on another system or after an edit
r=$(rec)
python3 -c 'import sys
lines = open(sys.argv[1]).read().split("\n")
out = []
done = False
for l in lines:
    if l.startswith("W ") and not l.startswith("W -") and not done:
        head, path = l.split("\t", 1)
        f = head.split(" ")
        f[5] = "1.000000001"
        l = " ".join(f) + "\t" + path
        done = True
    out.append(l)
open(sys.argv[1], "w").write("\n".join(out))' "$r"
before=$(stamp)
sleep 0.05
build stale
[ "$(stamp)" != "$before" ] || fail "a stale witness was believed (record not rewritten)"
grep -q '1\.000000001' "$(rec)" && fail "the rewritten record kept the stale witness"
cmp "$out/ref.pdf" "$out/stale.pdf" || fail "stale record: PDF differs"
echo "ok   stale witness: fontconfig asked again, record rewritten"

printf 'paperbook fontconfig answers 1\nA 1 0 1\tNoto Serif\n' >"$(rec)"
build damaged
cmp "$out/ref.pdf" "$out/damaged.pdf" || fail "damaged record: PDF differs"
grep -q '^W ' "$(rec)" || fail "damaged record not rewritten"
echo "ok   damaged record ignored and rewritten"
echo "all ok"
