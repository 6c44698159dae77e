import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceForwardAll } from '../src/graph/reference-forward.js';
import type { ConvNode, Graph } from '../src/graph/types.js';
import { hasSeededWeights, loadDarknet } from '../src/loaders/darknet/index.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/darknet/${name}`, import.meta.url), 'utf8');
const convs = (graph: Graph) => graph.nodes.filter((n): n is ConvNode => n.kind === 'conv');

/** A smooth, photo-like [0,1] image: seeded weights must keep it O(1) through the network. */
function testImage(size: number): Float32Array {
  const data = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        data[(y * size + x) * 3 + c] = 0.5 + 0.45 * Math.sin(0.13 * (c + 1) * x + 0.07 * y) * Math.cos(0.05 * (c + 2) * y);
      }
    }
  }
  return data;
}

/** Root mean square of every darknet layer's output for the test image. */
function layerRms(cfgName: string, size: number): number[] {
  const model = loadDarknet({ cfg: fixture(cfgName) });
  const outputs = referenceForwardAll(model.graph, { dims: [1, size, size, 3], data: testImage(size) });
  return model.layerNodes.map((n) => {
    const d = outputs[n].data;
    let sum = 0;
    for (let k = 0; k < d.length; k++) sum += d[k] * d[k];
    return Math.sqrt(sum / d.length);
  });
}

describe('seeded darknet weights', () => {
  it('are deterministic per seed and say they are untrained', () => {
    const cfg = fixture('yolov3-tiny.cfg');
    const a = loadDarknet({ cfg });
    const b = loadDarknet({ cfg, seed: 0 });
    const c = loadDarknet({ cfg, seed: 1 });
    expect(a.weightsSource).toBe('seeded');
    expect(hasSeededWeights(a)).toBe(true);
    const [wa, wb, wc] = [a, b, c].map((m) => convs(m.graph)[5].weights);
    expect(Buffer.from(wa.buffer).equals(Buffer.from(wb.buffer))).toBe(true);
    expect(Buffer.from(wa.buffer).equals(Buffer.from(wc.buffer))).toBe(false);
    // Pinned values: the PRNG and the scaling must not drift, or every saved result changes.
    expect(Array.from(convs(a.graph)[0].weights.slice(0, 3), (v) => Number(v.toFixed(6)))).toMatchSnapshot();
  });

  it('scale each conv He-style, by its fan-in', () => {
    const graph = loadDarknet({ cfg: fixture('yolov3-tiny.cfg') }).graph;
    const [first, second] = convs(graph);
    // Uniform on [-a, a] with a = sqrt(3 / (fanIn * E[x^2])): E[x^2] = 1/3 for the image, and
    // (1 + 0.1^2)/2 + 0.05^2/3 after a seeded leaky conv (maxpool keeps it).
    const limit = (w: Float32Array) => w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(limit(first.weights)).toBeLessThanOrEqual(Math.sqrt(3 / 27 / (1 / 3)));
    expect(limit(first.weights)).toBeGreaterThan(0.95 * Math.sqrt(3 / 27 / (1 / 3)));
    const moment = 0.505 + 0.0025 / 3;
    expect(limit(second.weights)).toBeLessThanOrEqual(Math.sqrt(3 / (16 * 9 * moment)));
    expect(limit(second.weights)).toBeGreaterThan(0.99 * Math.sqrt(3 / (16 * 9 * moment)));
  });

  it('keep every layer of yolov3-tiny O(1) on an image', () => {
    const rms = layerRms('yolov3-tiny.cfg', 96);
    expect(Math.min(...rms)).toBeGreaterThan(0.1);
    expect(Math.max(...rms)).toBeLessThan(3);
  });

  it('keep every layer of yolov3 O(1) through 75 convs and 23 residual sums', () => {
    // 64 px keeps the float64 reference forward to a few seconds. At this size the deepest
    // maps are 2x2, where a 3x3 conv sees only 4 of its 9 taps inside the image, so the last
    // layers come out smaller than at 416 (a head at RMS ~0.08 here, 0.17-0.54 at 96 px).
    // Tracking only E[x^2], without the mean term at shortcuts, let the residual trunk reach
    // RMS ~10 at 96 px.
    const rms = layerRms('yolov3.cfg', 64);
    expect(Math.min(...rms)).toBeGreaterThan(0.05);
    expect(Math.max(...rms)).toBeLessThan(5);
    // The heads, what saliency differentiates, are neither vanishing nor exploding.
    for (const head of [82, 94, 106]) {
      expect(rms[head]).toBeGreaterThan(0.05);
      expect(rms[head]).toBeLessThan(3);
    }
  });
});
