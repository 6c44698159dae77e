/** Nearest-neighbour upsampling on tfjs; backward: each input pixel collects its factor x factor block. */
import * as tf from '@tensorflow/tfjs-core';
import type { UpsampleNode } from '@yolo-saliency/core';
import type { TfjsNodeOps } from './node-ops.js';

export const upsampleOps: TfjsNodeOps<UpsampleNode> = {
  forward(node, x) {
    const [, h, w] = x.shape;
    return tf.image.resizeNearestNeighbor(x, [h * node.factor, w * node.factor], false, false);
  },
  backward(node, g, ctx) {
    const [n, h, w, c] = g.shape;
    const f = node.factor;
    ctx.send(node.inputs[0], tf.sum(tf.reshape(g, [n, h / f, f, w / f, f, c]), [2, 4]) as tf.Tensor4D);
  },
};
