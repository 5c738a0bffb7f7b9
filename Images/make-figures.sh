#!/usr/bin/env bash
# Regenerates the sample library's figures (simple framework diagrams).
# Written for the paperbook sample library; the build never runs this.
#
#   Images/make-figures.sh        (needs ImageMagick 6 `convert` and the
#                                  DejaVu Sans font, fonts-dejavu-core)
#
# The formats are varied on purpose, because a reading group's Images/
# folder holds all of these and paperbook has to embed each of them:
#   RGB PNG (most), palette PNG (PNG8), grayscale PNG, RGBA PNG with real
#   transparency, RGBA PNG that is fully opaque, 16-bit PNG, baseline JPEG,
#   progressive JPEG, and a WebP file saved under a .png name.
set -euo pipefail
cd "$(dirname "$0")"

FONT=${FONT:-DejaVu-Sans}
FONT_BOLD=${FONT_BOLD:-DejaVu-Sans-Bold}
# No timestamps or other metadata, so a rerun gives the same bytes.
PNGDEF=(-define png:exclude-chunks=date,time,tEXt,zTXt,iTXt)

W=0 H=0
D=()

# canvas WIDTH HEIGHT TITLE -- start a new drawing
canvas() {
  W=$1 H=$2
  D=(-font "$FONT_BOLD" -pointsize 20 -fill '#222222' -stroke none
     -gravity North -annotate +0+10 "$3" -gravity Center -font "$FONT")
}

# box X Y WIDTH HEIGHT FILL LABEL -- rounded box with a centred label
box() {
  local x=$1 y=$2 w=$3 h=$4 fill=$5 label=$6
  local cx=$((x + w / 2 - W / 2)) cy=$((y + h / 2 - H / 2))
  D+=(-fill "$fill" -stroke '#333333' -strokewidth 2
      -draw "roundrectangle $x,$y $((x + w)),$((y + h)) 10,10"
      -stroke none -fill '#1a1a1a' -pointsize 15
      -annotate "$(printf '%+d%+d' "$cx" "$cy")" "$label")
}

# label X Y TEXT [SIZE] -- free text centred on X,Y
label() {
  local cx=$(($1 - W / 2)) cy=$(($2 - H / 2))
  D+=(-stroke none -fill '#444444' -pointsize "${4:-13}"
      -annotate "$(printf '%+d%+d' "$cx" "$cy")" "$3")
}

# arrow X1 Y1 X2 Y2 -- straight arrow with a filled head at X2,Y2
arrow() {
  local head
  head=$(awk -v x1="$1" -v y1="$2" -v x2="$3" -v y2="$4" 'BEGIN {
    a = atan2(y2 - y1, x2 - x1); l = 12; s = 0.45
    printf "%d,%d %d,%d %d,%d", x2, y2,
      x2 - l * cos(a - s), y2 - l * sin(a - s),
      x2 - l * cos(a + s), y2 - l * sin(a + s) }')
  D+=(-stroke '#555555' -strokewidth 2 -fill none
      -draw "line $1,$2 $3,$4"
      -stroke '#555555' -fill '#555555' -draw "polygon $head")
}

# line X1 Y1 X2 Y2 -- connector without a head
line() {
  D+=(-stroke '#555555' -strokewidth 2 -fill none -draw "line $1,$2 $3,$4")
}

# render OUTPUT BACKGROUND [OPTIONS...] FORMAT:OUTPUT
render() {
  local out=$1 bg=$2
  shift 2
  convert -size "${W}x${H}" "xc:$bg" "${D[@]}" -strip "$@"
  echo "  $out"
}

echo "figures:"

# 1. LoRA -- RGB PNG (with bold/code/link card)
canvas 720 360 "LoRA: h = W0 x + B A x"
box 40 150 110 60 '#fde9c9' "input x"
box 250 70 200 70 '#d9e4f5' "Pretrained W0\n(frozen, d x d)"
box 250 220 90 60 '#f7d4d4' "A  (r x d)"
box 360 220 90 60 '#f7d4d4' "B  (d x r)"
box 560 150 120 60 '#fde9c9' "output h"
arrow 150 170 250 110
arrow 150 190 250 250
arrow 340 250 360 250
arrow 450 105 560 170
arrow 450 250 560 190
label 350 305 "only A and B are trained, rank r << d; B starts at zero"
render lora.png white -type TrueColor "${PNGDEF[@]}" PNG24:lora.png

