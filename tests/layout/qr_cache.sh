#!/usr/bin/env bash
# layout-qr-cache: a remote figure's QR code is kept in the cache directory
# store (one record, qr/*.bin, for all the codes: store.h, qr.c) and read
# back on the next build: the PDF is the same as one built without a cache,
# a record that does not read as one is made again, and a valid record is
# what the next build draws.
# usage: qr_cache.sh PAPERBOOK WORKDIR
set -euo pipefail
pb=$1 work=$2
rm -rf "$work"
mkdir -p "$work/lib/papers"
cat > "$work/lib/papers/a.md" <<'CARD'
---
title: "A card with a remote figure"
venue: arXiv
year: 2024
category: "Test"
presenter: 张伟
date: 2024-10-11
figures: ["https://example.org/figures/overview.png"]
---
A short summary of the paper.
CARD
export SOURCE_DATE_EPOCH=1700000000
fail=0
check() { if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fail=1; fi; }
build() { "$pb" build -q "$work/lib" "$@"; }
# blank FROM TO: the record FROM with every module made light, written to TO
blank() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
# "PBQR2 count\n", then per code "keylen n\n", the key, n*n modules:
# every module made light, the rest as it was
data = bytearray(open(sys.argv[1], "rb").read())
nl = data.index(b"\n")
count = int(data[6:nl])
p = nl + 1
for _ in range(count):
    e = data.index(b"\n", p)
    klen, n = map(int, data[p:e].split())
    p = e + 1 + klen
    data[p:p + n * n] = bytes(n * n)
    p += n * n
assert p == len(data)
open(sys.argv[-1], "wb").write(data)
PY
}

build --no-cache -o "$work/ref.pdf"
build --cache-dir "$work/cache" -o "$work/first.pdf"
records=("$work"/cache/qr/*.bin)
check '[ ${#records[@]} -eq 1 ] && [ -f "${records[0]}" ]' "one QR record written (${#records[@]})"
rec=${records[0]}
check 'head -c 6 "$rec" | grep -q "^PBQR2 "' "record starts with its magic"
check 'cmp -s "$work/ref.pdf" "$work/first.pdf"' "PDF with a fresh cache = PDF without a cache"
cp "$rec" "$work/record.orig"

before=$(stat -c '%i %Y.%y' "$rec")
build --cache-dir "$work/cache" -o "$work/second.pdf"
check 'cmp -s "$work/ref.pdf" "$work/second.pdf"' "PDF from the kept record = PDF without a cache"
check '[ "$(stat -c "%i %Y.%y" "$rec")" = "$before" ]' "record not written again when no code was added"

# A valid record with every module light: the next build draws what it says.
blank "$rec" "$rec"
build --cache-dir "$work/cache" -o "$work/blank.pdf"
check '! cmp -s "$work/ref.pdf" "$work/blank.pdf"' "an edited record is what the build draws"

# A record cut short is made again.
head -c 20 "$work/record.orig" > "$rec"
build --cache-dir "$work/cache" -o "$work/again.pdf"
check 'cmp -s "$work/ref.pdf" "$work/again.pdf"' "PDF after a broken record = PDF without a cache"
check 'cmp -s "$rec" "$work/record.orig"' "broken record written again"

# A record reached through a symbolic link is not read (here a valid one,
# every module light, which would change the PDF): the build encodes again,
# writes a real record and leaves the link's target alone.
rm -f "$rec"
blank "$work/record.orig" "$work/elsewhere.bin"
cp "$work/elsewhere.bin" "$work/elsewhere.orig"
ln -s "$work/elsewhere.bin" "$rec"
build --cache-dir "$work/cache" -o "$work/linked.pdf"
check 'cmp -s "$work/ref.pdf" "$work/linked.pdf"' "a linked record is not followed (PDF = PDF without a cache)"
check '[ ! -L "$rec" ] && cmp -s "$rec" "$work/record.orig"' "the link replaced by a real record"
check 'cmp -s "$work/elsewhere.bin" "$work/elsewhere.orig"' "the link's target untouched"
exit $fail
