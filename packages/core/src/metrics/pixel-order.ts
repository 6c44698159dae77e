/** The order in which deletion/insertion removes or reveals pixels. */
import { createSeededRandom } from '../util/random.js';

export type PixelOrder = 'saliency' | 'reverse' | 'random';

/**
 * Pixel indices (row-major) by `order`: 'saliency' = most salient first, 'reverse' = least
 * salient first, 'random' = a seeded permutation (Fisher–Yates). Ties keep index order so
 * the result is deterministic.
 */
export function pixelOrder(saliency: ArrayLike<number>, order: PixelOrder, seed = 0): Int32Array {
  const n = saliency.length;
  const indices = Int32Array.from({ length: n }, (_, i) => i);
  if (order === 'random') {
    const random = createSeededRandom(seed);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      const t = indices[i];
      indices[i] = indices[j];
      indices[j] = t;
    }
    return indices;
  }
  if (order !== 'saliency' && order !== 'reverse') throw new Error(`pixel order '${String(order)}' is not saliency, reverse or random`);
  const sign = order === 'saliency' ? -1 : 1;
  for (let i = 0; i < n; i++) if (Number.isNaN(saliency[i])) throw new Error(`pixel order: saliency value ${i} is NaN`);
  return indices.sort((a, b) => sign * (saliency[a] - saliency[b]) || a - b);
}
