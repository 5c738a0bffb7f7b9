#!/usr/bin/env bash
# Handouts fit: one session on at most two A4 pages, one sheet two-up, every
# card whole and every QR code decoding on its card's page
# (handout_check.py). Sessions: six long cards with three links each (made
# here), the sample's 2024-09-13, and the archive's 2024-12-29 when present.
#   handout.sh PAPERBOOK OUT SAMPLE_ROOT ARCHIVE
set -euo pipefail
pb=$1 out=$2 sample=$3 archive=$4
here=$(cd "$(dirname "$0")" && pwd)
lib=$out/six
rm -rf "$lib" && mkdir -p "$lib/papers"
long="这篇论文提出了一种新的多模态情感识别方法，先用视觉编码器提取面部特征，再用音频编码器提取语音特征，最后通过交叉注意力融合两种模态。The method is evaluated on DFEW, FERV39k and MAFW, where it improves over strong baselines by two to four points of weighted average recall, and ablations show that every part of the fusion contributes."
for i in 1 2 3 4 5 6; do
  cat > "$lib/papers/p$i.md" <<CARD
---
title: "Paper number $i: A Rather Long Title About Multimodal Emotion Recognition in the Wild"
venue: CVPR
year: 2024
presenter: 张宇$i
date: 2025-03-07
links:
  paper: https://arxiv.org/abs/2403.0000$i
  code: https://github.com/example/project-number-$i
  blog: https://zhuanlan.zhihu.com/p/68684072$i
---
$long $long $long
CARD
done
check() { # name library date [pages: 2 unless given]
  "$pb" dump "$2" > "$out/$1.json" 2>/dev/null
  "$pb" handout -q --date "$3" "$2" -o "$out/$1.pdf" 2>/dev/null
  # both checks count (the first one's failure was lost before)
  local r=0
  python3 "$here/handout_check.py" "$out/$1.pdf" "$out/$1.json" "$3" "${4:-2}" || r=1
  "$pb" handout -q --two-up --date "$3" "$2" -o "$out/$1-2up.pdf" 2>/dev/null
  python3 "$here/handout_check.py" "$out/$1-2up.pdf" "$out/$1.json" "$3" 1 || r=1
  return $r
}
rc=0
check six "$lib" 2025-03-07 || rc=1
grep -q "…" <(pdftotext "$out/six-2up.pdf" -) || { echo "FAIL six cards two-up: no summary cut with …"; rc=1; }
# the layout makes a two-up handout's half-sheet pages from the sheet it is
# given (A4 or Letter, turned); --two-up means nothing to a booklet
size() { pdfinfo "$1" | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1x\2/p'; }
"$pb" handout -q --two-up --paper letter --date 2025-03-07 "$lib" -o "$out/six-2up-letter.pdf" 2>/dev/null
"$pb" build -q --two-up "$lib" -o "$out/six-book-2up.pdf" 2>/dev/null
for want in "six.pdf 595.276x841.89" "six-2up.pdf 841.89x595.276" "six-2up-letter.pdf 792x612" \
             "six-book-2up.pdf 595.276x841.89"; do
  got=$(size "$out/${want% *}")
  [ "$got" = "${want#* }" ] || { echo "FAIL ${want% *}: page size $got, want ${want#* }"; rc=1; }
done
check sample "$sample" 2024-09-13 || rc=1
# issue 23 item 6: QR codes in a column beside the text, so the archive's
# four cards of 2024-12-29 stand on one page (they took 1.3 pages before)
if [ -e "$archive" ]; then check archive "$archive" 2024-12-29 1 || rc=1; fi
# issue 24 item 7: a handout prints each card's local figures (no taller
# than 150 pt); when the cards do not fit, summaries give up lines down to
# two, then figures go, tallest first: six cards with a figure each still
# fit the sheet, whole
figs() { pdfimages -list "$1" | awk 'NR > 2 && $3 == "image"' | wc -l; }
[ "$(figs "$out/sample.pdf")" -ge 1 ] || { echo "FAIL sample handout: no figure"; rc=1; }
lib=$out/sixfig
rm -rf "$lib" && mkdir -p "$lib/papers" "$lib/Images"
cp "$sample/Images/clip.png" "$lib/Images/clip.png"
for i in 1 2 3 4 5 6; do
  cat > "$lib/papers/p$i.md" <<CARD
---
title: "Figure card $i"
presenter: 李四$i
date: 2025-03-14
figures: [Images/clip.png]
links:
  paper: https://arxiv.org/abs/2403.1000$i
---
$long $long $long
CARD
done
check sixfig "$lib" 2025-03-14 || rc=1
n=$(figs "$out/sixfig.pdf")
{ [ "$n" -ge 1 ] && [ "$n" -lt 6 ]; } || { echo "FAIL sixfig: $n figures (want some, not all six)"; rc=1; }
if [ -e "$archive" ]; then
  # the week of 2024-12-16..22: one card with its figure in Images/
  "$pb" handout -q --week --date 2024-12-22 "$archive" -o "$out/week.pdf" 2>/dev/null
  n=$(figs "$out/week.pdf")
  [ "$n" = 1 ] || { echo "FAIL archive week 2024-12-22: $n figures, want 1"; rc=1; }
  [ "$(pdfinfo "$out/week.pdf" | awk '/^Pages:/{print $2}')" -le 2 ] || { echo "FAIL week: over two pages"; rc=1; }
fi
# A QR code carries the URI in ASCII, as the PDF link does: raw UTF-8 (no
# ECI header) is read as Shift JIS by some readers (zbar: a Japanese path
# came out as mojibake)
lib=$out/ascii
rm -rf "$lib" && mkdir -p "$lib/papers"
cat > "$lib/papers/p1.md" <<'CARD'
---
title: "A link with a Japanese path"
presenter: 王五
date: 2025-03-21
links:
  blog: https://例え.jp/パス/論文
---
短い要約。
CARD
"$pb" handout -q --date 2025-03-21 "$lib" -o "$out/ascii.pdf" 2>/dev/null
pdftoppm -r 150 -gray -png "$out/ascii.pdf" "$out/ascii"
want='https://%E4%BE%8B%E3%81%88.jp/%E3%83%91%E3%82%B9/%E8%AB%96%E6%96%87'
got=$(zbarimg --quiet --raw -Sdisable -Sqrcode.enable "$out"/ascii-*.png 2>/dev/null)
[ "$got" = "$want" ] || { echo "FAIL ascii QR: read '$got', want '$want'"; rc=1; }
exit $rc
