#!/usr/bin/env bash
# Runs one paperbook command under valgrind and fails on anything but a
# clean run: a memory error or leak (valgrind's own exit code 99), a signal
# (a crash: the shell sees 128+N, valgrind reports "Process terminating"),
# any text in valgrind's log, or an exit status outside the expected ones.
# Usage: valgrind.sh [--expect "0 1"] PAPERBOOK ARGS...
#   --expect: the exit statuses paperbook may end with (default "0").
# Skips with 77 without valgrind or when an input under shared/ is absent.
set -uo pipefail
command -v valgrind >/dev/null || { echo "skip: valgrind not installed"; exit 77; }
expect="0"
if [ "${1:-}" = --expect ]; then expect=$2; shift 2; fi
pb=$1; shift
for a in "$@"; do
  case "$a" in */shared/*) [ -e "$a" ] || { echo "skip: $a not present"; exit 77; } ;; esac
done
log=$(mktemp)
valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --log-file="$log" "$pb" "$@" >/dev/null 2>&1
rc=$?
cat "$log"
fail=0
if [ $rc -eq 99 ]; then echo "FAIL: valgrind found errors or leaks"; fail=1; fi
if [ $rc -gt 128 ] && [ $rc -ne 99 ]; then echo "FAIL: killed by signal $((rc - 128))"; fail=1; fi
if grep -q "Process terminating\|Invalid \|uninitialised\|definitely lost\|indirectly lost" "$log"; then
  echo "FAIL: valgrind's log reports a problem"; fail=1
fi
case " $expect " in *" $rc "*) ;; *) [ $rc -ne 99 ] && echo "FAIL: exit status $rc (expected $expect)"; fail=1 ;; esac
rm -f "$log"
[ $fail -eq 0 ] && echo "valgrind clean (exit $rc)"
exit $fail
