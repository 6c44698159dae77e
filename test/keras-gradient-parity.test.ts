/**
 * The tfjs runtime on real Keras-saved models (random weights) against outputs Keras computed:
 * raw heads, and the input gradient of the raw target named in `<name>.json`.
 * Each model is loaded from both its .h5 and its .keras file.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoadedModel, TensorData } from '@yolo-saliency/core';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';
import { loadKeras } from '../packages/core/src/loaders/keras/index.js';
import { readNpy } from '../packages/core/test/helpers/npy.js';
import { cosine, maxAbs, maxAbsDiff } from '../packages/runtime-tfjs/test/helpers/tensors.js';

const fixture = (file: string) => new URL(`../fixtures/keras/${file}`, import.meta.url).pathname;

interface TargetJson {
  input_size: number;
  target: { scale: number; anchor: number; y: number; x: number; channel: number };
  target_value: number;
  heads: Array<[number, number, number]>;
}

/** One-hot gradient on the raw heads selecting the target (channel index anchor*(5+C)+channel). */
function oneHotHeadGradients(heads: TensorData[], meta: TargetJson, classes: number): TensorData[] {
  const { scale, anchor, y, x, channel } = meta.target;
  return heads.map((h, k) => {
    const data = new Float32Array(h.data.length);
    if (k === scale) {
      const [, , w, c] = h.dims;
      data[(y * w + x) * c + anchor * (5 + classes) + channel] = 1;
    }
    return { dims: h.dims, data };
  });
}

const models = ['keras-tiny-yolo3-w2-c2', 'keras-yolo3-w2-c3'];

describe.each(models.flatMap((name) => ['h5', 'keras'].map((ext) => [name, ext])))('%s.%s on tfjs (wasm)', (name, ext) => {
  const loaded: LoadedModel[] = [];
  afterAll(() => loaded.forEach((m) => m.dispose()));

  it('heads and target gradient match Keras', async () => {
    const meta = JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8')) as TargetJson;
    const { graph } = await loadKeras(new Uint8Array(readFileSync(fixture(`${name}.${ext}`))), `${name}.${ext}`);
    const model = await createTfjsRuntime().load(graph, { backend: 'wasm', inputSize: [meta.input_size, meta.input_size] });
    loaded.push(model);
    const input = readNpy(fixture(`${name}.input.npy`));
    // The reference arrays are one image without the batch axis ([H, W, C]).
    const batched = (shape: number[]) => (shape.length === 3 ? [1, ...shape] : shape);
    const { heads, tape } = await model.forward({ dims: batched(input.shape), data: input.data }, { gradients: true });
    expect(heads.length).toBe(meta.heads.length);
    heads.forEach((head, k) => {
      const ref = readNpy(fixture(`${name}.head${k}.npy`));
      expect(head.dims).toEqual(batched(ref.shape));
      expect(maxAbsDiff(head.data, ref.data)).toBeLessThanOrEqual(1e-4 * maxAbs(ref.data));
    });
    const classes = (graph.nodes[graph.heads[0]] as { classes: number }).classes;
    const headGrads = oneHotHeadGradients(heads, meta, classes);
    const picked = heads[meta.target.scale].data[headGrads[meta.target.scale].data.indexOf(1)];
    expect(picked).toBeCloseTo(meta.target_value, 3);
    const grad = await model.backward(tape!, headGrads, { rule: 'plain' });
    tape!.dispose();
    const ref = readNpy(fixture(`${name}.grad.npy`));
    expect(grad.dims).toEqual(batched(ref.shape));
    expect(cosine(grad.data, ref.data)).toBeGreaterThanOrEqual(0.9999);
  });
});
