#!/usr/bin/env bash
# Throughput of `explain` on 64 images: the one-image-at-a-time loop (the images listed as
# files) against the streaming dataset run (their folder) at several --batch values; same
# model, methods and runtime. Runs are interleaved (loop, stream b1, stream b2, ..., repeated)
# so a busy machine slows all alike; medians are printed. maps/s counts the whole command
# (process start and model load included); "pipeline" is the streaming run's own figure from
# its explain-summary.json (model load apart).
# Usage: scripts/bench-explain-stream.sh [METHODS] [RUNTIME] [BATCHES]; env MODEL_ARGS, IMAGES_DIR, REPEAT.
set -euo pipefail
cd "$(dirname "$0")/.."
METHODS=${1:-vanilla,guided,visual-backprop}
RUNTIME=${2:-onnx}
BATCHES=${3:-"1 8 16"}
REPEAT=${REPEAT:-5}
CLI="node apps/cli/dist/main.js"
MODEL_ARGS=${MODEL_ARGS:-"--model fixtures/shapes/shapes-yolov3-tiny.cfg --weights fixtures/shapes/shapes-yolov3-tiny.weights --names fixtures/shapes/shapes.names"}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [ -n "${IMAGES_DIR:-}" ]; then
  mkdir -p "$WORK/data/images"
  i=0; while [ $i -lt 64 ]; do for f in "$IMAGES_DIR"/*; do [ $i -lt 64 ] && cp "$f" "$WORK/data/images/$i.${f##*.}"; i=$((i + 1)); done; done
else
  $CLI generate-dataset --count 64 --seed 7 --size 128 --out "$WORK/data" >/dev/null
fi
FILES=$(ls "$WORK"/data/images/* | sort -V)
MAPS=$((64 * $(echo "$METHODS" | tr ',' '\n' | wc -l)))
OPTS="$MODEL_ARGS --method $METHODS --runtime $RUNTIME --steps ${STEPS:-20} --samples ${SAMPLES:-25} --save-raw"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
timed() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }

for r in $(seq "$REPEAT"); do
  rm -rf "$WORK/o"; timed $CLI explain $FILES $OPTS --out "$WORK/o" >> "$WORK/loop.times"
  for b in $BATCHES; do
    rm -rf "$WORK/s"; timed $CLI explain "$WORK/data/images" $OPTS --batch "$b" --out "$WORK/s" >> "$WORK/stream-$b.times"
    node -e "console.log(require('$WORK/s/explain-summary.json').mapsPerSecond)" >> "$WORK/stream-$b.inner"
  done
done
loop=$(median < "$WORK/loop.times")
echo "$MAPS maps ($METHODS, $RUNTIME), median of $REPEAT:"
echo "  one image at a time (files listed): ${loop} s, $(echo "scale=1; $MAPS / $loop" | bc) maps/s"
for b in $BATCHES; do
  t=$(median < "$WORK/stream-$b.times")
  echo "  streaming (folder), --batch $b: ${t} s, $(echo "scale=1; $MAPS / $t" | bc) maps/s; pipeline alone $(median < "$WORK/stream-$b.inner") maps/s"
done
