#!/usr/bin/env bash
# A .pptx slide whose title holds an entity reference (&x;, declared in the
# slide's DTD and never substituted) is read in bounded time: the title
# walk does not enter the reference, whose children lead back through the
# DTD to the slide's root (before, a slide with "&x;" as its only text hung
# the build; one with more text had it repeated up to 64 KB).
# Usage: deck_entity_loop.sh PAPERBOOK OUTDIR
set -uo pipefail
pb=$1 out=$2
rm -rf "$out"
mkdir -p "$out/lib/papers" "$out/lib/Slide"
cat > "$out/lib/papers/a.md" <<'CARD'
---
title: "A Paper"
category: [Test]
presenter: A
date: 2024-11-01
---
A summary.
CARD
python3 - "$out/lib/Slide" <<'PY'
import sys, zipfile
slide = ('<?xml version="1.0"?>\n<!DOCTYPE p:sld [<!ENTITY x SYSTEM "file:///nonexistent">'
         '<!ENTITY y "inner">]>\n'
         '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
         'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree>'
         '<p:sp><p:nvSpPr><p:cNvPr id="1" name="Title 1"/><p:nvPr><p:ph type="title"/></p:nvPr>'
         '</p:nvSpPr><p:txBody><a:p><a:r><a:t>%s</a:t></a:r></a:p></p:txBody></p:sp>'
         '</p:spTree></p:cSld></p:sld>')
for name, title in (("2024.11.1 A-only.pptx", "&x;"), ("2024.11.2 B-text.pptx", "T &x;&y; end")):
    with zipfile.ZipFile(f"{sys.argv[1]}/{name}", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/slides/slide1.xml", slide % title)
PY
fail=0
start=$(date +%s)
timeout 30 "$pb" dump "$out/lib" > "$out/dump.json" 2> "$out/err.txt"
rc=$?
took=$(( $(date +%s) - start ))
if [ $rc = 124 ]; then
  echo "FAIL: dump did not finish within 30 s (the title walk goes round)"; fail=1
elif [ $rc != 0 ]; then
  echo "FAIL: dump exit $rc"; cat "$out/err.txt"; fail=1
fi
if [ $fail = 0 ] && ! grep -q '"title": "T end"' "$out/dump.json"; then
  echo "FAIL: the second deck's title is not 'T end':"; grep -o '"title": "T[^"]*"' "$out/dump.json" | cut -c1-120
  fail=1
fi
[ $fail = 0 ] && echo "ok: decks with entity references read in ${took} s, title 'T end'"
exit $fail
