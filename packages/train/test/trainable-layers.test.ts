// Max pooling and upsampling gradients against hand-computed ones, on both tfjs backends we
// train on. The same checks on tfjs's own kernels document why we do not use them.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '@yolo-saliency/runtime-tfjs';
import { maxPoolTrainable, upsampleTrainable } from '../src/index.js';

const B = 2;
const H = 6;
const C = 3;
const input = Float32Array.from({ length: B * H * H * C }, (_, k) => Math.sin(k * 7.3));
const index = (b: number, y: number, x: number, c: number, side = H) => ((b * side + y) * side + x) * C + c;

/** d/dx of Σ maxpool(x) ⊙ r, by the definition: each output sends r to its window's argmax. */
function manualMaxPoolGradient(size: number, stride: number, r: Float32Array): Float32Array {
  const out = H / stride;
  const grad = new Float32Array(input.length);
  for (let b = 0; b < B; b++) for (let y = 0; y < out; y++) for (let x = 0; x < out; x++) for (let c = 0; c < C; c++) {
    let best = -Infinity;
    let at = -1;
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) {
      const yy = y * stride + i;
      const xx = x * stride + j;
      if (yy < H && xx < H && input[index(b, yy, xx, c)] > best) {
        best = input[index(b, yy, xx, c)];
        at = index(b, yy, xx, c);
      }
    }
    grad[at] += r[index(b, y, x, c, out)];
  }
  return grad;
}

function gradientOf(op: (x: tf.Tensor4D) => tf.Tensor4D, r: Float32Array): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(input, [B, H, H, C]);
    const shape = op(x).shape;
    return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(op(v as tf.Tensor4D), tf.tensor(r, shape))))(x).dataSync() as Float32Array;
  });
}

const maxError = (a: Float32Array, b: Float32Array) => a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k])), 0);

describe.each(['cpu', 'wasm'])('trainable layers on %s', (backend) => {
  it.each([
    [2, 1],
    [2, 2],
    [3, 1],
  ])('maxpool size %i stride %i: darknet values and exact gradients', async (size, stride) => {
    await selectTfjsBackend(backend);
    const out = H / stride;
    const r = Float32Array.from({ length: B * out * out * C }, (_, k) => Math.cos(k));
    expect(maxError(gradientOf((x) => maxPoolTrainable(x, size, stride), r), manualMaxPoolGradient(size, stride, r))).toBeLessThan(1e-6);
    // Values: the same windows darknet uses (padding after the input, outside never wins).
    const values = maxPoolTrainable(tf.tensor4d(input, [B, H, H, C]), size, stride).dataSync();
    const reference = tf.maxPool(tf.tensor4d(input, [B, H, H, C]), size, stride, stride === 1 ? 'same' : 'valid').dataSync();
    if (size === 2) expect(maxError(values as Float32Array, reference as Float32Array)).toBe(0);
  });

  it('upsample x2: values of nearest neighbour, gradient = sum over each 2x2 block', async () => {
    await selectTfjsBackend(backend);
    const r = Float32Array.from({ length: B * 2 * H * 2 * H * C }, (_, k) => Math.sin(k * 0.7));
    const manual = new Float32Array(input.length);
    for (let b = 0; b < B; b++) for (let y = 0; y < 2 * H; y++) for (let x = 0; x < 2 * H; x++) for (let c = 0; c < C; c++) {
      manual[index(b, y >> 1, x >> 1, c)] += r[index(b, y, x, c, 2 * H)];
    }
    expect(maxError(gradientOf((x) => upsampleTrainable(x, 2), r), manual)).toBeLessThan(1e-5);
    const values = upsampleTrainable(tf.tensor4d(input, [B, H, H, C]), 2).dataSync();
    expect(maxError(values as Float32Array, tf.image.resizeNearestNeighbor(tf.tensor4d(input, [B, H, H, C]), [2 * H, 2 * H]).dataSync() as Float32Array)).toBe(0);
  });
});

describe('tfjs 4.22 kernels we avoid (if these start passing, the workaround can go)', () => {
  it('wasm MaxPoolGrad is wrong for a stride-1 same pool', async () => {
    await selectTfjsBackend('wasm');
    const r = Float32Array.from({ length: B * H * H * C }, (_, k) => Math.cos(k));
    expect(maxError(gradientOf((x) => tf.maxPool(x, 2, 1, 'same'), r), manualMaxPoolGradient(2, 1, r))).toBeGreaterThan(0.1);
  });

  it('cpu ResizeNearestNeighborGrad is wrong for an integer upsample', async () => {
    await selectTfjsBackend('cpu');
    const r = Float32Array.from({ length: B * 2 * H * 2 * H * C }, (_, k) => Math.sin(k * 0.7));
    const ours = gradientOf((x) => upsampleTrainable(x, 2), r);
    expect(maxError(gradientOf((x) => tf.image.resizeNearestNeighbor(x, [2 * H, 2 * H]), r), ours)).toBeGreaterThan(0.01);
  });
});
