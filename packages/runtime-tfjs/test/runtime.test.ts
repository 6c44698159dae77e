/** Backend selection, registration, batches and memory of the tfjs runtime. */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearRuntimes, resolveRuntime, type LoadedModel, type TensorData } from '@yolo-saliency/core';
import { createTfjsRuntime, listTfjsBackends, registerTfjsRuntime } from '../src/index.js';
import { everyKindModel } from './helpers/every-kind-model.js';
import { imageOf, maxAbs, maxAbsDiff, randomInput, randomNormal } from './helpers/tensors.js';

const graph = everyKindModel(3);

describe('backend selection', () => {
  it('refuses an explicit native backend that is not installed, with the reason', async () => {
    await expect(createTfjsRuntime().init({ backend: 'tensorflow' })).rejects.toThrow(
      "tfjs runtime: backend 'tensorflow' is not available: @tensorflow/tfjs-node is not installed",
    );
    await expect(createTfjsRuntime().init({ backend: 'gpu' })).rejects.toThrow(/unknown backend 'gpu'/);
  });

  it('honours an explicit cpu backend', async () => {
    const info = await createTfjsRuntime().init({ backend: 'cpu' });
    expect(info).toMatchObject({ name: 'tfjs', backend: 'cpu', notes: [] });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('auto falls back to wasm and says why', async () => {
    const info = await createTfjsRuntime().init();
    expect(info.backend).toBe('wasm');
    expect(info.device).toMatch(/WebAssembly/);
    expect(info.notes[0]).toBe(
      'the tfjs runtime fell back to wasm: @tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed',
    );
  });

  it('lists every backend for doctor', async () => {
    expect(await listTfjsBackends()).toEqual([
      { name: 'tensorflow-gpu', available: false, reason: '@tensorflow/tfjs-node-gpu is not installed' },
      { name: 'tensorflow', available: false, reason: '@tensorflow/tfjs-node is not installed' },
      { name: 'wasm', available: true },
      { name: 'cpu', available: true },
    ]);
  });

  it('registers as "tfjs" in core', async () => {
    clearRuntimes();
    registerTfjsRuntime();
    const { runtime, info } = await resolveRuntime('auto');
    expect(runtime.name).toBe('tfjs');
    expect(info.backend).toBe('wasm');
    clearRuntimes();
  });
});

describe('batches and memory (wasm)', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    model = await createTfjsRuntime().load(graph, { backend: 'wasm' });
  });
  afterAll(() => model.dispose());

  async function everything(input: TensorData, headGrads: TensorData[]) {
    const { heads, tape } = await model.forward(input, { gradients: true, visualBackProp: true });
    const plain = await model.backward(tape!, headGrads, { rule: 'plain' });
    const guided = await model.backward(tape!, headGrads, { rule: 'guided' });
    const vbp = await model.visualBackProp(tape!);
    tape!.dispose();
    return { heads, plain, guided, vbp };
  }

  it('a batch of 3 gives the same per-image results as 3 single calls', async () => {
    const input = randomInput([3, 16, 16, 3], 4);
    const headGrads = [randomNormal([3, 4, 4, 7], 5), randomNormal([3, 8, 8, 7], 6)];
    const batched = await everything(input, headGrads);
    for (let n = 0; n < 3; n++) {
      const single = await everything(imageOf(input, n), headGrads.map((g) => imageOf(g, n)));
      single.heads.forEach((h, k) => expect(maxAbsDiff(h.data, imageOf(batched.heads[k], n).data)).toBeLessThanOrEqual(1e-5 * maxAbs(h.data)));
      for (const key of ['plain', 'guided'] as const) {
        expect(maxAbsDiff(single[key].data, imageOf(batched[key], n).data)).toBeLessThanOrEqual(1e-5 * maxAbs(single[key].data));
      }
      expect(maxAbsDiff(single.vbp.data, imageOf(batched.vbp, n).data)).toBeLessThanOrEqual(1e-5);
    }
    // guided differs from plain on this model
    expect(maxAbsDiff(batched.plain.data, batched.guided.data)).toBeGreaterThan(1e-3);
  });

  it('a batch split into chunks (maxBatchPerCall 2) gives the same results as one call', async () => {
    const chunked = await createTfjsRuntime().load(graph, { backend: 'wasm', maxBatchPerCall: 2 });
    try {
      const input = randomInput([5, 16, 16, 3], 14);
      const headGrads = [randomNormal([5, 4, 4, 7], 15), randomNormal([5, 8, 8, 7], 16)];
      const whole = await everything(input, headGrads);
      const { heads, tape } = await chunked.forward(input, { gradients: true, visualBackProp: true });
      expect(tape!.batch).toBe(5);
      const parts = {
        heads,
        plain: await chunked.backward(tape!, headGrads, { rule: 'plain' }),
        guided: await chunked.backward(tape!, headGrads, { rule: 'guided' }),
        vbp: await chunked.visualBackProp(tape!),
      };
      tape!.dispose();
      parts.heads.forEach((h, k) => {
        expect(h.dims).toEqual(whole.heads[k].dims);
        expect(maxAbsDiff(h.data, whole.heads[k].data)).toBeLessThanOrEqual(1e-5 * maxAbs(h.data));
      });
      for (const key of ['plain', 'guided', 'vbp'] as const) {
        expect(parts[key].dims).toEqual(whole[key].dims);
        expect(maxAbsDiff(parts[key].data, whole[key].data)).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(whole[key].data)));
      }
      await expect(chunked.backward(tape!, headGrads, { rule: 'plain' })).rejects.toThrow(/disposed tape/);
    } finally {
      await chunked.dispose();
    }
    await expect(createTfjsRuntime().load(graph, { backend: 'wasm', maxBatchPerCall: 0 })).rejects.toThrow(/maxBatchPerCall must be a positive integer/);
  });

  it('leaks no tensors: the count after 50 maps equals the count after 1', async () => {
    const input = randomInput([2, 16, 16, 3], 9);
    const headGrads = [randomNormal([2, 4, 4, 7], 1), randomNormal([2, 8, 8, 7], 2)];
    await everything(input, headGrads);
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 49; i++) await everything(input, headGrads);
    expect(tf.memory().numTensors).toBe(after1);
  });

  it('dispose frees the weights', async () => {
    const before = tf.memory().numTensors;
    const extra = await createTfjsRuntime().load(graph, { backend: 'wasm' });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    await extra.forward(randomInput([1, 16, 16, 3], 1));
    const { tape } = await extra.forward(randomInput([1, 16, 16, 3], 1), { gradients: true });
    await extra.backward(tape!, [randomNormal([1, 4, 4, 7], 1), randomNormal([1, 8, 8, 7], 2)], { rule: 'plain' });
    tape!.dispose();
    await extra.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(extra.forward(randomInput([1, 16, 16, 3], 1))).rejects.toThrow(/disposed model/);
  });

  it('names the problem when the input has the wrong size', async () => {
    await expect(model.forward(randomInput([1, 8, 8, 3], 1))).rejects.toThrow('tfjs runtime: forward input has dims [1, 8, 8, 3], expected [N, 16, 16, 3] for this model');
  });

  it('refuses head gradients of the wrong dims, count or rule, and an unknown stopAt, naming each', async () => {
    const { heads, tape } = await model.forward(randomInput([1, 16, 16, 3], 5), { gradients: true });
    const [h0, h1] = heads;
    const wrong = { dims: [1, 3, 3, h0.dims[3]], data: new Float32Array(9 * h0.dims[3]) };
    await expect(model.backward(tape!, [wrong, h1], { rule: 'plain' })).rejects.toThrow(
      `tfjs runtime: head gradient 0 ('${graph.nodes[graph.heads[0]].name}') has dims [1, 3, 3, ${h0.dims[3]}], expected [${h0.dims.join(', ')}] (NHWC, Float32Array)`,
    );
    await expect(model.backward(tape!, [h0], { rule: 'plain' })).rejects.toThrow('tfjs runtime: backward got 1 head gradients for 2 heads');
    await expect(model.backward(tape!, heads, { rule: 'sideways' as 'plain' })).rejects.toThrow("tfjs runtime: unknown backward rule 'sideways' (plain or guided)");
    await expect(model.backward(tape!, heads, { rule: 'plain', stopAt: 'nope' })).rejects.toThrow("tfjs runtime: backward stopAt: no layer named 'nope'");
    tape!.dispose();
  });
});
