/**
 * The addon's backward and VisualBackProp (through createNativeModel) against the tfjs runtime
 * on a small graph with every YOLOv3 node kind, and on one with the YOLOv4 family's blocks
 * (grouped and depthwise convs, slices, mish, swish); the tape is built from core's float64
 * reference forward (helpers/reference-tape.ts).
 */
import { createSeededRandom, type Graph, type TensorData } from '@yolo-saliency/core';
import { planVisualBackProp } from '@yolo-saliency/core/runtime';
import { loadNativeAddon } from '@yolo-saliency/native';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyKindModel } from '../../runtime-tfjs/test/helpers/every-kind-model.js';
import { createNativeModel, type NativeModel } from '../src/native-model.js';
import { nchwToNhwc, nhwcToNchw, referenceTape } from './helpers/reference-tape.js';
import { yolov4BlocksModel } from './helpers/yolov4-blocks-model.js';

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
  // One gradient per head, NCHW and NHWC: the same numbers.
  const headGradsNchw = heads.map((h, k) => nhwcToNchw(randomTensor([h.dims[0], h.dims[2], h.dims[3], h.dims[1]], 100 + k)));
  const headGradsNhwc = headGradsNchw.map((g) => nchwToNhwc(g));
  let model: NativeModel;
  let tfjs: Awaited<ReturnType<ReturnType<typeof createTfjsRuntime>['load']>>;
  let tfjsTape: Awaited<ReturnType<typeof tfjs.forward>>['tape'];

  beforeAll(async () => {
    model = createNativeModel(loadNativeAddon(), graph, { device: 'cpu', threads: 2 });
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
      const ours = await model.backward(tape, headGradsNhwc, { rule, layout: 'nhwc' });
      expect(ours.dims).toEqual([batch, 16, 16, 3]);
      const theirs = await tfjs.backward(tfjsTape!, headGradsNhwc, { rule });
      expect(theirs.dims).toEqual(ours.dims);
      expect(maxAbs(theirs.data)).toBeGreaterThan(0);
      expect(cosine(ours.data, theirs.data)).toBeGreaterThanOrEqual(0.9999);
      expect(maxAbsDiff(ours.data, theirs.data)).toBeLessThanOrEqual(1e-4 * maxAbs(theirs.data));
    });
  }

  it('NCHW in and out gives the same numbers as NHWC', async () => {
    const nchw = await model.backward(tape, headGradsNchw, { rule: 'guided' });
    expect(nchw.dims).toEqual([batch, 3, 16, 16]);
    const nhwc = await model.backward(tape, headGradsNhwc, { rule: 'guided', layout: 'nhwc' });
    expect(nchwToNhwc(nchw).data).toEqual(nhwc.data);
  });

  it('plain and guided differ (the rule reaches the kernels)', async () => {
    const plain = await model.backward(tape, headGradsNhwc, { rule: 'plain', layout: 'nhwc' });
    const guided = await model.backward(tape, headGradsNhwc, { rule: 'guided', layout: 'nhwc' });
    expect(cosine(plain.data, guided.data)).toBeLessThan(0.999);
  });

  it('stopAt returns the gradient at a named layer', async () => {
    const ours = await model.backward(tape, headGradsNhwc, { rule: 'plain', stopAt: 'route', layout: 'nhwc' });
    const theirs = await tfjs.backward(tfjsTape!, headGradsNhwc, { rule: 'plain', stopAt: 'route' });
    expect(ours.dims).toEqual(theirs.dims);
    expect(cosine(ours.data, theirs.data)).toBeGreaterThanOrEqual(0.9999);
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
    const results = await Promise.all([0, 1, 2, 3].map(() => model.backward(tape, headGradsNhwc, { rule: 'guided', layout: 'nhwc' })));
    for (const r of results) expect(maxAbsDiff(r.data, results[0].data)).toBe(0);
  });

  it('a tape that does not match the model rejects from C++ naming the layer', async () => {
    const a1 = graph.nodes.findIndex((n) => n.name === 'a1');
    const broken = { batch, nodes: tape.nodes.map((e, i) => (i === a1 ? { signs: e!.signs!.subarray(3) } : e)) };
    await expect(model.backward(broken, headGradsNhwc, { rule: 'guided', layout: 'nhwc' })).rejects.toThrow(/^backward: layer 'a1' \(activation\)/);
    await expect(model.visualBackProp(plan, { batch, nodes: tape.nodes.map((e) => (e?.mean ? { mean: e.mean.subarray(1) } : e)) })).rejects.toThrow(/^visualBackProp: layer '\w+' \(activation\): the tape's VisualBackProp mean map/);
  });

  it('a graph whose weights do not match throws naming the layer', () => {
    const c2 = graph.nodes.findIndex((n) => n.name === 'c2');
    const node = graph.nodes[c2];
    if (node.kind !== 'conv') throw new Error('c2 is a conv');
    const broken = { ...graph, nodes: graph.nodes.map((n, i) => (i === c2 ? { ...node, weights: node.weights.subarray(1) } : n)) };
    expect(() => createNativeModel(loadNativeAddon(), broken, { device: 'cpu' })).toThrow(/^createModel: layer 'c2' has \d+ weights, expected \d+ \(OIHW 6x4x3x3\)$/);
  });
});

