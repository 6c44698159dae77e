/** Max pooling on tfjs: padded with a value that never wins; backward by maxpool-backward.ts (first maximum wins ties). */
import * as tf from '@tensorflow/tfjs-core';
import type { MaxPoolNode } from '@yolo-saliency/core';
import { explicitPadding } from '../execution-plan.js';
import { maxPoolGradPadded } from '../maxpool-backward.js';
import type { TfjsNodeOps } from './node-ops.js';

/** Padding for maxpool: padded pixels never win (the max is over valid pixels only). */
const NEVER_WINS = -3.4028234663852886e38;

const hasPads = ({ pads }: MaxPoolNode) => pads.top !== 0 || pads.left !== 0 || pads.bottom !== 0 || pads.right !== 0;

export const maxpoolOps: TfjsNodeOps<MaxPoolNode> = {
  forward(node, x, ctx) {
    const padded = hasPads(node) ? tf.pad(x, explicitPadding(node.pads), NEVER_WINS) : x;
    const y = tf.maxPool(padded, node.size, node.stride, 'valid');
    if (ctx.gradients) ctx.save({ paddedInput: padded, output: y });
    return y;
  },
  backward(node, g, ctx) {
    const { paddedInput, output } = ctx.saved ?? {};
    if (!paddedInput || !output) throw new Error(`tfjs runtime: the tape has no pooling record for layer '${node.name}'`);
    const dPadded = maxPoolGradPadded(g, paddedInput, output, node);
    if (!hasPads(node)) return ctx.send(node.inputs[0], dPadded);
    const { top, left, bottom, right } = node.pads;
    const [n, h, w, c] = dPadded.shape;
    ctx.send(node.inputs[0], tf.slice(dPadded, [0, top, left, 0], [n, h - top - bottom, w - left - right, c]));
  },
};
