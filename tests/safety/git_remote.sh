#!/usr/bin/env bash
# The library's .git/config names its repository (links to library files
# point into it): a login in the remote's URL (https://oauth2:TOKEN@host/,
# as CI checkouts write it) is never part of a link, and a .git/config
# committed as a link to another repository's is not read.
# Usage: git_remote.sh PAPERBOOK OUTDIR
set -uo pipefail
pb=$1 out=$2
command -v qpdf > /dev/null || { echo "skip: qpdf not installed"; exit 77; }
rm -rf "$out"
fail=0
make_lib() { # dir
  mkdir -p "$1/papers" "$1/code" "$1/.git"
  printf 'print(1)\n' > "$1/code/run.py"
  cat > "$1/papers/a.md" <<'CARD'
---
title: "A Paper"
category: [Test]
presenter: A
date: 2024-11-01
links:
  code: code/run.py
---
A summary.
CARD
}
scan() { # case dir, secret, expected link prefix (or "")
  local lib=$1 secret=$2 want=$3
  "$pb" build "$lib" -q --no-cache > "$lib.log" 2>&1
  "$pb" build "$lib" -q --no-cache --format tex -o "$lib/build/tex" >> "$lib.log" 2>&1
  "$pb" dump --plan "$lib" > "$lib.plan.json" 2>> "$lib.log"
  qpdf --qdf --object-streams=disable "$lib/build/paperbook.pdf" "$lib.qdf.pdf"
  if grep -a -q "$secret" "$lib.qdf.pdf" "$lib/build/tex/booklet.tex" "$lib.plan.json"; then
    echo "FAIL: $(basename "$lib"): '$secret' is in an output:"
    grep -a -o "[^ (]*$secret[^ )]*" "$lib.qdf.pdf" "$lib/build/tex/booklet.tex" "$lib.plan.json" | head -3
    fail=1
  fi
  if [ -n "$want" ] && ! grep -a -q "/URI ($want" "$lib.qdf.pdf"; then
    echo "FAIL: $(basename "$lib"): no link to $want in the PDF"; cat "$lib.log"; fail=1
  fi
}
# 1. the library's own clone, its remote with a token in the URL
make_lib "$out/token"
printf '[remote "origin"]\n\turl = https://oauth2:glpat-SECRET1@gitlab.example.com/g/p.git\n' \
  > "$out/token/.git/config"
scan "$out/token" SECRET1 "https://gitlab.example.com/g/p/blob/HEAD/code/run.py"
make_lib "$out/github-token"
printf '[remote "origin"]\n\turl = https://x-access-token:ghp_SECRET2@github.com/Own/Repo.git\n' \
  > "$out/github-token/.git/config"
scan "$out/github-token" SECRET2 "https://github.com/own/repo/blob/HEAD/code/run.py"
# 2. .git/config a link to another repository's (the user's private one)
mkdir -p "$out/private/.git"
printf '[remote "origin"]\n\turl = https://private-SECRET3.example.com/me/mine.git\n' \
  > "$out/private/.git/config"
make_lib "$out/linked"
ln -s "$out/private/.git/config" "$out/linked/.git/config"
scan "$out/linked" SECRET3 ""
[ $fail = 0 ] && echo "ok: no login of the remote's URL in a link; a linked .git/config not read"
exit $fail
