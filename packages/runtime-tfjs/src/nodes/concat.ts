/** Channel concatenation on tfjs; backward: each input gets its channel slice. */
import * as tf from '@tensorflow/tfjs-core';
import type { ConcatNode } from '@yolo-saliency/core';
import type { TfjsNodeOps } from './node-ops.js';

export const concatOps: TfjsNodeOps<ConcatNode> = {
  forward: (node, x, ctx) => (node.inputs.length === 1 ? x : tf.concat(node.inputs.map((j) => ctx.outputs[j]!), 3)),
  backward(node, g, ctx) {
    const parts = node.inputs.length === 1 ? [g] : tf.split(g, node.inputs.map((j) => ctx.plan.shapes[j][2]), 3);
    node.inputs.forEach((j, k) => ctx.send(j, parts[k] as tf.Tensor4D));
  },
};
