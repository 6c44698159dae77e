import type { SampleOptions } from './options.js';
import { sampleSeed } from './random.js';
import { generateSample, type SyntheticSample } from './sample.js';

/**
 * `count` samples; sample k is generateSample(sampleSeed(seed, k), options), so any one of
 * them can be regenerated alone. For thousands of images prefer a loop over sampleSeed (this
 * holds every image in memory).
 */
export function generateDataset(seed: number, count: number, options?: SampleOptions): SyntheticSample[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`generateDataset: count must be an integer >= 0, got ${count}`);
  if (!Number.isFinite(seed)) throw new RangeError(`generateDataset: seed ${seed} is not a finite number`);
  return Array.from({ length: count }, (_, k) => generateSample(sampleSeed(seed, k), options));
}
