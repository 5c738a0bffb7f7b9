#!/usr/bin/env bash
# Fonts a library names in paperbook.yml are read only from the library,
# paperbook's fonts/ or fontconfig's font directories: a stranger's library
# cannot have /etc/passwd or a private key opened as a "font", directly or
# through a link committed into it. --allow-outside (the command line, not
# the library) permits it.
# Usage: font_confine.sh PAPERBOOK OUTDIR
set -uo pipefail
pb=$1 out=$2
sysfont=/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf
[ -f "$sysfont" ] || { echo "skip: $sysfont not installed"; exit 77; }
rm -rf "$out"
mkdir -p "$out/lib/papers" "$out/lib/fonts" "$out/private"
printf 'not a font, private\n' > "$out/private/secret.otf"
cat > "$out/lib/papers/a.md" <<'EOF'
---
title: "A Paper"
year: 2024
category: [Test]
---
A summary, 一段摘要。
EOF
ln -s "$out/private/secret.otf" "$out/lib/fonts/linked.otf"
cp "$sysfont" "$out/lib/fonts/own.ttf"
fail=0
run() { # expect, spec, extra args...
  local expect=$1 spec=$2; shift 2
  printf 'fonts:\n  body: "%s"\n' "$spec" > "$out/lib/paperbook.yml"
  rm -f "$out/book.pdf"
  "$pb" build "$out/lib" -q -o "$out/book.pdf" "$@" 2> "$out/err.txt"
  local rc=$?
  if [ "$expect" = refuse ]; then
    if [ $rc -ne 2 ] || ! grep -q "outside the library and the font directories" "$out/err.txt" ||
       [ -e "$out/book.pdf" ]; then
      echo "FAIL: $spec was not refused (exit $rc): $(cat "$out/err.txt")"; fail=1
    else
      echo "refused: $spec"
    fi
  else
    if [ $rc -ne 0 ] || [ ! -s "$out/book.pdf" ]; then
      echo "FAIL: $spec $* was refused (exit $rc): $(cat "$out/err.txt")"; fail=1
    else
      echo "allowed: $spec $*"
    fi
  fi
}
run refuse /etc/passwd
run refuse ../private/secret.otf
run refuse "$out/private/secret.otf"
run refuse fonts/linked.otf
run allow fonts/own.ttf
run allow "$sysfont"
run allow "$out/private/../lib/fonts/own.ttf"
# the command line may allow it: then the file is read (and is no font)
printf 'fonts:\n  body: "%s"\n' ../private/secret.otf > "$out/lib/paperbook.yml"
"$pb" build "$out/lib" -q --allow-outside -o "$out/book.pdf" 2> "$out/err.txt"
grep -q "not a font file" "$out/err.txt" ||
  { echo "FAIL: --allow-outside did not read the file: $(cat "$out/err.txt")"; fail=1; }
exit $fail
