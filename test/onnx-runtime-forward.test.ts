/**
 * The exported ONNX model run by onnxruntime-node (CPU) against core's float64 reference
 * forward: the heads, and every tape output (signs, maxpool argmax, VBP channel means,
 * logistic outputs).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '@yolo-saliency/core/onnx';
import { referenceForward, referenceForwardAll } from '@yolo-saliency/core/graph';
import type { Graph, TensorData } from '@yolo-saliency/core';
import type { OnnxOutputInfo } from '@yolo-saliency/core/onnx';
import { everyKindGraph, yolov3Tiny } from '../packages/core/test/helpers/onnx-models.js';
import { mulberry32 } from '../packages/core/test/helpers/onnx-random.js';
import { foreignModel, onnxNode } from '../packages/core/test/helpers/onnx-foreign.js';
import { encodeOnnxModel } from '../packages/core/src/onnx/encode-model.js';
import { DATA_TYPE } from '../packages/core/src/onnx/onnx-schema.js';
import { float32Tensor, int64Tensor } from '../packages/core/src/onnx/tensor-data.js';
import { yolov4KindsModel } from '../packages/runtime-tfjs/test/helpers/yolov4-kinds-model.js';

/** The part of onnxruntime-node's API used here (it is a dependency of runtime-onnx, not of the root). */
interface OrtTensor {
  dims: readonly number[];
  type: string;
  data: ArrayLike<number>;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}
const ort = createRequire(new URL('../packages/runtime-onnx/package.json', import.meta.url))('onnxruntime-node') as OrtModule;

function randomInput(batch: number, [h, w]: [number, number], seed: number): TensorData {
  const rand = mulberry32(seed);
  return { dims: [batch, h, w, 3], data: Float32Array.from({ length: batch * h * w * 3 }, rand) };
}

function nhwcToNchw({ dims: [n, h, w, c], data }: TensorData): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = data[((b * h + y) * w + x) * c + k];
  return out;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

async function runExported(graph: Graph, input: TensorData, tape: boolean): Promise<{ outputs: OnnxOutputInfo[]; results: Record<string, OrtTensor> }> {
  const [batch, h, w] = input.dims;
  const { bytes, outputs } = exportOnnx(graph, { inputSize: [h, w], tape: tape ? { signs: true, argmax: true, means: true } : undefined });
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const feed = { input: new ort.Tensor('float32', nhwcToNchw(input), [batch, 3, h, w]) };
    const results = (await session.run(feed));
    return { outputs, results };
  } finally {
    await session.release();
  }
}

/** Every output's dims as declared, with N = batch. */
function expectDeclaredDims(outputs: OnnxOutputInfo[], results: Record<string, OrtTensor>, batch: number): void {
  for (const o of outputs) {
    expect(results[o.name].dims, o.name).toEqual([batch, ...o.dims.slice(1)]);
    expect(results[o.name].type, o.name).toBe(o.dtype);
  }
}

function checkHeads(graph: Graph, reference: TensorData[], outputs: OnnxOutputInfo[], results: Record<string, OrtTensor>): void {
  const heads = outputs.filter((o) => o.kind === 'head');
  expect(heads.map((o) => o.node)).toEqual(graph.heads);
  for (const o of heads) {
    const want = nhwcToNchw(reference[o.node]);
    const got = results[o.name].data as Float32Array;
    expect(maxAbsDiff(got, want), o.name).toBeLessThanOrEqual(1e-4 * maxAbs(want));
  }
}

