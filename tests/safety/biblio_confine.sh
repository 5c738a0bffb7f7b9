#!/usr/bin/env bash
# Files a library makes paperbook read (issue 20, hole 3): `bibliography:`
# and `minutes:` in paperbook.yml, and a refs.bib, a minutes file, a card in
# papers/ or paperbook.yml itself committed as a link, must stay inside the
# library once links are resolved (absolute paths, ../, links refused with
# an error at paperbook.yml:LINE or naming the file), and what they hold
# must not reach the booklet nor the dump. A bibliography that is neither
# BibTeX (no @type{...} in it) nor CSL-JSON (a password file) is an error,
# not read as comments. --allow-outside on the command line permits the
# outside files.
# Usage: biblio_confine.sh PAPERBOOK OUTDIR
set -uo pipefail
pb=$1 out=$2
export PAPERBOOK_BROWSER=none
unset PAPERBOOK_CACHE_DIR
rm -rf "$out"
mkdir -p "$out/lib/papers" "$out/outside"
lib=$out/lib
cat > "$lib/papers/a.md" <<'CARD'
---
title: "Attention Is All You Need"
year: 2017
category: [Test]
presenter: 甲
date: 2025-01-10
---
A summary.
CARD
cat > "$out/outside/secret.bib" <<'BIB'
@article{secret,
  title = {Attention Is All You Need},
  author = {Secretauthor, Privately},
  journal = {Secretjournal}
}
BIB
cat > "$out/outside/minutes.md" <<'MIN'
## 组会纪要
---
### 2025年

- 1.10 Secretpresenter
  Secretpresenter-讲了一篇论文。
  - [x] 本周缺席成员：Secretabsent，最佳提问人：Secretasker
- 1.3 Secretpresenter
  - [x] 本周缺席成员：无，最佳提问人：Secretasker
MIN
printf 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n' \
  > "$lib/passwd.bib"
cat > "$lib/own.bib" <<'BIB'
@article{own, title = {Attention Is All You Need}, author = {Ownauthor, Kept}}
BIB
fail=0
# expect LABEL STATUS(refuse|allow|notbib) SECRET YAML [extra args]
check() {
  local label=$1 expect=$2 secret=$3 yml=$4; shift 4
  printf '%s' "$yml" > "$lib/paperbook.yml"
  rm -rf "$lib/build" "$out/book.pdf"
  "$pb" build "$lib" -o "$out/book.pdf" "$@" 2> "$out/err.txt"
  local rc=$?
  "$pb" dump "$lib" "$@" > "$out/dump.json" 2>/dev/null
  local text=""
  [ -f "$out/book.pdf" ] && text=$(pdftotext "$out/book.pdf" - 2>/dev/null)
  local seen=0
  if grep -qi "$secret" "$out/dump.json" || printf '%s' "$text" | grep -qi "$secret"; then seen=1; fi
  case $expect in
    refuse)
      if [ $seen -eq 1 ] || ! grep -q "paperbook.yml:[0-9]*: error: .*outside the library root" "$out/err.txt" ||
         [ $rc -eq 0 ]; then
        echo "FAIL: $label: not refused (exit $rc, secret seen: $seen): $(cat "$out/err.txt")"; fail=1
      else echo "refused: $label ($(grep -o 'paperbook.yml:[0-9]*' "$out/err.txt" | head -1))"; fi ;;
    refuse-file)
      if [ $seen -eq 1 ] || ! grep -q "error: is a link to .*outside the library root" "$out/err.txt"; then
        echo "FAIL: $label: not refused (exit $rc, secret seen: $seen): $(cat "$out/err.txt")"; fail=1
      else echo "refused: $label"; fi ;;
    notbib)
      if ! grep -q "passwd.bib:1: error: not a BibTeX file" "$out/err.txt" || [ $rc -eq 0 ]; then
        echo "FAIL: $label: no error (exit $rc): $(cat "$out/err.txt")"; fail=1
      else echo "error: $label"; fi ;;
    allow)
      if [ $seen -eq 0 ]; then
        echo "FAIL: $label: $secret not read (exit $rc): $(cat "$out/err.txt")"; fail=1
      else echo "read: $label"; fi ;;
  esac
}
check "bibliography: absolute" refuse secretauthor "bibliography: $out/outside/secret.bib
"
check "bibliography: ../" refuse secretauthor "title: T
bibliography:
  - own.bib
  - ../outside/secret.bib
"
grep -q "paperbook.yml:4: error: bibliography '.*secret.bib' resolves to" "$out/err.txt" ||
  { echo "FAIL: the error does not name the list item's line (4)"; fail=1; }
ln -s ../outside/secret.bib "$lib/refs.bib"
check "bibliography: a linked refs.bib" refuse secretauthor "bibliography: refs.bib
"
check "bibliography: /etc/passwd" refuse "root:x" "bibliography: /etc/passwd
"
check "bibliography: a password file in the library" notbib "root:x" "bibliography: passwd.bib
"
check "minutes: ../" refuse secretpresenter "minutes: ../outside/minutes.md
"
check "minutes: absolute" refuse secretpresenter "minutes: $out/outside/minutes.md
"
ln -s ../outside/minutes.md "$lib/minutes.md"
check "a minutes.md linked out" refuse-file secretpresenter ""
rm "$lib/minutes.md"
printf -- '---\ntitle: "Secretcard Outside"\ncategory: [Test]\n---\nA private note.\n' \
  > "$out/outside/card.md"
ln -s ../../outside/card.md "$lib/papers/linked.md"
check "a card in papers/ linked out" refuse-file secretcard ""
rm "$lib/papers/linked.md"
check "own bibliography (control)" allow ownauthor "bibliography: own.bib
"
check "--allow-outside reads the bibliography" allow secretauthor "bibliography: refs.bib
" --allow-outside
check "--allow-outside reads the minutes" allow secretpresenter "minutes: ../outside/minutes.md
" --allow-outside
# paperbook.yml itself a link to a settings file of the user's
rm -f "$lib/paperbook.yml"
printf 'title: Secretsettings\n' > "$out/outside/settings.yml"
ln -s ../outside/settings.yml "$lib/paperbook.yml"
rm -rf "$lib/build" "$out/book.pdf"
"$pb" build "$lib" -o "$out/book.pdf" 2> "$out/err.txt"
rc=$?
if [ $rc -ne 2 ] || ! grep -q "paperbook.yml: error: is a link to .*outside the library root" "$out/err.txt" ||
   { [ -f "$out/book.pdf" ] && pdftotext "$out/book.pdf" - | grep -q Secretsettings; }; then
  echo "FAIL: a paperbook.yml linked out was read (exit $rc): $(cat "$out/err.txt")"; fail=1
else
  echo "refused: paperbook.yml linked out"
fi
exit $fail
