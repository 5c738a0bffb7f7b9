#!/usr/bin/env bash
# Builds a library with --dump-layout and checks the boxes (check_layout.py).
set -euo pipefail
pb=$1 out=$2 name=$3; shift 3
for a in "$@"; do case "$a" in */shared/*) [ -e "$a" ] || { echo "skip: $a not present"; exit 77; } ;; esac; done
mkdir -p "$out"
"$pb" build -q "$@" --dump-layout "$out/$name.layout" -o "$out/$name.pdf"
python3 "$(dirname "$0")/check_layout.py" "$out/$name.layout"