# 2. Visual Prompt Tuning -- palette PNG (PNG8)
canvas 760 340 "Visual Prompt Tuning (VPT-Deep)"
box 30 90 170 60 '#ffe08a' "prompt tokens\n(learnable)"
box 30 190 170 60 '#cfe8cf' "patch embeddings"
box 270 130 230 90 '#c8d8f0' "ViT encoder layers\n(frozen)"
box 570 140 160 70 '#ffe08a' "linear head\n(learnable)"
arrow 200 120 270 160
arrow 200 220 270 190
arrow 500 175 570 175
label 385 265 "new prompts are prepended at every layer"
render vpt.png white "${PNGDEF[@]}" -dither None -colors 16 PNG8:vpt.png

# 3. AdaptFormer -- grayscale PNG
canvas 700 380 "AdaptFormer block"
box 60 80 160 60 '#dddddd' "multi-head\nself-attention"
box 60 230 160 60 '#dddddd' "MLP (frozen)"
box 330 200 300 120 '#f0f0f0' ""
box 350 230 80 60 '#bbbbbb' "down"
box 450 230 70 60 '#bbbbbb' "ReLU"
box 540 230 70 60 '#bbbbbb' "up"
label 480 215 "AdaptMLP (trainable), scaled by s"
arrow 140 140 140 230
arrow 220 160 350 260
arrow 430 260 450 260
arrow 520 260 540 260
arrow 140 290 140 340
label 140 355 "+ adapter output"
render adaptformer.png white -colorspace Gray "${PNGDEF[@]}" \
  -define png:color-type=0 -define png:bit-depth=8 PNG:adaptformer.png

# 4. PETL family tree -- RGB PNG (Chinese-title overview card)
canvas 760 320 "Parameter-efficient transfer learning"
box 300 60 160 50 '#e5d4f0' "frozen backbone"
box 20 200 160 70 '#d9e4f5' "Adapter\n(insert modules)"
box 205 200 160 70 '#d4f0e0' "Prompt / Prefix\n(extra tokens)"
box 390 200 160 70 '#f7d4d4' "LoRA\n(low-rank update)"
box 575 200 165 70 '#fde9c9' "Side network\n(ladder, LST)"
arrow 380 110 100 200
arrow 380 110 285 200
arrow 380 110 470 200
arrow 380 110 657 200
render petl-family.png white -type TrueColor "${PNGDEF[@]}" PNG24:petl-family.png

# 5. Switch Transformer routing -- RGB PNG
canvas 760 360 "Switch layer: top-1 routing"
box 30 150 120 60 '#fde9c9' "token x"
box 210 150 120 60 '#e5d4f0' "router\nsoftmax"
for i in 0 1 2 3; do
  box 420 $((55 + i * 70)) 130 50 '#d9e4f5' "FFN expert $((i + 1))"
done
box 620 150 120 60 '#fde9c9' "p_i * E_i(x)"
arrow 150 180 210 180
arrow 330 170 420 150
label 270 235 "picks one expert per token" 12
arrow 550 150 620 175
render switch-moe.png white -type TrueColor "${PNGDEF[@]}" PNG24:switch-moe.png

# 6. MAE -- RGB PNG
canvas 800 340 "Masked autoencoder (MAE)"
for r in 0 1 2 3; do for c in 0 1 2 3; do
  if [ $(((r * 4 + c) % 4)) -eq $((r % 4)) ]; then f='#9cc3e6'; else f='#bbbbbb'; fi
  D+=(-fill "$f" -stroke white -strokewidth 1
      -draw "rectangle $((30 + c * 32)),$((110 + r * 32)) $((60 + c * 32)),$((140 + r * 32))")
