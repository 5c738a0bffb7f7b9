#!/usr/bin/env bash
# A library's names and fields reach the diagnostics (file names, figure
# paths, the output path it configures): their control characters are
# printed as \xHH, so that an escape sequence in them cannot recolour the
# terminal or make an OSC 8 link (file:, javascript:) clickable, and a
# newline cannot print a forged finding of its own, and a bidi override
# (U+202E) cannot reorder the line on screen (nor in the layout
# report, which names the cards' files). A digest's text (the
# .txt and the mail's text part, read in terminals) keeps no control
# character that a YAML escape, a character reference (&#27;) or a
# bibliography put into a field.
# Usage: diag_controls.sh PAPERBOOK OUTDIR
set -uo pipefail
pb=$1 out=$2
rm -rf "$out"
mkdir -p "$out/lib/papers"
esc=$(printf '\033')
cat > "$out/lib/papers/a.md" <<'CARD'
---
title: "A Paper"
year: 2024
category: [Test]
figures: ["\e]8;;file:///etc/passwd\e\\CLICK\e]8;;\e\\.png", "x\npapers/a.md:1: error: forged.png", "c1\u009b31m.png", "bidi\u202Egnp.exe"]
---
A summary.
CARD
printf -- '---\ntitle: B\nyear: 2024\ndate: bad\n---\nB.\n' > "$out/lib/papers/b${esc}[41m.md"
cat > "$out/lib/papers/c.md" <<'CARD'
---
title: "C \e]8;;file:///etc/passwd\e\\CLICK\e]8;;\e\\"
presenter: "P\u009b2J"
date: 2024-11-01
---
Summary &#27;[2J&#x9b;31m cleared.
CARD
printf 'output: "o\\e[2J.pdf"\n' > "$out/lib/paperbook.yml"
fail=0
"$pb" check "$out/lib" > "$out/check.log" 2>&1
"$pb" build "$out/lib" > "$out/build.log" 2>&1
"$pb" build "$out/lib" --layout-report -o "$out/lib/r.pdf" > "$out/report.log" 2> /dev/null
grep -q 'paragraph' "$out/report.log" || { echo "FAIL: no layout report"; fail=1; }
"$pb" digest "$out/lib" --since 2024-10-01 --text --mail "$out/lib/build/d.eml" \
  --from a@example.org --to b@example.org > "$out/digest.log" 2>&1
cp "$out/lib/build/digest-2024-10-01.txt" "$out/text.txt" ||
  { echo "FAIL: no digest text"; cat "$out/digest.log"; fail=1; }
python3 - "$out/lib/build/d.eml" > "$out/eml-text.txt" <<'PY' || fail=1
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for p in m.walk():
    if p.get_content_type() == "text/plain":
        sys.stdout.buffer.write(p.get_payload(decode=True))
PY
grep -q 'CLICK' "$out/text.txt" || { echo "FAIL: the card is not in the digest text"; fail=1; }
for f in "$out/check.log" "$out/build.log" "$out/report.log" "$out/digest.log" "$out/text.txt" \
  "$out/eml-text.txt"; do
  if LC_ALL=C grep -q "$esc" "$f"; then
    echo "FAIL: an escape character reached $(basename "$f"):"; cat -v "$f"; fail=1
  fi
  if LC_ALL=C grep -q "$(printf '\302\233')" "$f"; then
    echo "FAIL: a C1 control (CSI) reached $(basename "$f")"; fail=1
  fi
  if LC_ALL=C grep -q "$(printf '\342\200\256')" "$f" && [ "$(basename "$f")" != text.txt ] &&
    [ "$(basename "$f")" != eml-text.txt ]; then
    echo "FAIL: a bidi override (U+202E) reached $(basename "$f") raw"; fail=1
  fi
  if grep -q '^papers/a.md:1: error: forged' "$f"; then
    echo "FAIL: a newline in a figure path printed a line of its own in $(basename "$f")"; fail=1
  fi
done
grep -qF '\x1B]8;;file:///etc/passwd' "$out/check.log" ||
  { echo "FAIL: the escape is not shown as \\x1B"; cat -v "$out/check.log"; fail=1; }
grep -qF 'bidi\xE2\x80\xAEgnp.exe' "$out/check.log" ||
  { echo "FAIL: the bidi override is not shown as \\xE2\\x80\\xAE"; cat -v "$out/check.log"; fail=1; }
grep -qF 'papers/b\x1B[41m.md' "$out/check.log" ||
  { echo "FAIL: the card's file name is not shown with \\x1B"; fail=1; }
grep -qF 'o\x1B[2J.pdf: 3 papers' "$out/build.log" ||
  { echo "FAIL: the configured output is not shown with \\x1B"; cat -v "$out/build.log"; fail=1; }
[ $fail = 0 ] && echo "ok: control characters in diagnostics are shown as \\xHH, none in a digest's text"
exit $fail
