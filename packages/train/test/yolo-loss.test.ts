// The loss terms on a one-cell case computed by hand.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '@yolo-saliency/runtime-tfjs';
import { bceWithLogits, headLoss, type HeadTargets } from '../src/index.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const bce = (z: number, t: number) => -(t * Math.log(sigmoid(z)) + (1 - t) * Math.log(1 - sigmoid(z)));

describe('yolo loss', () => {
  it('bceWithLogits equals -t log σ(z) - (1-t) log(1-σ(z)) and stays finite for large |z|', async () => {
    await selectTfjsBackend('cpu');
    const z = [-3, -0.5, 0, 0.7, 4];
    const t = [0, 1, 0.25, 1, 0.5];
    const got = bceWithLogits(tf.tensor(z), tf.tensor(t)).dataSync();
    z.forEach((v, k) => expect(got[k]).toBeCloseTo(bce(v, t[k]), 5));
    const far = bceWithLogits(tf.tensor([-200, 200]), tf.tensor([1, 0])).dataSync();
    expect(Array.from(far)).toEqual([200, 200]);
  });

  it('headLoss sums the four terms of a positive and a negative cell, per image', async () => {
    await selectTfjsBackend('cpu');
    // Batch 2, grid 1x1, 1 anchor, 2 classes: image 0 has an object, image 1 has none.
    const raw = tf.tensor4d([0.2, -0.4, 0.1, 0.3, 1.5, 0.5, -1, /* image 1 */ 0, 0, 0, 0, -2, 0, 0], [2, 1, 1, 7]);
    const t: HeadTargets = {
      object: Float32Array.of(1, 0),
      xy: Float32Array.of(0.6, 0.3, 0, 0),
      wh: Float32Array.of(0.05, -0.2, 0, 0),
      boxWeight: Float32Array.of(1.5, 0),
      classes: Float32Array.of(1, 0, 0, 0),
      boxes: [[], []],
    };
    const loss = headLoss(raw, t, Float32Array.of(0, 1), 1, 2);
    const xy = (1.5 * (bce(0.2, 0.6) + bce(-0.4, 0.3))) / 2;
    const wh = (0.5 * 1.5 * ((0.1 - 0.05) ** 2 + (0.3 + 0.2) ** 2)) / 2;
    const objectness = (bce(1.5, 1) + bce(-2, 0)) / 2;
    const classes = (bce(0.5, 1) + bce(-1, 0)) / 2;
    expect(loss.xy.dataSync()[0]).toBeCloseTo(xy, 5);
    expect(loss.wh.dataSync()[0]).toBeCloseTo(wh, 5);
    expect(loss.objectness.dataSync()[0]).toBeCloseTo(objectness, 5);
    expect(loss.classes.dataSync()[0]).toBeCloseTo(classes, 5);
  });
});
