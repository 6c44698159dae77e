/**
 * The saliency algorithms end to end on the tfjs runtime (cpu backend) with a small real
 * network: convs with leaky, a maxpool, an upsample + concat route and two yolo heads.
 * Gradients are checked against finite differences of core's float64 reference forward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, explainAll, resolveTarget, targetValueAndHeadGradients } from '@yolo-saliency/core';
import { referenceForward } from '@yolo-saliency/core/graph';
import type { LoadedModel, TensorData } from '@yolo-saliency/core';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';
import { SMALL_YOLO_SIZE, smallYoloGraph, smallYoloInput } from './helpers/small-yolo.js';

const SIZE = SMALL_YOLO_SIZE;
const graph = smallYoloGraph();
const input: TensorData = smallYoloInput();
// A class logit whose change from the zero baseline is large (-1.5), so completeness is a real test.
const RAW_TARGET = 'raw:scale=0,anchor=0,y=2,x=2,channel=6';
let model: LoadedModel;

beforeAll(async () => {
  model = await createTfjsRuntime().load(graph, { backend: 'cpu' });
});
afterAll(async () => {
  await model?.dispose();
});

/** F(x) through the float64 reference forward, for the target resolved on the real input. */
function referenceTarget(target: string, data: Float32Array): number {
  const resolved = resolveTarget(target, graph, referenceForward(graph, input));
  return targetValueAndHeadGradients(graph, resolved, referenceForward(graph, { dims: input.dims, data })).values[0];
}

describe('saliency algorithms on the tfjs runtime', () => {
  for (const target of [RAW_TARGET, 'top/score']) {
    it(`vanilla matches finite differences of the reference forward (${target})`, async () => {
      const result = await explain(model, input, { method: 'vanilla', target });
      const g = result.map.data;
      expect(result.targetValue).toBeCloseTo(referenceTarget(target, input.data), 4);
      const largest = Array.from(g.keys()).sort((i, j) => Math.abs(g[j]) - Math.abs(g[i]));
      const pixels = [...largest.slice(0, 4), 100, 1500, 3000];
      const maxGrad = Math.abs(g[largest[0]]);
      expect(maxGrad).toBeGreaterThan(0);
      const step = 1e-3;
      for (const i of pixels) {
        const plus = Float32Array.from(input.data);
        const minus = Float32Array.from(input.data);
        plus[i] += step;
        minus[i] -= step;
        const fd = (referenceTarget(target, plus) - referenceTarget(target, minus)) / (plus[i] - minus[i]);
        expect(Math.abs(fd - g[i]), `input value ${i}: fd ${fd} vs gradient ${g[i]}`).toBeLessThanOrEqual(2e-3 * maxGrad);
      }
    });

    it(`integrated gradients are complete within 2% at 64 steps (${target})`, async () => {
      const progress: number[] = [];
      const result = await explain(model, input, { method: 'integrated-gradients', target, steps: 64, batchSize: 16, onProgress: (done) => progress.push(done) });
      expect(progress).toEqual([16, 32, 48, 64]);
      expect(Math.abs(result.completeness!.delta)).toBeGreaterThan(0.05);
      expect(result.completenessError!).toBeLessThanOrEqual(0.02);
      const zero = new Float32Array(input.data.length);
      expect(result.completeness!.delta).toBeCloseTo(referenceTarget(target, input.data) - referenceTarget(target, zero), 4);
    });
  }

  it('smoothgrad with noise 0 equals vanilla', async () => {
    const vanilla = await explain(model, input, { method: 'vanilla', target: 'top' });
    const smooth = await explain(model, input, { method: 'smoothgrad', target: 'top', noise: 0, samples: 3 });
    const scale = Math.max(...Array.from(vanilla.map.data, Math.abs));
    for (let i = 0; i < vanilla.map.data.length; i++) {
      expect(Math.abs(smooth.map.data[i] - vanilla.map.data[i])).toBeLessThanOrEqual(1e-5 * scale);
    }
  });

  it('explainAll shares one tape for vanilla, guided and VBP', async () => {
    const single = await explain(model, input, { method: 'vanilla', target: RAW_TARGET });
    const { maps: [vanilla, guided, vbp] } = await explainAll(model, input, ['vanilla', 'guided', 'visual-backprop'], { target: RAW_TARGET });
    expect(Array.from(vanilla.map.data)).toEqual(Array.from(single.map.data));
    expect(guided.map.dims).toEqual([SIZE, SIZE, 3]);
    expect(Array.from(guided.map.data)).not.toEqual(Array.from(vanilla.map.data));
    expect(vbp.map.dims).toEqual([SIZE, SIZE, 1]);
    const values = Array.from(vbp.map.data);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeCloseTo(1, 5);
  });
});
