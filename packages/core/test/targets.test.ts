import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/graph/builder.js';
import type { Graph } from '../src/graph/types.js';
import type { TensorData } from '../src/runtime/types.js';
import { headGeometries } from '../src/decode/head-geometry.js';
import { formatTarget, parseTarget, resolveTarget, targetValueAndHeadGradients, termValueAndPartials } from '../src/targets/index.js';
import type { Quantity, ResolvedTerm } from '../src/targets/types.js';

/** 32x32 input; head 0: 2x2 grid (stride 16), head 1: 1x1 grid (stride 32, scale_x_y 1.2); 2 anchors, 2 classes. */
function smallGraph(): Graph {
  const b = new GraphBuilder();
  const zeros = (n: number) => new Float32Array(n);
  const c0 = b.conv('conv_a', 0, { filters: 14, channels: 3, kernel: 1, stride: 16, weights: zeros(42), bias: zeros(14) });
  b.yolo('yolo_a', c0, [[10, 14], [23, 27]], 2);
  const c1 = b.conv('conv_b', 0, { filters: 14, channels: 3, kernel: 1, stride: 32, weights: zeros(42), bias: zeros(14) });
  b.yolo('yolo_b', c1, [[37, 58], [81, 82]], 2, 1.2);
  return b.build({ inputSize: [32, 32], classNames: ['person', 'traffic light'], source: 'test' });
}

/** Raw values on a 2^-12 grid within ±4, so that v ± 2^-12 stays exact in float32. */
function seededHeads(batch: number, seed: number): TensorData[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.round(((state / 2147483648) * 8 - 4) * 4096) / 4096;
  };
  return [[2, 2], [1, 1]].map(([h, w]) => {
    const data = new Float32Array(batch * h * w * 14);
    for (let i = 0; i < data.length; i++) data[i] = next();
    return { dims: [batch, h, w, 14], data };
  });
}

describe('parseTarget', () => {
  it('parses every form', () => {
    expect(parseTarget('top')).toEqual({ terms: [{ kind: 'detection', selector: { kind: 'top' }, quantity: 'score' }] });
    expect(parseTarget('det:3/objectness').terms[0]).toEqual({ kind: 'detection', selector: { kind: 'det', index: 3 }, quantity: 'objectness' });
    expect(parseTarget(' class:traffic light/w ').terms[0]).toEqual({ kind: 'detection', selector: { kind: 'class', name: 'traffic light' }, quantity: 'w' });
    expect(parseTarget('raw:scale=1,anchor=2,y=3,x=4,channel=5').terms[0]).toEqual({ kind: 'raw', scale: 1, anchor: 2, y: 3, x: 4, channel: 5 });
    expect(parseTarget('raw:channel=85, x=0,y=12,anchor=0,scale=2').terms[0]).toEqual({ kind: 'raw', scale: 2, anchor: 0, y: 12, x: 0, channel: 85 });
    for (const q of ['score', 'objectness', 'class', 'logit', 'x', 'y', 'w', 'h'] as Quantity[]) {
      expect(parseTarget(`top/${q}`).terms[0]).toMatchObject({ quantity: q });
    }
    const sum = parseTarget('top/x + det:1/logit+raw:scale=0,anchor=0,y=0,x=0,channel=4');
    expect(sum.terms.map((t) => t.kind)).toEqual(['detection', 'detection', 'raw']);
    expect(parseTarget(formatTarget(sum))).toEqual(sum);
    expect(formatTarget(parseTarget('class:dog'))).toBe('class:dog/score');
  });

  it('rejects bad specs, quoting the bad part', () => {
    expect(() => parseTarget('  ')).toThrow('empty target');
    expect(() => parseTarget('top+')).toThrow("target 'top+': empty term around '+'");
    expect(() => parseTarget('det:x')).toThrow("'x' in 'det:x' is not a detection index");
    expect(() => parseTarget('det:-1')).toThrow("'-1' in 'det:-1' is not a detection index");
    expect(() => parseTarget('top/size')).toThrow("unknown quantity 'size' in 'top/size'");
    expect(() => parseTarget('best/score')).toThrow("'best' is not a target");
    expect(() => parseTarget('class:/x')).toThrow("'class:/x' names no class");
    expect(() => parseTarget('raw:scale=1,anchor=2,y=3,x=4')).toThrow('is missing channel');
    expect(() => parseTarget('raw:scale=1,scale=2,anchor=0,y=0,x=0,channel=0')).toThrow("'scale' given twice");
    expect(() => parseTarget('raw:size=1')).toThrow("unknown raw key 'size=1'");
    expect(() => parseTarget('raw:scale=a,anchor=0,y=0,x=0,channel=0')).toThrow("'scale=a' needs a whole number >= 0");
    expect(() => parseTarget('raw:scale=1.5,anchor=0,y=0,x=0,channel=0')).toThrow("'scale=1.5' needs a whole number >= 0");
  });
});

