/** Conv on tfjs: tf.fused.conv2d (with its activation when that is fused); backward as a forward conv (conv-backward.ts). */
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationNode, ConvNode } from '@yolo-saliency/core';
import { TFJS_ACTIVATIONS } from '../activations.js';
import { backwardFilter, convBackwardInput } from '../conv-backward.js';
import { explicitPadding } from '../execution-plan.js';
import type { TfjsNodeOps } from './node-ops.js';

export const convOps: TfjsNodeOps<ConvNode> = {
  forward(node, x, ctx) {
    const { filter, bias } = ctx.weights.get(ctx.index)!;
    const pad = explicitPadding(node.pads);
    const fused = ctx.plan.fusedInto.get(ctx.index);
    if (fused === undefined) return tf.fused.conv2d({ x, filter, strides: node.stride, pad, bias });
    // conv + bias + activation in one kernel; the activation node reads the result.
    const act = ctx.plan.graph.nodes[fused] as ActivationNode;
    ctx.outputs[fused] = tf.fused.conv2d({
      x, filter, strides: node.stride, pad, bias,
      activation: TFJS_ACTIVATIONS[act.activation].fused,
      leakyreluAlpha: act.alpha,
    });
    return undefined;
  },
  backward(node, g, ctx) {
    const [h, w] = ctx.plan.shapes[node.inputs[0]];
    const convWeights = ctx.weights.get(ctx.index)!;
    // Kept across calls (outside this tidy): weights are uploaded once per model.
    convWeights.backwardFilter ??= tf.keep(backwardFilter(convWeights.filter));
    ctx.send(node.inputs[0], convBackwardInput(node, g, convWeights.backwardFilter, [h, w]));
  },
};
