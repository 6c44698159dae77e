/**
 * The differential tests' comparison of two runtimes' input gradients, image by image: cosine
 * >= 0.9999 and max |diff| <= 1e-4 x the reference's max |grad|; where nothing reaches the
 * input (the guided rule, a target whose gradient is negative everywhere) both must be zero.
 */
import { expect } from 'vitest';
import type { TensorData } from '@yolo-saliency/core';
import { cosine, imageOf, maxAbs, maxAbsDiff } from '../../packages/runtime-tfjs/test/helpers/tensors.js';

export function expectSameGradient(got: TensorData, want: TensorData, what: string): void {
  expect(got.dims, what).toEqual(want.dims);
  for (let n = 0; n < want.dims[0]; n++) {
    const [a, b] = [imageOf(got, n).data, imageOf(want, n).data];
    const scale = maxAbs(b);
    const where = `${what}, image ${n}: cosine ${cosine(a, b)}, max |diff| ${maxAbsDiff(a, b)} (max |grad| ${scale})`;
    if (scale === 0) {
      expect(maxAbs(a), where).toBe(0);
      continue;
    }
    expect(cosine(a, b), where).toBeGreaterThanOrEqual(0.9999);
    expect(maxAbsDiff(a, b), where).toBeLessThanOrEqual(1e-4 * scale);
  }
}
