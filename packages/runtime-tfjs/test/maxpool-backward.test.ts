/**
 * The maxpool backward used on wasm (window decomposition) against the cpu backend's
 * MaxPoolGrad kernel, with ties (relu zeros) included; and wasm's own kernel, which is wrong.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../src/backends.js';
import { maxPoolGradByWindows, maxPoolGradPadded } from '../src/maxpool-backward.js';
import { maxAbsDiff, randomNormal } from './helpers/tensors.js';

const cases = [
  { size: 2, stride: 1, h: 9 },
  { size: 2, stride: 2, h: 10 },
  { size: 3, stride: 2, h: 9 },
  { size: 3, stride: 1, h: 7 },
];

function run(size: number, stride: number, h: number, byWindows: boolean): Float32Array {
  return tf.tidy(() => {
    // relu makes many exact ties at 0: the first maximum must take the gradient, once.
    const x = tf.relu(tf.tensor4d(randomNormal([2, h, h, 3], h).data, [2, h, h, 3]));
    const y = tf.maxPool(x, size, stride, 'valid');
    const dy = tf.tensor4d(randomNormal(y.shape, 7).data, y.shape);
    return (byWindows ? maxPoolGradByWindows(dy, x, y, { size, stride }) : maxPoolGradPadded(dy, x, y, { size, stride })).dataSync() as Float32Array;
  });
}

describe('maxpool backward', () => {
  it.each(cases)('windows $size/$stride on wasm equal the cpu kernel', async ({ size, stride, h }) => {
    await selectTfjsBackend('cpu');
    const kernel = run(size, stride, h, false);
    await selectTfjsBackend('wasm');
    // Overlapping windows sum in another order: equal up to float32 rounding.
    expect(maxAbsDiff(run(size, stride, h, true), kernel)).toBeLessThan(1e-6);
    expect(maxAbsDiff(run(size, stride, h, false), kernel)).toBeLessThan(1e-6); // dispatches to windows on wasm
  });

  it('wasm MaxPoolGrad kernel is still broken (remove the workaround when this fails)', async () => {
    await selectTfjsBackend('cpu');
    const kernel = run(2, 2, 10, false);
    await selectTfjsBackend('wasm');
    const wasmKernel = tf.tidy(() => {
      const x = tf.relu(tf.tensor4d(randomNormal([2, 10, 10, 3], 10).data, [2, 10, 10, 3]));
      const y = tf.maxPool(x, 2, 2, 'valid');
      const dy = tf.tensor4d(randomNormal(y.shape, 7).data, y.shape);
      return (tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor).dataSync();
    });
    expect(maxAbsDiff(wasmKernel, kernel)).toBeGreaterThan(0);
  });
});
