/**
 * The graph as tfjs ops (NHWC): each node kind's forward (nodes/), optionally keeping what the
 * backward pass and VisualBackProp need. Runs synchronously inside a tf.tidy of the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ExecutionPlan } from './execution-plan.js';
import { opsOf, type ForwardContext, type Saved } from './nodes/index.js';
import type { ConvWeights } from './weights.js';

export interface ForwardRecording {
  saved: Map<number, Saved>;
  /** VBP mean maps [N, h, w], per VBP feature node. */
  means: Map<number, tf.Tensor3D>;
}

export interface ForwardOptions {
  gradients: boolean;
  visualBackProp: boolean;
}

/**
 * Evaluate the graph on `input` [N, H, W, C]. Returns the raw heads; when recording, the kept
 * tensors are tf.keep()-ed into `recording` so the caller's tidy does not free them.
 */
export function runForward(
  plan: ExecutionPlan,
  weights: Map<number, ConvWeights>,
  input: tf.Tensor4D,
  options: ForwardOptions,
  recording?: ForwardRecording,
): tf.Tensor4D[] {
  const { graph } = plan;
  const meanNodes = new Set(options.visualBackProp ? plan.vbp.meanNodes : []);
  const outputs: Array<tf.Tensor4D | undefined> = new Array(graph.nodes.length);
  const ctx: ForwardContext = {
    plan,
    weights,
    index: 0,
    input,
    outputs,
    gradients: options.gradients && !!recording,
    save(saved) {
      // Clones (no data copy): a kept tensor may also be a head, which the caller disposes.
      const kept = Object.fromEntries(Object.entries(saved).map(([k, t]) => [k, tf.keep(tf.clone(t))])) as Saved;
      recording!.saved.set(ctx.index, kept);
    },
  };

  graph.nodes.forEach((node, i) => {
    ctx.index = i;
    const x = node.inputs.length ? outputs[node.inputs[0]]! : input;
    const y = opsOf(node).forward(node, x, ctx);
    if (y) outputs[i] = y;
    if (meanNodes.has(i) && recording) {
      // VBP feature map: channel mean, negative means clamped to 0 (see core's vbp-plan.ts).
      recording.means.set(i, tf.keep(tf.relu(tf.mean(outputs[i]!, 3)) as tf.Tensor3D));
    }
  });
  return graph.heads.map((h) => outputs[h]!);
}
