#!/bin/sh
# Builds one probe target of a legal edge afresh, which must succeed.
#   expect_builds.sh BUILD_DIR TARGET
find "$1" -path "*/$2.dir/*" -name '*.o' -delete 2>/dev/null
if out=$(cmake --build "$1" --target "$2" 2>&1); then
  echo "ok: $2 builds"
  exit 0
fi
printf '%s\n' "$out" | tail -20
echo "FAIL: $2 does not build"
exit 1
