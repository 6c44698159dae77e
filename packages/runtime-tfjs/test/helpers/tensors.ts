import { createSeededRandom, type TensorData } from '@yolo-saliency/core';

/** Uniform values in [0,1) on a 2^-12 grid, so that x +- 2^-10 is exact in float32. */
export function randomInput(dims: number[], seed: number): TensorData {
  const rng = createSeededRandom(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  return { dims, data: Float32Array.from({ length: n }, () => Math.floor(rng.uniform() * 4096) / 4096) };
}

export function randomNormal(dims: number[], seed: number): TensorData {
  const rng = createSeededRandom(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  return { dims, data: Float32Array.from({ length: n }, () => rng.normal()) };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** One image of a batch. */
export function imageOf(t: TensorData, n: number): TensorData {
  const per = t.data.length / t.dims[0];
  return { dims: [1, ...t.dims.slice(1)], data: t.data.slice(n * per, (n + 1) * per) };
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
}
