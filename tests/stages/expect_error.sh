#!/bin/sh
# Builds one probe target, which must fail with the stage guard's message.
#   expect_error.sh BUILD_DIR TARGET "EXPECTED TEXT"
# Compiled afresh each time: an object left from an earlier build would
# hide a guard added since.
find "$1" -path "*/$2.dir/*" -name '*.o' -delete 2>/dev/null
out=$(cmake --build "$1" --target "$2" 2>&1)
if printf '%s\n' "$out" | grep -q "$3"; then
  echo "ok: $2 does not build: $(printf '%s\n' "$out" | grep -m1 "$3")"
  exit 0
fi
printf '%s\n' "$out" | tail -20
echo "FAIL: $2 built, or failed without \"$3\""
exit 1
