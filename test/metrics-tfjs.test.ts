/**
 * The faithfulness metrics end to end on the tfjs runtime (cpu backend), on the small seeded
 * network of algorithms-tfjs.test.ts: convs with leaky, a maxpool, an upsample + concat
 * route and two yolo heads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convsFromTop, createSeededRandom, deletionCurve, explain, GraphBuilder, insertionCurve, randomizationCheck, referenceForward, resolveTarget, targetValueAndHeadGradients } from '@yolo-saliency/core';
import type { Graph, LoadedModel, TensorData } from '@yolo-saliency/core';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';

const SIZE = 32;

function seededGraph(): Graph {
  const random = createSeededRandom(2024);
  const b = new GraphBuilder();
  const conv = (name: string, input: number, channels: number, filters: number, kernel: number, stride: number, pads: number | { top: number; left: number; bottom: number; right: number }, headBias?: number[]) => {
    const fanIn = channels * kernel * kernel;
    const scale = Math.sqrt(6 / fanIn);
    const weights = Float32Array.from({ length: filters * fanIn }, () => (random.uniform() * 2 - 1) * scale);
    const bias = Float32Array.from({ length: filters }, (_, f) => headBias?.[f] ?? (random.uniform() - 0.5) * 0.2);
    return b.conv(name, input, { filters, channels, kernel, stride, pads, weights, bias });
  };
  const headBias = Array.from({ length: 14 }, (_, c) => (c % 7 === 4 ? 1.5 : c % 7 >= 5 ? 1 : 0));
  const c1 = b.activation('leaky_1', conv('conv_1', 0, 3, 8, 3, 1, 1), 'leaky');
  const p1 = b.maxpool('pool_1', c1, 2, 2);
  const c2 = b.activation('leaky_2', conv('conv_2', p1, 8, 16, 3, 2, { top: 1, left: 1, bottom: 0, right: 0 }), 'leaky');
  const c3 = b.activation('leaky_3', conv('conv_3', c2, 16, 16, 3, 2, 1), 'leaky');
  b.yolo('yolo_0', conv('head_0', c3, 16, 14, 1, 1, 0, headBias), [[20, 24], [30, 28]], 2);
  const up = b.upsample('up', c3, 2);
  const route = b.concat('route', [up, c2]);
  b.yolo('yolo_1', conv('head_1', route, 32, 14, 3, 1, 1, headBias), [[6, 8], [12, 10]], 2);
  return b.build({ inputSize: [SIZE, SIZE], classNames: ['a', 'b'], source: 'test' });
}

const graph = seededGraph();
const input: TensorData = (() => {
  const random = createSeededRandom(7);
  return { dims: [1, SIZE, SIZE, 3], data: Float32Array.from({ length: SIZE * SIZE * 3 }, () => random.uniform()) };
})();
const RAW_TARGET = 'raw:scale=0,anchor=0,y=2,x=2,channel=6';
const runtime = createTfjsRuntime();
let model: LoadedModel;

beforeAll(async () => {
  model = await runtime.load(graph, { backend: 'cpu' });
});
afterAll(async () => {
  await model?.dispose();
});

function referenceValue(target: string, data: Float32Array): number {
  const resolved = resolveTarget(target, graph, referenceForward(graph, input));
  return targetValueAndHeadGradients(graph, resolved, referenceForward(graph, { dims: input.dims, data })).values[0];
}

describe('faithfulness metrics on the tfjs runtime', () => {
  it('deletion and insertion run end to end with the right end points and a lower saliency-order deletion AUC', async () => {
    const { map } = await explain(model, input, { method: 'vanilla', target: 'top/score' });
    const del = await deletionCurve(model, input, map, 'top/score', { steps: 16, batchSize: 6 });
    const ins = await insertionCurve(model, input, map, 'top/score', { steps: 16 });
    const random = await deletionCurve(model, input, map, 'top/score', { steps: 16, order: 'random', seed: 1 });
    const full = referenceValue('top/score', input.data);
    const black = referenceValue('top/score', new Float32Array(input.data.length));
    expect(del.scores).toHaveLength(17);
    expect(del.scores[0]).toBeCloseTo(full, 4);
    expect(del.scores[16]).toBeCloseTo(black, 4);
    expect(ins.scores[0]).toBeCloseTo(black, 4);
    expect(ins.scores[16]).toBeCloseTo(full, 4);
    for (const s of [...del.scores, ...ins.scores]) expect(s >= 0 && s <= 1).toBe(true);
    expect(del.auc).toBeGreaterThanOrEqual(0);
    expect(del.auc).toBeLessThanOrEqual(1);
    expect(del.auc).toBeLessThan(random.auc);
  });

  it('randomisation at full re-initialisation decorrelates vanilla (|spearman| < 0.5)', async () => {
    const convs = convsFromTop(graph).length;
    const result = await randomizationCheck(graph, input, (g) => runtime.load(g, { backend: 'cpu' }), { method: 'vanilla', target: RAW_TARGET, schedule: [0, 1, convs], seed: 11 });
    expect(result.curve.map((p) => p.k)).toEqual([0, 1, convs]);
    expect(result.curve[0].spearman).toBeCloseTo(1, 6);
    // Whole-image Spearman stays high: ~75% of the pixels are outside the cell's receptive field,
    // exactly 0 in both maps. Over the receptive field the maps decorrelate.
    expect(result.curve[0].supportSpearman).toBeCloseTo(1, 6);
    expect(Math.abs(result.fullSupport!)).toBeLessThan(0.5);
    console.log(`randomisation (vanilla, ${RAW_TARGET}): ${result.curve.map((p) => `k=${p.k} ${p.layerName} ${p.spearman.toFixed(3)} (support ${p.supportSpearman.toFixed(3)})`).join('; ')}`);
  });
});
