#!/bin/bash
# Round trips of figures through the PDF: each test image is generated here
# (ImageMagick, plus tests/images/mkimages.py for EXIF and damaged files),
# put into a PDF by imgpdf (the real pb_figset pipeline), extracted again with
# pdfimages or qpdf, and compared with its source pixel by pixel (bytes for
# JPEG pass-through, PSNR where a lossy re-encoding is the documented
# behaviour). Damaged files must give a warning and exit status 2, never a
# crash. Usage: check.sh IMGPDF WORKDIR
set -u
IMGPDF=$(realpath "$1")
W=$2
HERE=$(cd "$(dirname "$0")" && pwd)
for t in pdfimages qpdf compare identify python3 mutool; do
  command -v $t >/dev/null || { echo "skip: $t not installed"; exit 77; }
done
CONVERT=/usr/bin/convert
[ -x $CONVERT ] || CONVERT=convert
rm -rf "$W" && mkdir -p "$W" && cd "$W" || exit 1
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# ---- helpers -------------------------------------------------------------
# embed NAME FILE [imgpdf options...]: NAME.pdf, must succeed and pass qpdf.
embed() {
  local name=$1 file=$2
  shift 2
  if ! "$IMGPDF" "$@" "$name.pdf" "$file" 2>"$name.err"; then
    bad "$name: imgpdf failed: $(cat "$name.err")"
    return 1
  fi
  qpdf --check "$name.pdf" >"$name.qpdf" 2>&1 || { bad "$name: qpdf --check"; return 1; }
  rm -rf "x_$name" && mkdir "x_$name" && pdfimages -png "$name.pdf" "x_$name/i"
  pdfimages -list "$name.pdf" | tail -n +3 >"$name.list"
}
# ae A B: number of differing pixels (compare -metric AE).
ae() { compare -metric AE "$1" "$2" null: 2>&1; }
same() { # same NAME WHAT A B
  local n
  n=$(ae "$3" "$4")
  if [ "$n" = 0 ]; then ok "$1: $2 identical"; else bad "$1: $2 differ in $n pixels"; fi
}
psnr_at_least() { # NAME A B DB
  local p
  p=$(compare -metric PSNR "$2" "$3" null: 2>&1)
  if [ "$p" = inf ] || python3 -c "import sys; sys.exit(0 if float('$p') >= $4 else 1)" 2>/dev/null; then
    ok "$1: PSNR $p dB >= $4"
  else
    bad "$1: PSNR $p dB < $4"
  fi
}
rows() { wc -l <"$1.list" | tr -d ' '; }
smasks() { awk '$3 == "smask"' "$1.list" | wc -l | tr -d ' '; }
objnum() { awk -v t="${2:-image}" '$3 == t {print $11; exit}' "$1.list"; }
expect_images() { # NAME IMAGES SMASKS
  local r s
  r=$(rows "$1")
  s=$(smasks "$1")
  if [ "$r" = $(($2 + $3)) ] && [ "$s" = "$3" ]; then
    ok "$1: $2 image(s), $3 soft mask(s)"
  else
    bad "$1: expected $2 image(s) and $3 soft mask(s), got $r rows, $s masks"
  fi
}
dict_has() { # NAME OBJ TEXT
  if qpdf --show-object="$2" "$1.pdf" | grep -qF -- "$3"; then ok "$1: dict has $3"
  else bad "$1: dict lacks $3: $(qpdf --show-object="$2" "$1.pdf")"; fi
}
raw16() { # NAME OBJ SRC RAWFORMAT MAGICK-OPTS...: 16-bit samples decoded by qpdf == source
  local name=$1 obj=$2 src=$3 fmt=$4
  shift 4
  qpdf --show-object="$obj" --filtered-stream-data "$name.pdf" >"$name.$obj.raw" 2>/dev/null
  $CONVERT "$src" "$@" -depth 16 -endian MSB "$fmt:$name.$obj.want" 2>/dev/null
  if cmp -s "$name.$obj.raw" "$name.$obj.want"; then ok "$name: 16-bit samples of object $obj identical"
  else bad "$name: 16-bit samples of object $obj differ"; fi
}

