#!/bin/sh
# LaTeX export test: tex_test writes the small library and checks the .tex
# textually; then, when xelatex is installed, the .tex is compiled twice and
# every card title must appear in the PDF outline. A second library of
# random runs of LaTeX's special characters must compile too, with every
# title in the outline and every URL in the link annotations.
#   run.sh TEX_TEST OUTDIR PROJECT_ROOT
set -u
tex_test=$1 out=$2 root=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out/small" "$out/random"
"$tex_test" "$out/small" "$root" || exit 1
"$tex_test" --random "$out/random" 7 40 2>/dev/null || { echo "tex_test --random failed"; exit 1; }
for tool in xelatex mutool qpdf python3; do
  if ! command -v $tool >/dev/null 2>&1; then
    echo "skip: $tool not installed"
    exit 77
  fi
done
if ! kpsewhich ctexbook.cls >/dev/null 2>&1; then
  echo "skip: ctex not installed (Debian: texlive-lang-chinese)"
  exit 77
fi

compile() {
  (
    cd "$1" || exit 1
    for pass in 1 2; do
      if ! xelatex -interaction=nonstopmode -halt-on-error booklet.tex >xelatex.out 2>&1; then
        echo "$1: xelatex failed (pass $pass):"
        grep -A5 '^!' booklet.log | head -40
        exit 1
      fi
    done
    if grep -q 'Missing character' booklet.log; then
      echo "$1: xelatex reports missing characters:"
      grep 'Missing character' booklet.log | sort | uniq -c | head
      exit 1
    fi
  )
}

status=0
compile "$out/small" || exit 1
python3 "$here/outline.py" --exact "$out/small/booklet.pdf" "$out/small/titles.txt" || status=1
compile "$out/small/empty" || exit 1
compile "$out/small/print" || exit 1
python3 "$here/outline.py" --exact "$out/small/print/booklet.pdf" "$out/small/titles.txt" || status=1
compile "$out/random" || exit 1
python3 "$here/outline.py" --exact "$out/random/booklet.pdf" "$out/random/titles.txt" || status=1
python3 "$here/uris.py" "$out/random/booklet.pdf" "$out/random/uris.txt" || status=1
exit $status
