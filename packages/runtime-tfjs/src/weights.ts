/**
 * Conv weights on the device, uploaded once per loaded model. The IR stores OIHW (darknet,
 * ONNX); tfjs convolutions want HWIO, so the transpose happens here, once, not per call.
 */
import * as tf from '@tensorflow/tfjs-core';
import { oihwToHwio as oihwToHwioLayout } from '@yolo-saliency/core/graph';
import type { ConvNode, Graph } from '@yolo-saliency/core';

export interface ConvWeights {
  /** [kh, kw, inChannels, filters] */
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  /** The filter the backward pass convolves with, made on first use (see conv-backward.ts). */
  backwardFilter?: tf.Tensor4D;
}

/** A conv node's OIHW weights as HWIO, on the host (a plain index permutation). */
export function oihwToHwio(node: ConvNode): Float32Array {
  return oihwToHwioLayout(node.weights, [node.kernel[0], node.kernel[1], node.channels, node.filters]);
}

/** Upload every conv's weights; entries are indexed by node. Dispose with `disposeWeights`. */
export function uploadWeights(graph: Graph): Map<number, ConvWeights> {
  const weights = new Map<number, ConvWeights>();
  graph.nodes.forEach((node, i) => {
    if (node.kind !== 'conv') return;
    weights.set(i, {
      filter: tf.tensor4d(oihwToHwio(node), [node.kernel[0], node.kernel[1], node.channels, node.filters]),
      bias: tf.tensor1d(node.bias),
    });
  });
  return weights;
}

export function disposeWeights(weights: Map<number, ConvWeights>): void {
  for (const { filter, bias, backwardFilter } of weights.values()) {
    filter.dispose();
    bias.dispose();
    backwardFilter?.dispose();
  }
  weights.clear();
}
