/**
 * The backward pass, written out per node kind from what the forward kept (no re-run of the
 * forward, no autodiff tape): conv -> a convolution with the flipped kernel, leaky/relu ->
 * the kept sign mask, maxpool -> the gradient routed to each window's first maximum,
 * upsample -> block sums, concat -> channel slices, add -> the same gradient to every input. Gradients of a tensor read by
 * several consumers are summed.
 *
 * The rule is an argument of each call: 'guided' changes only leaky and relu nodes, where
 * g_in = max(g_out, 0) * [x > 0] (the negative slope is dropped, as the original Keras tool
 * did). Logistic and linear activations are differentiated plainly under both rules.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackwardRule, GraphNode } from '@yolo-saliency/core';
import { backwardFilter, convBackwardInput } from './conv-backward.js';
import type { ExecutionPlan } from './execution-plan.js';
import type { Saved } from './forward.js';
import { maxPoolGradPadded } from './maxpool-backward.js';
import type { ConvWeights } from './weights.js';

function activationBackward(node: Extract<GraphNode, { kind: 'activation' }>, g: tf.Tensor4D, saved: Saved | undefined, rule: BackwardRule): tf.Tensor4D {
  if (node.activation === 'linear') return g;
  if (node.activation === 'logistic') {
    if (saved?.kind !== 'logistic') throw new Error(`tfjs runtime: the tape has no output for layer '${node.name}'`);
    return tf.mul(g, tf.mul(saved.output, tf.sub(1, saved.output)));
  }
  if (saved?.kind !== 'positive') throw new Error(`tfjs runtime: the tape has no sign mask for layer '${node.name}'`);
  if (rule === 'guided') return tf.where(saved.positive, tf.relu(g), tf.zerosLike(g));
  return node.activation === 'relu' ? tf.where(saved.positive, g, tf.zerosLike(g)) : tf.where(saved.positive, g, tf.mul(g, node.alpha) as tf.Tensor4D);
}

function maxpoolBackward(node: Extract<GraphNode, { kind: 'maxpool' }>, g: tf.Tensor4D, saved: Saved | undefined): tf.Tensor4D {
  if (saved?.kind !== 'maxpool') throw new Error(`tfjs runtime: the tape has no pooling record for layer '${node.name}'`);
  const dPadded = maxPoolGradPadded(g, saved.paddedInput, saved.output, node);
  const { top, left, bottom, right } = node.pads;
  if (top === 0 && left === 0 && bottom === 0 && right === 0) return dPadded;
  const [n, h, w, c] = dPadded.shape;
  return tf.slice(dPadded, [0, top, left, 0], [n, h - top - bottom, w - left - right, c]);
}

/** Nearest-neighbour upsample backward: each input pixel collects its factor x factor block. */
function upsampleBackward(factor: number, g: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = g.shape;
  return tf.sum(tf.reshape(g, [n, h / factor, factor, w / factor, factor, c]), [2, 4]) as tf.Tensor4D;
}

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
  const accumulate = (j: number, g: tf.Tensor4D) => {
    grads[j] = grads[j] ? (tf.add(grads[j]!, g) as tf.Tensor4D) : g;
  };
  graph.heads.forEach((h, k) => accumulate(h, headGrads[k]));

  // Consumers always come after their producers, so when the walk reaches `stop` every
  // contribution to its gradient has arrived.
  for (let i = graph.nodes.length - 1; i > stop; i--) {
    const g = grads[i];
    if (!g) continue; // no head depends on this node
    grads[i] = undefined;
    const node = graph.nodes[i];
    switch (node.kind) {
      case 'yolo':
        accumulate(node.inputs[0], g);
        break;
      case 'conv': {
        const [h, w] = shapes[node.inputs[0]];
        const convWeights = weights.get(i)!;
        // Kept across calls (outside this tidy): weights are uploaded once per model.
        convWeights.backwardFilter ??= tf.keep(backwardFilter(convWeights.filter));
        accumulate(node.inputs[0], convBackwardInput(node, g, convWeights.backwardFilter, [h, w]));
        break;
      }
      case 'activation':
        accumulate(node.inputs[0], activationBackward(node, g, saved.get(i), rule));
        break;
      case 'maxpool':
        accumulate(node.inputs[0], maxpoolBackward(node, g, saved.get(i)));
        break;
      case 'upsample':
        accumulate(node.inputs[0], upsampleBackward(node.factor, g));
        break;
      case 'concat': {
        const parts = node.inputs.length === 1 ? [g] : tf.split(g, node.inputs.map((j) => shapes[j][2]), 3);
        node.inputs.forEach((j, k) => accumulate(j, parts[k] as tf.Tensor4D));
        break;
      }
      case 'add':
        for (const j of node.inputs) accumulate(j, g);
        break;
      case 'input':
        break;
    }
  }
  const [h, w, c] = shapes[stop];
  return grads[stop] ?? (tf.zeros([batch, h, w, c]) as tf.Tensor4D);
}
