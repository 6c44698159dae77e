// Times each phase of the onnx runtime on one model, for the targets:
//   node packages/runtime-onnx/scripts/phase-timings.mjs fixtures/darknet/yolov3.cfg 416 [repeat] [weights]
// plain forward (ORT), recording forwards, the addon's backward and VBP alone, tape bytes per image.
// Seeded weights unless a darknet .weights file is given. Needs the packages built (pnpm build).
// Medians after one warm-up.
import { readFileSync } from 'node:fs';
import { explain, targetValueAndHeadGradients, resolveTarget, parseTarget } from '@yolo-saliency/core';
import { loadDarknet } from '@yolo-saliency/core/loaders';
import { createOnnxRuntime } from '@yolo-saliency/runtime-onnx';

const [cfgPath, sizeText = '416', repeatText = '5', weightsPath] = process.argv.slice(2);
const size = Number(sizeText);
const repeat = Number(repeatText);
const weights = weightsPath ? new Uint8Array(readFileSync(weightsPath)) : undefined;
const { graph } = loadDarknet({ cfg: readFileSync(cfgPath, 'utf8'), cfgName: cfgPath, weights });
const model = await createOnnxRuntime().load(graph, { inputSize: [size, size], threads: 2 });
const input = { dims: [1, size, size, 3], data: Float32Array.from({ length: size * size * 3 }, (_, i) => ((i * 2654435761) % 1000) / 1000) };

async function median(fn) {
  await fn();
  const times = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[times.length >> 1] * 10) / 10;
}

const plainForwardMs = await median(() => model.forward(input));
const gradForwardMs = await median(async () => (await model.forward(input, { gradients: true })).tape.dispose());
const vbpForwardMs = await median(async () => (await model.forward(input, { visualBackProp: true })).tape.dispose());
const { heads, tape } = await model.forward(input, { gradients: true, visualBackProp: true });
const target = 'raw:scale=0,anchor=0,y=6,x=6,channel=4';
const { gradients } = targetValueAndHeadGradients(graph, resolveTarget(parseTarget(target), graph, heads, {}), heads);
const backwardMs = await median(() => model.backward(tape, gradients, { rule: 'plain' }));
const guidedBackwardMs = await median(() => model.backward(tape, gradients, { rule: 'guided' }));
const vbpMs = await median(() => model.visualBackProp(tape));
const tapeBytesPerImage = { gradients: 0, visualBackProp: 0, both: tape.bytes };
tape.dispose();
for (const [key, record] of [['gradients', { gradients: true }], ['visualBackProp', { visualBackProp: true }]]) {
  const r = await model.forward(input, record);
  tapeBytesPerImage[key] = r.tape.bytes;
  r.tape.dispose();
}
const vanillaMs = await median(() => explain(model, input, { method: 'vanilla', target }));
const vbpMapMs = await median(() => explain(model, input, { method: 'visual-backprop', target }));
console.log(JSON.stringify({
  model: cfgPath, weights: weightsPath ?? 'seeded', inputSize: size, device: model.info.device, plainForwardMs, gradForwardMs, vbpForwardMs,
  addonBackwardMs: backwardMs, addonGuidedBackwardMs: guidedBackwardMs, addonVbpMs: vbpMs, vanillaMs, vbpMapMs,
  ratios: { backwardToForward: +(backwardMs / plainForwardMs).toFixed(2), vanillaToForward: +(vanillaMs / plainForwardMs).toFixed(2), vbpToForward: +(vbpMapMs / plainForwardMs).toFixed(2) },
  tapeMiBPerImage: Object.fromEntries(Object.entries(tapeBytesPerImage).map(([k, v]) => [k, +(v / 2 ** 20).toFixed(1)])),
}));
await model.dispose();