function checkTape(graph: Graph, reference: TensorData[], outputs: OnnxOutputInfo[], results: Record<string, OrtTensor>): Set<string> {
  const seen = new Set<string>();
  for (const o of outputs) {
    const node = graph.nodes[o.node];
    const got = results[o.name].data;
    seen.add(o.kind);
    if (o.kind === 'sign') {
      const x = nhwcToNchw(reference[node.inputs[0]]);
      // Float32 (ORT) and float64 (reference) may disagree on the sign of values within rounding of 0.
      const tolerance = 1e-5 * maxAbs(x);
      let disagreements = 0;
      x.forEach((v, i) => {
        if (got[i] !== (v > 0 ? 1 : 0) && !(Math.abs(v) <= tolerance)) disagreements++;
      });
      expect(disagreements, o.name).toBe(0);
      expect(Array.from(got as Uint8Array).some((v) => v === 0) && Array.from(got as Uint8Array).some((v) => v === 1), `${o.name} has both signs`).toBe(true);
    } else if (o.kind === 'argmax') {
      if (node.kind !== 'maxpool') throw new Error(`argmax output for a ${node.kind}`);
      const x = nhwcToNchw(reference[node.inputs[0]]);
      const y = nhwcToNchw(reference[o.node]);
      const [, c, oh, ow] = o.dims;
      const [h, w] = reference[node.inputs[0]].dims.slice(1, 3);
      const batch = reference[0].dims[0];
      let wrong = 0;
      for (let n = 0; n < batch; n++) {
        for (let k = 0; k < c; k++) {
          for (let oy = 0; oy < oh; oy++) {
            for (let ox = 0; ox < ow; ox++) {
              const out = ((n * c + k) * oh + oy) * ow + ox;
              const index = Number(got[out]);
              const [iy, ix] = [Math.floor(index / w), index % w];
              // Inside the window and inside the image, and it holds the max.
              const [dy, dx] = [iy - (oy * node.stride - node.pads.top), ix - (ox * node.stride - node.pads.left)];
              const inWindow = dy >= 0 && dy < node.size && dx >= 0 && dx < node.size && iy < h && ix < w;
              if (!inWindow || Math.abs(x[((n * c + k) * h + iy) * w + ix] - y[out]) > 1e-5) wrong++;
            }
          }
        }
      }
      expect(wrong, `${o.name}: indices outside the window or not at the max`).toBe(0);
    } else if (o.kind === 'mean') {
      const a = reference[o.node];
      const [n, h, w, c] = a.dims;
      const want = new Float32Array(n * h * w);
      for (let p = 0; p < n * h * w; p++) {
        let sum = 0;
        for (let k = 0; k < c; k++) sum += a.data[p * c + k];
        if (sum < 0) seen.add('mean clamped at 0');
        want[p] = Math.max(0, sum / c);
      }
      expect(maxAbsDiff(got as Float32Array, want), o.name).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(want)));
    } else if (o.kind === 'activation-output' || o.kind === 'activation-input') {
      // What the activation's backward reads: its output (logistic) or its input (mish, swish).
      const source = o.kind === 'activation-output' ? o.node : graph.nodes[o.node].inputs[0];
      const want = nhwcToNchw(reference[source]);
      expect(maxAbsDiff(got as Float32Array, want), o.name).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(want)));
    }
  }
  return seen;
}

describe('exported ONNX on onnxruntime-node', () => {
  it('a graph with every layer kind: heads and every tape output match the reference (batch 2)', async () => {
    const graph = everyKindGraph();
    const input = randomInput(2, [32, 32], 5);
    const reference = referenceForwardAll(graph, input);
    const { outputs, results } = await runExported(graph, input, true);
    expectDeclaredDims(outputs, results, 2);
    checkHeads(graph, reference, outputs, results);
    expect(checkTape(graph, reference, outputs, results)).toEqual(new Set(['head', 'sign', 'argmax', 'mean', 'activation-output', 'mean clamped at 0']));
    // One sign per leaky/relu, one argmax per maxpool, one mean per non-linear activation.
    const count = (kind: string) => outputs.filter((o) => o.kind === kind).length;
    expect([count('sign'), count('argmax'), count('mean'), count('activation-output')]).toEqual([3, 2, 4, 1]);
  });

  it('the YOLOv4 family\'s kinds (grouped and depthwise convs, channel slices, mish, swish): heads and tape match, and the import gives the graph back', async () => {
    const graph = yolov4KindsModel(3);
    const input = randomInput(2, [16, 16], 6);
    const reference = referenceForwardAll(graph, input);
    const { outputs, results } = await runExported(graph, input, true);
    expectDeclaredDims(outputs, results, 2);
    checkHeads(graph, reference, outputs, results);
    expect(checkTape(graph, reference, outputs, results)).toEqual(new Set(['head', 'sign', 'argmax', 'mean', 'activation-output', 'activation-input', 'mean clamped at 0']));
    // One input tape per mish and swish (4), one sign per leaky/relu (2).
    const count = (kind: string) => outputs.filter((o) => o.kind === kind).length;
    expect([count('activation-input'), count('sign'), count('activation-output')]).toEqual([4, 2, 1]);
    const { bytes } = exportOnnx(graph, { tape: { signs: true, argmax: true, means: true } });
    expect(importOnnx(bytes, 'v4.onnx').graph).toEqual({ ...graph, source: 'onnx' });
  });

  it('yolov3-tiny at 64x64: heads and tape match the reference', async () => {
    const graph = yolov3Tiny();
    const input = randomInput(1, [64, 64], 9);
    const reference = referenceForwardAll(graph, input);
    const { outputs, results } = await runExported(graph, input, true);
    expectDeclaredDims(outputs, results, 1);
    checkHeads(graph, reference, outputs, results);
    checkTape(graph, reference, outputs, results);
    expect(outputs.filter((o) => o.kind === 'argmax')).toHaveLength(6);
  });

  it('without tape options the model has only the heads', async () => {
    const graph = yolov3Tiny();
    const input = randomInput(1, [32, 32], 2);
    const { outputs, results } = await runExported(graph, input, false);
    expect(Object.keys(results).sort()).toEqual(['head0', 'head1']);
    checkHeads(graph, referenceForwardAll(graph, input), outputs, results);
  });

  it('a foreign model with mish and swish as other exporters write them, grouped and depthwise Conv, Split and Slice imports and computes what onnxruntime computes', async () => {
    const bytes = foreignV4Model();
    const { graph } = importOnnx(bytes, 'v4-foreign.onnx');
    expect(graph.nodes.map((n) => (n.kind === 'activation' ? n.activation : n.kind === 'conv' ? `conv/${n.groups}` : n.kind))).toEqual([
      'input', 'conv/1', 'mish', 'conv/8', 'swish', 'slice', 'slice', 'conv/2', 'slice', 'conv/1', 'logistic', 'yolo', 'yolo',
    ]);
    const input = randomInput(2, [16, 16], 8);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    try {
      const results = await session.run({ images: new ort.Tensor('float32', nhwcToNchw(input), [2, 3, 16, 16]) });
      const reference = referenceForward(graph, input);
      ['out_small', 'out_large'].forEach((name, k) => {
        const want = nhwcToNchw(reference[k]);
        expect(maxAbsDiff(results[name].data as Float32Array, want), name).toBeLessThanOrEqual(1e-4 * maxAbs(want));
      });
    } finally {
      await session.release();
    }
  });

  it('an imported foreign model (batch norm, Pad, half_pixel Resize) computes what onnxruntime computes on the file', async () => {
    const { bytes } = foreignModel();
    const { graph } = importOnnx(bytes, 'foreign.onnx');
    const input = randomInput(2, [16, 16], 4);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    try {
      const results = (await session.run({ images: new ort.Tensor('float32', nhwcToNchw(input), [2, 3, 16, 16]) }));
      const reference = referenceForward(graph, input);
      ['out_small', 'out_large'].forEach((name, k) => {
        const want = nhwcToNchw(reference[k]);
        expect(maxAbsDiff(results[name].data as Float32Array, want), name).toBeLessThanOrEqual(1e-4 * maxAbs(want));
      });
    } finally {
      await session.release();
    }
  });
});

