#!/usr/bin/env bash
# Digest and handout of the real archive: exactly the right papers.
# Usage: jobs.sh PAPERBOOK OUTDIR ARCHIVE digest|handout|digest-empty
set -euo pipefail
pb=$1 out=$2 archive=$3 what=$4
[ -f "$archive" ] || { echo "skip: $archive not present"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
"$pb" dump "$archive" > "$out/archive-$what.json" 2>/dev/null
case "$what" in
  digest)
    "$pb" digest -q --since 2024-12-01 --until 2024-12-31 --text "$archive" -o "$out/digest-dec.pdf"
    size=$(stat -c %s "$out/digest-dec.pdf")
    echo "digest: $size bytes"
    [ "$size" -lt 3000000 ] || { echo "FAIL: a month's digest is over 3 MB"; exit 1; }
    grep -q "Visual Autoregressive Modeling" "$out/digest-dec.txt"
    qpdf --check "$out/digest-dec.pdf" >/dev/null
    python3 "$here/check_selection.py" "$out/digest-dec.pdf" "$out/archive-$what.json" --since 2024-12-01 --until 2024-12-31
    ;;
  handout)
    "$pb" handout -q --date 2024-12-29 "$archive" -o "$out/handout.pdf"
    qpdf --check "$out/handout.pdf" >/dev/null
    python3 "$here/check_selection.py" "$out/handout.pdf" "$out/archive-$what.json" --date 2024-12-29 --qr
    "$pb" handout -q --two-up --date 2024-12-29 "$archive" -o "$out/handout2.pdf"
    pdfinfo "$out/handout2.pdf" | grep -q "841.89 x 595.276" || { echo "FAIL: two-up sheet is not landscape A4"; exit 1; }
    python3 "$here/check_selection.py" "$out/handout2.pdf" "$out/archive-$what.json" --date 2024-12-29 --qr
    ;;
  digest-empty)
    rm -f "$out/empty.pdf"
    # as `digest --help` says: nothing written, exit 0 with a note (1 with --strict)
    if ! "$pb" digest --since 2030-01-01 "$archive" -o "$out/empty.pdf" 2> "$out/empty.log"; then
      echo "FAIL: an empty window without --strict failed"; cat "$out/empty.log"; exit 1
    fi
    grep -q "note: no papers" "$out/empty.log" || { cat "$out/empty.log"; exit 1; }
    if "$pb" digest -q --strict --since 2030-01-01 "$archive" -o "$out/empty.pdf" 2> "$out/empty.log"; then
      echo "FAIL: an empty window with --strict succeeded"; exit 1
    fi
    grep -q "no papers" "$out/empty.log" || { cat "$out/empty.log"; exit 1; }
    [ ! -e "$out/empty.pdf" ] || { echo "FAIL: an empty window wrote a PDF"; exit 1; }
    echo "empty window: $(cat "$out/empty.log")"
    ;;
esac
