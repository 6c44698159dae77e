/**
 * Conv weights on the device, uploaded once per loaded model. The IR stores OIHW (darknet,
 * ONNX); tfjs convolutions want HWIO, so the transpose happens here, once, not per call.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ConvNode, Graph } from '@yolo-saliency/core';

export interface ConvWeights {
  /** [kh, kw, inChannels, filters] */
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  /** The filter the backward pass convolves with, made on first use (see conv-backward.ts). */
  backwardFilter?: tf.Tensor4D;
}

/** OIHW -> HWIO on the host (a plain index permutation). */
export function oihwToHwio(node: ConvNode): Float32Array {
  const { filters: o, channels: c } = node;
  const [kh, kw] = node.kernel;
  const out = new Float32Array(node.weights.length);
  for (let f = 0; f < o; f++) {
    for (let ci = 0; ci < c; ci++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          out[((y * kw + x) * c + ci) * o + f] = node.weights[((f * c + ci) * kh + y) * kw + x];
        }
      }
    }
  }
  return out;
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
