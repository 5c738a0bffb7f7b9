#!/usr/bin/env bash
# Usage: build_and_check.sh PAPERBOOK OUTDIR NAME [--group-by G] -- BUILD-ARGS...
# Builds a booklet, dumps the same library, and runs check_pdf.py on both.
set -euo pipefail
pb=$1 out=$2 name=$3; shift 3
group=category
if [ "${1:-}" = --group-by ]; then group=$2; shift 2; fi
[ "${1:-}" = -- ] && shift
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
export SOURCE_DATE_EPOCH=1735689600
"$pb" build "$@" --group-by "$group" -o "$out/$name.pdf" 2> "$out/$name.log" || { cat "$out/$name.log"; exit 1; }
tail -3 "$out/$name.log"
"$pb" dump "$@" > "$out/$name.json" 2>/dev/null
# The count the build prints is the number of entries the model holds.
printed=$(sed -n 's/.*: \([0-9]*\) papers, .*/\1/p' "$out/$name.log" | tail -1)
dumped=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entries_count"])' "$out/$name.json")
[ "$printed" = "$dumped" ] || { echo "FAIL: build printed $printed papers, dump has $dumped entries"; exit 1; }
python3 "$here/check_pdf.py" "$out/$name.pdf" "$out/$name.json" --group-by "$group"
