/**
 * VisualBackProp against a walk written out with loops in this file (the definition is in
 * core's vbp-plan.ts): input 4x4 -> c1 3x3/1 pad 1 -> leaky -> c2 3x3/2 pads (1,1,0,0) ->
 * leaky -> 1x1 conv -> head at 2x2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, LoadedModel, Pads } from '@yolo-saliency/core';
import { GraphBuilder, referenceForwardAll } from '@yolo-saliency/core/graph';
import { createTfjsRuntime } from '../src/index.js';
import { everyKindModel } from './helpers/every-kind-model.js';
import { imageOf, maxAbsDiff, randomInput, randomNormal } from './helpers/tensors.js';

function smallGraph(): Graph {
  const w = (n: number, seed: number) => randomNormal([n], seed).data;
  const b = new GraphBuilder(1);
  const c1 = b.conv('c1', 0, { filters: 3, channels: 1, kernel: 3, pads: 1, weights: w(27, 1), bias: new Float32Array([0.3, 0.1, 0.2]) });
  const a1 = b.activation('a1', c1, 'leaky', 0.1);
  const c2 = b.conv('c2', a1, { filters: 2, channels: 3, kernel: 3, stride: 2, pads: { top: 1, left: 1, bottom: 0, right: 0 }, weights: w(54, 2), bias: new Float32Array([0.5, 0.4]) });
  const a2 = b.activation('a2', c2, 'leaky', 0.1);
  const c3 = b.conv('c3', a2, { filters: 5, channels: 2, kernel: 1, weights: w(10, 3), bias: new Float32Array(5) });
  b.yolo('head', c3, [[1, 1]], 0);
  return b.build({ inputSize: [4, 4], source: 'test' });
}

/** Channel mean clamped at 0: [h][w]. */
function meanMap(data: Float32Array, h: number, w: number, c: number): number[][] {
  return Array.from({ length: h }, (_, y) =>
    Array.from({ length: w }, (_, x) => {
      let s = 0;
      for (let k = 0; k < c; k++) s += data[(y * w + x) * c + k];
      return Math.max(s / c, 0);
    }),
  );
}

/** Input pixel (i, j) collects m over every output whose k x k window (stride s, pads) covers it. */
function onesTransposed(m: number[][], k: number, s: number, pads: Pads, h: number, w: number): number[][] {
  const out = Array.from({ length: h }, () => new Array<number>(w).fill(0));
  m.forEach((row, oy) =>
    row.forEach((v, ox) => {
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const i = oy * s - pads.top + ky;
          const j = ox * s - pads.left + kx;
          if (i >= 0 && i < h && j >= 0 && j < w) out[i][j] += v;
        }
      }
    }),
  );
  return out;
}

const byMax = (m: number[][]) => {
  const max = Math.max(...m.flat());
  return max > 0 ? m.map((r) => r.map((v) => v / max)) : m;
};
const times = (a: number[][], b: number[][]) => a.map((r, y) => r.map((v, x) => v * b[y][x]));

function expectedMap(graph: Graph, image: Float32Array): number[] {
  const outs = referenceForwardAll(graph, { dims: [1, 4, 4, 1], data: image });
  const m1 = meanMap(outs[2].data, 4, 4, 3);
  const m2 = meanMap(outs[4].data, 2, 2, 2);
  // seed ones at the head input (c3, 2x2); the 1x1 conv passes it on unchanged
  let mask = byMax(onesTransposed([[1, 1], [1, 1]], 1, 1, { top: 0, left: 0, bottom: 0, right: 0 }, 2, 2));
  mask = byMax(times(mask, m2)); // at a2, then sent to c2
  mask = byMax(onesTransposed(mask, 3, 2, { top: 1, left: 1, bottom: 0, right: 0 }, 4, 4)); // c2 -> a1
  mask = byMax(times(mask, m1)); // at a1, sent to c1
  mask = byMax(onesTransposed(mask, 3, 1, { top: 1, left: 1, bottom: 1, right: 1 }, 4, 4)); // c1 -> input
  const flat = mask.flat();
  const min = Math.min(...flat);
  const max = Math.max(...flat);
  return flat.map((v) => (max > min ? (v - min) / (max - min) : 0));
}

describe.each(['wasm', 'cpu'])('visualBackProp on %s', (backend) => {
  const graph = smallGraph();
  let model: LoadedModel;
  beforeAll(async () => {
    model = await createTfjsRuntime().load(graph, { backend });
  });
  afterAll(() => model.dispose());

  it('matches the walk written out by hand, per image of a batch of 2', async () => {
    const input = randomInput([2, 4, 4, 1], 5);
    const { tape } = await model.forward(input, { visualBackProp: true });
    const map = await model.visualBackProp(tape!);
    tape!.dispose();
    expect(map.dims).toEqual([2, 4, 4]);
    for (let n = 0; n < 2; n++) {
      const expected = expectedMap(graph, imageOf(input, n).data);
      expect(maxAbsDiff(map.data.subarray(n * 16, (n + 1) * 16), expected)).toBeLessThan(1e-5);
      expect(Math.max(...expected)).toBe(1);
    }
  });

  it('follows every branch of a model with route, shortcut, upsample and two heads', async () => {
    const big = await createTfjsRuntime().load(everyKindModel(7), { backend });
    const input = randomInput([2, 16, 16, 3], 8);
    const { tape } = await big.forward(input, { visualBackProp: true });
    const map = await big.visualBackProp(tape!);
    tape!.dispose();
    expect(map.dims).toEqual([2, 16, 16]);
    for (let n = 0; n < 2; n++) {
      const image = Array.from(map.data.subarray(n * 256, (n + 1) * 256));
      expect(Math.min(...image)).toBe(0);
      expect(Math.max(...image)).toBeCloseTo(1, 6);
    }
    await expect(big.backward(tape!, [], { rule: 'plain' })).rejects.toThrow(/disposed tape/);
    big.dispose();
  });
});
