#!/usr/bin/env bash
# The figures are encoded by a pool of workers (PAPERBOOK_JOBS, default the
# processors up to 8); the PDF and the messages must not depend on how many:
# byte-identical PDFs and the same diagnostics, in the same order, with 1, the
# default and 8 workers, on the sample library and on a library of several
# figures of every format (one corrupt, two with the same content), at full
# resolution and with --dpi (whose smaller streams are made after the layout).
# Usage: jobs_identical.sh PAPERBOOK SAMPLE_ROOT OUTDIR
set -euo pipefail
pb=$1 root=$2 out=$3
rm -rf "$out"
mkdir -p "$out/lib/papers" "$out/lib/Images"
export SOURCE_DATE_EPOCH=1700000000 PAPERBOOK_BROWSER=none
fail=0

# build LIB NAME [ARGS...]: one PDF and its messages per worker count
same_for_all_jobs() {
  local lib=$1 name=$2 before=$fail
  shift 2
  for jobs in 1 default 8; do
    if [ "$jobs" = default ]; then
      env -u PAPERBOOK_JOBS "$pb" build "$lib" --no-cache -o "$out/$name-$jobs.pdf" "$@" \
        2> "$out/$name-$jobs.err" || true
    else
      PAPERBOOK_JOBS=$jobs "$pb" build "$lib" --no-cache -o "$out/$name-$jobs.pdf" "$@" \
        2> "$out/$name-$jobs.err" || true
    fi
    [ -s "$out/$name-$jobs.pdf" ] || { echo "FAIL: $name: no PDF with $jobs workers"; fail=1; }
    # the output's name, and progress lines (their times), shown on a slow build
    sed -i -e "s/$name-$jobs\.pdf/$name.pdf/" -e '/^paperbook: .* ([0-9.]*s)$/d' \
      "$out/$name-$jobs.err"
  done
  for jobs in default 8; do
    cmp "$out/$name-1.pdf" "$out/$name-$jobs.pdf" ||
      { echo "FAIL: $name: the PDF differs between 1 and $jobs workers"; fail=1; }
    diff "$out/$name-1.err" "$out/$name-$jobs.err" ||
      { echo "FAIL: $name: the messages differ between 1 and $jobs workers"; fail=1; }
  done
  [ $fail -eq "$before" ] && echo "$name: $(stat -c %s "$out/$name-1.pdf") bytes, $(pdfimages -list "$out/$name-1.pdf" | tail -n +3 | wc -l) images, identical for 1, default and 8 workers"
}

same_for_all_jobs "$root" sample

# A library of several figures: PNG, JPEG, WebP, GIF, PNG with alpha, the
# same content under two names, and one corrupt PNG.
n=0
while IFS= read -r f; do
  n=$((n + 1))
  cp "$f" "$out/lib/Images/f$n.${f##*.}"
done < <(find "$root/Images" -maxdepth 1 \( -name '*.png' -o -name '*.jpg' \) | sort | head -8)
first=$out/lib/Images/f1.png
[ -f "$first" ] || first=$(find "$out/lib/Images" -name '*.png' | sort | head -1)
cp "$first" "$out/lib/Images/same-as-f1.png"
convert "$first" "$out/lib/Images/conv.webp" 2>/dev/null || true
convert "$first" -resize 50% "$out/lib/Images/conv.gif" 2>/dev/null || true
convert "$first" -alpha set -channel A -evaluate set 60% "$out/lib/Images/alpha.png" 2>/dev/null || true
/usr/bin/python3 - "$first" "$out/lib/Images/corrupt.png" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
for i in range(len(b) // 2, len(b) // 2 + 400):
    b[i] ^= 0x5A
open(sys.argv[2], "wb").write(b)
PY
k=0
for img in $(cd "$out/lib/Images" && ls | sort); do
  k=$((k + 1))
  cat > "$out/lib/papers/p$k.md" <<CARD
---
title: "Paper $k"
year: 2024
category: [Vision]
figures: [Images/$img]
---
A summary that is long enough to be a summary of paper $k.
CARD
done
same_for_all_jobs "$out/lib" figures
grep -q "figure Images/corrupt.png: corrupt PNG" "$out/figures-1.err" ||
  { echo "FAIL: the corrupt figure was not reported"; fail=1; }
same_for_all_jobs "$out/lib" figures-dpi --dpi 40
[ $fail -eq 0 ] && echo "figures: the same PDF and messages for any number of workers"
exit $fail
