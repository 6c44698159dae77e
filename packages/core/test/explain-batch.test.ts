/**
 * explainBatch gives every image exactly the maps explainAll gives it alone, in fewer runtime
 * calls: one forward of the batch, one backward per rule, one VisualBackProp; each image's
 * target is resolved on its own heads, and an image without a target fails alone.
 */
import { describe, expect, it } from 'vitest';
import { explainAll, explainBatch } from '../src/algorithms/index.js';
import type { MethodName } from '../src/algorithms/types.js';
import { GraphBuilder } from '../src/graph/builder.js';
import type { BackwardOptions, ForwardResult, LoadedModel, RecordOptions, Tape, TensorData } from '../src/runtime/types.js';
import { createSeededRandom } from '../src/util/random.js';

const H = 4;
const W = 4;
const INPUTS = H * W * 3;
// One 2x2 head, 1 anchor, 1 class: 6 raw channels per cell.
const OUTPUTS = 2 * 2 * 6;

function seeded(n: number, seed: number, scale = 1): Float64Array {
  const r = createSeededRandom(seed);
  return Float64Array.from({ length: n }, () => (r.uniform() * 2 - 1) * scale);
}

interface FakeTape extends Tape {
  inputs: Float32Array[];
  record: RecordOptions;
}

/**
 * head_j = Σ_i (A[j,i] x_i + Q[j,i] x_i²) + b_j, computed image by image (so the runtime is
 * batch-invariant, as a real one should be). Records every call.
 */
class QuadraticModel implements LoadedModel {
  readonly graph = (() => {
    const b = new GraphBuilder();
    const c = b.conv('conv', 0, { filters: 6, channels: 3, kernel: 1, stride: 2, weights: new Float32Array(18), bias: new Float32Array(6) });
    b.yolo('yolo', c, [[8, 8]], 1);
    return b.build({ inputSize: [H, W], classNames: ['thing'], source: 'test' });
  })();
  readonly inputSize: [number, number] = [H, W];
  readonly info = { name: 'fake', backend: 'js', device: 'CPU', notes: [] };
  calls: string[] = [];
  tapesOpen = 0;
  private readonly a = seeded(OUTPUTS * INPUTS, 11, 0.15);
  private readonly q = seeded(OUTPUTS * INPUTS, 12, 0.15);
  private readonly bias = Float64Array.from({ length: OUTPUTS }, (_, j) => (j % 6 === 4 ? -12 : 0));

  /**
   * Objectness -12 everywhere but at `cells`, where it grows with the brightness of the cell's
   * own 2x2 pixels: an image bright there has a detection there, a black image has none.
   */
  constructor(cells: number[]) {
    for (const c of cells) {
      this.bias[c * 6 + 4] = -6;
      this.bias[c * 6 + 5] = 2;
      for (let i = 0; i < INPUTS; i++) if (cellOf(i) === c) this.a[(c * 6 + 4) * INPUTS + i] += 1;
    }
  }

  private value(x: Float32Array): Float32Array {
    return Float32Array.from(this.bias, (b, j) => x.reduce((s, v, i) => s + this.a[j * INPUTS + i] * v + this.q[j * INPUTS + i] * v * v, b));
  }

  private vjp(x: Float32Array, g: Float32Array): Float32Array {
    return Float32Array.from({ length: INPUTS }, (_, i) => g.reduce((s, gj, j) => s + gj * (this.a[j * INPUTS + i] + 2 * this.q[j * INPUTS + i] * x[i]), 0));
  }

  async forward(input: TensorData, record?: RecordOptions): Promise<ForwardResult> {
    const n = input.dims[0];
    const inputs = Array.from({ length: n }, (_, k) => input.data.slice(k * INPUTS, (k + 1) * INPUTS));
    this.calls.push(`forward ${n}${record ? ` record ${record.gradients ? 'g' : ''}${record.visualBackProp ? 'v' : ''}` : ''}`);
    const data = new Float32Array(n * OUTPUTS);
    inputs.forEach((x, k) => data.set(this.value(x), k * OUTPUTS));
    const heads = [{ dims: [n, 2, 2, 6], data }];
    if (!record) return { heads };
    this.tapesOpen++;
    const tape: FakeTape = { runtime: 'fake', batch: n, inputs, record, dispose: () => void this.tapesOpen-- };
    return { heads, tape };
  }

  async backward(tape: Tape, headGradients: TensorData[], options: BackwardOptions): Promise<TensorData> {
    const { inputs } = tape as FakeTape;
    this.calls.push(`backward ${inputs.length} ${options.rule}`);
    const data = new Float32Array(inputs.length * INPUTS);
    inputs.forEach((x, k) => {
      const g = this.vjp(x, headGradients[0].data.subarray(k * OUTPUTS, (k + 1) * OUTPUTS));
      data.set(options.rule === 'guided' ? g.map((v) => Math.max(v, 0)) : g, k * INPUTS);
    });
    return { dims: [inputs.length, H, W, 3], data };
  }

  async visualBackProp(tape: Tape): Promise<TensorData> {
    const { inputs } = tape as FakeTape;
    this.calls.push(`vbp ${inputs.length}`);
    const data = new Float32Array(inputs.length * H * W);
    inputs.forEach((x, k) => {
      for (let p = 0; p < H * W; p++) data[k * H * W + p] = (x[p * 3] * x[p * 3 + 1] + x[p * 3 + 2]) / 2;
    });
    return { dims: [inputs.length, H, W], data };
  }

