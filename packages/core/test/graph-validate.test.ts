import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/graph/builder.js';
import { GRAPH_LIMITS } from '../src/graph/limits.js';
import { inferShapes } from '../src/graph/shapes.js';
import type { Graph } from '../src/graph/types.js';
import { firstNonFinite, nonFiniteText, validateGraph } from '../src/graph/validate.js';
import { printable } from '../src/util/printable.js';

/** conv 3x3 (8 filters) -> leaky -> yolo with 1 anchor, 3 classes at 8x8. */
function small(edit: (o: { weights: Float32Array; bias: Float32Array; alpha: number; anchors: Array<[number, number]>; scaleXY: number; classes: number }) => void = () => {}): Graph {
  const o = { weights: new Float32Array(8 * 3 * 9).fill(0.01), bias: new Float32Array(8), alpha: 0.1, anchors: [[10, 14]] as Array<[number, number]>, scaleXY: 1, classes: 3 };
  edit(o);
  const b = new GraphBuilder();
  const c = b.conv('conv_0', 0, { filters: 8, channels: 3, kernel: 3, pads: 1, weights: o.weights, bias: o.bias });
  const a = b.activation('leaky_0', c, 'leaky', o.alpha);
  b.yolo('yolo_1', a, o.anchors, o.classes, o.scaleXY);
  return b.build({ inputSize: [8, 8], source: 'test' });
}

describe('validateGraph', () => {
  it('accepts a sane graph', () => {
    expect(() => validateGraph(small())).not.toThrow();
  });

  it('names the layer and the first non-finite value of weights, biases and slopes', () => {
    expect(() => validateGraph(small((o) => (o.weights[5] = Number.NaN)))).toThrow(
      "layer 'conv_0' (conv): weights: 1 of 216 values are not finite (the first, NaN, at index 5)",
    );
    expect(() => validateGraph(small((o) => o.bias.fill(Number.POSITIVE_INFINITY)))).toThrow(
      "layer 'conv_0' (conv): biases: all 8 values are not finite (the first, Infinity, at index 0)",
    );
    expect(() => validateGraph(small((o) => (o.alpha = Number.NaN)))).toThrow("layer 'leaky_0' (activation): the slope (alpha) NaN is not finite");
  });

  it('refuses zero, negative and absurd anchors, classes and scale_x_y', () => {
    expect(() => validateGraph(small((o) => (o.anchors = [[-10, 14]])))).toThrow(/layer 'yolo_1' \(yolo\): anchor 0 \(-10,14\) must have a width and height in \(0, 65536\]/);
    expect(() => validateGraph(small((o) => (o.anchors = [[10, 0]])))).toThrow(/anchor 0 \(10,0\)/);
    expect(() => validateGraph(small((o) => (o.anchors = [[Number.NaN, 3]])))).toThrow(/anchor 0 \(NaN,3\)/);
    expect(() => validateGraph(small((o) => (o.scaleXY = Number.NaN)))).toThrow(/scale_x_y NaN/);
    const g = small();
    const head = g.nodes[g.heads[0]];
    if (head.kind === 'yolo') head.nms = { kind: 'diou', beta: Number.POSITIVE_INFINITY };
    expect(() => validateGraph(g)).toThrow("layer 'yolo_1' (yolo): the DIoU NMS beta Infinity is not in [0, 16]");
  });

  it('refuses class names that would put control characters on a terminal or a picture', () => {
    const g = small();
    expect(() => validateGraph({ ...g, classNames: ['a', 'b\x1b]0;owned\x07', 'c'] })).toThrow("class name 1 'b\\x1b]0;owned\\x07' contains control characters");
    expect(() => validateGraph({ ...g, classNames: ['a', 'b', 'c'.repeat(300)] })).toThrow(/class name 2 'c+…' is longer than 256 characters/);
  });

  it('refuses an input size beyond the limit', () => {
    const g = small();
    expect(() => validateGraph({ ...g, inputSize: [100000, 8] })).toThrow(`the input size 8x100000 is not within 1..${GRAPH_LIMITS.inputSize} pixels`);
  });

  it('counts non-finite values without scanning twice from the start', () => {
    expect(firstNonFinite(Float32Array.of(1, 2, Number.NaN))).toBe(2);
    expect(firstNonFinite([1, 2])).toBe(-1);
    expect(nonFiniteText([Number.NaN])).toBe('its value is not finite (the first, NaN, at index 0)');
    expect(nonFiniteText([1])).toBeUndefined();
  });
});

describe('GraphBuilder refuses sizes shapes cannot be computed from', () => {
  const conv = (o: { stride?: number; kernel?: number; pads?: number }) => {
    const b = new GraphBuilder();
    const k = o.kernel ?? 3;
    return () => b.conv('conv_0', 0, { filters: 2, channels: 3, kernel: k, stride: o.stride, pads: o.pads, weights: new Float32Array(Math.max(0, 6 * k * k)), bias: new Float32Array(2) });
  };

  it('a stride of 0 (which would give infinite sizes), kernels and pads out of range', () => {
    expect(conv({ stride: 0 })).toThrow("layer 'conv_0' (conv): stride 0 is not an integer in 1..128");
    expect(conv({ kernel: 0 })).toThrow(/kernel height 0 is not an integer in 1\.\.128/);
    expect(conv({ pads: 5000 })).toThrow(/top padding 5000 is not an integer in 0\.\.128/);
    const b = new GraphBuilder();
    expect(() => b.maxpool('pool', 0, 2, 0)).toThrow("layer 'pool' (maxpool): stride 0 is not an integer in 1..128");
    expect(() => b.upsample('up', 0, 1000)).toThrow("layer 'up' (upsample): factor 1000 is not an integer in 1..64");
  });

  it('a graph of more nodes than any model has', () => {
    const b = new GraphBuilder();
    expect(() => {
      for (let k = 0; k < 30000; k++) b.activation(`relu_${k}`, b.last, 'relu');
    }).toThrow('the model has more than 20000 layers');
    expect(b.nodes).toHaveLength(20000);
  });

  it('shape inference refuses sizes beyond the tensor limit instead of computing them', () => {
    const b = new GraphBuilder();
    let x = 0;
    for (let k = 0; k < 4; k++) x = b.upsample(`up_${k}`, x, 64);
    b.yolo('yolo', x, [[1, 1]], 1);
    const graph = { nodes: b.nodes, heads: [b.last], inputSize: [8, 8], classNames: ['a'], source: 'test', maxStride: 1 } as Graph;
    expect(() => inferShapes(graph)).toThrow(/layer 'up_2' \(upsample\): its output 2097152x2097152x3 is not a size within 1048576x1048576x65536/);
  });
});

describe('printable', () => {
  it('escapes terminal control sequences, bidi overrides and line breaks, and cuts long text', () => {
    expect(printable('max\x1b[31mpool\x07')).toBe('max\\x1b[31mpool\\x07');
    expect(printable('a\nb\r\u202ec\u0085')).toBe('a\\x0ab\\x0d\\u202ec\\x85');
    expect(printable('x'.repeat(10), 4)).toBe('xxxx…');
    expect(printable('déjà vu ✓')).toBe('déjà vu ✓');
  });
});