raw8() { # NAME OBJ SRC RAWFORMAT MAGICK-OPTS...: 8-bit samples decoded by qpdf == source at 8 bits
  local name=$1 obj=$2 src=$3 fmt=$4
  shift 4
  qpdf --show-object="$obj" --filtered-stream-data "$name.pdf" >"$name.$obj.raw" 2>/dev/null
  $CONVERT "$src" "$@" -depth 8 "$fmt:$name.$obj.want" 2>/dev/null
  # libpng and ImageMagick round 16 -> 8 bits differently: within 1
  if python3 -c 'import sys; a, b = (open(f, "rb").read() for f in sys.argv[1:])
sys.exit(not (len(a) == len(b) and max((abs(x - y) for x, y in zip(a, b)), default=0) <= 1))' \
      "$name.$obj.raw" "$name.$obj.want"; then ok "$name: 8-bit samples of object $obj within 1"
  else bad "$name: 8-bit samples of object $obj differ"; fi
}

# ---- sources -------------------------------------------------------------
P="-size 97x61 -seed 7 plasma:"
$CONVERT $P -define png:color-type=2 PNG24:rgb.png
$CONVERT $P -colorspace Gray -define png:color-type=0 -define png:bit-depth=8 gray.png
$CONVERT $P -colorspace Gray -threshold 50% -define png:color-type=0 -define png:bit-depth=1 gray1.png
$CONVERT $P -colors 23 PNG8:palette.png
$CONVERT $P -depth 16 PNG48:rgb16.png
$CONVERT $P -colorspace Gray -depth 16 -define png:color-type=0 -define png:bit-depth=16 gray16.png
$CONVERT $P \( -size 97x61 gradient:white-black \) -alpha off -compose CopyOpacity -composite PNG32:rgba.png
$CONVERT $P -alpha set -alpha opaque -define png:color-type=6 PNG32:rgba-opaque.png
$CONVERT $P -depth 16 \( -size 97x61 gradient:white-black \) -alpha off -compose CopyOpacity -composite PNG64:rgba16.png
# RGBA and gray + alpha with each PNG row filter (0 None .. 4 Paeth, 5 one
# chosen per row): their filtered rows are split into colour and alpha
# without decoding, so every filter type must come back pixel for pixel.
$CONVERT $P -colorspace Gray \( -size 97x61 gradient:white-black \) -alpha off -compose CopyOpacity \
  -composite -define png:color-type=4 -define png:bit-depth=8 graya.png
for f in 0 1 2 3 4 cycle; do
  python3 "$HERE/mkimages.py" refilter rgba.png $f rgba-f$f.png
  python3 "$HERE/mkimages.py" refilter graya.png $f graya-f$f.png
  python3 "$HERE/mkimages.py" refilter rgba-opaque.png $f rgba-opaque-f$f.png
done
# opaque but for one pixel of the last row: the mask must stay
$CONVERT rgba-opaque.png -region 1x1+96+60 -alpha transparent PNG32:rgba-one.png
python3 "$HERE/mkimages.py" refilter rgba-one.png cycle rgba-one-fcycle.png
$CONVERT rgb.png -interlace PNG -define png:color-type=2 interlaced.png
$CONVERT $P -colors 16 -fill white -draw "rectangle 10,10 40,30" -transparent white PNG24:trns-rgb.png
$CONVERT $P -colors 16 -fill white -draw "rectangle 10,10 40,30" -transparent white PNG8:trns-palette.png
$CONVERT $P -quality 85 rgb.jpg
$CONVERT $P -quality 85 -interlace JPEG progressive.jpg
$CONVERT $P -colorspace Gray -quality 85 gray.jpg
$CONVERT $P -colorspace CMYK -quality 90 cmyk.jpg
$CONVERT $P -quality 80 lossy.webp
$CONVERT rgba.png -define webp:lossless=true lossless-alpha.webp
$CONVERT rgb.png -define webp:lossless=true lossless.webp
cp lossless-alpha.webp misnamed.png
$CONVERT $P -colors 50 plain.gif
$CONVERT $P -colors 50 -fill white -draw "rectangle 10,10 40,30" -transparent white transparent.gif
$CONVERT -size 2000x1000 -seed 3 plasma: -define png:color-type=2 big.png
$CONVERT big.png -quality 85 big.jpg
for o in 2 3 4 5 6 7 8; do python3 "$HERE/mkimages.py" exif rgb.jpg $o orient$o.jpg; done