  dispose(): void {}
}

/** The head cell (y*2 + x) above input value i. */
const cellOf = (i: number) => {
  const p = Math.floor(i / 3);
  return Math.floor(Math.floor(p / W) / 2) * 2 + Math.floor((p % W) / 2);
};

/** An image bright (about 0.9) over the pixels of head cell `cell`, dark (0.1) elsewhere. */
const brightAt = (cell: number, seed: number): TensorData => ({
  dims: [1, H, W, 3],
  data: Float32Array.from(seeded(INPUTS, seed, 0.05), (v, i) => (cellOf(i) === cell ? 0.9 : 0.1) + v),
});

const image = (seed: number, scale = 0.4): TensorData => ({ dims: [1, H, W, 3], data: Float32Array.from(seeded(INPUTS, seed), (v) => 0.5 + scale * v) });

const ALL: MethodName[] = ['vanilla', 'integrated-gradients', 'guided', 'visual-backprop', 'smoothgrad'];

describe('explainBatch', () => {
  it('gives each image exactly the maps, values and detections explainAll gives it alone', async () => {
    const model = new QuadraticModel([0, 3]);
    const images = [1, 2, 3, 4, 5].map((s) => brightAt(s % 2 ? 0 : 3, s));
    const options = { target: 'top', steps: 5, samples: 3, batchSize: 2, detections: true } as const;
    const batch = await explainBatch(model, images, ALL, options);
    expect(batch).toHaveLength(images.length);
    const cells = new Set<string>();
    for (const [n, input] of images.entries()) {
      const alone = await explainAll(model, input, ALL, options);
      const outcome = batch[n];
      if (outcome.status !== 'fulfilled') throw outcome.reason;
      const got = outcome.value;
      expect(got.targetValue).toBe(alone.targetValue);
      expect(got.detection).toEqual(alone.detection);
      expect(got.detections).toEqual(alone.detections);
      cells.add(JSON.stringify(got.detection?.cell));
      expect(got.maps.map((m) => m.method)).toEqual(ALL);
      for (const [k, map] of got.maps.entries()) {
        expect(map.map.dims, map.method).toEqual(alone.maps[k].map.dims);
        expect(Array.from(map.map.data), map.method).toEqual(Array.from(alone.maps[k].map.data));
        expect(map.targetValue).toBe(alone.maps[k].targetValue);
        expect(map.completenessError).toBe(alone.maps[k].completenessError);
        expect(map.completeness).toEqual(alone.maps[k].completeness);
      }
    }
    // The images' top detections are not all in the same cell: targets are resolved per image.
    expect(cells.size).toBeGreaterThan(1);
    expect(model.tapesOpen).toBe(0);
  });

  it('runs vanilla, guided and VisualBackProp as one forward, one backward per rule and one VBP call', async () => {
    const model = new QuadraticModel([1, 2]);
    const images = [1, 2, 3, 4, 5, 6].map((s) => image(s));
    const progress: string[] = [];
    const batch = await explainBatch(model, images, ['vanilla', 'guided', 'visual-backprop'], { onProgress: (d, t, m) => progress.push(`${m} ${d}/${t}`) });
    expect(batch.every((o) => o.status === 'fulfilled')).toBe(true);
    expect(model.calls).toEqual(['forward 6 record gv', 'backward 6 plain', 'backward 6 guided', 'vbp 6']);
    expect(progress).toEqual(['vanilla 1/1', 'guided 1/1', 'visual-backprop 1/1']);
  });

  it('fails an image without a detection alone, with the error explainAll throws', async () => {
    const model = new QuadraticModel([1]);
    // A black image: the cell that detects on bright images stays below 0.25.
    const dark: TensorData = { dims: [1, H, W, 3], data: new Float32Array(INPUTS).fill(0) };
    const images = [brightAt(1, 1), dark, brightAt(1, 3)];
    const methods: MethodName[] = ['vanilla', 'integrated-gradients'];
    const aloneError = await explainAll(model, dark, methods, { steps: 3 }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(aloneError).toMatch(/no detection above score/);
    const batch = await explainBatch(model, images, methods, { steps: 3 });
    expect(batch.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batch[1].status === 'rejected' && batch[1].reason.message).toBe(aloneError);
    for (const n of [0, 2]) {
      const alone = await explainAll(model, images[n], methods, { steps: 3 });
      const got = batch[n];
      if (got.status !== 'fulfilled') throw got.reason;
      got.value.maps.forEach((m, k) => expect(Array.from(m.map.data)).toEqual(Array.from(alone.maps[k].map.data)));
    }
  });

  it('refuses inputs of the wrong size and empty method lists; an empty batch is no work', async () => {
    const model = new QuadraticModel([1]);
    await expect(explainBatch(model, [image(1)], [])).rejects.toThrow(/no method/);
    await expect(explainBatch(model, [{ dims: [1, 2, 2, 3], data: new Float32Array(12) }], ['vanilla'])).rejects.toThrow(/input must be \[1, 4, 4, 3\]/);
    expect(await explainBatch(model, [], ['vanilla'])).toEqual([]);
    expect(model.calls).toEqual([]);
  });
});
