#!/usr/bin/env bash
# Identical input and SOURCE_DATE_EPOCH give a byte-identical PDF.
set -euo pipefail
pb=$1 out=$2 root=$3
mkdir -p "$out"
export SOURCE_DATE_EPOCH=1700000000
"$pb" build "$root" -q --no-cache -o "$out/repro1.pdf"
"$pb" build "$root" -q -o "$out/repro2.pdf"
cmp "$out/repro1.pdf" "$out/repro2.pdf"
pdfinfo "$out/repro1.pdf" | grep -q "CreationDate:.*2023" || { echo "CreationDate not from SOURCE_DATE_EPOCH"; pdfinfo "$out/repro1.pdf"; exit 1; }
echo "identical: $(stat -c %s "$out/repro1.pdf") bytes"
