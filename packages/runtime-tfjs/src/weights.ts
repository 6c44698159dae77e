/**
 * Conv weights on the device, uploaded once per loaded model. The IR stores OIHW (darknet,
 * ONNX); tfjs convolutions want HWIO, so the transpose happens here, once, not per call.
 */
import * as tf from '@tensorflow/tfjs-core';
import { oihwToHwio as oihwToHwioLayout } from '@yolo-saliency/core/graph';
import type { ConvNode, Graph } from '@yolo-saliency/core';

/** How a conv runs on tfjs: tf.conv2d, tf.depthwiseConv2d, or one tf.conv2d per group. */
export type ConvForm = 'dense' | 'depthwise' | 'grouped';

export function convForm(node: ConvNode): ConvForm {
  if (node.groups === 1) return 'dense';
  return node.groups === node.channels ? 'depthwise' : 'grouped';
}

export interface ConvWeights {
  form: ConvForm;
  /** dense: HWIO [kh, kw, in, out]; depthwise: [kh, kw, in, multiplier]; grouped: unused (see groups). */
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  /** grouped: each group's HWIO filter [kh, kw, in/G, out/G] and bias. */
  groups?: Array<{ filter: tf.Tensor4D; bias: tf.Tensor1D }>;
  /** The filter(s) the backward pass convolves with, made on first use (see conv-backward.ts). */
  backwardFilters?: tf.Tensor4D[];
}

/** A conv node's OIHW weights as HWIO [kh, kw, in/groups, out], on the host (a plain index permutation). */
export function oihwToHwio(node: ConvNode): Float32Array {
  return oihwToHwioLayout(node.weights, [node.kernel[0], node.kernel[1], node.channels / node.groups, node.filters]);
}

function upload(node: ConvNode): ConvWeights {
  const [kh, kw] = node.kernel;
  const form = convForm(node);
  const hwio = oihwToHwio(node);
  const bias = tf.tensor1d(node.bias);
  if (form === 'dense') return { form, filter: tf.tensor4d(hwio, [kh, kw, node.channels, node.filters]), bias };
  // Depthwise: HWIO [kh, kw, 1, C*M] is the same memory as [kh, kw, C, M] (output channel c*M + m).
  if (form === 'depthwise') return { form, filter: tf.tensor4d(hwio, [kh, kw, node.channels, node.filters / node.channels]), bias };
  const all = tf.tensor4d(hwio, [kh, kw, node.channels / node.groups, node.filters]);
  const filters = tf.split(all, node.groups, 3) as tf.Tensor4D[];
  const biases = tf.split(bias, node.groups) as tf.Tensor1D[];
  return { form, filter: all, bias, groups: filters.map((filter, k) => ({ filter, bias: biases[k] })) };
}

/** Upload every conv's weights; entries are indexed by node. Dispose with `disposeWeights`. */
export function uploadWeights(graph: Graph): Map<number, ConvWeights> {
  const weights = new Map<number, ConvWeights>();
  graph.nodes.forEach((node, i) => {
    if (node.kind === 'conv') weights.set(i, upload(node));
  });
  return weights;
}

export function disposeWeights(weights: Map<number, ConvWeights>): void {
  for (const w of weights.values()) {
    tf.dispose([w.filter, w.bias, ...(w.groups ?? []).flatMap((g) => [g.filter, g.bias]), ...(w.backwardFilters ?? [])]);
  }
  weights.clear();
}
