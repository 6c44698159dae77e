/**
 * Conv on tfjs: tf.fused.conv2d (dense), tf.fused.depthwiseConv2d (depthwise) or one fused conv
 * per group, each with its activation when that is fused; backward as forward convs
 * (conv-backward.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationNode, ConvNode } from '@yolo-saliency/core';
import { TFJS_ACTIVATIONS, type FusableActivation } from '../activations.js';
import { backwardFilter, convBackwardInput, depthwiseBackwardFilter, depthwiseConvBackwardInput, groupedConvBackwardInput } from '../conv-backward.js';
import { explicitPadding } from '../execution-plan.js';
import type { ConvWeights } from '../weights.js';
import type { TfjsNodeOps } from './node-ops.js';

interface Fusion {
  activation?: FusableActivation;
  leakyreluAlpha?: number;
}

function convolve(node: ConvNode, x: tf.Tensor4D, w: ConvWeights, fusion: Fusion): tf.Tensor4D {
  const pad = explicitPadding(node.pads);
  const strides = node.stride;
  switch (w.form) {
    case 'dense':
      return tf.fused.conv2d({ x, filter: w.filter, strides, pad, bias: w.bias, ...fusion });
    case 'depthwise': {
      // tfjs's fused depthwise kernel takes no explicit padding: pad first, then 'valid'.
      const { top, left, bottom, right } = node.pads;
      const padded = top || left || bottom || right ? tf.pad(x, pad) : x;
      return tf.fused.depthwiseConv2d({ x: padded, filter: w.filter, strides, pad: 'valid', bias: w.bias, ...fusion });
    }
    case 'grouped': {
      const parts = tf.split(x, node.groups, 3) as tf.Tensor4D[];
      return tf.concat(parts.map((part, k) => tf.fused.conv2d({ x: part, filter: w.groups![k].filter, strides, pad, bias: w.groups![k].bias, ...fusion })), 3);
    }
  }
}

/** The flipped filters of the backward pass (kept across calls: weights are uploaded once per model). */
function backwardFilters(w: ConvWeights): tf.Tensor4D[] {
  w.backwardFilters ??= (
    w.form === 'dense' ? [backwardFilter(w.filter)] : w.form === 'depthwise' ? [depthwiseBackwardFilter(w.filter)] : w.groups!.map((g) => backwardFilter(g.filter))
  ).map((f) => tf.keep(f));
  return w.backwardFilters;
}

export const convOps: TfjsNodeOps<ConvNode> = {
  forward(node, x, ctx) {
    const w = ctx.weights.get(ctx.index)!;
    const fused = ctx.plan.fusedInto.get(ctx.index);
    if (fused === undefined) return convolve(node, x, w, {});
    // conv + bias + activation in one kernel; the activation node reads the result.
    const act = ctx.plan.graph.nodes[fused] as ActivationNode;
    ctx.outputs[fused] = convolve(node, x, w, { activation: TFJS_ACTIVATIONS[act.activation].fused, leakyreluAlpha: act.alpha });
    return undefined;
  },
  backward(node, g, ctx) {
    const [h, w] = ctx.plan.shapes[node.inputs[0]];
    const weights = ctx.weights.get(ctx.index)!;
    const filters = backwardFilters(weights);
    const dx =
      weights.form === 'dense'
        ? convBackwardInput(node, g, filters[0], [h, w])
        : weights.form === 'depthwise'
          ? depthwiseConvBackwardInput(node, g, filters[0], [h, w])
          : groupedConvBackwardInput(node, g, filters, [h, w]);
    ctx.send(node.inputs[0], dx);
  },
};
