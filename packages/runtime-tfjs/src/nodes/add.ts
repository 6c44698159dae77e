/** Element-wise sum on tfjs; backward: the same gradient to every input. */
import * as tf from '@tensorflow/tfjs-core';
import type { AddNode } from '@yolo-saliency/core';
import type { TfjsNodeOps } from './node-ops.js';

export const addOps: TfjsNodeOps<AddNode> = {
  forward: (node, x, ctx) => (node.inputs.length === 1 ? x : (tf.addN(node.inputs.map((j) => ctx.outputs[j]!)) as tf.Tensor4D)),
  backward(node, g, ctx) {
    for (const j of node.inputs) ctx.send(j, g);
  },
};
