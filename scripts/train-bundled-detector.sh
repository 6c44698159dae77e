#!/usr/bin/env bash
# Trains the bundled detector from scratch, exactly as committed (deterministic on tfjs-wasm):
#   stage 1: 2000 steps x 16 images, Adam peak 2e-3, single best anchor per object, data seed 0;
#   stage 2: from stage 1, 1600 steps x 16 images, peak 1e-3, every anchor with shape IoU > 0.5
#            (darknet's iou_thresh), data seed 1 (new images; held-out sets use seed 1000003).
# About 80 minutes on one core of the 2-core development machine. Writes
# fixtures/shapes/shapes-yolov3-tiny.weights and the two loss logs in fixtures/shapes/training/.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=(node apps/cli/dist/main.js)
cfg=fixtures/shapes/shapes-yolov3-tiny.cfg
work=out/train && mkdir -p "$work" fixtures/shapes/training

"${cli[@]}" train --cfg "$cfg" --out "$work/stage1.weights" --steps 2000 --batch 16 --learning-rate 0.002 --seed 0 --data-seed 0 --backend wasm
"${cli[@]}" train --cfg "$cfg" --init "$work/stage1.weights" --out "$work/stage2.weights" --steps 1600 --batch 16 --learning-rate 0.001 --data-seed 1 --anchor-iou 0.5 --backend wasm

cp "$work/stage1.weights.train.json" fixtures/shapes/training/stage1.json
cp "$work/stage2.weights.train.json" fixtures/shapes/training/stage2.json
cp "$work/stage2.weights" fixtures/shapes/shapes-yolov3-tiny.weights
echo "wrote fixtures/shapes/shapes-yolov3-tiny.weights"
