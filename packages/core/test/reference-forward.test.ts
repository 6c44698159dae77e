import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/graph/builder.js';
import { referenceForward, referenceForwardAll } from '../src/graph/reference-forward.js';
import type { Graph } from '../src/graph/types.js';

/** A graph whose "heads" are arbitrary nodes: these cases are not YOLO models, so skip head checks. */
function graphOf(b: GraphBuilder, outputs: number[], inputSize: [number, number]): Graph {
  const heads = outputs.map((o, k) => b.yolo(`head${k}`, o, [], 0));
  return { nodes: b.nodes, heads, inputSize, classNames: [], source: 'test', maxStride: 1 };
}

const f32 = (xs: number[]) => new Float32Array(xs);

describe('referenceForward', () => {
  it('1x1 conv mixes channels per pixel with bias, batch of 2', () => {
    const b = new GraphBuilder(2);
    // OIHW with H=W=1: w[o][c]. out0 = 1*c0 + 2*c1 + 0.5, out1 = -1*c0 + 3*c1 - 1
    const c = b.conv('c', 0, { filters: 2, channels: 2, kernel: 1, weights: f32([1, 2, -1, 3]), bias: f32([0.5, -1]) });
    const g = graphOf(b, [c], [1, 2]);
    // [N=2, H=1, W=2, C=2]
    const input = { dims: [2, 1, 2, 2], data: f32([1, 2, 3, 4, 0, 1, -1, 0]) };
    const [out] = referenceForward(g, input);
    expect(out.dims).toEqual([2, 1, 2, 2]);
    expect(Array.from(out.data)).toEqual([5.5, 4, 11.5, 8, 2.5, 2, -0.5, 0]);
  });

  it('3x3 conv with asymmetric pads, computed by hand', () => {
    const b = new GraphBuilder(1);
    const ones = Array(9).fill(1);
    const bottomLeft = [0, 0, 0, 0, 0, 0, 1, 0, 0]; // ky=2, kx=0: checks kernel orientation (no flip)
    const c = b.conv('c', 0, {
      filters: 2,
      channels: 1,
      kernel: 3,
      pads: { top: 1, left: 0, bottom: 0, right: 1 },
      weights: f32([...ones, ...bottomLeft]),
      bias: f32([0.5, -1]),
    });
    const g = graphOf(b, [c], [3, 3]);
    const input = { dims: [1, 3, 3, 1], data: f32([1, 2, 3, 4, 5, 6, 7, 8, 9]) };
    const [out] = referenceForward(g, input);
    expect(out.dims).toEqual([1, 2, 2, 2]);
    // Padded input: a zero row on top, a zero column on the right.
    // ones: 21 16 / 45 33 (+0.5); bottom-left tap: 4 5 / 7 8 (-1)
    expect(Array.from(out.data)).toEqual([21.5, 3, 16.5, 4, 45.5, 6, 33.5, 7]);
  });

  it('keras-style downsampling: pads (1,0),(1,0) and stride 2', () => {
    const b = new GraphBuilder(1);
    const c = b.conv('c', 0, { filters: 1, channels: 1, kernel: 3, stride: 2, pads: { top: 1, left: 1, bottom: 0, right: 0 }, weights: f32(Array(9).fill(1)), bias: f32([0]) });
    const g = graphOf(b, [c], [4, 4]);
    const input = { dims: [1, 4, 4, 1], data: f32(Array.from({ length: 16 }, (_, i) => i + 1)) };
    const [out] = referenceForward(g, input);
    expect(out.dims).toEqual([1, 2, 2, 1]);
    // Windows start at rows/cols -1 and 1: {1,2,5,6}, {2,3,4,6,7,8}, {5,6,9,10,13,14}, {6..8,10..12,14..16}
    expect(Array.from(out.data)).toEqual([14, 30, 57, 99]);
  });

  it('activations: leaky, relu, logistic, linear', () => {
    const b = new GraphBuilder(1);
    const l = b.activation('leaky', 0, 'leaky', 0.1);
    const r = b.activation('relu', 0, 'relu');
    const s = b.activation('sig', 0, 'logistic');
    const n = b.activation('lin', 0, 'linear');
    const g = graphOf(b, [l, r, s, n], [1, 3]);
    const [lo, ro, so, no] = referenceForward(g, { dims: [1, 1, 3, 1], data: f32([-2, 0, 3]) });
    expect(Array.from(lo.data)).toEqual([Math.fround(-0.2), 0, 3]);
    expect(Array.from(ro.data)).toEqual([0, 0, 3]);
    expect(Array.from(so.data)).toEqual([1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-3))].map(Math.fround));
    expect(Array.from(no.data)).toEqual([-2, 0, 3]);
  });

  it('maxpool size 2 stride 1 at the border: the padding never wins', () => {
    const b = new GraphBuilder(1);
    const p = b.maxpool('p', 0, 2, 1); // darknet pads: 0 before, 1 after
    const g = graphOf(b, [p], [2, 2]);
    const [out] = referenceForward(g, { dims: [1, 2, 2, 1], data: f32([-1, -2, -3, -4]) });
    expect(out.dims).toEqual([1, 2, 2, 1]);
    expect(Array.from(out.data)).toEqual([-1, -2, -3, -4]);
  });

  it('maxpool size 2 stride 2 and size 3 stride 1 with centred pads', () => {
    const b = new GraphBuilder(1);
    const p2 = b.maxpool('p2', 0, 2, 2, { top: 0, left: 0, bottom: 0, right: 0 });
    const p3 = b.maxpool('p3', 0, 3, 1, { top: 1, left: 1, bottom: 1, right: 1 });
    const g = graphOf(b, [p2, p3], [4, 4]);
    // 4x4 ramp, negated so that zero padding would win if it were counted.
    const input = { dims: [1, 4, 4, 1], data: f32(Array.from({ length: 16 }, (_, i) => -(i + 1))) };
    const [o2, o3] = referenceForward(g, input);
    expect(Array.from(o2.data)).toEqual([-1, -3, -9, -11]);
    // The max of the 3x3 neighbourhood of a decreasing ramp is its top-left valid pixel.
    expect(Array.from(o3.data)).toEqual([-1, -1, -2, -3, -1, -1, -2, -3, -5, -5, -6, -7, -9, -9, -10, -11]);
  });

  it('nearest upsample repeats each pixel factor x factor times', () => {
    const b = new GraphBuilder(2);
    const u = b.upsample('u', 0, 2);
    const g = graphOf(b, [u], [1, 2]);
    const [out] = referenceForward(g, { dims: [1, 1, 2, 2], data: f32([1, 10, 2, 20]) });
    expect(out.dims).toEqual([1, 2, 4, 2]);
    expect(Array.from(out.data)).toEqual([1, 10, 1, 10, 2, 20, 2, 20, 1, 10, 1, 10, 2, 20, 2, 20]);
  });

  it('concat stacks channels in input order; add sums element-wise', () => {
    const b = new GraphBuilder(1);
    const one = b.conv('x2', 0, { filters: 2, channels: 1, kernel: 1, weights: f32([2, 3]), bias: f32([0, 0]) });
    const cat = b.concat('cat', [0, one]);
    const sum = b.addNode('sum', [0, 0, 0]);
    const g = graphOf(b, [cat, sum], [1, 2]);
    const [co, so] = referenceForward(g, { dims: [1, 1, 2, 1], data: f32([1, -2]) });
    expect(co.dims).toEqual([1, 1, 2, 3]);
    expect(Array.from(co.data)).toEqual([1, 2, 3, -2, -4, -6]);
    expect(Array.from(so.data)).toEqual([3, -6]);
  });

  it('referenceForwardAll returns every node; accumulation is float64', () => {
    // 1e8 + 1 - 1e8 is exact in float64 and 0 in float32.
    const b2 = new GraphBuilder(3);
    const c2 = b2.conv('c', 0, { filters: 1, channels: 3, kernel: 1, weights: f32([1, 1, 1]), bias: f32([0]) });
    const g = graphOf(b2, [c2], [1, 1]);
    const all = referenceForwardAll(g, { dims: [1, 1, 1, 3], data: f32([1e8, 1, -1e8]) });
    expect(all).toHaveLength(3);
    expect(all[0].dims).toEqual([1, 1, 1, 3]);
    expect(all[1].data[0]).toBe(1);
  });

  it('rejects an input whose dims do not match the graph', () => {
    const b = new GraphBuilder(3);
    const g = graphOf(b, [0], [2, 2]);
    expect(() => referenceForward(g, { dims: [1, 2, 2, 1], data: f32([0, 0, 0, 0]) })).toThrow(/do not match/);
  });
});
