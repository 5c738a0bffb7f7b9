#!/bin/sh
# Educated quotes (issue 23, item 5): straight ' and " in the Latin text of a
# card's title and summary print as ‘ ’ “ ” in the PDF (pdftotext) and the
# LaTeX export (booklet.tex); code spans, code blocks, URLs and quotes next to
# Chinese stay as written.
#   quotes.sh PAPERBOOK OUTDIR
set -u
pb=$1 out=$2
rm -rf "$out" && mkdir -p "$out/lib/papers"
cat > "$out/lib/papers/q.md" <<'CARD'
---
title: "The \"Quoted\" Model: Students' Behaviour and It's Fine"
venue: CVPR
year: 2024
presenter: 张宇
date: 2024-03-01
---
He said "hello world" and 'single words' don't break; "**bold** inside" too.
Code stays: `x = "a" + 'b'` and the link https://example.com/a'b"c is kept.
中文里的"模态解耦"写法照旧，“全角引号”也照旧。

```
print("code block")
```
CARD
fail=0
check() { # file what expected
  if ! grep -qF -- "$3" "$1"; then echo "FAIL $2: no $3 in $(basename "$1")"; fail=1; fi
}
nocheck() { # file what unexpected
  if grep -qF -- "$3" "$1"; then echo "FAIL $2: $3 in $(basename "$1")"; fail=1; fi
}
"$pb" build -q -o "$out/q.pdf" "$out/lib" 2>"$out/build.err" || { cat "$out/build.err"; exit 1; }
pdftotext -enc UTF-8 "$out/q.pdf" "$out/q.txt"
tr -s ' \n' ' ' <"$out/q.txt" >"$out/q1.txt"
for f in "$out/q1.txt"; do
  check "$f" title 'The “Quoted” Model: Students’ Behaviour and It’s Fine'
  check "$f" summary 'He said “hello world” and ‘single words’ don’t break; “bold inside” too.'
  check "$f" code 'x = "a" + '"'b'"
  check "$f" url "https://example.com/a'b\"c"
  check "$f" cjk '中文里的"模态解耦"写法照旧，“全角引号”也照旧'
  check "$f" 'code block' 'print("code block")'
done
"$pb" build -q --format tex -o "$out/tex" "$out/lib" 2>"$out/tex.err" || { cat "$out/tex.err"; exit 1; }
t="$out/tex/booklet.tex"
check "$t" 'tex title' 'The “Quoted” Model: Students’ Behaviour and It’s Fine'
check "$t" 'tex summary' 'He said “hello world” and ‘single words’ don’t break; “'
check "$t" 'tex cjk' '中文里的'
nocheck "$t" 'tex cjk' '中文里的“模态'
[ $fail -eq 0 ] && echo "quotes: educated in the PDF and booklet.tex, code, URLs and Chinese as written"
exit $fail
