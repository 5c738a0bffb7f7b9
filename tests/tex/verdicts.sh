#!/bin/sh
# A figure gets one verdict, the plan's, in the PDF and in the LaTeX export
# (issue 21): a library of damaged and misnamed figures is built as a PDF
# and as LaTeX, and both runs must warn about exactly the same figures with
# the same words at the same file:line, and show the same number of figures.
#   verdicts.sh PAPERBOOK WORKDIR PROJECT_ROOT
set -u
pb=$1 work=$2 root=$3
rm -rf "$work"
lib=$work/lib
mkdir -p "$lib/papers" "$lib/Images"
img=$root/Images
fail() { echo "FAIL: $*"; exit 1; }
cut_to() { head -c "$3" "$1" >"$2"; }
cp "$img/clip.png" "$lib/Images/good.png"                  # RGBA PNG
cut_to "$img/clip.png" "$lib/Images/cut-rgba.png" 3000      # truncated RGBA PNG
size=$(wc -c <"$img/rt2.png")
cut_to "$img/rt2.png" "$lib/Images/cut-rgb.png" $((size / 2)) # truncated RGB PNG
size=$(wc -c <"$img/clip.png")
cut_to "$img/clip.png" "$lib/Images/no-iend.png" $((size - 12)) # pixels whole, IEND gone
cp "$img/r2r.png" "$lib/Images/webp-named.png"               # WebP bytes, .png name
cut_to "$img/r2r.png" "$lib/Images/webp-cut.png" 2000         # the same, truncated
size=$(wc -c <"$img/llava.jpg")
cut_to "$img/llava.jpg" "$lib/Images/cut.jpg" $((size / 2))  # JPEG without its end
n=0
for f in good cut-rgba cut-rgb no-iend webp-named webp-cut; do
  n=$((n + 1))
  printf -- '---\ntitle: "Card %s"\npresenter: A\ndate: 2024-01-%02d\nfigures: [Images/%s.png]\n---\nText.\n' \
    "$f" $n "$f" >"$lib/papers/$f.md"
done
printf -- '---\ntitle: "Card jpeg"\npresenter: A\ndate: 2024-02-01\nfigures: [Images/cut.jpg]\n---\nText.\n' \
  >"$lib/papers/cut-jpeg.md"

export SOURCE_DATE_EPOCH=0
cd "$lib" || exit 1
"$pb" build --cache-dir "$work/cache" -o "$work/book.pdf" >"$work/pdf.err" 2>&1 ||
  fail "PDF build failed: $(tail -5 "$work/pdf.err")"
"$pb" build --format tex --cache-dir "$work/cache" -o "$work/tex" >"$work/tex.err" 2>&1 ||
  fail "LaTeX export failed: $(tail -5 "$work/tex.err")"
grep ': warning: .*figure' "$work/pdf.err" | sort >"$work/pdf.verdicts"
grep ': warning: .*figure' "$work/tex.err" | sort >"$work/tex.verdicts"
[ -s "$work/pdf.verdicts" ] || fail "the PDF build warned about no figure"
if ! cmp -s "$work/pdf.verdicts" "$work/tex.verdicts"; then
  echo "FAIL: the verdicts differ (PDF <, LaTeX >):"
  diff "$work/pdf.verdicts" "$work/tex.verdicts"
  exit 1
fi
for f in cut-rgba.png cut-rgb.png webp-cut.png cut.jpg; do
  grep -q "figure Images/$f: " "$work/pdf.verdicts" || fail "no verdict on $f"
done
shown=$(sed -n 's/.* \([0-9][0-9]*\) figures (.*/\1/p' "$work/pdf.err" | tail -1)
included=$(grep -c '^\\pbfigure[[{]' "$work/tex/booklet.tex")
[ "$shown" = 3 ] || fail "the PDF shows ${shown:-?} figures, not 3"
[ "$included" = "$shown" ] || fail "the LaTeX export includes $included figures, the PDF $shown"
# xdvipdfmx stops on a PNG without IEND: the export writes it again, whole
python3 - "$work/tex/figures" <<'PY' || exit 1
import os, sys
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    b = open(os.path.join(d, f), "rb").read()
    if f.endswith(".png") and (b[:8] != b"\x89PNG\r\n\x1a\n" or b[-8:-4] != b"IEND"):
        sys.exit("FAIL: %s is not a whole PNG" % f)
    if f.endswith(".jpg") and (b[:2] != b"\xff\xd8" or b[-2:] != b"\xff\xd9"):
        sys.exit("FAIL: %s is not a whole JPEG" % f)
PY
# A second export finds every verdict and conversion in the cache: the
# image cache's entries (*.pbi) stay as they were. (The store's figids/
# records are written once a figure has settled, so the second run may
# add them: they name entries, they are not entries.)
ls "$work/cache" | grep '\.pbi$' >"$work/cache.1" || true
"$pb" build --format tex --cache-dir "$work/cache" -o "$work/tex2" >"$work/tex2.err" 2>&1 ||
  fail "second LaTeX export failed"
ls "$work/cache" | grep '\.pbi$' >"$work/cache.2" || true
[ -s "$work/cache.1" ] || fail "the first export left no image cache entries"
cmp -s "$work/cache.1" "$work/cache.2" || fail "the second export wrote to the cache"
diff -r "$work/tex/figures" "$work/tex2/figures" >/dev/null || fail "the second export's figures differ"
echo "ok: $(wc -l <"$work/pdf.verdicts") figure verdicts, the same in the PDF and LaTeX; $included figures in both"
