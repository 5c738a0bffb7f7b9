#!/usr/bin/env bash
# Runs one paperbook command under valgrind and fails on anything but a
# clean run: a memory error or any block left allocated at exit, of any leak
# kind, "still reachable" included (valgrind's own exit code 99), a signal
# (a crash: the shell sees 128+N, valgrind reports "Process terminating"),
# any text in valgrind's log, or an exit status outside the expected ones.
# The one suppression (libinit.supp) covers what shared libraries' own
# constructors allocate before main(); everything else must be freed.
# Usage: valgrind.sh [--expect "0 1"] [--children] PAPERBOOK ARGS...
#   --expect: the exit statuses paperbook may end with (default "0").
#   --children: also check the processes paperbook forks (deck readers
#     running poppler on a deck) for memory errors. They end with _exit()
#     holding the parent's copied heap, so leaks are not checked then.
# Skips with 77 without valgrind or when an input under shared/ is absent.
set -uo pipefail
command -v valgrind >/dev/null || { echo "skip: valgrind not installed"; exit 77; }
expect="0"
children=0
while :; do
  case "${1:-}" in
    --expect) expect=$2; shift 2 ;;
    --children) children=1; shift ;;
    *) break ;;
  esac
done
pb=$1; shift
for a in "$@"; do
  case "$a" in */shared/*) [ -e "$a" ] || { echo "skip: $a not present"; exit 77; } ;; esac
done
here=$(cd "$(dirname "$0")" && pwd)
log=$(mktemp)
if [ $children -eq 1 ]; then
  opts=(--leak-check=no --child-silent-after-fork=no)
else
  opts=(--leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all
        --child-silent-after-fork=yes --suppressions="$here/libinit.supp")
fi
valgrind --quiet --error-exitcode=99 --num-callers=50 "${opts[@]}" --log-file="$log" "$pb" "$@" >/dev/null 2>&1
rc=$?
cat "$log"
fail=0
if [ $rc -eq 99 ]; then echo "FAIL: valgrind found errors or leaks"; fail=1; fi
if [ $rc -gt 128 ] && [ $rc -ne 99 ]; then echo "FAIL: killed by signal $((rc - 128))"; fail=1; fi
if grep -q "Process terminating\|Invalid \|uninitialised\|definitely lost\|indirectly lost\|possibly lost\|still reachable" "$log"; then
  echo "FAIL: valgrind's log reports a problem"; fail=1
fi
case " $expect " in *" $rc "*) ;; *) [ $rc -ne 99 ] && echo "FAIL: exit status $rc (expected $expect)"; fail=1 ;; esac
rm -f "$log"
[ $fail -eq 0 ] && echo "valgrind clean (exit $rc)"
exit $fail
