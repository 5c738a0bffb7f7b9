#!/bin/sh
# Fails when src/ holds a calendar rule or a decoder outside the module
# that owns it: leap years and day numbers (dates.c), percent-decoding
src=${1:?usage: one_copy.sh SRC_DIR}
fail=0
# hits PATTERN OWNER WHAT: any file but OWNER matching PATTERN fails
hits() {
  found=$(grep -nE -- "$1" "$src"/*.c "$src"/*.h 2>/dev/null | grep -v "^$src/${2%.c}\.[ch]:")
  if [ -n "$found" ]; then
    echo "FAIL: $3 outside $2:"
    echo "$found"
    fail=1
  fi
}
hits '% *400|% *4 *== *0|is_leap|g_date_is_leap' dates.c 'a leap-year rule'
hits '146097|719468|719163|[^_]days_from_civil|g_date_get_julian' dates.c 'a day-number computation'
hits 'sscanf.*"%[0-9]*d[-.%]' dates.c 'a date parser (sscanf)'
if [ $fail = 0 ]; then echo "one copy of each shared job: ok"; fi
exit $fail
