import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Graph, GraphNode } from '../src/graph/types.js';
import { loadKeras } from '../src/loaders/keras/index.js';
import { decodeOnnxModel } from '../src/onnx/decode-model.js';
import { encodeOnnxModel } from '../src/onnx/encode-model.js';
import { exportOnnx, importOnnx } from '../src/onnx/index.js';
import { darknetConfigGraph } from './helpers/darknet-configs.js';
import { everyKindGraph, narrowYolov3, yolov3Tiny } from './helpers/onnx-models.js';

const kerasFixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/keras/${name}`, import.meta.url)));

const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A node without its (large) arrays, for a readable deep comparison. */
const withoutArrays = (node: GraphNode) => (node.kind === 'conv' ? { ...node, weights: node.weights.length, bias: node.bias.length } : node);

/** Identical apart from `source` (an imported graph comes from 'onnx'); weights compared bit for bit. */
function expectIdentical(got: Graph, want: Graph): void {
  expect(got.source).toBe('onnx');
  expect(got.nodes.map(withoutArrays)).toEqual(want.nodes.map(withoutArrays));
  got.nodes.forEach((node, i) => {
    const other = want.nodes[i];
    if (node.kind === 'conv' && other.kind === 'conv') {
      // Vitest's deep equality is far too slow for millions of weights: compare the bytes.
      expect(bytesOf(node.weights).equals(bytesOf(other.weights)), `${node.name} weights`).toBe(true);
      expect(bytesOf(node.bias).equals(bytesOf(other.bias)), `${node.name} bias`).toBe(true);
    }
  });
  const { nodes: _a, source: _b, ...rest } = got;
  const { nodes: _c, source: _d, ...wantRest } = want;
  expect(rest).toEqual(wantRest);
}

const CASES: Array<{ name: string; graph: () => Graph | Promise<Graph> }> = [
  { name: 'yolov3-tiny.cfg (seeded)', graph: yolov3Tiny },
  { name: 'yolov3.cfg narrowed to 1/8 at 64x64', graph: narrowYolov3 },
  { name: 'a graph with every layer kind', graph: everyKindGraph },
  { name: 'keras-tiny-yolo3-w2-c2.h5', graph: async () => (await loadKeras(kerasFixture('keras-tiny-yolo3-w2-c2.h5'), 'keras-tiny-yolo3-w2-c2.h5')).graph },
  { name: 'keras-yolo3-w2-c3.keras', graph: async () => (await loadKeras(kerasFixture('keras-yolo3-w2-c3.keras'), 'keras-yolo3-w2-c3.keras')).graph },
  // The YOLOv4 family and Yolo-Fastest: grouped and depthwise convs, channel-split routes, mish,
  // logistic heads with new_coords, dropout (no node).
  ...(['yolov4.cfg', 'yolov4-tiny.cfg', 'yolov4-csp.cfg', 'yolov7-tiny.cfg', 'yolo-fastest-1.1.cfg', 'yolo-fastest-1.1-xl.cfg'] as const).map((name) => ({
    name: `${name} narrowed to 1/4 at 64x64`,
    graph: () => darknetConfigGraph(name, { divisor: 4, size: 64 }),
  })),
];

describe('ONNX export then import', () => {
  it.each(CASES)('rebuilds $name exactly', async ({ graph: make }) => {
    const graph = await make();
    const { bytes, outputs } = exportOnnx(graph);
    expect(outputs.map((o) => o.kind)).toEqual(graph.heads.map(() => 'head'));
    const back = importOnnx(bytes, 'model.onnx').graph;
    expectIdentical(back, graph);
  });

  // What a replacement of the protobuf code would have to keep: the same model, the same bytes.
  it.each(CASES)('decodes and re-encodes the export of $name to the same bytes', async ({ graph: make }) => {
    const { bytes } = exportOnnx(await make(), { tape: { signs: true, argmax: true, means: true } });
    const again = encodeOnnxModel(decodeOnnxModel(bytes)!);
    expect(again.length).toBe(bytes.length);
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('still rebuilds the graph when the tape outputs are exported too', () => {
    const graph = everyKindGraph();
    const { bytes, outputs } = exportOnnx(graph, { tape: { signs: true, argmax: true, means: true } });
    expect(new Set(outputs.map((o) => o.kind))).toEqual(new Set(['head', 'sign', 'argmax', 'mean', 'activation-output']));
    expectIdentical(importOnnx(bytes, 'model.onnx').graph, graph);
  });
});

describe('ONNX export refuses what ONNX cannot express', () => {
  it('a maxpool whose padding reaches a whole window', async () => {
    const { GraphBuilder } = await import('../src/graph/builder.js');
    const { darknetMaxPoolPads } = await import('../src/graph/shapes.js');
    const b = new GraphBuilder();
    const p = b.maxpool('pool_wide', 0, 2, 2, darknetMaxPoolPads(2, 4));
    const c = b.conv('head', p, { filters: 6, channels: 3, kernel: 1, weights: new Float32Array(18), bias: new Float32Array(6) });
    b.yolo('yolo', c, [[10, 10]], 1);
    const graph = b.build({ inputSize: [8, 8], source: 'test' });
    expect(() => exportOnnx(graph)).toThrow("ONNX export: layer 'pool_wide' (maxpool): top padding 2 is not smaller than the window 2, which ONNX MaxPool does not allow");
  });
});