# ---- PNG -----------------------------------------------------------------
for n in rgb gray gray1 palette interlaced rgba-opaque rgba-opaque-f{0,1,2,3,4,cycle}; do
  embed $n $n.png || continue
  expect_images $n 1 0
  same $n pixels $n.png "x_$n/i-000.png"
done
dict_has rgb "$(objnum rgb)" "/Predictor 15"
dict_has palette "$(objnum palette)" "/Indexed"
if grep -q " index " palette.list; then ok "palette: stays indexed"; else bad "palette: not indexed"; fi
if grep -q " gray .* 1  image" gray1.list; then ok "gray1: stays 1-bit"; else bad "gray1: not 1-bit: $(cat gray1.list)"; fi

for n in rgb16 gray16; do
  embed $n $n.png || continue
  expect_images $n 1 0
  if grep -q " 16  image" $n.list; then ok "$n: 16 bits per component"; else bad "$n: not 16-bit"; fi
done
raw16 rgb16 "$(objnum rgb16)" rgb16.png rgb
raw16 gray16 "$(objnum gray16)" gray16.png gray

for n in rgba rgba-f{0,1,2,3,4,cycle} graya graya-f{0,1,2,3,4,cycle} rgba-one rgba-one-fcycle trns-rgb trns-palette; do
  embed $n $n.png || continue
  expect_images $n 1 1
  $CONVERT $n.png -alpha off PNG24:$n.color.png
  $CONVERT $n.png -alpha extract $n.alpha.png
  same $n colour $n.color.png "x_$n/i-000.png"
  same $n alpha "$n.alpha.png" "x_$n/i-001.png"
  dict_has $n "$(objnum $n)" "/SMask"
done
if embed rgba16 rgba16.png; then
  expect_images rgba16 1 1
  # decoded figures are reduced to 8 bits while read (issue 17: a 16-bit
  # 10000x10000 PNG once needed 2.2 GB)
  raw8 rgba16 "$(objnum rgba16)" rgba16.png rgb -alpha off
  smask_obj=$(qpdf --show-object="$(objnum rgba16)" rgba16.pdf | sed -n 's/.*\/SMask \([0-9]*\) 0 R.*/\1/p')
  raw8 rgba16 "$smask_obj" rgba16.png gray -alpha extract
fi