describe('parseTarget on hostile specs (found by the fuzz suite, test/fuzz)', () => {
  const messageOf = (spec: string) => {
    try {
      parseTarget(spec);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`'${spec}' parsed`);
  };
  it('escapes control characters and line breaks in what it quotes', () => {
    const message = messageOf('class:\x1b[31mred/objectness\r+top/size');
    expect(message).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(message).toContain('\\x1b[31mred');
    expect(message).toContain("unknown quantity 'size'");
    expect(messageOf('a\u2028b')).toBe("target 'a\\u2028b': 'a\\u2028b' is not a target; use top, det:K, class:NAME (each optionally /QUANTITY) or raw:scale=S,anchor=A,y=Y,x=X,channel=C");
  });

  it('quotes at most a few hundred characters of a huge spec (it echoed 300,000)', () => {
    expect(messageOf(`top/${'x'.repeat(100_000)}`).length).toBeLessThan(400);
    expect(messageOf(`${'top+'.repeat(50_000)}+`).length).toBeLessThan(400);
  });
});

describe('resolveTarget', () => {
  const graph = smallGraph();
  /** Heads with one 'traffic light' at head 0 (1,0) anchor 1 and a weaker 'person' at head 1. */
  function headsWithTwoDetections(): TensorData[] {
    const heads = [new Float32Array(2 * 2 * 14), new Float32Array(14)].map((data, i) => ({ dims: [1, 2 - i, 2 - i, 14], data }));
    for (const h of heads) for (let i = 4; i < h.data.length; i += 7) h.data[i] = -8;
    heads[0].data.set([0, 0, 0, 0, 4, -6, 3], (2 * 2 + 0) * 7 + 7); // y=1,x=0 anchor 1
    heads[1].data.set([0, 0, 0, 0, 2, 1, -6], 0);
    return heads;
  }

  it('resolves top, det:K and class:NAME to the detection cells', () => {
    const heads = headsWithTwoDetections();
    const top = resolveTarget('top', graph, heads);
    expect(top.terms).toEqual([{ scale: 0, anchor: 1, y: 1, x: 0, quantity: 'score', channel: 1 }]);
    expect(top.detection?.className).toBe('traffic light');
    expect(top.detections).toHaveLength(2);
    expect(resolveTarget('det:1/x', graph, heads).terms).toEqual([{ scale: 1, anchor: 0, y: 0, x: 0, quantity: 'x', channel: 0 }]);
    const both = resolveTarget('class:person/objectness + raw:scale=0,anchor=0,y=1,x=1,channel=6', graph, heads);
    expect(both.terms).toEqual([
      { scale: 1, anchor: 0, y: 0, x: 0, quantity: 'objectness', channel: 0 },
      { scale: 0, anchor: 0, y: 1, x: 1, quantity: 'raw', channel: 6 },
    ]);
    expect(both.detection?.className).toBe('person');
    expect(both.termDetections[1]).toBeUndefined();
    expect(resolveTarget('class:Traffic Light', graph, heads).detection?.cell).toEqual({ scale: 0, anchor: 1, y: 1, x: 0 });
  });

  it('explains why a detection target cannot be resolved', () => {
    const heads = headsWithTwoDetections();
    expect(() => resolveTarget('top', graph, heads, { scoreThreshold: 0.99 })).toThrow(
      'no detection above score 0.99 to explain; lower --score-threshold or use a raw: target',
    );
    expect(() => resolveTarget('det:2', graph, heads)).toThrow("target 'det:2' asks for detection 2, but only 2 detection(s) scored above 0.25");
    expect(() => resolveTarget('class:dog', graph, heads)).toThrow("target 'class:dog': the model has no class 'dog' (classes: person, traffic light)");
    // The name comes from the user or a web request: escaped (found by the fuzz suite, test/fuzz).
    expect(() => resolveTarget('class:\x1b]0;title\x07', graph, heads)).toThrow("target 'class:\\x1b]0;title\\x07': the model has no class '\\x1b]0;title\\x07'");
    expect(() => resolveTarget('class:person', graph, heads, { scoreThreshold: 0.8 })).toThrow("no 'person' detection above score 0.8 to explain");
  });

  it('range-checks raw targets against the heads', () => {
    const heads = headsWithTwoDetections();
    const raw = (s: string) => () => resolveTarget(`raw:${s}`, graph, heads);
    expect(raw('scale=3,anchor=0,y=0,x=0,channel=0')).toThrow("raw target scale=3 is outside the model's 2 heads (scale 0..1)");
    expect(raw('scale=0,anchor=2,y=0,x=0,channel=0')).toThrow("raw target anchor=2 is outside head 0's 2 anchors (anchor 0..1)");
    expect(raw('scale=1,anchor=0,y=0,x=1,channel=0')).toThrow("raw target y=0,x=1 is outside head 1's 1x1 grid (y 0..0, x 0..0)");
    expect(raw('scale=0,anchor=0,y=0,x=0,channel=7')).toThrow("raw target channel=7 is outside head 0's 7 channels per anchor (channel 0..6");
    // raw targets need no detection at all
    expect(resolveTarget('raw:scale=0,anchor=1,y=1,x=1,channel=6', graph, heads, { scoreThreshold: 1 }).detections).toBeUndefined();
  });
});

