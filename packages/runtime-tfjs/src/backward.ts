/**
 * The backward pass, walked from the heads to the input with each node kind's backward
 * (nodes/): no re-run of the forward, no autodiff tape, only what the forward kept.
 * Gradients of a tensor read by several consumers are summed.
 *
 * The rule is an argument of each call: 'guided' changes only the piecewise-linear activations
 * (activations.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackwardRule } from '@yolo-saliency/core';
import type { ExecutionPlan } from './execution-plan.js';
import { opsOf, type BackwardContext, type Saved } from './nodes/index.js';
import type { ConvWeights } from './weights.js';

/**
 * d(sum_k <headGrads[k], head_k>)/d(output of node `stop`), [N, h, w, c]. Runs inside the
 * caller's tf.tidy; the result is an ordinary tensor of that tidy.
 */
export function runBackward(
  plan: ExecutionPlan,
  weights: Map<number, ConvWeights>,
  saved: Map<number, Saved>,
  headGrads: tf.Tensor4D[],
  rule: BackwardRule,
  stop: number,
  batch: number,
): tf.Tensor4D {
  const { graph, shapes } = plan;
  const grads: Array<tf.Tensor4D | undefined> = new Array(graph.nodes.length);
  const send = (j: number, g: tf.Tensor4D) => {
    grads[j] = grads[j] ? (tf.add(grads[j]!, g) as tf.Tensor4D) : g;
  };
  graph.heads.forEach((h, k) => send(h, headGrads[k]));
  const ctx: BackwardContext = { plan, weights, index: 0, saved: undefined, rule, send };

  // Consumers always come after their producers, so when the walk reaches `stop` every
  // contribution to its gradient has arrived.
  for (let i = graph.nodes.length - 1; i > stop; i--) {
    const g = grads[i];
    if (!g) continue; // no head depends on this node
    grads[i] = undefined;
    ctx.index = i;
    ctx.saved = saved.get(i);
    const node = graph.nodes[i];
    opsOf(node).backward(node, g, ctx);
  }
  const [h, w, c] = shapes[stop];
  return grads[stop] ?? (tf.zeros([batch, h, w, c]) as tf.Tensor4D);
}