done; done
label 95 260 "75% of patches masked"
box 200 130 170 80 '#d9e4f5' "encoder\n(visible patches)"
box 430 130 170 80 '#f7d4d4' "decoder\n(+ mask tokens)"
box 640 130 145 80 '#cfe8cf' "pixels of\nmasked patches"
arrow 160 170 200 170
arrow 370 170 430 170
arrow 600 170 640 170
render mae.png white -type TrueColor "${PNGDEF[@]}" PNG24:mae.png

# 7. Former-DFER -- RGB PNG, a file name with a space in it
canvas 760 300 "Former-DFER"
box 20 120 130 70 '#fde9c9' "video clip\n16 frames"
box 200 120 160 70 '#d9e4f5' "CS-Former\n(spatial)"
box 410 120 160 70 '#e5d4f0' "T-Former\n(temporal)"
box 620 120 120 70 '#cfe8cf' "7 emotion\nclasses"
arrow 150 155 200 155
arrow 360 155 410 155
arrow 570 155 620 155
label 380 240 "per-frame features, then attention across time"
render "Former-DFER framework.png" white -type TrueColor "${PNGDEF[@]}" \
  "PNG24:Former-DFER framework.png"

# 8. MAE-DFER -- baseline JPEG
canvas 800 320 "MAE-DFER pre-training"
box 20 120 130 70 '#fde9c9' "face video"
box 190 120 150 70 '#f7d4d4' "tube masking\n(90%)"
box 380 120 170 70 '#d9e4f5' "LGI-Former\nencoder"
box 600 70 180 60 '#cfe8cf' "appearance\nreconstruction"
box 600 180 180 60 '#cfe8cf' "motion (frame\ndifference) target"
arrow 150 155 190 155
arrow 340 155 380 155
arrow 550 145 600 100
arrow 550 165 600 210
render mae-dfer.jpg white -quality 85 -sampling-factor 2x2 JPEG:mae-dfer.jpg

# 9. CLIP -- RGBA PNG with real transparency (transparent background)
canvas 720 400 "CLIP: contrastive pre-training"
box 30 80 170 60 '#d4f0e0' "text encoder"
box 30 250 170 60 '#d9e4f5' "image encoder"
for r in 0 1 2 3; do for c in 0 1 2 3; do
  if [ "$r" -eq "$c" ]; then f='#3d7bd9'; else f='#dfe7f3'; fi
  D+=(-fill "$f" -stroke '#666666' -strokewidth 1
      -draw "rectangle $((350 + c * 55)),$((110 + r * 55)) $((400 + c * 55)),$((160 + r * 55))")
done; done
label 460 345 "maximise the diagonal (matched pairs)"
arrow 200 110 345 110
arrow 200 280 345 280
label 270 95 "T1..TN"
label 270 300 "I1..IN"
render clip.png none "${PNGDEF[@]}" PNG32:clip.png

# 10. BLIP-2 stage 1 -- RGB PNG
canvas 760 340 "BLIP-2 stage 1: representation learning"
box 20 130 170 70 '#d9e4f5' "frozen image\nencoder"
box 260 100 220 130 '#ffe08a' "Q-Former\n32 learned queries"
box 560 60 180 50 '#cfe8cf' "ITC loss"
box 560 140 180 50 '#cfe8cf' "ITM loss"
box 560 220 180 50 '#cfe8cf' "ITG loss"
box 260 260 220 50 '#fde9c9' "text"
arrow 190 165 260 165
arrow 370 260 370 230
arrow 480 140 560 85
arrow 480 165 560 165
arrow 480 190 560 245
render blip2-stage1.png white -type TrueColor "${PNGDEF[@]}" PNG24:blip2-stage1.png

# 11. BLIP-2 stage 2 -- RGBA PNG, every pixel opaque
canvas 800 260 "BLIP-2 stage 2: generative learning"
box 20 100 140 70 '#d9e4f5' "image\nencoder"
box 200 100 140 70 '#ffe08a' "Q-Former"
box 380 100 110 70 '#f7d4d4' "FC\nprojection"
box 530 100 140 70 '#e5d4f0' "frozen LLM"
box 700 100 80 70 '#cfe8cf' "text"
arrow 160 135 200 135
arrow 340 135 380 135
arrow 490 135 530 135
arrow 670 135 700 135
label 400 215 "query outputs act as soft visual prompts for the LLM"
render blip2-stage2.png white -alpha set -alpha opaque "${PNGDEF[@]}" \
  -define png:color-type=6 PNG32:blip2-stage2.png

