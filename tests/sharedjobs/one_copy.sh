#!/bin/sh
# Fails when src/ holds a calendar rule or a decoder outside the module
# that owns it: leap years, day numbers and date parsing (dates.c),
# percent-decoding (percent.c), HTML character references (entities.c).
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
hits "== *'%' *&&" percent.c 'a percent decoder'
hits 'hexval *\(|g_uri_unescape|curl_easy_unescape' percent.c 'a hex-digit or unescape helper'
hits '\{ *"&?(amp|lt|gt|quot|nbsp|colon);?" *,|htmlEntityLookup|xmlGetPredefinedEntity' entities.c 'an HTML entity table'
if [ $fail = 0 ]; then echo "one copy of each shared job: ok"; fi
exit $fail
