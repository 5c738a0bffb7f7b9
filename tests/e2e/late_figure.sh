#!/usr/bin/env bash
# A figure whose header is fine but whose data is corrupt fails only when it
# is encoded. The PDF, the layout report and --dump-layout must still agree:
# one placeholder with the reason, in the dump as in the PDF, and the
# warning printed once at the card's line. A booklet is laid out while its
# figures are encoded; a figure that fails makes the pages be laid out
# again, and the layout's own findings (here a character no font draws)
# are still said once, after the figure's, as when the verdict came first.
# check reads the same verdict (one pass over the figures).
# Usage: late_figure.sh PAPERBOOK SAMPLE_ROOT OUTDIR
set -euo pipefail
pb=$1 root=$2 out=$3
rm -rf "$out"
mkdir -p "$out/papers" "$out/Images"
good=$(find "$root/Images" -name '*.png' | sort | head -1)
cp "$good" "$out/Images/good.png"
/usr/bin/python3 - "$out/Images/good.png" "$out/Images/cut.png" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
# Scramble 400 bytes in the middle of the compressed data: the header,
# the size and the chunk layout stay valid.
for i in range(len(b) // 2, len(b) // 2 + 400):
    b[i] ^= 0x5A
open(sys.argv[2], "wb").write(b)
PY
for c in a:cut b:good; do
  cat > "$out/papers/${c%%:*}.md" <<EOF
---
title: "Paper ${c%%:*}"
year: 2024
category: [Vision]
figures: [Images/${c#*:}.png]
---
A summary that is long enough to be a summary of paper ${c%%:*}.
EOF
done
# a private-use character: no installed font draws it (a layout warning)
printf 'It ends with \xee\x84\xa3, a mark no font draws.\n' >> "$out/papers/a.md"
# progress shown from the first moment: one line per stage run
PAPERBOOK_PROGRESS_DELAY=0 "$pb" build "$out" --no-cache --dump-layout "$out/layout.txt" \
  -o "$out/book.pdf" 2> "$out/err.txt" || true
cat "$out/err.txt"
qpdf --check "$out/book.pdf" >/dev/null
fail=0
n=$(grep -c "figure Images/cut.png: corrupt PNG" "$out/err.txt" || true)
[ "$n" -eq 1 ] || { echo "FAIL: the corrupt figure was reported $n times (want 1)"; fail=1; }
grep -q "papers/a.md:[0-9]*: warning: figure Images/cut.png" "$out/err.txt" ||
  { echo "FAIL: the warning does not name the card's file and line"; fail=1; }
head -1 "$out/layout.txt" | grep -q "images=1 " ||
  { echo "FAIL: the dump lists the corrupt figure as an image: $(head -1 "$out/layout.txt")"; fail=1; }
[ "$(grep -c '^  placeholder' "$out/layout.txt")" -eq 1 ] ||
  { echo "FAIL: the dump has no placeholder for the corrupt figure"; fail=1; }
[ "$(pdfimages -list "$out/book.pdf" | tail -n +3 | wc -l)" -eq 1 ] ||
  { echo "FAIL: the PDF does not hold exactly the one good figure"; fail=1; }
pdftotext "$out/book.pdf" - | tr -d '\n' | grep -q "figure not shown: Images/cut.png (corrupt PNG" ||
  { echo "FAIL: the PDF's placeholder does not say why"; fail=1; }
# The layout's finding once, after the figure's, and counted once
n=$(grep -c "warning: no installed font draws U+E123" "$out/err.txt" || true)
[ "$n" -eq 1 ] || { echo "FAIL: the layout's warning was printed $n times (want 1)"; fail=1; }
order=$(grep -o "figure Images/cut.png: corrupt\|no installed font draws U+E123" "$out/err.txt" | tr '\n' '|')
[ "$order" = "figure Images/cut.png: corrupt|no installed font draws U+E123|" ] ||
  { echo "FAIL: findings out of order: $order"; fail=1; }
grep -q "(2 warnings)" "$out/err.txt" || { echo "FAIL: the summary does not count 2 warnings"; fail=1; }
# One line per stage, and each distinct figure encoded in one pass
n=$(grep -c "^paperbook: laying out pages" "$out/err.txt" || true)
[ "$n" -eq 1 ] || { echo "FAIL: $n layout progress lines (want 1)"; fail=1; }
n=$(grep -c "^paperbook: encoding figures: 2/2" "$out/err.txt" || true)
[ "$n" -eq 1 ] || { echo "FAIL: $n passes encoding the 2 figures (want 1)"; fail=1; }
# check reads the plan's verdict: the corrupt figure once, as an error at
# the card's line, from the same single pass over the figures
PAPERBOOK_PROGRESS_DELAY=0 "$pb" check "$out" > "$out/check.txt" 2>&1 || true
cat "$out/check.txt"
n=$(grep -c "papers/a.md:[0-9]*: error: figure Images/cut.png: corrupt PNG" "$out/check.txt" || true)
[ "$n" -eq 1 ] || { echo "FAIL: check reported the corrupt figure $n times (want 1)"; fail=1; }
grep -q "figure Images/good.png" "$out/check.txt" &&
  { echo "FAIL: check reported the good figure"; fail=1; }
n=$(grep -c "^paperbook: encoding figures: 2/2" "$out/check.txt" || true)
[ "$n" -eq 1 ] || { echo "FAIL: check made $n passes over the 2 figures (want 1)"; fail=1; }
[ $fail -eq 0 ] && echo "late figure failure: dump and PDF agree, findings once and in order, one encoding pass"
exit $fail
