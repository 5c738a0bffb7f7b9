#!/usr/bin/env bash
# A library never supplies the program paperbook runs: the browser that
# screenshots HTML decks is looked for in the absolute directories of PATH
# only. A relative entry ("bin", ".") names a folder of the library a build
# runs in, and a clone can carry an executable bin/chromium (git keeps the
# mode bit). With PATH=bin:$PATH the library's own "chromium" must not run.
# Usage: path_browser.sh PAPERBOOK OUTDIR
set -uo pipefail
pb=$1 out=$2
unset PAPERBOOK_BROWSER PAPERBOOK_CACHE_DIR
rm -rf "$out"
lib=$out/lib
mark=$out/ran.txt
mkdir -p "$lib/papers" "$lib/Slide" "$lib/bin"
cat > "$lib/papers/a.md" <<'CARD'
---
title: "A card"
presenter: 甲
date: 2025-01-10
---
A summary.
CARD
printf '<!doctype html><title>Deck</title><h1>Deck</h1>\n' > "$lib/Slide/2025-01-10-甲-deck.html"
for name in bin/chromium bin/chromium-browser chromium chromium-browser; do
  printf '#!/bin/sh\necho "$0 $*" >> "%s"\nexit 1\n' "$mark" > "$lib/$name"
  chmod +x "$lib/$name"
done
status=0
for entry in bin . ./bin; do
  rm -f "$mark"
  rm -rf "$lib/build"
  (cd "$lib" && PATH="$entry:$PATH" "$pb" build . -q --appendix slides -o "$out/b.pdf" 2>"$out/err.txt")
  if [ -e "$mark" ]; then
    echo "FAIL: PATH entry '$entry': the library's program ran: $(head -c 200 "$mark")"
    status=1
  else
    echo "ok: PATH entry '$entry': the library's program did not run"
  fi
done
# an absolute directory of PATH is still searched (the user's own choice)
rm -f "$mark"
rm -rf "$lib/build"
(cd "$lib" && PATH="$lib/bin:$PATH" "$pb" build . -q --appendix slides -o "$out/b.pdf" 2>"$out/err.txt")
if [ -e "$mark" ]; then
  echo "ok: an absolute PATH directory is searched"
else
  echo "FAIL: the browser in an absolute PATH directory was not tried"
  status=1
fi
exit $status