describe('target head gradients', () => {
  const graph = smallGraph();
  const quantities: Array<Quantity | 'raw'> = ['score', 'objectness', 'class', 'logit', 'x', 'y', 'w', 'h', 'raw'];

  it('match central finite differences of each quantity in float64', () => {
    const heads = seededHeads(1, 7);
    const geometries = headGeometries(graph, heads);
    for (const scale of [0, 1]) {
      for (const quantity of quantities) {
        const term: ResolvedTerm = { scale, anchor: 1, y: 0, x: 0, quantity, channel: quantity === 'raw' ? 3 : 1 };
        const base = [0.3, -1.2, 0.4, -0.7, 1.1, -0.4, 0.9];
        const { value, partials } = termValueAndPartials(term, geometries[scale], (c) => base[c]);
        const derivative = new Map(partials);
        const step = 1e-5;
        for (let c = 0; c < 7; c++) {
          const at = (delta: number) => termValueAndPartials(term, geometries[scale], (k) => base[k] + (k === c ? delta : 0)).value;
          const fd = (at(step) - at(-step)) / (2 * step);
          const exact = derivative.get(c) ?? 0;
          expect(Math.abs(fd - exact), `${quantity} d/d channel ${c} at head ${scale}`).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(exact)));
        }
        expect(Number.isFinite(value)).toBe(true);
      }
    }
  });

  it('compute the documented values (box in input pixels, score = obj × class)', () => {
    const heads = seededHeads(1, 3);
    const [g0, g1] = headGeometries(graph, heads);
    const base = [Math.log(3), 0, Math.log(2), 0.5, 1, 0, 2];
    const v = (term: Partial<ResolvedTerm>, g = g0) =>
      termValueAndPartials({ scale: g.scale, anchor: 1, y: 1, x: 0, quantity: 'raw', channel: 1, ...term }, g, (c) => base[c]).value;
    expect(v({ quantity: 'x' })).toBeCloseTo(((0.75 + 0) / 2) * 32, 12);
    expect(v({ quantity: 'y' })).toBeCloseTo(((0.5 + 1) / 2) * 32, 12);
    // scale_x_y 1.2 on head 1: (0.75·1.2 - 0.1 + 0)/1·32
    expect(v({ quantity: 'x', y: 0 }, g1)).toBeCloseTo((0.75 * 1.2 - 0.1) * 32, 12);
    expect(v({ quantity: 'w' })).toBeCloseTo(23 * 2, 12);
    expect(v({ quantity: 'h' })).toBeCloseTo(27 * Math.exp(0.5), 12);
    const s = (t: number) => 1 / (1 + Math.exp(-t));
    expect(v({ quantity: 'score' })).toBeCloseTo(s(1) * s(2), 12);
    expect(v({ quantity: 'objectness' })).toBeCloseTo(s(1), 12);
    expect(v({ quantity: 'class' })).toBeCloseTo(s(2), 12);
    expect(v({ quantity: 'logit', channel: 0 })).toBe(0);
    expect(v({ quantity: 'raw', channel: 2 })).toBe(Math.log(2));
  });

  it('give the exact gradient on every raw head value, for a batch and a sum of terms', () => {
    const batch = 2;
    const heads = seededHeads(batch, 11);
    const terms: ResolvedTerm[] = [
      { scale: 0, anchor: 1, y: 1, x: 0, quantity: 'score', channel: 1 },
      { scale: 0, anchor: 1, y: 1, x: 0, quantity: 'objectness', channel: 1 }, // shares channel 4 with the score
      { scale: 1, anchor: 0, y: 0, x: 0, quantity: 'w', channel: 0 },
      { scale: 0, anchor: 0, y: 0, x: 1, quantity: 'x', channel: 0 },
      { scale: 1, anchor: 1, y: 0, x: 0, quantity: 'raw', channel: 6 },
    ];
    const { values, gradients } = targetValueAndHeadGradients(graph, { terms }, heads);
    expect(values).toHaveLength(batch);
    expect(gradients.map((g) => g.dims)).toEqual(heads.map((h) => h.dims));
    // Values lie on a 2^-12 grid within ±4 and the step is 2^-12: every perturbed value is exact in float32.
    const step = 2 ** -12;
    for (let s = 0; s < heads.length; s++) {
      const perItem = heads[s].data.length / batch;
      for (let i = 0; i < heads[s].data.length; i++) {
        const item = Math.floor(i / perItem);
        const original = heads[s].data[i];
        heads[s].data[i] = original + step;
        const plus = targetValueAndHeadGradients(graph, { terms }, heads).values[item];
        heads[s].data[i] = original - step;
        const minus = targetValueAndHeadGradients(graph, { terms }, heads).values[item];
        heads[s].data[i] = original;
        const fd = (plus - minus) / (2 * step);
        const exact = gradients[s].data[i];
        // float32 storage of the exact gradient and O(step²) truncation bound the difference
        expect(Math.abs(fd - exact), `head ${s} value ${i}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(exact)));
      }
    }
    // and the value is the sum of the terms, item by item
    const g = headGeometries(graph, heads);
    for (let n = 0; n < batch; n++) {
      let sum = 0;
      for (const t of terms) {
        const [, gh, gw, c] = heads[t.scale].dims;
        const at = ((n * gh + t.y) * gw + t.x) * c + t.anchor * 7;
        sum += termValueAndPartials(t, g[t.scale], (k) => heads[t.scale].data[at + k]).value;
      }
      expect(values[n]).toBeCloseTo(sum, 12);
    }
  });

  it('reject terms outside the heads', () => {
    const heads = seededHeads(1, 5);
    expect(() => targetValueAndHeadGradients(graph, { terms: [{ scale: 0, anchor: 0, y: 0, x: 0, quantity: 'score', channel: 2 }] }, heads)).toThrow(
      'class 2 is outside',
    );
  });
});
