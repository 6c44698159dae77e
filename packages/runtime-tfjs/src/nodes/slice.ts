/** Channel slice on tfjs; backward: the gradient placed at its channels, zeros elsewhere. */
import * as tf from '@tensorflow/tfjs-core';
import type { SliceNode } from '@yolo-saliency/core';
import type { TfjsNodeOps } from './node-ops.js';

export const sliceOps: TfjsNodeOps<SliceNode> = {
  forward(node, x) {
    const [n, h, w] = x.shape;
    return tf.slice(x, [0, 0, 0, node.start], [n, h, w, node.count]);
  },
  backward(node, g, ctx) {
    const channels = ctx.plan.shapes[node.inputs[0]][2];
    ctx.send(node.inputs[0], tf.pad(g, [[0, 0], [0, 0], [0, 0], [node.start, channels - node.start - node.count]]));
  },
};
