#!/usr/bin/env bash
# A small library for the design checks: five weekly cards, one misdated a
# year early (the cover range must leave it out), one with ~~struck~~ words
# and a TeX subscript. Builds it and runs design_check.py fixture.
set -euo pipefail
rc=0
pb=$1 out=$2
lib=$out/fixture-lib
rm -rf "$lib" && mkdir -p "$lib/papers"
card() { # file date title body
  cat > "$lib/papers/$1.md" <<CARD
---
title: "$3"
venue: CVPR
year: 2024
presenter: 张宇
date: $2
---
$4
CARD
}
card a 2025-03-01 "First paper" "Plain text for the first week."
card b 2025-03-08 "Second paper" "The method was ~~withdrawn~~ replaced; the hidden state x\$_t\$ and the rest."
card c 2025-03-15 "Third paper" "Text."
card d 2025-03-29 "Fourth paper" "Text."
card e 2024-01-12 "Misdated paper" "Typed a year early."
"$pb" build -q "$lib" -o "$out/fixture.pdf" --dump-layout "$out/fixture.layout" 2>"$out/fixture.err" || true
python3 "$(dirname "$0")/design_check.py" fixture "$out/fixture.pdf" "$out/fixture.layout" || rc=1
# A digest of twenty cards whose Chinese titles grow by two characters: one of
# them brings "— 张宇, 2025-03-07" to the end of a line, which must not split.
dig=$out/digest-lib
rm -rf "$dig" && mkdir -p "$dig/papers"
t="学习"
for i in $(seq 10 29); do
  t="$t情感"
  cat > "$dig/papers/d$i.md" <<CARD
---
title: "$t"
presenter: 张宇
date: 2025-03-$i
---
Text.
CARD
done
"$pb" digest -q --since 2025-03-01 "$dig" -o "$out/digest-fixture.pdf" 2>/dev/null
python3 "$(dirname "$0")/design_check.py" digest "$out/digest-fixture.pdf" || rc=1
exit $rc
