/**
 * The arithmetic of turning Keras layers into IR nodes: padding conventions, kernel layout
 * and batch-norm folding. Kept apart from the graph walk so each rule can be read (and
 * checked) on its own.
 */
import type { Pads } from '../../graph/types.js';
import type { StoredArray } from './hdf5-file.js';
import { hwioToOihw as hwioToOihwLayout } from '../../graph/filter-layout.js';

export const ZERO_PADS: Pads = { top: 0, left: 0, bottom: 0, right: 0 };

export function addPads(a: Pads, b: Pads): Pads {
  return { top: a.top + b.top, left: a.left + b.left, bottom: a.bottom + b.bottom, right: a.right + b.right };
}

/**
 * TensorFlow 'same' padding for a window of `kernel` and `stride` along one axis:
 * total = max((ceil(H/s)-1)*s + k - H, 0), split floor(total/2) before, the rest after.
 * The IR has fixed pads, so this is evaluated for H a multiple of the stride, which every
 * valid input size guarantees (sizes are multiples of the network's largest stride); then
 * total = max(k - s, 0) whatever H is.
 */
export function tfSamePads(kernel: [number, number], stride: [number, number]): Pads {
  const total = (k: number, s: number) => Math.max(k - s, 0);
  const th = total(kernel[0], stride[0]);
  const tw = total(kernel[1], stride[1]);
  return { top: Math.floor(th / 2), left: Math.floor(tw / 2), bottom: th - Math.floor(th / 2), right: tw - Math.floor(tw / 2) };
}

/** ZeroPadding2D's `padding`: n, [h, w] (symmetric) or [[top, bottom], [left, right]]. */
export function zeroPaddingPads(padding: unknown): Pads | undefined {
  const isInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
  if (isInt(padding)) return { top: padding, left: padding, bottom: padding, right: padding };
  if (!Array.isArray(padding) || padding.length !== 2) return undefined;
  const [h, w] = padding;
  if (isInt(h) && isInt(w)) return { top: h, bottom: h, left: w, right: w };
  if (Array.isArray(h) && Array.isArray(w) && [...h, ...w].every(isInt) && h.length === 2 && w.length === 2) {
    return { top: h[0], bottom: h[1], left: w[0], right: w[1] };
  }
  return undefined;
}

/** A Keras (int | [a, b]) size argument as a pair, or undefined when malformed. */
export function intPair(value: unknown): [number, number] | undefined {
  if (Number.isInteger(value)) return [value as number, value as number];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v))) return [value[0], value[1]];
  return undefined;
}

/** Keras kernels are HWIO ([kh, kw, in, out]); the IR wants OIHW. */
export function hwioToOihw(kernel: StoredArray): Float32Array {
  const [kh, kw, c, o] = kernel.shape;
  return hwioToOihwLayout(kernel.data, [kh, kw, c, o]);
}

export interface BatchNormParams {
  gamma?: Float32Array;
  beta?: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/**
 * Fold inference-mode batch norm into the preceding conv (Keras: x̂ = (x-mean)/sqrt(var+eps)):
 * w' = w*gamma/sqrt(var+eps), b' = (b-mean)*gamma/sqrt(var+eps) + beta, computed in float64.
 */
export function foldBatchNorm(weights: Float32Array, bias: Float32Array, bn: BatchNormParams): { weights: Float32Array; bias: Float32Array } {
  const filters = bias.length;
  const perFilter = weights.length / filters;
  const w = new Float32Array(weights.length);
  const b = new Float32Array(filters);
  for (let f = 0; f < filters; f++) {
    const scale = (bn.gamma ? bn.gamma[f] : 1) / Math.sqrt(bn.variance[f] + bn.epsilon);
    for (let i = 0; i < perFilter; i++) w[f * perFilter + i] = weights[f * perFilter + i] * scale;
    b[f] = (bias[f] - bn.mean[f]) * scale + (bn.beta ? bn.beta[f] : 0);
  }
  return { weights: w, bias: b };
}
