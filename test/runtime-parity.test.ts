/**
 * The onnx runtime (onnxruntime-node forward + native addon backward) against the tfjs
 * runtime (cpu backend) on the same graphs: raw heads, and core's explain() maps for every
 * gradient method and VisualBackProp. Also: a batch equals its single images, and tapes
 * and maps are released (30 maps do not grow the process without bound).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, type Graph, type LoadedModel, type MethodName, type TensorData } from '@yolo-saliency/core';
import { loadDarknet, loadKeras } from '@yolo-saliency/core/loaders';
import { createOnnxRuntime } from '@yolo-saliency/runtime-onnx';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';
import { darknetConfigGraph } from '../packages/core/test/helpers/darknet-configs.js';
import { cosine, imageOf, maxAbs, maxAbsDiff, randomInput } from '../packages/runtime-tfjs/test/helpers/tensors.js';

const fixture = (path: string) => new URL(`../fixtures/${path}`, import.meta.url).pathname;

/** yolov3.cfg with every conv's filters divided by 8, except the convs feeding a [yolo] head. */
function narrowYolov3Cfg(): string {
  const sections = readFileSync(fixture('darknet/yolov3.cfg'), 'utf8').split(/^(?=\[)/m);
  return sections
    .map((text, i) => {
      const feedsHead = sections[i + 1]?.startsWith('[yolo]');
      if (!text.startsWith('[convolutional]') || feedsHead) return text;
      return text.replace(/^filters\s*=\s*(\d+)/m, (_, f: string) => `filters=${Math.max(1, Number(f) / 8)}`);
    })
    .join('');
}

interface Case {
  name: string;
  size: number;
  graph: () => Promise<Graph>;
  /** Raw target: a cell that exists at this input size. */
  target: string;
}

const cases: Case[] = [
  { name: 'yolov3-tiny.cfg', size: 64, target: 'raw:scale=1,anchor=1,y=2,x=3,channel=4', graph: async () => loadDarknet({ cfg: readFileSync(fixture('darknet/yolov3-tiny.cfg'), 'utf8'), cfgName: 'yolov3-tiny.cfg' }).graph },
  { name: 'yolov3.cfg narrowed /8', size: 64, target: 'raw:scale=2,anchor=0,y=5,x=2,channel=5', graph: async () => loadDarknet({ cfg: narrowYolov3Cfg(), cfgName: 'yolov3-narrow.cfg' }).graph },
  ...['keras-tiny-yolo3-w2-c2.h5', 'keras-yolo3-w2-c3.h5'].map((file) => ({
    name: file,
    size: 96,
    target: 'raw:scale=1,anchor=2,y=3,x=4,channel=5',
    graph: async () => (await loadKeras(new Uint8Array(readFileSync(fixture(`keras/${file}`))), file)).graph,
  })),
  // The YOLOv4 family (mish, channel-split routes, new_coords logistic heads, SPP pools) and
  // Yolo-Fastest (grouped/depthwise convs, dropout), narrowed to 1/4 of their filters at 64 px.
  ...(['yolov4.cfg', 'yolov4-tiny.cfg', 'yolov4-csp.cfg', 'yolov7-tiny.cfg', 'yolo-fastest-1.1.cfg'] as const).map((name) => ({
    name: `${name} narrowed /4`,
    size: 64,
    target: 'raw:scale=1,anchor=1,y=1,x=0,channel=5',
    graph: async () => darknetConfigGraph(name, { divisor: 4, size: 64 }),
  })),
  {
    name: 'yolo-fastest-1.1-xl.cfg with its real COCO weights',
    size: 96,
    target: 'raw:scale=0,anchor=1,y=1,x=2,channel=4',
    graph: async () =>
      loadDarknet({
        cfg: readFileSync(fixture('yolo-fastest/yolo-fastest-1.1-xl.cfg'), 'utf8'),
        weights: new Uint8Array(readFileSync(fixture('yolo-fastest/yolo-fastest-1.1-xl.weights'))),
      }).graph,
  },
];

const METHODS: MethodName[] = ['vanilla', 'guided', 'integrated-gradients', 'visual-backprop'];

describe.each(cases)('onnx vs tfjs (cpu): $name', ({ size, graph: makeGraph, target }) => {
  let onnx: LoadedModel;
  let tfjs: LoadedModel;
  const input = randomInput([1, size, size, 3], 7);

  beforeAll(async () => {
    const graph = await makeGraph();
    onnx = await createOnnxRuntime().load(graph, { inputSize: [size, size], threads: 2 });
    tfjs = await createTfjsRuntime().load(graph, { inputSize: [size, size], backend: 'cpu' });
  });
  afterAll(async () => {
    await onnx?.dispose();
    await tfjs?.dispose();
  });

  it('gives the same raw heads', async () => {
    const [a, b] = [await onnx.forward(input), await tfjs.forward(input)];
    expect(a.heads.map((h) => h.dims)).toEqual(b.heads.map((h) => h.dims));
    a.heads.forEach((head, k) => {
      expect(maxAbsDiff(head.data, b.heads[k].data)).toBeLessThanOrEqual(1e-4 * maxAbs(b.heads[k].data));
    });
  });

  it.each(METHODS)('gives the same %s map', async (method) => {
    const options = { method, target, steps: 8 };
    const [a, b] = [await explain(onnx, input, options), await explain(tfjs, input, options)];
    expect(a.map.dims).toEqual(b.map.dims);
    expect(maxAbs(b.map.data)).toBeGreaterThan(0);
    expect(cosine(a.map.data, b.map.data)).toBeGreaterThanOrEqual(0.9999);
    expect(a.targetValue).toBeCloseTo(b.targetValue, 3);
  });
});

describe('onnx runtime batches and memory (yolov3-tiny, 64)', () => {
  let model: LoadedModel;
  const graph = () => loadDarknet({ cfg: readFileSync(fixture('darknet/yolov3-tiny.cfg'), 'utf8'), cfgName: 'yolov3-tiny.cfg' }).graph;

  beforeAll(async () => {
    // Two images per internal call: a batch of 3 also crosses a chunk boundary.
    model = await createOnnxRuntime().load(graph(), { inputSize: [64, 64], threads: 2, maxBatchPerCall: 2 });
  });
  afterAll(() => model?.dispose());

  it('a batch of 3 equals 3 single calls (heads, plain and guided gradients, VBP)', async () => {
    const batch = randomInput([3, 64, 64, 3], 11);
    const { heads, tape } = await model.forward(batch, { gradients: true, visualBackProp: true });
    const headGrads = heads.map((h, k): TensorData => ({ dims: h.dims, data: Float32Array.from(h.data, (_, i) => ((i * 7 + k) % 13) / 13 - 0.4) }));
    const plain = await model.backward(tape!, headGrads, { rule: 'plain' });
    const guided = await model.backward(tape!, headGrads, { rule: 'guided' });
    const vbp = await model.visualBackProp(tape!);
    tape!.dispose();
    expect(plain.dims).toEqual([3, 64, 64, 3]);
    expect(vbp.dims).toEqual([3, 64, 64]);
    for (let n = 0; n < 3; n++) {
      const one = await model.forward(imageOf(batch, n), { gradients: true, visualBackProp: true });
      one.heads.forEach((h, k) => expect(maxAbsDiff(h.data, imageOf(heads[k], n).data)).toBeLessThanOrEqual(1e-5 * maxAbs(h.data)));
      const grads = headGrads.map((g) => imageOf(g, n));
      const p = await model.backward(one.tape!, grads, { rule: 'plain' });
      const g = await model.backward(one.tape!, grads, { rule: 'guided' });
      const v = await model.visualBackProp(one.tape!);
      one.tape!.dispose();
      expect(maxAbsDiff(p.data, imageOf(plain, n).data)).toBeLessThanOrEqual(1e-5 * maxAbs(p.data));
      expect(maxAbsDiff(g.data, imageOf(guided, n).data)).toBeLessThanOrEqual(1e-5 * maxAbs(g.data));
      expect(maxAbsDiff(v.data, imageOf(vbp, n).data)).toBeLessThanOrEqual(1e-5);
    }
    // Guided differs from plain: the rule reached the addon.
    expect(cosine(plain.data, guided.data)).toBeLessThan(0.999);
  });

  it('30 maps do not grow the process memory without bound', async () => {
    const input = randomInput([1, 64, 64, 3], 5);
    const run = async (count: number) => {
      for (let i = 0; i < count; i++) await explain(model, input, { method: i % 2 ? 'visual-backprop' : 'vanilla', target: 'raw:scale=0,anchor=0,y=1,x=1,channel=4' });
    };
    await run(6); // warm-up: sessions, arenas, JIT
    const before = process.memoryUsage().rss;
    await run(30);
    const grownMb = (process.memoryUsage().rss - before) / 2 ** 20;
    // One yolov3-tiny@64 tape is ~0.3 MiB; 30 leaked tapes with their ORT outputs and gradients would be far above this.
    expect(grownMb).toBeLessThan(64);
  });
});
