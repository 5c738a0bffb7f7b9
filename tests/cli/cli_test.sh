#!/usr/bin/env bash
# The command line as a user meets it: help for every command, version, the
# man page made from the help texts, bash completion, config warnings,
# colours only on a terminal and never with NO_COLOR, `new` never
# overwriting, exit codes.
set -euo pipefail
pb=$1 build=$2 root=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$pb" --version | grep -qE '^paperbook [0-9]+\.[0-9]+' || fail "--version"
for c in build digest handout check dump new import; do
  "$pb" $c --help > "$work/h" || fail "$c --help exit"
  grep -q "usage: paperbook $c" "$work/h" || fail "$c --help text"
done
"$pb" frobnicate 2>/dev/null && fail "unknown command accepted"
set +e; "$pb" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command exit is not 2"; set -e

# Man page: generated from the same texts as --help.
man1="$build/paperbook.1"
[ -s "$man1" ] || fail "no man page at $man1"
grep -q '^\.TH PAPERBOOK 1' "$man1" || fail "man page header"
for sec in BUILD DIGEST HANDOUT CHECK IMPORT NEW; do grep -q "^\.SH $sec" "$man1" || fail "man section $sec"; done
grep -q 'layout\\-report' "$man1" || fail "man page lacks an option from build --help"
if command -v groff >/dev/null; then groff -man -Tutf8 "$man1" >/dev/null 2>&1 || fail "groff"; fi

# Bash completion: loads, completes commands and options.
comp="$root/docs/paperbook.bash-completion"
bash -n "$comp" || fail "completion syntax"
out=$(PATH="$(dirname "$pb"):$PATH" bash -c 'source "$1"; COMP_WORDS=(paperbook bu); COMP_CWORD=1; _paperbook; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$out" = build ] || fail "completion of 'bu' gave '$out'"
out=$(PATH="$(dirname "$pb"):$PATH" bash -c 'source "$1"; COMP_WORDS=(paperbook build --group); COMP_CWORD=2; _paperbook; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$out" = "--group-by" ] || fail "completion of '--group' gave '$out'"

# Config: unknown keys and wrong types are warnings with file:line.
mkdir -p "$work/lib/papers"
cp "$root/papers/nlp/"*.md "$work/lib/papers/" 2>/dev/null || cp "$(find "$root/papers" -name '*.md' | head -1)" "$work/lib/papers/"
printf 'title: T\ncolour: red\ndpi: lots\ncategory_order: {a: b}\n' > "$work/lib/paperbook.yml"
"$pb" check "$work/lib" > "$work/out" 2> "$work/err" || true
grep -q "paperbook.yml:2: warning: unknown setting 'colour'" "$work/err" || { cat "$work/err"; fail "unknown key"; }
grep -q "paperbook.yml:3: warning: 'dpi' should be a number" "$work/err" || fail "wrong type"
grep -q "paperbook.yml:4: warning: 'category_order' should be a list" "$work/err" || fail "wrong type (list)"
printf 'title: [unclosed\n' > "$work/lib/paperbook.yml"
set +e; "$pb" check "$work/lib" > /dev/null 2> "$work/err"; rc=$?; set -e
[ $rc -eq 2 ] || fail "broken config: exit $rc, want 2"
grep -q "paperbook.yml:.*error: YAML" "$work/err" || fail "YAML error message"
rm "$work/lib/paperbook.yml"

# Colours: none when stderr is not a terminal, none with NO_COLOR.
printf -- '---\ntitle: x\nbogus: 1\n---\nText.\n' > "$work/lib/papers/bad.md"
"$pb" check "$work/lib" 2> "$work/err" >/dev/null || true
grep -q $'\033\\[' "$work/err" && fail "colour codes in a pipe"
if command -v script >/dev/null; then
  script -qec "NO_COLOR=1 '$pb' check '$work/lib'" /dev/null > "$work/tty" 2>&1 || true
  grep -q $'\033\\[' "$work/tty" && fail "colour codes with NO_COLOR"
  script -qec "'$pb' check '$work/lib'" /dev/null > "$work/tty" 2>&1 || true
  grep -q $'\033\\[' "$work/tty" || fail "no colour on a terminal"
fi
rm "$work/lib/papers/bad.md"

# new: every field present; never overwrites.
cd "$work"
"$pb" new --title "A Test Paper" --presenter 张三 --date 2024-12-29 -o card.md > /dev/null
for k in title venue year note category presenter date links paper code blog slide figures tags; do
  grep -q "^ *$k:" card.md || fail "new card lacks $k"
done
set +e; "$pb" new -o card.md > /dev/null 2>&1; rc=$?; set -e
[ $rc -ne 0 ] || fail "new overwrote a file"
mkdir -p lib2/papers && cp card.md lib2/papers/ && "$pb" dump lib2 2>/dev/null | grep -q '"title": "A Test Paper"' || fail "new card does not read back"
# Progress: silent for short builds, plain lines in a pipe, a bar on a
# terminal, nothing with --quiet.
cd "$work"
# (No browser: a cold screenshot of the sample's HTML deck alone takes
# seconds. The delay is the documented knob, set to 5 s: the sample takes
# about 1 s, and longer on a loaded machine or in the ASan build.)
PAPERBOOK_BROWSER=none PAPERBOOK_PROGRESS_DELAY=5 "$pb" build "$root" --no-cache -o p.pdf 2> prog.log
grep -q "encoding figures" prog.log && fail "progress on a short build"
PAPERBOOK_PROGRESS_DELAY=0 "$pb" build "$root" --no-cache -o p.pdf 2> prog.log
grep -q "^paperbook: encoding figures: [0-9]*/[0-9]*" prog.log || { cat prog.log; fail "no plain progress lines"; }
PAPERBOOK_PROGRESS_DELAY=0 "$pb" build -q "$root" --no-cache -o p.pdf 2> prog.log
[ ! -s prog.log ] || fail "--quiet printed: $(head -2 prog.log)"
if command -v script >/dev/null; then
  script -qec "PAPERBOOK_PROGRESS_DELAY=0 '$pb' build '$root' --no-cache -o p.pdf" /dev/null > prog.tty 2>&1 || true
  grep -q $'\r.*\[#' prog.tty || fail "no progress bar on a terminal"
fi
echo "cli: all checks passed"
