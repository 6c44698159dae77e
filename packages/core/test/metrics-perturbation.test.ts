import { describe, expect, it } from 'vitest';
import { explain } from '../src/algorithms/explain.js';
import { deletionCurve, insertionCurve, randomizationCheck, randomizeConvs, convsFromTop } from '../src/metrics/index.js';
import { sigmoid } from '../src/decode/yolo-math.js';
import type { TensorData } from '../src/runtime/types.js';
import { createSeededRandom } from '../src/util/random.js';
import { linearGraph, linearModel, SIDE } from './helpers/linear-model.js';

// Objectness logit (channel 4) = sum over pixels p (row-major) of (p + 1) * (r + g + b); other channels small.
const graph = linearGraph((f, _ch, y, x) => (f === 4 ? y * SIDE + x + 1 : 0.01 * (f + 1)));
const ones: TensorData = { dims: [1, SIDE, SIDE, 3], data: new Float32Array(SIDE * SIDE * 3).fill(1) };
const saliency: TensorData = { dims: [SIDE, SIDE, 1], data: Float32Array.from({ length: 16 }, (_, p) => p + 1) };
const RAW = 'raw:scale=0,anchor=0,y=0,x=0,channel=4';

describe('deletion and insertion on a linear model (4x4 input, 4 steps)', () => {
  it('deletion AUC equals the hand computation, saliency order below reverse order', async () => {
    const model = linearModel(graph);
    const del = await deletionCurve(model, ones, saliency, RAW, { steps: 4, batchSize: 2 });
    // Removing pixels 16..13, 12..9, 8..5, 4..1 (weights x 3 channels) from 408 = 3 * 136.
    expect(del.fractions).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(del.scores.map((s) => Math.round(s * 1e4) / 1e4)).toEqual([408, 234, 108, 30, 0]);
    expect(del.auc).toBeCloseTo(0.25 * ((408 + 234) / 2 + (234 + 108) / 2 + (108 + 30) / 2 + 15), 6); // 144
    // 5 step images in batches of 2 (plus one forward that resolved the target).
    expect(model.forwardImages).toEqual([1, 2, 2, 1]);
    const reverse = await deletionCurve(model, ones, saliency, RAW, { steps: 4, order: 'reverse' });
    expect(reverse.auc).toBeCloseTo(264, 6);
    expect(del.auc).toBeLessThan(reverse.auc);
    const random = await deletionCurve(model, ones, saliency, RAW, { steps: 4, order: 'random', seed: 1 });
    expect(random.auc).toBeGreaterThan(del.auc);
    expect(random.auc).toBeLessThan(reverse.auc);
  });

  it('insertion mirrors deletion and the baseline is used for missing pixels', async () => {
    const model = linearModel(graph);
    const ins = await insertionCurve(model, ones, saliency, RAW, { steps: 4 });
    expect(ins.scores.map((s) => Math.round(s * 1e4) / 1e4)).toEqual([0, 174, 300, 378, 408]);
    expect(ins.auc).toBeCloseTo(264, 6);
    // Mean-grey baseline: the curve starts at 0.5 * 408.
    const grey = await insertionCurve(model, ones, saliency, RAW, { steps: 4, baseline: 0.5 });
    expect(grey.scores[0]).toBeCloseTo(204, 4);
    expect(grey.scores[4]).toBeCloseTo(408, 4);
  });

  it('tracks a sigmoid quantity at the cell resolved once', async () => {
    const small = linearGraph((f, _ch, y, x) => (f === 4 ? (y * SIDE + x + 1) / 100 : 0));
    const model = linearModel(small);
    const terms = [{ scale: 0, anchor: 0, y: 0, x: 0, quantity: 'objectness' as const, channel: 0 }];
    const del = await deletionCurve(model, ones, saliency, { terms }, { steps: 4 });
    const expected = [4.08, 2.34, 1.08, 0.3, 0].map(sigmoid);
    del.scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i], 6));
    expect(del.auc).toBeCloseTo(0.25 * (expected[0] / 2 + expected[1] + expected[2] + expected[3] + expected[4] / 2), 6);
  });

  it('rejects a map of the wrong size with one clear line', async () => {
    const model = linearModel(graph);
    await expect(deletionCurve(model, ones, { dims: [2, 2, 1], data: new Float32Array(4) }, RAW)).rejects.toThrow(/deletion metric: map is 2x2, the input 4x4/);
  });
});

describe('model randomisation check with a fake runtime factory', () => {
  const input: TensorData = (() => {
    const r = createSeededRandom(5);
    return { dims: [1, SIDE, SIDE, 3], data: Float32Array.from({ length: 48 }, () => r.uniform()) };
  })();

  it('identical weights give spearman 1; re-initialised weights change the map', async () => {
    const loaded: string[] = [];
    const load = async (g: typeof graph) => {
      loaded.push(g.nodes[1].name);
      return linearModel(g);
    };
    const result = await randomizationCheck(graph, input, load, { method: 'vanilla', target: RAW, schedule: [0, 1], seed: 3 });
    expect(result.target).toBe(RAW);
    expect(result.curve.map((p) => [p.k, p.layerName])).toEqual([[0, '(none)'], [1, 'head']]);
    expect(result.curve[0].spearman).toBeCloseTo(1, 12);
    expect(result.curve[0].signedSpearman).toBeCloseTo(1, 12);
    expect(result.curve[1].spearman).toBeLessThan(0.9);
    expect(result.full).toBe(result.curve[1].spearman);
    // Original (to resolve), original (map), k = 0, k = 1.
    expect(loaded.length).toBe(4);

    // The randomised map is the new channel-4 weights: check against the randomised graph itself.
    const randomized = randomizeConvs(graph, convsFromTop(graph), 3);
    const map = await explain(linearModel(randomized), input, { method: 'vanilla', target: RAW });
    const conv = randomized.nodes[1] as { weights: Float32Array };
    expect(map.map.data[0]).toBeCloseTo(conv.weights[4 * 48], 5);
  });

  it('re-initialised weights keep the layer scale and are seeded', () => {
    const a = randomizeConvs(graph, [1], 7).nodes[1] as { weights: Float32Array };
    const b = randomizeConvs(graph, [1], 7).nodes[1] as { weights: Float32Array };
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    const stdOf = (w: Float32Array) => Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length - (w.reduce((s, v) => s + v, 0) / w.length) ** 2);
    const original = (graph.nodes[1] as { weights: Float32Array }).weights;
    expect(stdOf(a.weights) / stdOf(original)).toBeGreaterThan(0.8);
    expect(stdOf(a.weights) / stdOf(original)).toBeLessThan(1.2);
    expect(() => randomizeConvs(graph, [2], 0)).toThrow(/node 2 \(yolo_0\) is not a conv layer/);
  });

  it('detection targets become the logits of the resolved cell', async () => {
    const result = await randomizationCheck(graph, input, async (g) => linearModel(g), { method: 'vanilla', target: 'top/score', schedule: [0] });
    expect(result.target).toBe('raw:scale=0,anchor=0,y=0,x=0,channel=4+raw:scale=0,anchor=0,y=0,x=0,channel=5');
    expect(result.curve[0].spearman).toBeCloseTo(1, 12);
  });
});
