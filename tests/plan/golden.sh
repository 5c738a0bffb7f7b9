#!/bin/sh
# Golden test of the plan stage: runs `paperbook dump --plan ARGS...` inside
# a small library and compares the JSON with the expected file, byte for
# byte (in the spirit of cmark's spec tests: input -> expected output).
#   golden.sh PAPERBOOK LIBRARY_DIR EXPECTED.json [ARGS...]
# With PB_UPDATE_GOLDEN=1 the expected file is rewritten instead.
set -u
pb=$1 dir=$2 expected=$3
shift 3
out=$(mktemp)
(cd "$dir" && "$pb" dump --plan "$@" >"$out" 2>/dev/null) || { echo "FAIL: paperbook dump --plan $* failed"; rm -f "$out"; exit 1; }
if [ "${PB_UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$out" "$expected"
  echo "updated $expected"
elif ! diff -u "$expected" "$out"; then
  echo "FAIL: the plan differs from $expected"
  rm -f "$out"
  exit 1
fi
rm -f "$out"
echo "ok: $expected"
