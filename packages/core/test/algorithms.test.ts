import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/graph/builder.js';
import type { Graph } from '../src/graph/types.js';
import type { BackwardOptions, ForwardResult, LoadedModel, RecordOptions, Tape, TensorData } from '../src/runtime/types.js';
import { explain, explainAll } from '../src/algorithms/index.js';
import { createSeededRandom } from '../src/util/random.js';

// A 4x4 RGB input and one 2x2 head (1 anchor [8, 8], 1 class: 6 channels per cell).
const H = 4;
const W = 4;
const INPUTS = H * W * 3;
const OUTPUTS = 2 * 2 * 6;

function headGraph(): Graph {
  const b = new GraphBuilder();
  const c = b.conv('conv', 0, { filters: 6, channels: 3, kernel: 1, stride: 2, weights: new Float32Array(18), bias: new Float32Array(6) });
  b.yolo('yolo', c, [[8, 8]], 1);
  return b.build({ inputSize: [H, W], classNames: ['thing'], source: 'test' });
}

/** An analytic differentiable "network": raw head values as a function of one input image. */
interface AnalyticFunction {
  value(x: Float32Array): Float64Array;
  /** d (g · value) / d x */
  vjp(x: Float32Array, g: Float32Array): Float64Array;
}

function seeded(n: number, seed: number, scale = 1): Float64Array {
  const r = createSeededRandom(seed);
  return Float64Array.from({ length: n }, () => (r.uniform() * 2 - 1) * scale);
}

/** head_j = Σ_i W[j,i] x_i + b_j */
function linear(weights: Float64Array, bias: Float64Array): AnalyticFunction {
  return {
    value: (x) => bias.map((b, j) => x.reduce((s, v, i) => s + weights[j * INPUTS + i] * v, b)),
    vjp: (_x, g) => Float64Array.from({ length: INPUTS }, (_, i) => g.reduce((s, gj, j) => s + gj * weights[j * INPUTS + i], 0)),
  };
}

/** head_j = Σ_i Q[j,i] x_i² + b_j */
function quadratic(q: Float64Array, bias: Float64Array): AnalyticFunction {
  return {
    value: (x) => bias.map((b, j) => x.reduce((s, v, i) => s + q[j * INPUTS + i] * v * v, b)),
    vjp: (x, g) => Float64Array.from({ length: INPUTS }, (_, i) => g.reduce((s, gj, j) => s + gj * 2 * q[j * INPUTS + i] * x[i], 0)),
  };
}

interface FakeTape extends Tape {
  inputs: Float32Array[];
  record: RecordOptions;
}

/**
 * A LoadedModel over an analytic function, recording every call. Its 'guided' rule keeps
 * only positive input gradients, so a test can tell which rule was used.
 */
class FakeModel implements LoadedModel {
  readonly graph = headGraph();
  readonly inputSize: [number, number] = [H, W];
  readonly info = { name: 'fake', backend: 'js', device: 'CPU', notes: [] };
  forwards: Array<{ batch: number; record?: RecordOptions }> = [];
  backwards: Array<{ batch: number; rule: string }> = [];
  vbpCalls = 0;
  tapesOpen = 0;

  constructor(private readonly fn: AnalyticFunction) {}

  private items(input: TensorData): Float32Array[] {
    return Array.from({ length: input.dims[0] }, (_, n) => input.data.slice(n * INPUTS, (n + 1) * INPUTS));
  }

  async forward(input: TensorData, record?: RecordOptions): Promise<ForwardResult> {
    const items = this.items(input);
    this.forwards.push({ batch: items.length, record });
    const data = new Float32Array(items.length * OUTPUTS);
    items.forEach((x, n) => data.set(this.fn.value(x), n * OUTPUTS));
    const heads = [{ dims: [items.length, 2, 2, 6], data }];
    if (!record) return { heads };
    this.tapesOpen++;
    const tape: FakeTape = { runtime: 'fake', batch: items.length, inputs: items, record, dispose: () => void this.tapesOpen-- };
    return { heads, tape };
  }

  async backward(tape: Tape, headGradients: TensorData[], options: BackwardOptions): Promise<TensorData> {
    const { inputs, record } = tape as FakeTape;
    if (!record.gradients) throw new Error('tape has no gradients');
    this.backwards.push({ batch: inputs.length, rule: options.rule });
    const data = new Float32Array(inputs.length * INPUTS);
    inputs.forEach((x, n) => {
      const g = this.fn.vjp(x, headGradients[0].data.subarray(n * OUTPUTS, (n + 1) * OUTPUTS));
      data.set(options.rule === 'guided' ? g.map((v) => Math.max(v, 0)) : g, n * INPUTS);
    });
    return { dims: [inputs.length, H, W, 3], data };
  }

