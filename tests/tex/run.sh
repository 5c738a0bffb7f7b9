#!/bin/sh
# LaTeX export test: tex_test writes the small library and checks the .tex
# textually; then, when xelatex is installed, the .tex is compiled twice and
# every card title must appear in the PDF outline.
#   run.sh TEX_TEST OUTDIR PROJECT_ROOT
set -u
tex_test=$1 out=$2 root=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
"$tex_test" "$out" "$root" || exit 1
if ! command -v xelatex >/dev/null 2>&1; then
  echo "skip: xelatex not installed"
  exit 77
fi
if ! command -v mutool >/dev/null 2>&1; then
  echo "skip: mutool not installed"
  exit 77
fi
cd "$out" || exit 1
for pass in 1 2; do
  if ! xelatex -interaction=nonstopmode -halt-on-error booklet.tex >xelatex.out 2>&1; then
    echo "xelatex failed (pass $pass):"
    grep -A5 '^!' booklet.log | head -40
    exit 1
  fi
done
if grep -q 'Missing character' booklet.log; then
  echo "xelatex reports missing characters:"
  grep 'Missing character' booklet.log | sort | uniq -c | head
  exit 1
fi
python3 "$here/outline.py" booklet.pdf titles.txt
