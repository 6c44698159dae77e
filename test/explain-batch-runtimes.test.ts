/**
 * explainBatch on the real runtimes (the bundled shapes detector, 6 generated images): every
 * image's maps against explainAll of that image alone. vanilla, guided, Integrated Gradients
 * and SmoothGrad are bit-identical on both runtimes (their calls are batch-invariant).
 * VisualBackProp is bit-identical on tfjs; on onnx the channel means it reads come from ONNX
 * Runtime's ReduceMean, whose summation order depends on the batch, so a batched map differs
 * from a single image's by a few float32 ulps (measured up to 4.2e-7 on maps in [0, 1]).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainAll, explainBatch, letterboxImage, type Graph, type LoadedModel, type MethodName, type TensorData } from '@yolo-saliency/core';
import { loadDarknet } from '@yolo-saliency/core/loaders';
import { createOnnxRuntime } from '@yolo-saliency/runtime-onnx';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';
import { generateSample, sampleSeed } from '@yolo-saliency/synthetic';

const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url).pathname;
const METHODS: MethodName[] = ['vanilla', 'guided', 'visual-backprop', 'integrated-gradients', 'smoothgrad'];
const OPTIONS = { target: 'top', steps: 4, samples: 3, batchSize: 4, detections: true } as const;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const runtimes: Array<{ name: string; load: (graph: Graph) => Promise<LoadedModel>; vbpTolerance: number }> = [
  { name: 'onnx', load: (g) => createOnnxRuntime().load(g, { inputSize: [128, 128], threads: 2 }), vbpTolerance: 1e-6 },
  { name: 'tfjs wasm', load: (g) => createTfjsRuntime().load(g, { inputSize: [128, 128], backend: 'wasm' }), vbpTolerance: 0 },
];

describe.each(runtimes)('explainBatch on $name', ({ load, vbpTolerance }) => {
  let model: LoadedModel;
  let inputs: TensorData[];
  beforeAll(async () => {
    const { graph } = loadDarknet({
      cfg: readFileSync(fixture('shapes/shapes-yolov3-tiny.cfg'), 'utf8'),
      cfgName: 'shapes-yolov3-tiny.cfg',
      weights: new Uint8Array(readFileSync(fixture('shapes/shapes-yolov3-tiny.weights'))),
      classNames: readFileSync(fixture('shapes/shapes.names'), 'utf8').split('\n').filter((l) => l.trim()),
    });
    model = await load(graph);
    inputs = Array.from({ length: 6 }, (_, k) => letterboxImage(generateSample(sampleSeed(5, k), { size: 128 }).image, [128, 128]).input);
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('gives every image the maps explainAll gives it alone', async () => {
    const batch = await explainBatch(model, inputs, METHODS, OPTIONS);
    for (const [n, input] of inputs.entries()) {
      const alone = await explainAll(model, input, METHODS, OPTIONS);
      const outcome = batch[n];
      if (outcome.status !== 'fulfilled') throw outcome.reason;
      expect(outcome.value.detection?.cell).toEqual(alone.detection?.cell);
      for (const [k, map] of outcome.value.maps.entries()) {
        const tolerance = map.method === 'visual-backprop' ? vbpTolerance : 0;
        expect(maxAbsDiff(map.map.data, alone.maps[k].map.data), `image ${n} ${map.method}`).toBeLessThanOrEqual(tolerance);
      }
    }
  });
});
