/**
 * Each activation function in one place: its float64 definition, what its backward pass must
 * keep from the forward, and its ONNX operator. The activation node kind
 * (node-kinds/activation.ts) and the runtimes read this table instead of switching on names.
 */
import type { OnnxAttributeValue } from '../onnx/onnx-model.js';
import type { ActivationKind } from './types.js';

/**
 * What a backward pass needs from the forward at this activation:
 * - 'nothing': the derivative is 1 (linear);
 * - 'sign': [x > 0] (piecewise-linear units; the guided rule applies here);
 * - 'output': the activation's output y (its derivative is a function of y, e.g. y(1-y)).
 */
export type ActivationTape = 'nothing' | 'sign' | 'output';

export interface ActivationFunction {
  /** y = f(x; alpha), the textbook definition in float64. */
  apply(x: number, alpha: number): number;
  tape: ActivationTape;
  /** E[f(y)] and E[f(y)^2] for y ~ N(0, 1): how seeded weights keep signals O(1) (darknet loader). */
  normalMoments(alpha: number): { mean: number; square: number };
  /** The ONNX operator computing it (opset 13), with its attributes. */
  onnx(alpha: number): { opType: string; attributes?: Record<string, OnnxAttributeValue> };
}

const HALF_NORMAL_MEAN = 1 / Math.sqrt(2 * Math.PI);

export const ACTIVATION_FUNCTIONS: Record<ActivationKind, ActivationFunction> = {
  leaky: {
    apply: (x, alpha) => (x > 0 ? x : alpha * x),
    tape: 'sign',
    normalMoments: (alpha) => ({ mean: (1 - alpha) * HALF_NORMAL_MEAN, square: (1 + alpha * alpha) / 2 }),
    onnx: (alpha) => ({ opType: 'LeakyRelu', attributes: { alpha: { type: 'float', value: alpha } } }),
  },
  relu: {
    apply: (x) => (x > 0 ? x : 0),
    tape: 'sign',
    normalMoments: () => ({ mean: HALF_NORMAL_MEAN, square: 0.5 }),
    onnx: () => ({ opType: 'Relu' }),
  },
  logistic: {
    apply: (x) => 1 / (1 + Math.exp(-x)),
    tape: 'output',
    // From numeric integration.
    normalMoments: () => ({ mean: 0.5, square: 0.293 }),
    onnx: () => ({ opType: 'Sigmoid' }),
  },
  linear: {
    apply: (x) => x,
    tape: 'nothing',
    normalMoments: () => ({ mean: 0, square: 1 }),
    onnx: () => ({ opType: 'Identity' }),
  },
};

export const ACTIVATION_KINDS = Object.keys(ACTIVATION_FUNCTIONS) as ActivationKind[];
