/**
 * VisualBackProp on tfjs: executes core's plan (packages/core/src/algorithms/vbp-plan.ts,
 * where the definition is written out) with the mean maps the forward recorded.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { VbpEdgeOp, VbpPlan } from '@yolo-saliency/core/runtime';
import { explicitPadding } from './execution-plan.js';

/** Divide each image's mask by its maximum, when that maximum is > 0 (masks are >= 0). */
function normaliseByMax(m: tf.Tensor3D): tf.Tensor3D {
  const max = tf.max(m, [1, 2], true);
  return tf.div(m, tf.where(tf.greater(max, 0), max, tf.onesLike(max))) as tf.Tensor3D;
}

function sendAlong(op: VbpEdgeOp, m: tf.Tensor3D): tf.Tensor3D {
  const [n, h, w] = m.shape;
  switch (op.kind) {
    case 'identity':
      return m;
    case 'ones-transposed-conv': {
      const [kh, kw] = op.kernel;
      // The transposed conv is the adjoint of the window op: each input pixel receives the
      // sum of the mask over the windows that cover it; the padding is cropped by outputShape.
      const up = tf.conv2dTranspose(
        tf.reshape(m, [n, h, w, 1]) as tf.Tensor4D,
        tf.ones([kh, kw, 1, 1]) as tf.Tensor4D,
        [n, op.inputSize[0], op.inputSize[1], 1],
        op.stride,
        explicitPadding(op.pads),
      );
      return tf.reshape(up, [n, op.inputSize[0], op.inputSize[1]]);
    }
    case 'average-pool': {
      const f = op.factor;
      return tf.reshape(tf.avgPool(tf.reshape(m, [n, h, w, 1]) as tf.Tensor4D, f, f, 'valid'), [n, h / f, w / f]);
    }
  }
}

/** Run the plan; returns [N, H, W] in [0, 1]. Call inside a tf.tidy. */
export function runVisualBackProp(plan: VbpPlan, means: Map<number, tf.Tensor3D>, batch: number): tf.Tensor3D {
  const masks = new Map<number, tf.Tensor3D>();
  const arrive = (node: number, m: tf.Tensor3D) => {
    const before = masks.get(node);
    masks.set(node, before ? (tf.add(before, m) as tf.Tensor3D) : m);
  };
  let result: tf.Tensor3D | undefined;
  for (const step of plan.steps) {
    let m = masks.get(step.node);
    if (step.seed) {
      const ones = tf.ones([batch, step.size[0], step.size[1]]) as tf.Tensor3D;
      m = m ? (tf.add(m, ones) as tf.Tensor3D) : ones;
    }
    if (!m) continue; // only reachable from heads whose masks are all zero-sized (cannot happen)
    if (step.multiplyByMean) {
      const mean = means.get(step.node);
      if (!mean) throw new Error(`tfjs runtime: the tape has no VisualBackProp mean for node ${step.node}`);
      m = tf.mul(m, mean) as tf.Tensor3D;
    }
    if (step.sends.length === 0) {
      result = m;
      break;
    }
    for (const send of step.sends) arrive(send.to, normaliseByMax(sendAlong(send.op, m)));
  }
  if (!result) throw new Error('tfjs runtime: VisualBackProp did not reach the input');
  const min = tf.min(result, [1, 2], true);
  const range = tf.sub(tf.max(result, [1, 2], true), min);
  // (m - min) / (max - min) per image; a constant map becomes all zeros.
  return tf.where(
    tf.broadcastTo(tf.greater(range, 0), result.shape),
    tf.div(tf.sub(result, min), tf.where(tf.greater(range, 0), range, tf.onesLike(range))),
    tf.zerosLike(result),
  ) as tf.Tensor3D;
}
