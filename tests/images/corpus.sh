#!/bin/bash
# The reading group's real figures: every file must probe as the format its
# bytes say (ImageMagick's identify is the referee; some .png files are WebP
# or JPEG, and ViLT.jpg is a PNG) with the same size, and all must go into
# one valid PDF. Skipped (77) when the corpus is not there.
# Usage: corpus.sh IMGPDF IMAGES-DIR WORKDIR
set -u
IMGPDF=$(realpath "$1")
DIR=$2
W=$3
[ -d "$DIR" ] || { echo "skip: no corpus at $DIR"; exit 77; }
for t in identify qpdf pdfimages; do
  command -v $t >/dev/null || { echo "skip: $t not installed"; exit 77; }
done
rm -rf "$W" && mkdir -p "$W" || exit 1
fails=0
n=0
misnamed=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  got=$("$IMGPDF" --probe "$f" | awk '{print $1, $2}')
  want=$(identify -format '%m %wx%h' "$f[0]" 2>/dev/null | sed 's/^WEBP/WebP/')
  if [ "$got" != "$want" ]; then
    echo "FAIL $f: probe says '$got', identify says '$want'"
    fails=$((fails + 1))
  fi
  ext=$(echo "${f##*.}" | tr a-z A-Z)
  fmt=${got%% *}
  case "$ext:$fmt" in PNG:PNG | JPG:JPEG | JPEG:JPEG | WEBP:WebP | GIF:GIF) ;; *) misnamed=$((misnamed + 1)) ;; esac
done < <(find "$DIR" -maxdepth 1 -type f -print0 | sort -z)
echo "probed $n files, $misnamed named for another format"
find "$DIR" -maxdepth 1 -type f -print0 | sort -z | xargs -0 "$IMGPDF" --stats "$W/corpus.pdf"
rc=$?
if [ $rc != 0 ]; then echo "FAIL imgpdf exit status $rc"; fails=$((fails + 1)); fi
qpdf --check "$W/corpus.pdf" >/dev/null || { echo "FAIL qpdf --check"; fails=$((fails + 1)); }
images=$(pdfimages -list "$W/corpus.pdf" | awk 'NR > 2 && $3 == "image"' | wc -l)
if [ "$images" != "$n" ]; then echo "FAIL $images images in the PDF for $n files"; fails=$((fails + 1)); fi
echo "$fails failure(s)"
[ $fails = 0 ]
