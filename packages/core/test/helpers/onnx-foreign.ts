/**
 * ONNX models written the way other exporters write them (no yolo-saliency metadata):
 * BatchNormalization after a bias-less Conv, an explicit zero Pad before a stride-2 Conv,
 * Resize with its default half_pixel mode and scales from a Constant node, opset 13.
 */
import { encodeOnnxModel } from '../../src/onnx/encode-model.js';
import type { OnnxAttributeValue, OnnxNode, OnnxTensor } from '../../src/onnx/onnx-model.js';
import { DATA_TYPE } from '../../src/onnx/onnx-schema.js';
import { float32Tensor, int64Tensor } from '../../src/onnx/tensor-data.js';
import { mulberry32 } from './onnx-random.js';

const ints = (value: number[]): OnnxAttributeValue => ({ type: 'ints', value });

export function onnxNode(opType: string, name: string, inputs: string[], outputs: string[], attributes: Record<string, OnnxAttributeValue> = {}): OnnxNode {
  return { name, opType, domain: '', inputs, outputs, attributes: new Map(Object.entries(attributes)) };
}

export interface ForeignModel {
  bytes: Uint8Array;
  /** The first conv's weights and its batch-norm parameters, to check the folding. */
  conv1: { weights: Float32Array; gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array; epsilon: number };
}

/** Two heads of 3 anchors x (5 + 1 class) = 18 channels, at 4x4 and 8x8 for a 16x16 input. */
export function foreignModel(extra: { nodes?: OnnxNode[]; replaceOutput?: string } = {}): ForeignModel {
  const rand = mulberry32(21);
  const values = (n: number, scale = 1, offset = -0.5) => Float32Array.from({ length: n }, () => (rand() + offset) * scale);
  const init: OnnxTensor[] = [];
  const add = (name: string, dims: number[], data: Float32Array) => {
    init.push(float32Tensor(name, dims, data));
    return data;
  };
  const conv1 = {
    weights: add('c1.w', [4, 3, 3, 3], values(108, 0.8)),
    gamma: add('bn1.gamma', [4], values(4, 1, 0.5)),
    beta: add('bn1.beta', [4], values(4, 0.2)),
    mean: add('bn1.mean', [4], values(4, 0.3)),
    variance: add('bn1.var', [4], values(4, 1, 0.2)),
    epsilon: 0.001,
  };
  add('c2.w', [6, 4, 3, 3], values(216, 0.5));
  add('c2.b', [6], values(6, 0.1));
  add('hb.w', [18, 6, 1, 1], values(108));
  add('hb.b', [18], values(18, 0.1));
  add('ha.w', [18, 12, 1, 1], values(216));
  add('ha.b', [18], values(18, 0.1));
  init.push(int64Tensor('pad.pads', [8], [0, 0, 1, 1, 0, 0, 0, 0]));
  const scales: OnnxTensor = float32Tensor('', [4], Float32Array.of(1, 1, 2, 2));
  const nodes: OnnxNode[] = [
    onnxNode('Conv', 'conv1', ['images', 'c1.w'], ['c1'], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) }),
    onnxNode('BatchNormalization', 'bn1', ['c1', 'bn1.gamma', 'bn1.beta', 'bn1.mean', 'bn1.var'], ['bn1'], { epsilon: { type: 'float', value: conv1.epsilon } }),
    onnxNode('LeakyRelu', 'act1', ['bn1'], ['a1'], { alpha: { type: 'float', value: 0.1 } }),
    onnxNode('Pad', 'pad2', ['a1', 'pad.pads'], ['p2']),
    onnxNode('Conv', 'conv2', ['p2', 'c2.w', 'c2.b'], ['c2'], { kernel_shape: ints([3, 3]), strides: ints([2, 2]) }),
    onnxNode('Relu', 'act2', ['c2'], ['a2']),
    onnxNode('MaxPool', 'pool', ['a2'], ['m'], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) }),
    onnxNode('Conv', 'head_b', ['m', 'hb.w', 'hb.b'], ['out_small'], { kernel_shape: ints([1, 1]) }),
    onnxNode('Constant', 'scales', [], ['up.scales'], { value: { type: 'tensor', value: scales } }),
    onnxNode('Resize', 'up', ['m', '', 'up.scales'], ['u']),
    onnxNode('Identity', 'skip', ['a2'], ['a2_copy']),
    onnxNode('Concat', 'cat', ['u', 'a2_copy'], ['cat'], { axis: { type: 'int', value: 1 } }),
    onnxNode('Conv', 'head_a', ['cat', 'ha.w', 'ha.b'], ['out_large'], { kernel_shape: ints([1, 1]) }),
    ...(extra.nodes ?? []),
  ];
  const out = (name: string, c: number, s: number) => ({ name, elemType: DATA_TYPE.FLOAT, dims: ['batch', c, s, s] });
  const bytes = encodeOnnxModel({
    irVersion: 8,
    producerName: 'test',
    producerVersion: '',
    opsets: [{ domain: '', version: 13 }],
    graph: {
      name: 'foreign',
      nodes,
      initializers: init,
      inputs: [{ name: 'images', elemType: DATA_TYPE.FLOAT, dims: ['batch', 3, 16, 16] }],
      outputs: [out(extra.replaceOutput ?? 'out_small', 18, 4), out('out_large', 18, 8)],
    },
    metadata: new Map(),
  });
  return { bytes, conv1 };
}