describe('native backward and VisualBackProp equal the tfjs runtime on the YOLOv4 blocks', () => {
  const graph: Graph = yolov4BlocksModel(5);
  const batch = 2;
  const input = randomTensor([batch, 16, 16, 3], 12, true);
  const plan = planVisualBackProp(graph);
  const { tape, heads } = referenceTape(graph, input, { plan });
  const headGrads = heads.map((h, k) => randomTensor([h.dims[0], h.dims[2], h.dims[3], h.dims[1]], 200 + k));
  let model: NativeModel;
  let tfjs: Awaited<ReturnType<ReturnType<typeof createTfjsRuntime>['load']>>;
  let tfjsTape: Awaited<ReturnType<typeof tfjs.forward>>['tape'];

  beforeAll(async () => {
    model = createNativeModel(loadNativeAddon(), graph, { device: 'cpu', threads: 2 });
    tfjs = await createTfjsRuntime().load(graph, { backend: 'cpu' });
    tfjsTape = (await tfjs.forward(input, { gradients: true, visualBackProp: true })).tape;
  });

  afterAll(() => {
    tfjsTape?.dispose();
    tfjs?.dispose();
    model?.dispose();
  });

  it('the tape holds the mish/swish inputs the backward reads', () => {
    const mish = graph.nodes.findIndex((n) => n.name === 'a1');
    expect(tape.nodes[mish]?.input).toBeInstanceOf(Float32Array);
    expect(tape.nodes[mish]?.signs).toBeUndefined();
  });

  for (const rule of ['plain', 'guided'] as const) {
    for (const stopAt of [undefined, 'split', 'dw1', 'a1'] as const) {
      it(`${rule} gradient at ${stopAt ?? 'the input'}: cosine >= 0.9999, small max error`, async () => {
        const ours = await model.backward(tape, headGrads, { rule, layout: 'nhwc', ...(stopAt ? { stopAt } : {}) });
        const theirs = await tfjs.backward(tfjsTape!, headGrads, { rule, ...(stopAt ? { stopAt } : {}) });
        expect(theirs.dims).toEqual(ours.dims);
        expect(maxAbs(theirs.data)).toBeGreaterThan(0);
        expect(cosine(ours.data, theirs.data)).toBeGreaterThanOrEqual(0.9999);
        expect(maxAbsDiff(ours.data, theirs.data)).toBeLessThanOrEqual(1e-4 * maxAbs(theirs.data));
      });
    }
  }

  it('VisualBackProp (slices send the mask unchanged, grouped convs the ones-transposed conv) equals the tfjs runtime', async () => {
    const ours = await model.visualBackProp(plan, tape);
    const theirs = await tfjs.visualBackProp(tfjsTape!);
    expect(ours.dims).toEqual([batch, 16, 16]);
    expect(cosine(ours.data, theirs.data)).toBeGreaterThanOrEqual(0.9999);
    expect(maxAbsDiff(ours.data, theirs.data)).toBeLessThan(1e-4);
  });
});