/**
 * The YOLOv4 family's blocks the way other exporters write them (opset 13): mish as
 * Softplus -> Tanh -> Mul, swish (SiLU) as Sigmoid -> Mul, a depthwise Conv (group = channels),
 * a grouped Conv, a channel Split and a Slice, and a head that ends in a Sigmoid.
 */
function foreignV4Model(): Uint8Array {
  const rand = mulberry32(5);
  const values = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (rand() - 0.5) * scale);
  const init = [
    float32Tensor('c1.w', [8, 3, 3, 3], values(216, 0.8)),
    float32Tensor('c1.b', [8], values(8, 0.1)),
    float32Tensor('dw.w', [8, 1, 3, 3], values(72, 1)),
    float32Tensor('g.w', [18, 2, 1, 1], values(36, 1)),
    float32Tensor('g.b', [18], values(18, 0.1)),
    float32Tensor('h.w', [18, 4, 1, 1], values(72, 1)),
    float32Tensor('h.b', [18], values(18, 0.1)),
    int64Tensor('split', [2], [4, 4]),
    int64Tensor('s.starts', [1], [0]),
    int64Tensor('s.ends', [1], [4]),
    int64Tensor('s.axes', [1], [1]),
  ];
  const ints = (value: number[]) => ({ type: 'ints' as const, value });
  const nodes = [
    onnxNode('Conv', 'conv1', ['images', 'c1.w', 'c1.b'], ['c1'], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) }),
    onnxNode('Softplus', 'mish1/softplus', ['c1'], ['sp']),
    onnxNode('Tanh', 'mish1/tanh', ['sp'], ['th']),
    onnxNode('Mul', 'mish1', ['c1', 'th'], ['m1']),
    onnxNode('Conv', 'dw', ['m1', 'dw.w'], ['d'], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), strides: ints([2, 2]), group: { type: 'int', value: 8 } }),
    onnxNode('Sigmoid', 'silu/sigmoid', ['d'], ['ds']),
    onnxNode('Mul', 'silu', ['ds', 'd'], ['sw']),
    onnxNode('Split', 'split', ['sw', 'split'], ['half0', 'half1'], { axis: { type: 'int', value: 1 } }),
    onnxNode('Conv', 'grouped', ['half1', 'g.w', 'g.b'], ['out_small'], { kernel_shape: ints([1, 1]), group: { type: 'int', value: 2 } }),
    onnxNode('Slice', 'first4', ['m1', 's.starts', 's.ends', 's.axes'], ['f4']),
    onnxNode('Conv', 'head', ['f4', 'h.w', 'h.b'], ['hl'], { kernel_shape: ints([1, 1]) }),
    onnxNode('Sigmoid', 'head/sigmoid', ['hl'], ['out_large']),
  ];
  const out = (name: string, s: number) => ({ name, elemType: DATA_TYPE.FLOAT, dims: ['batch', 18, s, s] });
  return encodeOnnxModel({
    irVersion: 8,
    producerName: 'test',
    producerVersion: '',
    opsets: [{ domain: '', version: 13 }],
    graph: { name: 'v4', nodes, initializers: init, inputs: [{ name: 'images', elemType: DATA_TYPE.FLOAT, dims: ['batch', 3, 16, 16] }], outputs: [out('out_small', 8), out('out_large', 16)] },
    metadata: new Map(),
  });
}
