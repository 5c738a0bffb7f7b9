#!/usr/bin/env bash
# Builds what a design check needs and runs design_check.py on it.
#   run.sh PB OUT fill NAME LIBRARY [--min-mean X] [build options...]
#   run.sh PB OUT details ARCHIVE.md
#   run.sh PB OUT print ARCHIVE.md
set -euo pipefail
pb=$1 out=$2 what=$3; shift 3
check="python3 $(dirname "$0")/design_check.py"
mkdir -p "$out"
case "$what" in
fill)
  name=$1 lib=$2; shift 2
  [ -e "$lib" ] || { echo "skip: $lib not present"; exit 77; }
  mean=()
  if [ "${1:-}" = --min-mean ]; then mean=(--min-mean "$2"); shift 2; fi
  "$pb" build -q "$lib" "$@" -o "$out/$name.pdf" 2>/dev/null
  $check fill "$out/$name.pdf" "${mean[@]}"
  ;;
details)
  [ -e "$1" ] || { echo "skip: $1 not present"; exit 77; }
  "$pb" build -q "$1" --appendix presenters -o "$out/details.pdf" --dump-layout "$out/details.layout" 2>/dev/null
  $check details "$out/details.pdf" "$out/details.layout"
  ;;
digest)
  [ -e "$1" ] || { echo "skip: $1 not present"; exit 77; }
  "$pb" digest -q --since 2024-12-01 --until 2024-12-31 "$1" -o "$out/digest.pdf" 2>/dev/null
  $check digest "$out/digest.pdf"
  ;;
print)
  [ -e "$1" ] || { echo "skip: $1 not present"; exit 77; }
  "$pb" build -q "$1" -o "$out/colour.pdf" 2>/dev/null
  "$pb" build -q "$1" --print -o "$out/print.pdf" 2>/dev/null
  $check print "$out/colour.pdf" "$out/print.pdf"
  ;;
esac
