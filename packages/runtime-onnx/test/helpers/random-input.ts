import { createSeededRandom, type TensorData } from '@yolo-saliency/core';

/** Seeded uniform values in [0, 1) with these dims. */
export function randomInput(dims: number[], seed: number): TensorData {
  const rng = createSeededRandom(seed);
  return { dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.uniform()) };
}
