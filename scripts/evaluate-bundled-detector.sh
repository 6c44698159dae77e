#!/usr/bin/env bash
# Reproduces the figures of README's "The bundled detector and what the metrics say":
#   1. detector quality: mAP@0.5 on 500 held-out generated images (dataset seed 1000003);
#   2. faithfulness metrics of each method on the first 200 of them, explaining the top detection.
# Writes out/bundled-evaluation/{detector,faithfulness-*}.json and prints the tables.
# The two faithfulness halves run as two processes (one per core on a 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
cli=(node apps/cli/dist/main.js)
out=out/bundled-evaluation
rm -rf "$out" && mkdir -p "$out"

"${cli[@]}" evaluate-detector --count 500 --seed 1000003 --runtime onnx --json > "$out/detector.json"
"${cli[@]}" evaluate-detector --count 500 --seed 1000003 --runtime onnx

"${cli[@]}" generate-dataset --count 200 --seed 1000003 --out "$out/heldout-200"
images=("$out"/heldout-200/images/*.png)
"${cli[@]}" evaluate "${images[@]}" --method vanilla,integrated-gradients --runtime onnx --json > "$out/faithfulness-gradients.json" &
"${cli[@]}" evaluate "${images[@]}" --method guided,visual-backprop --runtime onnx --json > "$out/faithfulness-guided-vbp.json" &
wait
node -e '
const fs = require("fs");
for (const f of process.argv.slice(1)) {
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  console.log(`${f}: ${r.images.length} images explained, ${r.errors.length} without a detection to explain`);
  for (const a of r.aggregates) console.log(JSON.stringify(a));
}' "$out"/faithfulness-*.json