# 12. LLaVA -- progressive JPEG
canvas 760 340 "LLaVA architecture"
box 20 220 160 60 '#fde9c9' "image Xv"
box 220 220 200 60 '#d9e4f5' "vision encoder\n(CLIP ViT-L/14)"
box 460 220 150 60 '#f7d4d4' "projection W"
box 300 70 300 70 '#e5d4f0' "language model (Vicuna)"
box 640 85 100 40 '#cfe8cf' "answer"
box 20 85 200 40 '#fde9c9' "instruction Xq"
arrow 180 250 220 250
arrow 420 250 460 250
arrow 535 220 480 140
arrow 220 105 300 105
arrow 600 105 640 105
render llava.jpg white -quality 82 -interlace Plane PJPEG:llava.jpg

# 13. Transformer -- RGB PNG
canvas 640 420 "Transformer (encoder-decoder)"
box 60 70 200 280 '#eef3fb' ""
box 80 260 160 50 '#d9e4f5' "self-attention"
box 80 180 160 50 '#d9e4f5' "feed-forward"
label 160 110 "encoder x N" 14
box 380 70 200 280 '#fbeeee' ""
box 400 280 160 45 '#f7d4d4' "masked self-attn"
box 400 210 160 45 '#f7d4d4' "cross-attention"
box 400 140 160 45 '#f7d4d4' "feed-forward"
label 480 95 "decoder x N" 14
arrow 160 260 160 230
arrow 260 205 400 232
arrow 480 280 480 255
arrow 480 210 480 185
label 160 380 "source tokens + positions"
label 480 380 "shifted target tokens"
render transformer.png white -type TrueColor "${PNGDEF[@]}" PNG24:transformer.png

# 14. Room-to-Room VLN -- WebP, saved with a .png name on purpose
canvas 760 320 "Vision-and-language navigation (R2R)"
box 20 70 200 70 '#fde9c9' "instruction\n\"walk past the sofa...\""
box 20 190 200 70 '#d9e4f5' "panoramic view\n(Matterport3D)"
box 290 120 180 90 '#e5d4f0' "seq2seq agent\n(LSTM + attention)"
box 540 130 190 70 '#cfe8cf' "next action /\nviewpoint"
arrow 220 105 290 150
arrow 220 225 290 180
arrow 470 165 540 165
line 635 200 635 280
line 635 280 120 280
arrow 120 280 120 260
label 380 295 "new observation each step"
render r2r.png white -quality 80 WEBP:r2r.png

# 15. NavGPT -- 16-bit RGB PNG
canvas 640 300 "NavGPT: reasoning with an LLM"
box 20 60 180 60 '#d9e4f5' "observations\n-> text descriptions"
box 20 180 180 60 '#fde9c9' "navigation history"
box 250 110 160 80 '#e5d4f0' "LLM (GPT-4)\nthought + action"
box 460 120 160 60 '#cfe8cf' "move to\nviewpoint"
arrow 200 90 250 135
arrow 200 210 250 165
arrow 410 150 460 150
render navgpt.png white "${PNGDEF[@]}" -depth 16 PNG48:navgpt.png

# 16. RT-2 -- RGB PNG
canvas 780 300 "RT-2: vision-language-action model"
box 20 70 190 60 '#d9e4f5' "camera image"
box 20 170 190 60 '#fde9c9' "instruction\n\"pick up the apple\""
box 270 100 200 100 '#e5d4f0' "VLM backbone\n(PaLI-X / PaLM-E)"
box 530 110 110 80 '#f7d4d4' "action\ntokens"
box 680 110 80 80 '#cfe8cf' "robot"
arrow 210 100 270 135
arrow 210 200 270 165
arrow 470 150 530 150
arrow 640 150 680 150
label 400 255 "actions are written as text tokens and de-tokenised"
render rt2.png white -type TrueColor "${PNGDEF[@]}" PNG24:rt2.png

du -cb -- *.png *.jpg | tail -1
