#!/bin/sh
# LaTeX export of a real archive through the command line:
#   corpus_tex.sh PAPERBOOK OUTDIR INPUT
# runs `paperbook build --format tex -o OUTDIR INPUT`, compiles booklet.tex
# with xelatex twice, and checks that every card title of
# `paperbook dump INPUT` is an entry of the PDF's outline, and that the
# outline has the same entries (titles and levels) as the PDF booklet
# `paperbook build INPUT` makes. Skips (77) when the input, xelatex or
# mutool is missing.
set -u
pb=$1 out=$2 input=$3
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$input" ]; then
  echo "skip: $input not found"
  exit 77
fi
for tool in xelatex mutool python3; do
  if ! command -v $tool >/dev/null 2>&1; then
    echo "skip: $tool not installed"
    exit 77
  fi
done
if ! kpsewhich ctexbook.cls >/dev/null 2>&1; then
  echo "skip: ctex not installed (Debian: texlive-lang-chinese)"
  exit 77
fi
rm -rf "$out"
mkdir -p "$out"
start=$(date +%s)
if ! "$pb" build --format tex -o "$out" "$input" 2>"$out/paperbook.err"; then
  echo "paperbook build --format tex failed:"
  tail -20 "$out/paperbook.err"
  exit 1
fi
if ! "$pb" dump "$input" >"$out/dump.json" 2>/dev/null; then
  echo "paperbook dump failed"
  exit 1
fi
python3 - "$out/dump.json" "$out/titles.txt" <<'PY' || exit 1
import json, sys
lib = json.load(open(sys.argv[1], encoding="utf-8"))
entries = lib.get("entries", []) if isinstance(lib, dict) else []
titles = [(e.get("title") or "(untitled)") for e in entries]
if not titles:
    sys.exit("no entries in the dump")
open(sys.argv[2], "w", encoding="utf-8").write("".join(t + "\n" for t in titles))
PY
cd "$out" || exit 1
[ -f booklet.tex ] || { echo "no booklet.tex in $out"; exit 1; }
for pass in 1 2; do
  if ! xelatex -interaction=nonstopmode -halt-on-error booklet.tex >xelatex.out 2>&1; then
    echo "xelatex failed (pass $pass):"
    grep -A5 '^!' booklet.log | head -40
    exit 1
  fi
done
end=$(date +%s)
pages=$(mutool info booklet.pdf 2>/dev/null | sed -n 's/^Pages: //p')
size=$(wc -c <booklet.pdf)
echo "booklet.pdf: $pages pages, $size bytes, $((end - start)) s (paperbook + 2 xelatex runs)"
if grep -q 'Missing character' booklet.log; then
  echo "note: xelatex reports missing characters:"
  grep 'Missing character' booklet.log | sort | uniq -c | head
fi
status=0
python3 "$here/outline.py" --exact booklet.pdf titles.txt || status=1
# issue 23: titles whole on a page, running heads not in capitals, SC glyphs
python3 "$here/book_checks.py" booklet.pdf titles.txt || status=1
# issue 23: no card title at a page foot without its first lines
python3 "$here/title_feet.py" booklet.pdf titles.txt || status=1
/usr/bin/python3 "$here/cjk_sc.py" booklet.pdf
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 77 ] || status=1
if "$pb" build -q -o "$out/booklet-paperbook.pdf" "$input" 2>/dev/null; then
  python3 "$here/outline.py" --same booklet-paperbook.pdf booklet.pdf || status=1
else
  echo "paperbook build (PDF) failed"
  status=1
fi
exit $status
