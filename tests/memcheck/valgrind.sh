#!/usr/bin/env bash
# Runs one paperbook command under valgrind: no memory errors, no leaks.
# Usage: valgrind.sh PAPERBOOK ARGS...   (skips with 77 without valgrind)
set -uo pipefail
command -v valgrind >/dev/null || { echo "skip: valgrind not installed"; exit 77; }
pb=$1; shift
for a in "$@"; do
  case "$a" in */shared/*) [ -e "$a" ] || { echo "skip: $a not present"; exit 77; } ;; esac
done
log=$(mktemp)
valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --log-file="$log" "$pb" "$@" >/dev/null 2>&1
rc=$?
cat "$log"
rm -f "$log"
if [ $rc -eq 99 ]; then echo "valgrind found errors or leaks"; exit 1; fi
echo "valgrind clean (exit $rc)"
exit 0
