/**
 * Fold darknet batch norm into conv weights and bias. Darknet normalises with
 * (x - mean) / (sqrt(var) + .000001) (epsilon outside the root, unlike Keras), so:
 *   w' = w * gamma / (sqrt(var) + .000001),  b' = beta - mean * gamma / (sqrt(var) + .000001).
 */
import type { DarknetConvParams } from './types.js';

export const DARKNET_BN_EPSILON = 0.000001;

export function foldDarknetBatchNorm(params: DarknetConvParams, layerName: string): { weights: Float32Array; bias: Float32Array } {
  const { biases, batchNorm, weights } = params;
  if (!batchNorm) return { weights: Float32Array.from(weights), bias: Float32Array.from(biases) };
  const filters = biases.length;
  const perFilter = weights.length / filters;
  const folded = new Float32Array(weights.length);
  const bias = new Float32Array(filters);
  for (let f = 0; f < filters; f++) {
    const variance = batchNorm.rollingVariance[f];
    if (!(variance >= 0)) throw new Error(`layer '${layerName}': batch norm variance ${variance} of filter ${f} is negative or not a number`);
    // Computed in double precision, then rounded once when stored.
    const factor = batchNorm.scales[f] / (Math.sqrt(variance) + DARKNET_BN_EPSILON);
    bias[f] = biases[f] - batchNorm.rollingMean[f] * factor;
    const start = f * perFilter;
    for (let k = start; k < start + perFilter; k++) folded[k] = weights[k] * factor;
  }
  return { weights: folded, bias };
}