# Soft masks need PDF 1.4 and 16-bit samples 1.5 (rgb16 is passed through
# at 16 bits; rgba16 is decoded, so 8): the header must say so.
for nv in rgba:1.4 rgba16:1.4 rgb16:1.5; do
  n=${nv%%:*} v=${nv#*:}
  if head -c 8 $n.pdf | grep -q "%PDF-$v"; then ok "$n: header says PDF $v"
  else bad "$n: header $(head -c 8 $n.pdf), want PDF $v"; fi
done

# ---- JPEG ----------------------------------------------------------------
for n in rgb progressive gray cmyk; do
  embed jpeg-$n $n.jpg || continue
  expect_images jpeg-$n 1 0
  obj=$(objnum jpeg-$n)
  qpdf --show-object="$obj" --raw-stream-data jpeg-$n.pdf >jpeg-$n.raw
  if cmp -s jpeg-$n.raw $n.jpg; then ok "jpeg-$n: stream is the file, byte for byte"
  else bad "jpeg-$n: stream differs from the file"; fi
  dict_has jpeg-$n "$obj" "/DCTDecode"
done
dict_has jpeg-cmyk "$(objnum jpeg-cmyk)" "/Decode [ 1 0 1 0 1 0 1 0 ]"
dict_has jpeg-cmyk "$(objnum jpeg-cmyk)" "/DeviceCMYK"
# Rendered, the CMYK figure must look like ImageMagick's reading of the file
# (a wrong /Decode gives a negative).
mutool draw -q -r 72 -o cmyk-render.png jpeg-cmyk.pdf 1 2>/dev/null
$CONVERT cmyk.jpg -colorspace sRGB cmyk-want.png
psnr_at_least jpeg-cmyk-render cmyk-render.png cmyk-want.png 20
for o in 2 3 4 5 6 7 8; do
  embed orient$o orient$o.jpg || continue
  $CONVERT orient$o.jpg -auto-orient orient$o.want.png
  dim=$(identify -format %wx%h "x_orient$o/i-000.png")
  want=$(identify -format %wx%h orient$o.want.png)
  if [ "$dim" = "$want" ]; then ok "orient$o: upright size $dim"; else bad "orient$o: size $dim, want $want"; fi
  psnr_at_least orient$o "x_orient$o/i-000.png" orient$o.want.png 35
done

# ---- WebP and GIF --------------------------------------------------------
if embed webp-lossy lossy.webp; then
  expect_images webp-lossy 1 0
  $CONVERT lossy.webp webp-lossy.want.png
  psnr_at_least webp-lossy "x_webp-lossy/i-000.png" webp-lossy.want.png 35
fi
for n in lossless-alpha misnamed; do
  f=$n.webp
  [ $n = misnamed ] && f=misnamed.png
  embed webp-$n $f || continue
  expect_images webp-$n 1 1
  $CONVERT $f -alpha off PNG24:webp-$n.color.png
  $CONVERT $f -alpha extract webp-$n.alpha.png
  same webp-$n colour webp-$n.color.png "x_webp-$n/i-000.png"
  same webp-$n alpha webp-$n.alpha.png "x_webp-$n/i-001.png"
done
if embed webp-lossless lossless.webp; then
  expect_images webp-lossless 1 0
  same webp-lossless pixels rgb.png "x_webp-lossless/i-000.png"
fi
if embed gif plain.gif; then
  expect_images gif 1 0
  same gif pixels plain.gif "x_gif/i-000.png"
fi
if embed gif-transparent transparent.gif; then
  expect_images gif-transparent 1 1
  $CONVERT transparent.gif -alpha extract gif-t.alpha.png
  same gif-transparent alpha gif-t.alpha.png "x_gif-transparent/i-001.png"
fi

# ---- --dpi ---------------------------------------------------------------
# 2000 px placed 453 pt wide at 150 dpi: 453 / 72 * 150 = 944 px.
for f in big.png big.jpg; do
  n=dpi-${f%.*}-${f#*.}
  embed $n $f --dpi 150 --width 453 || continue
  w=$(awk 'NR == 1 {print $4}' $n.list)
  if [ "$w" = 944 ]; then ok "$n: downsampled to 944 px"; else bad "$n: width $w, want 944"; fi
  # An area average of the source, so close to ImageMagick's box filter.
  $CONVERT $f -filter Box -resize 944x472! $n.want.png
  psnr_at_least $n "x_$n/i-000.png" $n.want.png 30
done
# Downsampling with alpha must not bleed the colour of invisible pixels
# (red here) into the visible ones (blue): premultiplied averaging.
$CONVERT -size 2000x1000 xc:red -fill blue -draw "rectangle 1001,0 1999,999" \
  \( -size 2000x1000 xc:black -fill white -draw "rectangle 1001,0 1999,999" \) \
  -alpha off -compose CopyOpacity -composite PNG32:halo.png
if embed dpi-halo halo.png --dpi 150 --width 453; then
  expect_images dpi-halo 1 1
  mkdir -p ppm_halo && pdfimages dpi-halo.pdf ppm_halo/i
  red=$(python3 - ppm_halo/i-000.p?m ppm_halo/i-001.p?m <<'PY'
import sys
def read(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    step = 3 if fields[0] == b"P6" else 1
    return int(fields[1]), int(fields[2]), data[pos + 1:], step
w, h, rgb, cstep = read(sys.argv[1])
_, _, alpha, astep = read(sys.argv[2])
print(max(rgb[cstep * i] for i in range(w * h) if alpha[astep * i] > 0))
PY
)
  if [ "$red" -lt 60 ]; then ok "dpi-halo: visible pixels stay blue (max red $red)"
  else bad "dpi-halo: red bleeds into visible pixels (max red $red)"; fi
fi
embed dpi-small rgb.png --dpi 150 --width 453 && same dpi-small "kept (already below 150 dpi)" rgb.png x_dpi-small/i-000.png

# ---- damaged files: a warning and status 2, never a crash ----------------
python3 "$HERE/mkimages.py" cut rgb.png 0.6 bad-truncated.png
python3 "$HERE/mkimages.py" cut rgba.png 0.6 bad-truncated-rgba.png
python3 "$HERE/mkimages.py" flip rgb.png 0.5 bad-crc.png
python3 "$HERE/mkimages.py" flip rgba.png 0.5 bad-crc-rgba.png
python3 "$HERE/mkimages.py" badzlib rgb.png bad-zlib.png
python3 "$HERE/mkimages.py" badzlib rgba.png bad-zlib-rgba.png
python3 "$HERE/mkimages.py" cut rgb.jpg 0.5 bad-truncated.jpg
python3 "$HERE/mkimages.py" cut orient6.jpg 0.5 bad-truncated-orient.jpg
python3 "$HERE/mkimages.py" cut lossy.webp 0.5 bad-truncated.webp
python3 "$HERE/mkimages.py" cut plain.gif 0.5 bad-truncated.gif
head -c 4096 /dev/urandom >bad-random.png
: >bad-empty.png
printf '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>\n' >bad-svg.png
for f in bad-*; do
  "$IMGPDF" "$f.pdf" "$f" 2>"$f.err"
  rc=$?
  if [ $rc = 2 ] && grep -q "warning: figure $f: " "$f.err"; then
    ok "$f: reported ($(sed 's/.*figure [^:]*: //' "$f.err" | head -1))"
  else
    bad "$f: status $rc, messages: $(cat "$f.err")"
  fi
  qpdf --check "$f.pdf" >/dev/null 2>&1 || bad "$f: PDF not valid"
done

# ---- dedup, threads, cache -----------------------------------------------
cp rgba.png same-content.png
cp rgb.png same-content-2.png
"$IMGPDF" dedup.pdf rgb.png rgba.png same-content.png gray.png same-content-2.png 2>/dev/null
n=$(pdfimages -list dedup.pdf | awk 'NR > 2 && $3 == "image" {print $11}' | sort -u | wc -l)
if [ "$n" = 3 ]; then ok "dedup: identical content stored once"; else bad "dedup: $n image objects for 3 contents"; fi
pages=$(pdfimages -list dedup.pdf | awk 'NR > 2 && $3 == "image" {print $1 ":" $11}' | tr '\n' ' ')
p1=$(echo "$pages" | tr ' ' '\n' | awk -F: '$1 == 1 {print $2}')
p5=$(echo "$pages" | tr ' ' '\n' | awk -F: '$1 == 5 {print $2}')
if [ -n "$p1" ] && [ "$p1" = "$p5" ]; then ok "dedup: pages 1 and 5 share one object"; else bad "dedup: pages $pages"; fi
ALL="rgb.png gray.png palette.png rgba.png rgba16.png interlaced.png trns-rgb.png rgb.jpg cmyk.jpg lossy.webp misnamed.png orient6.jpg plain.gif"
"$IMGPDF" --threads 1 t1.pdf $ALL 2>/dev/null
"$IMGPDF" --threads 4 t4.pdf $ALL 2>/dev/null
if cmp -s t1.pdf t4.pdf; then ok "threads: 1 and 4 threads give the same bytes"; else bad "threads: output depends on thread count"; fi
"$IMGPDF" --cache cache c1.pdf $ALL 2>/dev/null
entries=$(ls cache/*.pbi 2>/dev/null | wc -l)
n_all=$(echo $ALL | wc -w)
if [ "$entries" = "$n_all" ]; then ok "cache: $entries entries"; else bad "cache: $entries entries for $n_all figures"; fi
before=$(stat -c %Y cache/*.pbi | sort | tail -1)
"$IMGPDF" --cache cache c2.pdf $ALL 2>/dev/null
if cmp -s c1.pdf c2.pdf && cmp -s c1.pdf t1.pdf; then ok "cache: warm and cold output identical to uncached"
else bad "cache: cached output differs"; fi
for f in cache/*.pbi; do python3 "$HERE/mkimages.py" cut "$f" 0.5 "$f"; break; done
"$IMGPDF" --cache cache c3.pdf $ALL 2>/dev/null
if cmp -s c1.pdf c3.pdf; then ok "cache: a damaged entry is re-encoded"; else bad "cache: damaged entry changed the output"; fi
if ls cache/.tmp-* >/dev/null 2>&1; then bad "cache: temporary files left"; else ok "cache: no temporary files left"; fi
: "$before"

echo "$fails failure(s)"
[ $fails = 0 ]
