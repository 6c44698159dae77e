import { describe, expect, it } from 'vitest';
import { defaultKerasAnchors } from '../src/loaders/keras/anchors.js';
import { exportOnnx, importOnnx } from '../src/onnx/index.js';
import { foreignModel, onnxNode } from './helpers/onnx-foreign.js';
import { everyKindGraph, yolov3Tiny } from './helpers/onnx-models.js';
import { decodeOnnxModel } from '../src/onnx/decode-model.js';
import { encodeOnnxModel } from '../src/onnx/encode-model.js';
import { mulberry32 } from './helpers/onnx-random.js';

/** The one-line message importOnnx throws for these bytes. */
function importError(bytes: Uint8Array, fileName = 'model.onnx'): string {
  try {
    importOnnx(bytes, fileName);
  } catch (error) {
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('importOnnx accepted the bytes');
}

describe('importing an ONNX model written by another tool', () => {
  it('folds batch norm into the conv, a zero Pad into the next conv, and reads Resize scales from a Constant', () => {
    const { bytes, conv1 } = foreignModel();
    const { graph } = importOnnx(bytes, 'foreign.onnx');
    expect(graph.nodes.map((n) => `${n.name}:${n.kind}`)).toEqual([
      'images:input', 'conv1:conv', 'act1:activation', 'conv2:conv', 'act2:activation', 'pool:maxpool',
      'head_b:conv', 'up:upsample', 'cat:concat', 'head_a:conv', 'out_small:yolo', 'out_large:yolo',
    ]);
    expect(graph.inputSize).toEqual([16, 16]);
    expect(graph.maxStride).toBe(4);
    expect(graph.classNames).toEqual(['class0']);

    const c1 = graph.nodes[1];
    if (c1.kind !== 'conv') throw new Error('conv1 is not a conv');
    for (let f = 0; f < 4; f++) {
      const scale = conv1.gamma[f] / Math.sqrt(conv1.variance[f] + conv1.epsilon);
      for (let k = 0; k < 27; k++) expect(c1.weights[f * 27 + k]).toBeCloseTo(conv1.weights[f * 27 + k] * scale, 6);
      // No conv bias: the folded bias is beta - mean * scale.
      expect(c1.bias[f]).toBeCloseTo(conv1.beta[f] - conv1.mean[f] * scale, 6);
    }
    const act1 = graph.nodes[2];
    expect(act1.kind === 'activation' && [act1.activation, act1.alpha]).toEqual(['leaky', 0.1]);
    const c2 = graph.nodes[3];
    expect(c2.kind === 'conv' && [c2.stride, c2.pads]).toEqual([2, { top: 1, left: 1, bottom: 0, right: 0 }]);
    const up = graph.nodes[7];
    expect(up.kind === 'upsample' && up.factor).toBe(2);
    // 'skip' (an Identity) is an alias: the concat reads act2 directly.
    expect(graph.nodes[8].inputs).toEqual([7, 4]);
    const anchors = defaultKerasAnchors(2)!;
    graph.heads.forEach((h, k) => {
      const head = graph.nodes[h];
      expect(head.kind === 'yolo' && [head.anchors, head.classes, head.scaleXY]).toEqual([anchors[k], 1, 1]);
    });
  });

  it('takes anchors and class names from the options', () => {
    const anchors: Array<Array<[number, number]>> = [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]];
    const { graph } = importOnnx(foreignModel().bytes, 'foreign.onnx', { anchors, classNames: ['thing'] });
    expect(graph.heads.map((h) => (graph.nodes[h] as { anchors: unknown }).anchors)).toEqual(anchors);
    expect(graph.classNames).toEqual(['thing']);
  });

  it('names an unsupported operator and its node', () => {
    const { bytes } = foreignModel({ nodes: [onnxNode('Elu', 'elu_3', ['out_small'], ['elued'])], replaceOutput: 'elued' });
    expect(importError(bytes)).toBe("model.onnx: unsupported operator 'Elu' at node 'elu_3'");
  });

  it('ignores unsupported operators the heads do not depend on', () => {
    const { bytes } = foreignModel({ nodes: [onnxNode('Elu', 'unused', ['out_small'], ['elued'])] });
    expect(importOnnx(bytes, 'model.onnx').graph.heads).toHaveLength(2);
  });

  it('rejects a Pad that feeds something other than a Conv', () => {
    const { bytes } = foreignModel({
      nodes: [onnxNode('Pad', 'pad_pool', ['a1', 'pad.pads'], ['pp']), onnxNode('MaxPool', 'pool2', ['pp'], ['mp'], { kernel_shape: { type: 'ints', value: [2, 2] } })],
      replaceOutput: 'mp',
    });
    expect(importError(bytes)).toBe("model.onnx: Pad at node 'pad_pool': zero padding is only supported right before a Conv (it feeds MaxPool at node 'pool2')");
  });

  it('rejects a Resize that is not plain nearest upsampling', () => {
    const { bytes } = foreignModel({
      nodes: [onnxNode('Resize', 'up_ac', ['m', '', 'up.scales'], ['u2'], { coordinate_transformation_mode: { type: 'string', value: 'asymmetric' }, nearest_mode: { type: 'string', value: 'round_prefer_ceil' } })],
      replaceOutput: 'u2',
    });
    expect(importError(bytes)).toMatch(/^model\.onnx: Resize at node 'up_ac': coordinate_transformation_mode 'asymmetric' with nearest_mode 'round_prefer_ceil' is not plain nearest upsampling by 2$/);
  });
});

describe('corrupt ONNX files', () => {
  const good = exportOnnx(yolov3Tiny()).bytes;

  it('a truncated file', () => {
    for (const length of [good.length - 1, Math.floor(good.length / 2), 7]) {
      expect(importError(good.subarray(0, length), 'cut.onnx')).toMatch(/^cut\.onnx: not a valid ONNX file \(corrupt or truncated protobuf: .+\)$/);
    }
  });

  it('random bytes', () => {
    const rand = mulberry32(99);
    for (let trial = 0; trial < 20; trial++) {
      const bytes = Uint8Array.from({ length: 4096 }, () => Math.floor(rand() * 256));
      expect(importError(bytes, 'noise.onnx')).toMatch(/^noise\.onnx: not (a valid ONNX file|an ONNX model)/);
    }
  });

  it('an empty file and a text file', () => {
    expect(importError(new Uint8Array(0), 'empty.onnx')).toBe('empty.onnx: not an ONNX model (no graph in the file)');
    expect(importError(new TextEncoder().encode('[net]\nwidth=416\n'), 'model.cfg')).toMatch(/^model\.cfg: not (a valid ONNX file|an ONNX model)/);
  });

  it('metadata that no longer matches the graph (a node renamed after export)', () => {
    const model = decodeOnnxModel(exportOnnx(everyKindGraph()).bytes)!;
    const conv = model.graph.nodes.find((n) => n.name === 'conv1')!;
    conv.name = 'conv1_renamed';
    expect(importError(encodeOnnxModel(model), 'edited.onnx')).toBe("edited.onnx: the graph does not match its 'yolo_saliency.graph' metadata (was the file edited after export?)");
  });
});
