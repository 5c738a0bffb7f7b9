#!/bin/sh
# Fails when src/ holds a calendar rule or a decoder outside the module
# that owns it: leap years, day numbers, date parsing and writing, and
# SOURCE_DATE_EPOCH (dates.c),
# percent-decoding (percent.c), HTML character references (entities.c).
src=${1:?usage: one_copy.sh SRC_DIR}
fail=0
# hits PATTERN OWNER WHAT: any file but OWNER matching PATTERN fails. The
# sources are in stage folders (src/base/dates.c): the search goes down.
hits() {
  found=$(grep -rnE --include='*.c' --include='*.h' -- "$1" "$src" | grep -v "/${2%.c}\.[ch]:")
  if [ -n "$found" ]; then
    echo "FAIL: $3 outside $2:"
    echo "$found"
    fail=1
  fi
}
hits '% *400|% *4 *== *0|is_leap|g_date_is_leap' dates.c 'a leap-year rule'
hits '146097|719468|719163|[^_]days_from_civil|g_date_get_julian' dates.c 'a day-number computation'
hits 'sscanf.*"%[0-9]*d[-.%]' dates.c 'a date parser (sscanf)'
hits '"%0?4d-%0?2d-%0?2d"' dates.c 'an ISO date written by hand (pb_date_format)'
hits '\<atoi\((iso|date|d|mon|[a-z]+->today)( *\+ *[0-9])?\)' dates.c 'an ISO date read by atoi (pb_date_scan_month, pb_date_year)'
hits 'strtoll?\(sde' dates.c 'SOURCE_DATE_EPOCH read by hand (pb_date_epoch)'
hits '% *7\) *\+ *7' dates.c 'a weekday rule (pb_weekday)'
hits "== *'%' *&&" percent.c 'a percent decoder'
hits 'hexval *\(|g_uri_unescape|curl_easy_unescape' percent.c 'a hex-digit or unescape helper'
hits '\{ *"&?(amp|lt|gt|quot|nbsp|colon);?" *,|htmlEntityLookup|xmlGetPredefinedEntity' entities.c 'an HTML entity table'
if [ $fail = 0 ]; then echo "one copy of each shared job: ok"; fi
exit $fail
