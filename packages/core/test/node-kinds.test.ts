/**
 * The node kinds the YOLOv4 family adds, checked on known cases in the float64 reference:
 * a grouped conv equals the dense conv with block-diagonal weights, a depthwise conv equals
 * one single-channel conv per channel, a slice picks its channels; every activation's
 * derivative matches central differences of its definition, and mish/swish have their
 * textbook values.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVATION_FUNCTIONS, ACTIVATION_KINDS } from '../src/graph/activation-functions.js';
import { GraphBuilder } from '../src/graph/builder.js';
import { referenceForwardAll } from '../src/graph/reference-forward.js';
import { createSeededRandom } from '../src/util/random.js';

const rng = createSeededRandom(17);
const normals = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const input = { dims: [2, 5, 6, 4], data: normals(2 * 5 * 6 * 4) };

/** Run one conv (3x3, stride 2, asymmetric pads) with the given weights and return its output. */
function convOutput(o: { filters: number; groups: number; weights: Float32Array; bias: Float32Array }) {
  const b = new GraphBuilder(4);
  const c = b.conv('c', 0, { filters: o.filters, channels: 4, kernel: 3, stride: 2, pads: { top: 1, left: 0, bottom: 1, right: 2 }, groups: o.groups, weights: o.weights, bias: o.bias });
  b.yolo('y', c, [[1, 1]], o.filters - 5);
  const graph = b.build({ inputSize: [5, 6], source: 'test' });
  return referenceForwardAll(graph, input)[1];
}

describe('grouped and depthwise convolutions', () => {
  it('groups=2 equals the dense conv with block-diagonal weights', () => {
    const grouped = normals(6 * 2 * 9); // 6 filters, 2 input channels each
    const dense = new Float32Array(6 * 4 * 9);
    for (let f = 0; f < 6; f++) {
      const g = Math.floor(f / 3);
      for (let ci = 0; ci < 2; ci++) dense.set(grouped.subarray((f * 2 + ci) * 9, (f * 2 + ci + 1) * 9), (f * 4 + g * 2 + ci) * 9);
    }
    const bias = normals(6);
    const a = convOutput({ filters: 6, groups: 2, weights: grouped, bias });
    const b = convOutput({ filters: 6, groups: 1, weights: dense, bias });
    expect(a.dims).toEqual(b.dims);
    a.data.forEach((v, i) => expect(v).toBeCloseTo(b.data[i], 5));
  });

  it('a depthwise conv with multiplier 2 reads input channel c for outputs 2c and 2c+1', () => {
    const depthwise = normals(8 * 9); // 8 filters, 1 input channel each, groups = 4
    const dense = new Float32Array(8 * 4 * 9);
    for (let f = 0; f < 8; f++) dense.set(depthwise.subarray(f * 9, (f + 1) * 9), (f * 4 + Math.floor(f / 2)) * 9);
    const bias = normals(8);
    const a = convOutput({ filters: 8, groups: 4, weights: depthwise, bias });
    const b = convOutput({ filters: 8, groups: 1, weights: dense, bias });
    a.data.forEach((v, i) => expect(v).toBeCloseTo(b.data[i], 5));
  });

  it('refuses groups that do not divide the channels and filters, and weights of the wrong size', () => {
    const b = new GraphBuilder(4);
    expect(() => b.conv('c', 0, { filters: 6, channels: 4, kernel: 1, groups: 3, weights: new Float32Array(6), bias: new Float32Array(6) })).toThrow(
      "layer 'c': groups=3 must be a positive integer dividing both 4 input channels and 6 filters",
    );
    expect(() => b.conv('c', 0, { filters: 4, channels: 4, kernel: 1, groups: 2, weights: new Float32Array(16), bias: new Float32Array(4) })).toThrow(
      "layer 'c': 16 weights for a 4x2x1x1 kernel (expected 8)",
    );
  });
});

describe('channel slices', () => {
  it('keeps channels [start, start + count) in order, and refuses bounds outside the input', () => {
    const b = new GraphBuilder(4);
    const s = b.slice('s', 0, 1, 2);
    const c = b.conv('c', s, { filters: 6, channels: 2, kernel: 1, weights: Float32Array.from({ length: 12 }, (_, k) => (k % 2 === Math.floor(k / 2) % 2 ? 1 : 0)), bias: new Float32Array(6) });
    b.yolo('y', c, [[1, 1]], 1);
    const out = referenceForwardAll(b.build({ inputSize: [5, 6], source: 'test' }), input)[1];
    expect(out.dims).toEqual([2, 5, 6, 2]);
    for (let p = 0; p < 2 * 5 * 6; p++) {
      expect(out.data[p * 2]).toBe(input.data[p * 4 + 1]);
      expect(out.data[p * 2 + 1]).toBe(input.data[p * 4 + 2]);
    }
    const bad = new GraphBuilder(4);
    const t = bad.slice('t', 0, 3, 2);
    bad.yolo('y', bad.conv('c', t, { filters: 6, channels: 2, kernel: 1, weights: new Float32Array(12), bias: new Float32Array(6) }), [[1, 1]], 1);
    expect(() => bad.build({ inputSize: [5, 6], source: 'test' })).toThrow("layer 't' (slice): channels [3, 5) are not within the input's 4 channels");
  });
});

describe('activation functions', () => {
  it.each(ACTIVATION_KINDS)('%s: the derivative matches central differences of the definition', (kind) => {
    const f = ACTIVATION_FUNCTIONS[kind];
    for (const x of [-25, -6, -1.7, -0.3, 0.2, 0.9, 3, 21]) {
      const h = 1e-6;
      const fd = (f.apply(x + h, 0.1) - f.apply(x - h, 0.1)) / (2 * h);
      expect(f.derivative(x, 0.1)).toBeCloseTo(fd, 6);
    }
  });

  it('mish and swish have their textbook values, and are rectifier-like', () => {
    expect(ACTIVATION_FUNCTIONS.mish.apply(1, 0)).toBeCloseTo(Math.tanh(Math.log(1 + Math.E)), 12);
    expect(ACTIVATION_FUNCTIONS.swish.apply(1, 0)).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(ACTIVATION_FUNCTIONS.mish.apply(40, 0)).toBe(40);
    expect(ACTIVATION_FUNCTIONS.mish.apply(-40, 0)).toBeCloseTo(0, 12);
    // The guided rule gates exactly the rectifiers.
    expect(ACTIVATION_KINDS.filter((k) => ACTIVATION_FUNCTIONS[k].guided)).toEqual(['leaky', 'relu', 'mish', 'swish']);
  });
});
