// The peak of tfjs's wasm heap for one model, size and set of methods: the measurements the
// CLI's wasm memory estimate is fitted to (apps/cli/src/memory-budget.ts, WASM_PROFILE).
//   node packages/runtime-tfjs/scripts/wasm-heap-probe.mjs CFG SIZE [METHODS]
// METHODS: comma-separated explain methods, or 'forward' for a plain forward (default
// vanilla,guided,visual-backprop); STEPS=8 sets IG's steps. Seeded weights, a constant input.
// Emscripten's heap only grows, so its size after the run is the run's peak. Needs pnpm build.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { explain } from '@yolo-saliency/core';
import { loadDarknet } from '@yolo-saliency/core/loaders';
import { modelMemory } from '@yolo-saliency/core/runtime';
import { createTfjsRuntime } from '../dist/index.js';

const [cfg, sizeText, methodsText = 'vanilla,guided,visual-backprop'] = process.argv.slice(2);
if (!cfg || !sizeText) throw new Error('usage: wasm-heap-probe.mjs CFG SIZE [METHODS]');
const size = Number(sizeText);
const MiB = 2 ** 20;
const { graph } = loadDarknet({ cfg: readFileSync(cfg, 'utf8'), cfgName: cfg });
const memory = modelMemory(graph, [size, size]);
const model = await createTfjsRuntime().load(graph, { inputSize: [size, size], backend: 'wasm' });
const input = { dims: [1, size, size, 3], data: new Float32Array(size * size * 3).fill(0.5) };
const heapMiB = () => tf.backend().wasm.HEAPU8.buffer.byteLength / MiB;
const afterLoad = heapMiB();
const target = 'raw:scale=0,anchor=0,y=0,x=0,channel=4';
for (const method of methodsText.split(',')) {
  if (method === 'forward') await model.forward(input);
  else await explain(model, input, { method, steps: Number(process.env.STEPS ?? 20), target });
}
console.log(JSON.stringify({
  cfg: cfg.split('/').pop(),
  size,
  methods: methodsText,
  activationMiB: +(memory.activationBytes / MiB).toFixed(1),
  largestMiB: +(memory.largest.bytes / MiB).toFixed(1),
  weightsMiB: +(memory.weightBytes / MiB).toFixed(1),
  heapAfterLoadMiB: afterLoad,
  heapPeakMiB: heapMiB(),
}));
await model.dispose();
