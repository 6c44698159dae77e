/**
 * SmoothGrad (Smilkov et al. 2017): the mean of vanilla gradients over noisy copies
 * x + N(0, σ²), σ = noise · (max(x) - min(x)). The noise comes from a seeded PRNG so maps
 * are reproducible; noisy inputs are not clipped (as in the paper).
 */
import type { TensorData } from '../runtime/types.js';
import { createSeededRandom } from '../util/random.js';
import type { ExplainContext } from './explain-context.js';
import { runGradientBatches } from './gradient-batches.js';

export async function smoothGrad(context: ExplainContext): Promise<TensorData> {
  const { input, options } = context;
  const x = input.data;
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const sigma = options.noise * (max - min);
  const random = createSeededRandom(options.seed);
  const gradientSum = new Float64Array(x.length);

  // Samples are filled in index order, so the noise depends only on the seed, not the batch size.
  await runGradientBatches(context, {
    count: options.samples,
    fill(_index, into) {
      for (let i = 0; i < into.length; i++) into[i] = sigma > 0 ? x[i] + sigma * random.normal() : x[i];
    },
    consume(_index, gradient) {
      for (let i = 0; i < gradient.length; i++) gradientSum[i] += gradient[i];
    },
  });

  const map = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) map[i] = gradientSum[i] / options.samples;
  return { dims: input.dims.slice(1), data: map };
}
