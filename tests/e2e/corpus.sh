#!/usr/bin/env bash
# Builds a file of the real reading group's repository (../shared), read in
# place and unedited; skipped (77) when it is not there.
set -euo pipefail
pb=$1 out=$2 name=$3 input=$4; shift 4
if [ ! -f "$input" ]; then echo "skip: $input not present"; exit 77; fi
here=$(cd "$(dirname "$0")" && pwd)
group=category
[ "$name" = archive ] && group=month
exec "$here/build_and_check.sh" "$pb" "$out" "corpus-$name" --group-by "$group" -- "$input" --no-cache "$@"
