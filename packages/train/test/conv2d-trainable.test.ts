// Our convolution gradients against tfjs's own Conv2DBackprop kernels (cpu backend has both),
// and the wasm backend (which lacks the filter kernel) against the cpu reference.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '@yolo-saliency/runtime-tfjs';
import { conv2dTrainable } from '../src/index.js';

interface Case { batch: number; size: number; channels: number; filters: number; kernel: number; stride: number }
const CASES: Case[] = [
  { batch: 2, size: 9, channels: 3, filters: 4, kernel: 3, stride: 1 },
  { batch: 1, size: 8, channels: 5, filters: 3, kernel: 1, stride: 1 },
  { batch: 2, size: 11, channels: 2, filters: 3, kernel: 3, stride: 2 },
];

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** Loss = Σ conv(x, w) ⊙ r for a fixed random r, so dL/dy = r everywhere. */
function gradients(c: Case, ours: boolean): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const x = seeded([c.batch, c.size, c.size, c.channels], 1) as tf.Tensor4D;
    const w = seeded([c.kernel, c.kernel, c.channels, c.filters], 2) as tf.Tensor4D;
    const outSize = Math.floor((c.size - c.kernel) / c.stride) + 1;
    const r = seeded([c.batch, outSize, outSize, c.filters], 3);
    const conv = (a: tf.Tensor, b: tf.Tensor) => (ours ? conv2dTrainable(a as tf.Tensor4D, b as tf.Tensor4D, c.stride) : tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, 'valid'));
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, w]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let error = 0;
  for (let k = 0; k < a.length; k++) {
    scale = Math.max(scale, Math.abs(b[k]));
    error = Math.max(error, Math.abs(a[k] - b[k]));
  }
  return error / scale;
}

describe('conv2dTrainable gradients', () => {
  it.each(CASES)('match tfjs Conv2DBackpropInput/Filter on cpu: %o', async (c) => {
    await selectTfjsBackend('cpu');
    const reference = gradients(c, false);
    const ours = gradients(c, true);
    expect(maxRelativeError(ours.dx, reference.dx)).toBeLessThan(1e-5);
    expect(maxRelativeError(ours.dw, reference.dw)).toBeLessThan(1e-5);
  });

  it.each(CASES)('run on wasm (no Conv2DBackpropFilter there) with the cpu values: %o', async (c) => {
    await selectTfjsBackend('cpu');
    const reference = gradients(c, false);
    await selectTfjsBackend('wasm');
    const ours = gradients(c, true);
    expect(maxRelativeError(ours.dx, reference.dx)).toBeLessThan(1e-5);
    expect(maxRelativeError(ours.dw, reference.dw)).toBeLessThan(1e-5);
  });
});
