/**
 * The addon's backward and VisualBackProp against the tfjs runtime (cpu backend) on a small
 * graph with every node kind; the tape is built from core's float64 reference forward.
 */
import { createSeededRandom, planVisualBackProp, type Graph, type TensorData } from '@yolo-saliency/core';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyKindModel } from '../../packages/runtime-tfjs/test/helpers/every-kind-model.js';
import { createNativeModel, type NativeGraphModel } from '../src/index.js';
import { nchwToNhwc, nhwcToNchw, referenceTape } from './helpers/reference-tape.js';

function randomTensor(dims: number[], seed: number, uniform = false): TensorData {
  const rng = createSeededRandom(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  return { dims, data: Float32Array.from({ length: n }, () => (uniform ? rng.uniform() : rng.normal())) };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('native backward and VisualBackProp equal the tfjs runtime', () => {
  const graph: Graph = everyKindModel(3);
  const batch = 2;
  const input = randomTensor([batch, 16, 16, 3], 11, true);
  const plan = planVisualBackProp(graph);
  const { tape, heads } = referenceTape(graph, input, { plan });
  // One gradient per head, NCHW for the addon and NHWC for tfjs: the same numbers.
  const headGradsNchw = heads.map((h, k) => nhwcToNchw(randomTensor([h.dims[0], h.dims[2], h.dims[3], h.dims[1]], 100 + k)));
  const headGradsNhwc = headGradsNchw.map((g) => nchwToNhwc(g));
  let model: NativeGraphModel;
  let tfjs: Awaited<ReturnType<ReturnType<typeof createTfjsRuntime>['load']>>;
  let tfjsTape: Awaited<ReturnType<typeof tfjs.forward>>['tape'];

  beforeAll(async () => {
    model = createNativeModel(graph, { device: 'cpu', threads: 2 });
    tfjs = await createTfjsRuntime().load(graph, { backend: 'cpu' });
    tfjsTape = (await tfjs.forward(input, { gradients: true, visualBackProp: true })).tape;
  });

  afterAll(() => {
    tfjsTape?.dispose();
    tfjs?.dispose();
    model?.dispose();
  });

  for (const rule of ['plain', 'guided'] as const) {
    it(`${rule} input gradient: cosine >= 0.9999, small max error`, async () => {
      const native = await model.backward(tape, headGradsNchw, { rule });
      expect(native.dims).toEqual([batch, 3, 16, 16]);
      const ours = nchwToNhwc(native);
      const theirs = await tfjs.backward(tfjsTape!, headGradsNhwc, { rule });
      expect(theirs.dims).toEqual(ours.dims);
      expect(maxAbs(theirs.data)).toBeGreaterThan(0);
      expect(cosine(ours.data, theirs.data)).toBeGreaterThanOrEqual(0.9999);
      expect(maxAbsDiff(ours.data, theirs.data)).toBeLessThanOrEqual(1e-4 * maxAbs(theirs.data));
    });
  }

  it('plain and guided differ (the rule reaches the kernels)', async () => {
    const plain = await model.backward(tape, headGradsNchw, { rule: 'plain' });
    const guided = await model.backward(tape, headGradsNchw, { rule: 'guided' });
    expect(cosine(plain.data, guided.data)).toBeLessThan(0.999);
  });

  it('stopAt returns the gradient at a named layer', async () => {
    const stop = graph.nodes.findIndex((n) => n.name === 'route');
    const native = await model.backward(tape, headGradsNchw, { rule: 'plain', stopAt: 'route' });
    expect(native.dims).toEqual([batch, ...model.shapeOf(stop)]);
    const theirs = await tfjs.backward(tfjsTape!, headGradsNhwc, { rule: 'plain', stopAt: 'route' });
    const ours = nchwToNhwc(native);
    expect(cosine(ours.data, theirs.data)).toBeGreaterThanOrEqual(0.9999);
  });

  it('int32 argmax gives the same gradient as int64', async () => {
    const { tape: tape32 } = referenceTape(graph, input, { argmax32: true });
    const a = await model.backward(tape, headGradsNchw, { rule: 'plain' });
    const b = await model.backward(tape32, headGradsNchw, { rule: 'plain' });
    expect(maxAbsDiff(a.data, b.data)).toBe(0);
  });

  it('VisualBackProp equals the tfjs runtime', async () => {
    const ours = await model.visualBackProp(plan, tape);
    expect(ours.dims).toEqual([batch, 16, 16]);
    const theirs = await tfjs.visualBackProp(tfjsTape!);
    expect(theirs.dims).toEqual([batch, 16, 16]);
    expect(Math.max(...ours.data)).toBeCloseTo(1, 6);
    expect(cosine(ours.data, theirs.data)).toBeGreaterThanOrEqual(0.9999);
    expect(maxAbsDiff(ours.data, theirs.data)).toBeLessThan(1e-4);
  });

  it('runs calls concurrently on one model and gives the same answer', async () => {
    const results = await Promise.all([0, 1, 2, 3].map(() => model.backward(tape, headGradsNchw, { rule: 'guided' })));
    for (const r of results) expect(maxAbsDiff(r.data, results[0].data)).toBe(0);
  });
});
