#!/usr/bin/env bash
# Throughput of `explain` on 64 images: the one-image-at-a-time loop (the images listed as
# files) against the streaming dataset run (their folder), same model, methods and runtime.
# Prints maps/s of each (whole command, model load included) and the streaming run's own
# figure from its summary. Usage: scripts/bench-explain-stream.sh [METHODS] [RUNTIME] [BATCHES]
set -euo pipefail
cd "$(dirname "$0")/.."
METHODS=${1:-vanilla,guided,visual-backprop}
RUNTIME=${2:-onnx}
BATCHES=${3:-"1 8 16"}
REPEAT=${REPEAT:-3}
CLI="node apps/cli/dist/main.js"
MODEL="--model fixtures/shapes/shapes-yolov3-tiny.cfg --weights fixtures/shapes/shapes-yolov3-tiny.weights --names fixtures/shapes/shapes.names"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
$CLI generate-dataset --count 64 --seed 7 --size 128 --out "$WORK/data" >/dev/null
FILES=$(ls "$WORK"/data/images/*.png | sort -V)
MAPS=$((64 * $(echo "$METHODS" | tr ',' '\n' | wc -l)))
OPTS="$MODEL --method $METHODS --runtime $RUNTIME --steps ${STEPS:-20} --samples ${SAMPLES:-25} --save-raw"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
timed() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }

loop=$(for i in $(seq "$REPEAT"); do rm -rf "$WORK/o"; timed $CLI explain $FILES $OPTS --out "$WORK/o"; done | median)
echo "one image at a time: $MAPS maps in ${loop} s: $(echo "scale=1; $MAPS / $loop" | bc) maps/s"
for b in $BATCHES; do
  stream=$(for i in $(seq "$REPEAT"); do rm -rf "$WORK/s"; timed $CLI explain "$WORK/data/images" $OPTS --batch "$b" --out "$WORK/s"; done | median)
  inner=$(node -e "console.log(require('$WORK/s/explain-summary.json').mapsPerSecond)")
  echo "streaming, --batch $b: $MAPS maps in ${stream} s: $(echo "scale=1; $MAPS / $stream" | bc) maps/s (pipeline alone, model load apart: $inner maps/s)"
done
