import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../src/graph/shapes.js';
import type { ConvNode, Graph } from '../src/graph/types.js';
import { hasSeededWeights, loadDarknet, parseNames } from '../src/loaders/darknet/index.js';
import { writeDarknetWeights } from './helpers/darknet-weights.js';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/darknet/${name}`, import.meta.url), 'utf8');

/** Output shape of every darknet layer index at the given size. */
function layerShapes(model: { graph: Graph; layerNodes: number[] }, size: number): string[] {
  const shapes = inferShapes(model.graph, [size, size]);
  return model.layerNodes.map((n) => shapes[n].join('x'));
}

/** Index of the first differing element (-1 when equal): expect().toEqual is too slow on millions of floats. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return k;
  return -1;
}

const convs = (graph: Graph) => graph.nodes.filter((n): n is ConvNode => n.kind === 'conv');
const parameterCount = (graph: Graph) => convs(graph).reduce((sum, c) => sum + c.weights.length + c.bias.length, 0);

describe('loadDarknet on the darknet yolov3 cfgs', () => {
  it('yolov3-tiny: every layer has the shape of darknet\'s layer table at 416', () => {
    const cfg = fixture('yolov3-tiny.cfg');
    const { bytes } = writeDarknetWeights(cfg);
    const model = loadDarknet({ cfg, cfgName: 'yolov3-tiny.cfg', weights: bytes, classNames: parseNames(fixture('coco.names')) });
    // As darknet prints it for yolov3-tiny.cfg at 416x416 (layer: output w x h x c).
    expect(layerShapes(model, 416)).toEqual([
      '416x416x16', '208x208x16', '208x208x32', '104x104x32', '104x104x64', '52x52x64', '52x52x128',
      '26x26x128', '26x26x256', '13x13x256', '13x13x512', '13x13x512', '13x13x1024', '13x13x256',
      '13x13x512', '13x13x255', '13x13x255', '13x13x256', '13x13x128', '26x26x128', '26x26x384',
      '26x26x256', '26x26x255', '26x26x255',
    ]);
    const { graph, layerNodes } = model;
    const name = (i: number) => graph.nodes[layerNodes[i]].name;
    expect([0, 1, 15, 16, 19, 20, 23].map(name)).toEqual(['leaky_0', 'maxpool_1', 'conv_15', 'yolo_16', 'upsample_19', 'route_20', 'yolo_23']);
    // A single-layer route is its source; a multi-layer one concatenates in cfg order.
    expect(layerNodes[17]).toBe(layerNodes[13]);
    expect(graph.nodes[layerNodes[20]].inputs).toEqual([layerNodes[19], layerNodes[8]]);
    // Layer 11: maxpool size 2 stride 1 keeps 13x13 with darknet's (0, 1) padding.
    expect(graph.nodes[layerNodes[11]]).toMatchObject({ kind: 'maxpool', size: 2, stride: 1, pads: { top: 0, left: 0, bottom: 1, right: 1 } });
    expect(graph.heads.map((h) => graph.nodes[h].name)).toEqual(['yolo_16', 'yolo_23']);
    expect(graph.nodes[graph.heads[0]]).toMatchObject({ anchors: [[81, 82], [135, 169], [344, 319]], classes: 80, scaleXY: 1 });
    expect(graph.nodes[graph.heads[1]]).toMatchObject({ anchors: [[10, 14], [23, 27], [37, 58]] });
    expect(graph.classNames.slice(0, 3)).toEqual(['person', 'bicycle', 'car']);
    expect(graph).toMatchObject({ inputSize: [416, 416], maxStride: 32, source: 'darknet' });
    expect(model.weightsSource).toBe('file');
    expect(hasSeededWeights(model)).toBe(false);
    expect(convs(graph)).toHaveLength(13);
    // Derived from the cfg by hand (sum of filters*(channels*size^2 + 1)); darknet stores
    // 3*3184 more floats (BN scales, means, variances), 8,858,734 in all, as Keras counts it.
    expect(parameterCount(graph)).toBe(8_849_182);
    expect(bytes.length).toBe(20 + 4 * 8_858_734);
  });

  it('yolov3: key rows of darknet\'s table, 75 convs, parameter count', () => {
    const cfg = fixture('yolov3.cfg');
    const model = loadDarknet({ cfg, cfgName: 'yolov3.cfg', weights: writeDarknetWeights(cfg).bytes });
    const shapes = layerShapes(model, 416);
    expect(shapes).toHaveLength(107);
    expect(shapes[0]).toBe('416x416x32');
    expect(shapes[1]).toBe('208x208x64'); // 3x3/2 conv
    expect(shapes[4]).toBe('208x208x64'); // first shortcut
    expect(shapes[61]).toBe('26x26x512'); // routed into layer 86
    expect([shapes[82], shapes[94], shapes[106]]).toEqual(['13x13x255', '26x26x255', '52x52x255']);
    expect([shapes[83], shapes[86], shapes[95], shapes[98]]).toEqual(['13x13x512', '26x26x768', '26x26x256', '52x52x384']);
    const { graph } = model;
    expect(graph.heads.map((h) => graph.nodes[h].name)).toEqual(['yolo_82', 'yolo_94', 'yolo_106']);
    expect(graph.nodes[graph.heads[0]]).toMatchObject({ anchors: [[116, 90], [156, 198], [373, 326]] });
    expect(graph.nodes[model.layerNodes[4]]).toMatchObject({ kind: 'add', name: 'shortcut_4', inputs: [model.layerNodes[3], model.layerNodes[1]] });
    expect(graph.inputSize).toEqual([608, 608]);
    expect(convs(graph)).toHaveLength(75);
    // Derived from the cfg (filters*(channels*size^2 + 1) per conv, BN folded); plus 3 floats
    // for each of the 26,304 batch-normalised filters it is Keras' well-known 62,001,757.
    expect(parameterCount(graph)).toBe(61_922_845);
  });

  it('yolov3-voc: 20 classes, heads of 75 channels', () => {
    const cfg = fixture('yolov3-voc.cfg');
    const model = loadDarknet({ cfg, weights: writeDarknetWeights(cfg, { seed: 3 }).bytes, classNames: parseNames(fixture('voc.names')) });
    const shapes = layerShapes(model, 416);
    expect([shapes[82], shapes[94], shapes[106]]).toEqual(['13x13x75', '26x26x75', '52x52x75']);
    expect(model.graph.classNames).toHaveLength(20);
    expect(parameterCount(model.graph)).toBe(61_599_745);
  });
});

describe('darknet weights', () => {
  const TWO_LAYERS = [
    '[net]', 'width=8', 'height=8', 'channels=1',
    '[convolutional]', 'batch_normalize=1', 'filters=2', 'size=1', 'stride=1', 'pad=1', 'activation=leaky',
    '[convolutional]', 'filters=6', 'size=1', 'activation=linear',
    '[yolo]', 'mask=0', 'anchors=10,14', 'classes=1', 'num=1',
  ].join('\n');

  function weightsFile(floats: number[]): Uint8Array {
    const buffer = new ArrayBuffer(20 + floats.length * 4);
    const view = new DataView(buffer);
    view.setInt32(0, 0, true);
    view.setInt32(4, 2, true);
    view.setInt32(8, 0, true);
    view.setUint32(12, 12345, true);
    floats.forEach((v, k) => view.setFloat32(20 + 4 * k, v, true));
    return new Uint8Array(buffer);
  }

  it('folds batch norm the darknet way: w*gamma/(sqrt(var)+1e-6), beta - mean*gamma/(sqrt(var)+1e-6)', () => {
    const beta = [0.5, -1];
    const gamma = [2, 0.5];
    const mean = [1, -2];
    const variance = [4, 0.25];
    const w0 = [3, -4];
    const head = { bias: [1, 2, 3, 4, 5, 6], weights: [-1, -2, -3, -4, -5, -6, 7, 8, 9, 10, 11, 12] };
    const bytes = weightsFile([...beta, ...gamma, ...mean, ...variance, ...w0, ...head.bias, ...head.weights]);
    const { graph } = loadDarknet({ cfg: TWO_LAYERS, weights: bytes });
    const [conv0, conv1] = convs(graph);
    // By hand: factor0 = 2/(2+1e-6) ~ 0.9999995, factor1 = 0.5/(0.5+1e-6) ~ 0.999998.
    const factor = [2 / (2 + 1e-6), 0.5 / (0.5 + 1e-6)];
    expect(Array.from(conv0.weights)).toEqual([Math.fround(3 * factor[0]), Math.fround(-4 * factor[1])]);
    expect(Array.from(conv0.bias)).toEqual([Math.fround(0.5 - 1 * factor[0]), Math.fround(-1 + 2 * factor[1])]);
    expect(conv0.weights[0]).toBeCloseTo(2.9999985, 6);
    expect(conv0.bias[1]).toBeCloseTo(0.999996, 6);
    // Without batch norm the stored values are used as they are.
    expect(Array.from(conv1.bias)).toEqual(head.bias);
    expect(Array.from(conv1.weights)).toEqual(head.weights);
    expect(graph.nodes.map((n) => n.name)).toEqual(['input', 'conv_0', 'leaky_0', 'conv_1', 'yolo_2']);
  });

  it('folds every layer of a helper-written yolov3-tiny from the raw stored arrays', () => {
    const cfg = fixture('yolov3-tiny.cfg');
    const written = writeDarknetWeights(cfg, { seed: 7 });
    const graph = loadDarknet({ cfg, weights: written.bytes }).graph;
    const byName = new Map(convs(graph).map((c) => [c.name, c]));
    for (const layer of written.layers) {
      const conv = byName.get(`conv_${layer.layerIndex}`)!;
      const perFilter = layer.channels * layer.size * layer.size;
      for (let f = 0; f < layer.filters; f++) {
        const factor = layer.scales ? layer.scales[f] / (Math.sqrt(layer.rollingVariance![f]) + 1e-6) : 1;
        const bias = layer.scales ? layer.biases[f] - layer.rollingMean![f] * factor : layer.biases[f];
        expect(conv.bias[f]).toBe(Math.fround(bias));
        for (const k of [0, perFilter - 1]) expect(conv.weights[f * perFilter + k]).toBe(Math.fround(layer.weights[f * perFilter + k] * factor));
      }
    }
  });

  it('reads 32-bit (0.1.0) and 64-bit (0.2.0) seen headers to identical graphs', () => {
    const cfg = fixture('yolov3-tiny.cfg');
    const old = writeDarknetWeights(cfg, { version: [0, 1, 0], seen: 64_000 });
    const current = writeDarknetWeights(cfg, { version: [0, 2, 0], seen: 2 ** 33 + 5 });
    expect(current.bytes.length - old.bytes.length).toBe(4);
    const a = loadDarknet({ cfg, weights: old.bytes });
    const b = loadDarknet({ cfg, weights: current.bytes });
    expect(a.header).toEqual({ major: 0, minor: 1, revision: 0, seen: 64_000, byteLength: 16 });
    expect(b.header).toEqual({ major: 0, minor: 2, revision: 0, seen: 2 ** 33 + 5, byteLength: 20 });
    const [ca, cb] = [convs(a.graph), convs(b.graph)];
    expect(ca.map((c) => c.name)).toEqual(cb.map((c) => c.name));
    ca.forEach((c, k) => {
      expect(firstDifference(c.weights, cb[k].weights)).toBe(-1);
      expect(firstDifference(c.bias, cb[k].bias)).toBe(-1);
    });
  });

  it('names the weights file and both byte counts when a file is one float short or long', () => {
    const cfg = fixture('yolov3-tiny.cfg');
    const { bytes } = writeDarknetWeights(cfg);
    const expected = 20 + 4 * 8_858_734;
    const short = bytes.subarray(0, bytes.length - 4);
    const long = new Uint8Array(bytes.length + 4);
    long.set(bytes);
    const load = (weights: Uint8Array) => () => loadDarknet({ cfg, cfgName: 'yolov3-tiny.cfg', weights, weightsName: 'yolov3-tiny.weights' });
    expect(load(short)).toThrow(new RegExp(`^yolov3-tiny\\.weights: expected ${expected} bytes for yolov3-tiny\\.cfg .*found ${expected - 4} bytes$`));
    expect(load(long)).toThrow(new RegExp(`^yolov3-tiny\\.weights: expected ${expected} bytes .*found ${expected + 4} bytes$`));
    expect(load(new Uint8Array(10))).toThrow(/yolov3-tiny\.weights: 10 bytes is too short/);
  });
});

describe('loadDarknet graph structure', () => {
  it('builds an SPP block: stride-1 maxpools of 5, 9, 13 and a 4-layer route', () => {
    const cfg = [
      '[net]', 'width=64', 'height=64', 'channels=3',
      '[convolutional]', 'batch_normalize=1', 'filters=8', 'size=3', 'stride=2', 'pad=1', 'activation=leaky', // 0
      '[maxpool]', 'stride=1', 'size=5', // 1
      '[route]', 'layers=-2', // 2
      '[maxpool]', 'stride=1', 'size=9', // 3
      '[route]', 'layers=-4', // 4
      '[maxpool]', 'stride=1', 'size=13', // 5
      '[route]', 'layers=-1,-3,-5,-6', // 6
      '[convolutional]', 'filters=18', 'size=1', 'stride=1', 'pad=1', 'activation=linear', // 7
      '[yolo]', 'mask=0,1,2', 'anchors=10,13, 16,30, 33,23', 'classes=1', 'num=3', // 8
    ].join('\n');
    const model = loadDarknet({ cfg, cfgName: 'spp.cfg' });
    expect(layerShapes(model, 64)).toEqual(['32x32x8', '32x32x8', '32x32x8', '32x32x8', '32x32x8', '32x32x8', '32x32x32', '32x32x18', '32x32x18']);
    const { graph, layerNodes } = model;
    for (const [layer, size] of [[1, 5], [3, 9], [5, 13]]) {
      const p = (size - 1) / 2;
      expect(graph.nodes[layerNodes[layer]]).toMatchObject({ kind: 'maxpool', size, stride: 1, pads: { top: p, left: p, bottom: p, right: p }, inputs: [layerNodes[0]] });
    }
    expect(graph.nodes[layerNodes[6]]).toMatchObject({ kind: 'concat', name: 'route_6', inputs: [layerNodes[5], layerNodes[3], layerNodes[1], layerNodes[0]] });
    expect(graph.classNames).toEqual(['class0']);
    expect(model.weightsSource).toBe('seeded');
  });

  it('adds activation nodes only when not linear, shortcut activations included', () => {
    const cfg = [
      '[net]', 'width=32', 'height=32', 'channels=3',
      '[convolutional]', 'filters=6', 'size=3', 'pad=1', 'activation=relu',
      '[convolutional]', 'filters=6', 'size=1', 'activation=logistic',
      '[shortcut]', 'from=-2', 'activation=leaky',
      '[upsample]', 'stride=2',
      '[yolo]', 'mask=0', 'anchors=4,4', 'classes=1', 'num=1',
    ].join('\n');
    const { graph } = loadDarknet({ cfg });
    expect(graph.nodes.map((n) => `${n.name}:${n.kind}`)).toEqual([
      'input:input', 'conv_0:conv', 'relu_0:activation', 'conv_1:conv', 'logistic_1:activation',
      'shortcut_2:add', 'leaky_2:activation', 'upsample_3:upsample', 'yolo_4:yolo',
    ]);
    expect(graph.maxStride).toBe(0.5);
  });

  it('reports structural mistakes with the file and layer', () => {
    const net = '[net]\nwidth=32\nheight=32\nchannels=3\n';
    expect(() => loadDarknet({ cfg: `${net}[convolutional]\nfilters=4\n[convolutional]\nfilters=8\n[shortcut]\nfrom=-2\n`, cfgName: 's.cfg' })).toThrow(
      /^s\.cfg:9: \[shortcut\] layer 2: adds layer 0 \(4 channels\) to layer 1 \(8 channels\)/,
    );
    expect(() => loadDarknet({ cfg: `${net}[convolutional]\nfilters=4\nactivation=linear\n`, cfgName: 'h.cfg' })).toThrow(/^h\.cfg: the model has no detection heads/);
    expect(() => loadDarknet({ cfg: `${net}[convolutional]\nfilters=7\nactivation=linear\n[yolo]\nmask=0\nanchors=1,1\nclasses=1\nnum=1\n`, cfgName: 'c.cfg' })).toThrow(
      /^c\.cfg: head 'yolo_1': 7 channels, but 1 anchors x \(5 \+ 1 classes\) need 6/,
    );
    expect(() => loadDarknet({ cfg: `${net}[convolutional]\nfilters=6\nactivation=linear\n[yolo]\nmask=0\nanchors=1,1\nclasses=1\nnum=1\n`, classNames: ['a', 'b'] })).toThrow(/2 class names given for a model with 1 classes/);
  });
});
