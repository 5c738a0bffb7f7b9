#!/usr/bin/env bash
# Importing the real group's files into papers/ cards and building from the
# cards gives the same entries as reading the original files.
set -euo pipefail
pb=$1 work=$2 corpus=$3
[ -d "$corpus" ] || { echo "skip: $corpus not present"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/Archived"
cp -r "$corpus/Images" "$corpus/Slide" "$work/"
cp "$corpus/REPORT.md" "$work/"
cp "$corpus/Archived/"*.md "$work/Archived/"
cd "$work"
"$pb" import -q REPORT.md Archived/*.md -o papers
"$pb" dump REPORT.md Archived/*.md > before.json 2> before.log
"$pb" dump . > after.json 2> after.log
# reading the cards may repeat a warning the logs gave (a figure missing
# from the checkout), never add one
msgs() { grep "warning\|error" "$1" | sed 's/^[^ ]*: \(warning\|error\): //' | sort -u; }
new=$(comm -13 <(msgs before.log) <(msgs after.log))
if [ -n "$new" ]; then echo "reading the imported cards warned:"; echo "$new" | head; exit 1; fi
python3 "$here/compare_dumps.py" before.json after.json
