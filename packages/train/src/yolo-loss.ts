/**
 * The YOLOv3 loss of one head, as keras-yolo3 and darknet define it: binary cross-entropy
 * on the centre offsets, objectness and classes, squared error on log sizes; box terms
 * weighted by 2 - w*h; objectness negatives only where the ignore mask allows. Summed over
 * cells and divided by the batch size.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HeadTargets } from './yolo-targets.js';

/** BCE from logits, written to stay finite: max(z, 0) - z*t + log(1 + exp(-|z|)). */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
}

export interface LossTerms {
  xy: tf.Scalar;
  wh: tf.Scalar;
  objectness: tf.Scalar;
  classes: tf.Scalar;
}

/** raw: [B, G, G, A*(5+C)]; negatives: [B*G*G*A] from negativeMask. */
export function headLoss(raw: tf.Tensor4D, t: HeadTargets, negatives: Float32Array, anchors: number, classes: number): LossTerms {
  const [batch, gh, gw] = raw.shape;
  const cells = [batch, gh, gw, anchors];
  const r = tf.reshape(raw, [...cells, 5 + classes]);
  const object = tf.tensor(t.object, [...cells, 1]);
  const boxWeight = tf.mul(object, tf.tensor(t.boxWeight, [...cells, 1]));
  const xy = tf.sum(tf.mul(boxWeight, bceWithLogits(tf.slice(r, [0, 0, 0, 0, 0], [...cells, 2]), tf.tensor(t.xy, [...cells, 2]))));
  const wh = tf.mul(0.5, tf.sum(tf.mul(boxWeight, tf.square(tf.sub(tf.slice(r, [0, 0, 0, 0, 2], [...cells, 2]), tf.tensor(t.wh, [...cells, 2]))))));
  const objLogit = tf.slice(r, [0, 0, 0, 0, 4], [...cells, 1]);
  const positive = tf.mul(object, bceWithLogits(objLogit, tf.onesLike(objLogit)));
  const negative = tf.mul(tf.tensor(negatives, [...cells, 1]), bceWithLogits(objLogit, tf.zerosLike(objLogit)));
  const objectness = tf.sum(tf.add(positive, negative));
  const cls = tf.sum(tf.mul(object, bceWithLogits(tf.slice(r, [0, 0, 0, 0, 5], [...cells, classes]), tf.tensor(t.classes, [...cells, classes]))));
  const per = (v: tf.Tensor) => tf.div(v, batch) as tf.Scalar;
  return { xy: per(xy), wh: per(wh), objectness: per(objectness), classes: per(cls) };
}
