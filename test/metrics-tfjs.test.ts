/**
 * The faithfulness metrics end to end on the tfjs runtime (cpu backend), on the small seeded
 * network of helpers/small-yolo.ts: convs with leaky, a maxpool, an upsample + concat route
 * and two yolo heads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, resolveTarget, targetValueAndHeadGradients } from '@yolo-saliency/core';
import { referenceForward } from '@yolo-saliency/core/graph';
import { convsFromTop, deletionCurve, insertionCurve, randomizationCheck } from '@yolo-saliency/core/metrics';
import type { LoadedModel, TensorData } from '@yolo-saliency/core';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';
import { SMALL_YOLO_SIZE, smallYoloGraph, smallYoloInput } from './helpers/small-yolo.js';

const SIZE = SMALL_YOLO_SIZE;
const graph = smallYoloGraph();
const input: TensorData = smallYoloInput();
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
