#!/usr/bin/env bash
# `inputs:`, `minutes:` and `bibliography:` in paperbook.yml never name a
# file of the clone's .git directory (the user's and git's, not the
# library's): .git/x, a/.git/x, .GIT/x and a committed link into .git are
# errors at paperbook.yml:LINE, even with --allow-outside, and what the
# files hold reaches neither the dump nor the booklet.
# Usage: git_inputs.sh PAPERBOOK OUTDIR
set -uo pipefail
pb=$1 out=$2
export PAPERBOOK_BROWSER=none
unset PAPERBOOK_CACHE_DIR
rm -rf "$out"
lib=$out/lib
mkdir -p "$lib/papers" "$lib/.git" "$lib/sub/.git"
cat > "$lib/papers/a.md" <<'CARD'
---
title: "Attention Is All You Need"
category: [Test]
presenter: 甲
date: 2025-01-10
---
A summary.
CARD
for d in "$lib/.git" "$lib/sub/.git"; do
  printf '# S\n\n## CV\n\n> SECRETPAPER (NeurIPS 2023)\n> [Paper](https://x.org/1)\n' > "$d/report.md"
  printf '@article{s, title = {Attention Is All You Need}, author = {Secretauthor, A}}\n' \
    > "$d/refs.bib"
  printf '## 组会纪要\n---\n### 2025年\n\n- 1.10 Secretpresenter\n  Secretpresenter-讲了一篇论文。\n' \
    > "$d/minutes.md"
done
ln -s .git "$lib/linked"
fail=0
# check LABEL LINE SECRET YAML [extra args]: refused at paperbook.yml:LINE
check() {
  local label=$1 line=$2 secret=$3 yml=$4; shift 4
  printf '%s' "$yml" > "$lib/paperbook.yml"
  rm -rf "$lib/build" "$out/book.pdf"
  "$pb" build "$lib" -o "$out/book.pdf" "$@" 2> "$out/err.txt"
  local rc=$?
  "$pb" dump "$lib" "$@" > "$out/dump.json" 2>/dev/null
  local text=""
  [ -f "$out/book.pdf" ] && text=$(pdftotext "$out/book.pdf" - 2>/dev/null)
  local seen=0
  if grep -qi "$secret" "$out/dump.json" || printf '%s' "$text" | grep -qi "$secret"; then seen=1; fi
  if [ $seen -eq 1 ] || [ $rc -eq 0 ] ||
     ! grep -q "paperbook.yml:$line: error: .*in the repository's .git directory; not read" "$out/err.txt"; then
    echo "FAIL: $label: not refused at line $line (exit $rc, secret seen: $seen): $(cat "$out/err.txt")"
    fail=1
  else echo "refused: $label"; fi
}
check "inputs: .git/report.md" 2 secretpaper "title: T
inputs: [.git/report.md]
"
check "inputs: list item in sub/.git" 4 secretpaper "title: T
inputs:
  - papers/a.md
  - sub/.git/report.md
"
check "inputs: .GIT/report.md" 1 secretpaper "inputs: [.GIT/report.md]
"
check "inputs: through a committed link to .git" 1 secretpaper "inputs: [linked/report.md]
"
check "minutes: .git/minutes.md" 2 secretpresenter "title: T
minutes: .git/minutes.md
"
check "minutes: --allow-outside" 1 secretpresenter "minutes: .git/minutes.md
" --allow-outside
check "bibliography: .git/refs.bib" 2 secretauthor "title: T
bibliography: .git/refs.bib
"
check "bibliography: sub/.git, --allow-outside" 1 secretauthor "bibliography: [sub/.git/refs.bib]
" --allow-outside
exit $fail
