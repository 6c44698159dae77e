/** Activations on tfjs (activations.ts has each function); the tape keeps what its backward needs. */
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationNode } from '@yolo-saliency/core';
import { ACTIVATION_FUNCTIONS } from '@yolo-saliency/core/graph';
import { activationBackward, signFromOutput, TFJS_ACTIVATIONS } from '../activations.js';
import type { TfjsNodeOps } from './node-ops.js';

export const activationOps: TfjsNodeOps<ActivationNode> = {
  forward(node, x, ctx) {
    // A fused activation already holds its output, and then x (the conv output) does not exist.
    const fused = ctx.plan.fusedActivations.has(ctx.index);
    const y = fused ? ctx.outputs[ctx.index]! : TFJS_ACTIVATIONS[node.activation].apply(x, node.alpha);
    if (!ctx.gradients) return y;
    const tape = ACTIVATION_FUNCTIONS[node.activation].tape;
    if (tape === 'sign') {
      // Fusion requires the sign to be readable from y; an unfused unit with a non-positive slope reads its input.
      const source = fused || signFromOutput(node.activation, node.alpha) ? y : x;
      ctx.save({ positive: tf.greater(source, 0) as tf.Tensor4D });
    } else if (tape === 'output') {
      ctx.save({ output: y });
    } else if (tape === 'input') {
      ctx.save({ input: x });
    }
    return y;
  },
  backward(node, g, ctx) {
    ctx.send(node.inputs[0], activationBackward(node.activation, node.alpha, g, ctx.saved ?? {}, ctx.rule, node.name));
  },
};
