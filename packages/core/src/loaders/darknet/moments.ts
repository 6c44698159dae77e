/** Signal moments tracked through a cfg to scale seeded weights (seeded-weights.ts). */
import { ACTIVATION_FUNCTIONS } from '../../graph/activation-functions.js';
import type { ActivationKind } from '../../graph/types.js';

/** E[x] and E[x^2] of a signal. */
export interface Moments {
  mean: number;
  square: number;
}

/** Moments of a [0,1] image (uniform pixels). */
export const INPUT_MOMENTS: Moments = { mean: 0.5, square: 1 / 3 };

/** Half-width of the seeded biases: small, so outputs are not exactly odd functions of the input. */
export const BIAS_LIMIT = 0.05;

/** act(y) for y ~ N(0, 1) (darknet's slope 0.1 for leaky). */
export function activationMoments(activation: ActivationKind): Moments {
  return ACTIVATION_FUNCTIONS[activation].normalMoments(0.1);
}