  /** A stand-in map: the channel mean of the input, scaled to [0, 1]. */
  async visualBackProp(tape: Tape): Promise<TensorData> {
    const { inputs, record } = tape as FakeTape;
    if (!record.visualBackProp) throw new Error('tape has no VBP record');
    this.vbpCalls++;
    const data = new Float32Array(inputs.length * H * W);
    inputs.forEach((x, n) => {
      for (let p = 0; p < H * W; p++) data[n * H * W + p] = (x[p * 3] + x[p * 3 + 1] + x[p * 3 + 2]) / 3;
    });
    return { dims: [inputs.length, H, W], data };
  }

  dispose(): void {}
}

const input: TensorData = { dims: [1, H, W, 3], data: Float32Array.from(seeded(INPUTS, 1), (v) => 0.5 + 0.4 * v) };
// Raw head value j = ((y*2 + x)*6 + channel) for anchor 0.
const RAW_J = (1 * 2 + 0) * 6 + 4; // cell (1,0), objectness logit
const RAW_TARGET = 'raw:scale=0,anchor=0,y=1,x=0,channel=4';

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `element ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected[i])));
  }
}

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));

describe('explain with an analytic model', () => {
  const weights = seeded(OUTPUTS * INPUTS, 2);
  // A strong detection at cell (0,1): objectness and class biases high there, low elsewhere.
  const bias = Float64Array.from({ length: OUTPUTS }, (_, j) => (j % 6 === 4 ? -12 : 0));
  bias[(0 * 2 + 1) * 6 + 4] = 4;
  bias[(0 * 2 + 1) * 6 + 5] = 3;

  it('vanilla on a raw target is the exact gradient (row of W)', async () => {
    const model = new FakeModel(linear(weights, bias));
    const result = await explain(model, input, { method: 'vanilla', target: RAW_TARGET });
    expect(result.map.dims).toEqual([H, W, 3]);
    expectClose(result.map.data, weights.subarray(RAW_J * INPUTS, (RAW_J + 1) * INPUTS), 1e-6);
    expect(result.targetValue).toBeCloseTo(linear(weights, bias).value(input.data)[RAW_J], 5);
    expect(result.detection).toBeUndefined();
    expect(model.backwards).toEqual([{ batch: 1, rule: 'plain' }]);
    expect(model.forwards).toEqual([{ batch: 1, record: { gradients: true, visualBackProp: false } }]);
    expect(model.tapesOpen).toBe(0);
    expect(result.milliseconds).toBeGreaterThanOrEqual(0);
  });

  it('vanilla on the top detection score chains through sigmoid(obj)·sigmoid(class)', async () => {
    const fn = linear(weights, bias);
    const model = new FakeModel(fn);
    const result = await explain(model, input, { method: 'vanilla' });
    expect(result.detection?.cell).toEqual({ scale: 0, anchor: 0, y: 0, x: 1 });
    const head = fn.value(input.data);
    const jObj = (0 * 2 + 1) * 6 + 4;
    const so = sigmoid(head[jObj]);
    const sc = sigmoid(head[jObj + 1]);
    expect(result.targetValue).toBeCloseTo(so * sc, 6);
    const expected = Float64Array.from({ length: INPUTS }, (_, i) => so * (1 - so) * sc * weights[jObj * INPUTS + i] + so * sc * (1 - sc) * weights[(jObj + 1) * INPUTS + i]);
    expectClose(result.map.data, expected, 1e-5);
  });

  it('guided asks the runtime for the guided rule', async () => {
    const model = new FakeModel(linear(weights, bias));
    const result = await explain(model, input, { method: 'guided', target: RAW_TARGET });
    expect(model.backwards).toEqual([{ batch: 1, rule: 'guided' }]);
    expectClose(result.map.data, weights.subarray(RAW_J * INPUTS, (RAW_J + 1) * INPUTS).map((v) => Math.max(v, 0)), 1e-6);
  });

  it("integrated gradients on a linear model equal (x - x')·W with ~0 completeness error", async () => {
    const row = weights.subarray(RAW_J * INPUTS, (RAW_J + 1) * INPUTS);
    for (const baseline of [0, 0.5, { dims: [1, H, W, 3], data: Float32Array.from(seeded(INPUTS, 9), (v) => 0.3 * v) }]) {
      const model = new FakeModel(linear(weights, bias));
      const result = await explain(model, input, { method: 'integrated-gradients', target: RAW_TARGET, baseline, steps: 5 });
      const base = (i: number) => (typeof baseline === 'number' ? baseline : baseline.data[i]);
      expectClose(result.map.data, Float64Array.from(row, (w, i) => (input.data[i] - base(i)) * w), 1e-5);
      expect(result.completenessError).toBeLessThan(1e-5);
      const fn = linear(weights, bias);
      const baselineInput = Float32Array.from({ length: INPUTS }, (_, i) => base(i));
      expect(result.completeness?.delta).toBeCloseTo(fn.value(input.data)[RAW_J] - fn.value(baselineInput)[RAW_J], 4);
    }
  });

  it('integrated gradients on a quadratic follow the right Riemann sum by hand', async () => {
    const q = seeded(OUTPUTS * INPUTS, 4);
    const model = new FakeModel(quadratic(q, bias));
    const m = 4;
    const result = await explain(model, input, { method: 'integrated-gradients', target: RAW_TARGET, steps: m });
    // grad at (k/m)x is 2q·(k/m)x; mean over k = 1..4 of k/4 is 5/8, so IG_i = 2·q_i·x_i²·5/8.
    const qi = (i: number) => q[RAW_J * INPUTS + i];
    const x = input.data;
    expectClose(result.map.data, Float64Array.from(x, (v, i) => 2 * qi(i) * v * v * (5 / 8)), 1e-5);
    // F(x) - F(0) = Σ q x², Σ IG = 5/4 Σ q x², so the completeness error is exactly 1/4.
    const delta = x.reduce((s, v, i) => s + qi(i) * v * v, 0);
    expect(result.completeness?.delta).toBeCloseTo(delta, 4);
    expect(result.completeness?.attributionSum).toBeCloseTo(1.25 * delta, 4);
    expect(result.completenessError).toBeCloseTo(0.25, 5);
  });

  it('runs 20 IG steps with batch size 8 as 3 calls and reports progress per batch', async () => {
    const model = new FakeModel(linear(weights, bias));
    const progress: Array<[number, number]> = [];
    await explain(model, input, { method: 'integrated-gradients', target: 'top', batchSize: 8, onProgress: (d, t) => progress.push([d, t]) });
    expect(model.backwards.map((b) => b.batch)).toEqual([8, 8, 4]);
    // first forward resolves the target (no recording), then 3 recorded batches, then F(baseline)
    expect(model.forwards.map((f) => [f.batch, f.record?.gradients ?? false])).toEqual([[1, false], [8, true], [8, true], [4, true], [1, false]]);
    expect(progress).toEqual([[8, 20], [16, 20], [20, 20]]);
    expect(model.tapesOpen).toBe(0);
  });

  it('smoothgrad with noise 0 equals vanilla; with noise it averages gradients at seeded noisy inputs', async () => {
    const q = seeded(OUTPUTS * INPUTS, 5);
    const vanilla = await explain(new FakeModel(quadratic(q, bias)), input, { method: 'vanilla', target: RAW_TARGET });
    const noiseless = await explain(new FakeModel(quadratic(q, bias)), input, { method: 'smoothgrad', target: RAW_TARGET, noise: 0, samples: 3 });
    expect(Array.from(noiseless.map.data)).toEqual(Array.from(vanilla.map.data));

    const model = new FakeModel(quadratic(q, bias));
    const progress: Array<[number, number]> = [];
    const samples = 5;
    const noise = 0.2;
    const result = await explain(model, input, { method: 'smoothgrad', target: RAW_TARGET, noise, samples, seed: 42, batchSize: 2, onProgress: (d, t) => progress.push([d, t]) });
    expect(progress).toEqual([[2, 5], [4, 5], [5, 5]]);
    const x = input.data;
    const sigma = noise * (Math.max(...x) - Math.min(...x));
    const random = createSeededRandom(42);
    const expected = new Float64Array(INPUTS);
    for (let s = 0; s < samples; s++) {
      for (let i = 0; i < INPUTS; i++) expected[i] += (2 * q[RAW_J * INPUTS + i] * Math.fround(x[i] + sigma * random.normal())) / samples;
    }
    expectClose(result.map.data, expected, 1e-5);
    // the noise depends on the seed only, not on how samples are batched
    const rebatched = await explain(new FakeModel(quadratic(q, bias)), input, { method: 'smoothgrad', target: RAW_TARGET, noise, samples, seed: 42, batchSize: 8 });
    expect(Array.from(rebatched.map.data)).toEqual(Array.from(result.map.data));
    const reseeded = await explain(new FakeModel(quadratic(q, bias)), input, { method: 'smoothgrad', target: RAW_TARGET, noise, samples, seed: 43 });
    expect(Array.from(reseeded.map.data)).not.toEqual(Array.from(result.map.data));
  });

  it('visual-backprop returns the runtime map as [H, W, 1] from a tape recorded for it', async () => {
    const model = new FakeModel(linear(weights, bias));
    const result = await explain(model, input, { method: 'visual-backprop' });
    expect(result.map.dims).toEqual([H, W, 1]);
    expect(result.map.data[5]).toBeCloseTo((input.data[15] + input.data[16] + input.data[17]) / 3, 6);
    expect(model.forwards).toEqual([{ batch: 1, record: { gradients: false, visualBackProp: true } }]);
    expect(model.vbpCalls).toBe(1);
    expect(model.tapesOpen).toBe(0);
  });

  it('explainAll shares one forward, one target resolution and one decoding, and returns the detections', async () => {
    const model = new FakeModel(linear(weights, bias));
    const progress: Array<[number, number, string]> = [];
    const { maps, detections, targetValue, detection } = await explainAll(model, input, ['vanilla', 'guided', 'visual-backprop', 'integrated-gradients'], {
      steps: 2,
      detections: true,
      onProgress: (done, total, method) => progress.push([done, total, method]),
    });
    expect(maps.map((m) => m.method)).toEqual(['vanilla', 'guided', 'visual-backprop', 'integrated-gradients']);
    // The detections are the decoder's on the same heads, and the explained one is among them.
    expect(detections!.length).toBeGreaterThan(0);
    expect(detection).toEqual(detections![0]);
    expect(targetValue).toBe(maps[0].targetValue);
    expect(progress).toEqual([[1, 1, 'vanilla'], [1, 1, 'guided'], [1, 1, 'visual-backprop'], [2, 2, 'integrated-gradients']]);
    expect(model.forwards[0]).toEqual({ batch: 1, record: { gradients: true, visualBackProp: true } });
    expect(model.forwards).toHaveLength(3); // shared + 1 IG batch + F(baseline)
    expect(new Set(maps.map((m) => m.targetValue)).size).toBe(1);
    expect(maps.every((m) => m.detection?.cell.x === 1)).toBe(true);
    expect(model.tapesOpen).toBe(0);
    // Not asked for: not decoded.
    expect((await explainAll(model, input, ['vanilla'])).detections).toBeUndefined();
  });

  it('rejects bad options and inputs with clear errors', async () => {
    const model = new FakeModel(linear(weights, bias));
    const run = (o: object, x: TensorData = input) => explain(model, x, { method: 'integrated-gradients', ...o });
    await expect(run({ steps: 0 })).rejects.toThrow('explain: steps must be an integer >= 1, got 0');
    await expect(run({ steps: 2.5 })).rejects.toThrow('steps must be an integer >= 1, got 2.5');
    await expect(run({ samples: 0 })).rejects.toThrow('samples must be an integer >= 1, got 0');
    await expect(run({ noise: -0.1 })).rejects.toThrow('noise must be a number >= 0, got -0.1');
    await expect(run({ batchSize: 0 })).rejects.toThrow('batchSize must be an integer >= 1');
    await expect(run({ baseline: { dims: [1, 2, 2, 3], data: new Float32Array(12) } })).rejects.toThrow("baseline dims [1, 2, 2, 3] differ from the input's [1, 4, 4, 3]");
    await expect(run({}, { dims: [1, 8, 8, 3], data: new Float32Array(192) })).rejects.toThrow("input must be [1, 4, 4, 3] (one RGB image at the model's input size 4x4), got [1, 8, 8, 3]");
    await expect(run({}, { dims: [2, 4, 4, 3], data: new Float32Array(96) })).rejects.toThrow('input must be [1, 4, 4, 3]');
    await expect(explain(model, input, { method: 'gradcam' as never })).rejects.toThrow("unknown method 'gradcam'");
    await expect(run({ target: 'top', scoreThreshold: 0.999 })).rejects.toThrow('no detection above score 0.999 to explain');
    expect(model.tapesOpen).toBe(0);
  });
});
