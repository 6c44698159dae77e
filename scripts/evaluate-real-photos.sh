#!/usr/bin/env bash
# Faithfulness of each method on real photos with the bundled real detector (Yolo-Fastest-1.1-xl):
# every detection of rank 0..3 on each bundled photo is a target (det:K), explained and measured
# with `yolo-saliency evaluate` (pointing game, deletion/insertion AUC against a random order, IG
# completeness, model randomisation). Prints one JSON line per (photo, target), then the table
# README shows (scripts/aggregate-evaluations.mjs). Usage: scripts/evaluate-real-photos.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/evaluate-real-photos}
mkdir -p "$out"
methods=vanilla,integrated-gradients,guided,visual-backprop
for photo in dog eagle horses person; do
  for k in 0 1 2 3; do
    file="$out/$photo.det$k.json"
    # A photo with fewer detections than k+1 has no det:k: evaluate says so and exits 1; skip it.
    if node apps/cli/dist/main.js evaluate "fixtures/images/$photo.jpg" --method "$methods" --target "det:$k" --json > "$file.tmp" 2> "$out/$photo.det$k.log"; then
      mv "$file.tmp" "$file"
      echo "$photo det:$k done"
    else
      rm -f "$file.tmp"
      echo "$photo det:$k: $(tail -1 "$out/$photo.det$k.log")"
    fi
  done
done
node scripts/aggregate-evaluations.mjs "$out"/*.json
