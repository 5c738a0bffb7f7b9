#!/bin/sh
# slides-pptx: builds a small slide library at test time (python3 zipfile,
# a thumbnail made with ImageMagick) and checks the scan with slides_test.
# usage: pptx.sh SLIDES_TEST WORKDIR
set -eu
drv=$1
work=$2
command -v python3 >/dev/null || { echo "python3 not found: skipped"; exit 77; }
if command -v convert >/dev/null; then convert_cmd=convert
elif command -v magick >/dev/null; then convert_cmd="magick"
else echo "ImageMagick not found: skipped"; exit 77; fi
rm -rf "$work"
mkdir -p "$work/lib"
$convert_cmd -size 64x48 xc:red "$work/t.jpeg"
python3 "$(dirname "$0")/make_pptx.py" "$work/lib" "$work/t.jpeg"
exec "$drv" pptx "$work/lib" "$work/t.jpeg"
