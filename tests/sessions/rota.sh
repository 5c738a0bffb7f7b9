#!/bin/sh
# The minutes' rota contradicting a held session (issue 24, item 8): the
# fixture holds 1.10 with 甲 乙 and its rota plans 1.10 for 丙 丁 (and 1.3
# for 丙, as held). `check` and a digest that reads the minutes warn once,
# at the rota's line, naming the held session's line; 1.3 is not warned.
# Usage: rota.sh PAPERBOOK FIXTURE_DIR WORKDIR
set -u
pb=$1 lib=$2 work=$3
mkdir -p "$work"
fail=0
"$pb" check "$lib" > "$work/check.out" 2> "$work/check.err"
for cmd in check digest; do
  if [ $cmd = digest ]; then
    "$pb" digest --since 2025-01-01 -o "$work/d.pdf" "$lib" 2> "$work/$cmd.err" >/dev/null
  fi
  n=$(grep -c "纪要.md:17: warning: the rota plans 丙, 丁 on 2025-01-10, but the session held that day (.*纪要.md:5) had 甲, 乙" "$work/$cmd.err")
  [ "$n" = 1 ] || { echo "FAIL: $cmd: the rota warning naming lines 17 and 5 seen $n times"; cat "$work/$cmd.err"; fail=1; }
  if grep -q "rota plans 丙 on 2025-01-03" "$work/$cmd.err"; then
    echo "FAIL: $cmd: 1.3 (held as planned) warned"; fail=1
  fi
done
[ $fail = 0 ] && echo "ok: the rota's 1.10 against the held 1.10, in check and digest"
exit $fail
