/**
 * Each activation function as tfjs ops, keyed like core's ACTIVATION_FUNCTIONS (which says what
 * its backward needs from the forward). The trainer uses the same table for its forward.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationKind, BackwardRule } from '@yolo-saliency/core';
import { ACTIVATION_FUNCTIONS } from '@yolo-saliency/core/graph';

/** Activations tf.fused.conv2d can apply inside the convolution kernel. */
export type FusableActivation = 'linear' | 'relu' | 'leakyrelu' | 'sigmoid';

export interface TfjsActivation {
  apply(x: tf.Tensor4D, alpha: number): tf.Tensor4D;
  /** The same function inside tf.fused.conv2d, where tfjs has it. */
  fused?: FusableActivation;
  /**
   * For tape 'sign' units: the slope below zero. Fusion and reading [x > 0] from the output
   * both need a positive (or zero, for relu) slope.
   */
  negativeSlope?(alpha: number): number;
  /** For tape 'output' units: dy/dx as a function of y. */
  derivativeFromOutput?(y: tf.Tensor4D): tf.Tensor4D;
  /** For tape 'input' units: dy/dx as a function of x. */
  derivativeFromInput?(x: tf.Tensor4D): tf.Tensor4D;
}

/** mish'(x) = tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x), sp = softplus(x). */
function mishDerivative(x: tf.Tensor4D): tf.Tensor4D {
  const t = tf.tanh(tf.softplus(x));
  return tf.add(t, tf.mul(tf.mul(x, tf.sub(1, tf.square(t))), tf.sigmoid(x)));
}

/** swish'(x) = s + x s (1 - s), s = sigmoid(x). */
function swishDerivative(x: tf.Tensor4D): tf.Tensor4D {
  const s = tf.sigmoid(x);
  return tf.add(s, tf.mul(tf.mul(x, s), tf.sub(1, s)));
}

export const TFJS_ACTIVATIONS: Record<ActivationKind, TfjsActivation> = {
  leaky: { apply: (x, alpha) => tf.leakyRelu(x, alpha), fused: 'leakyrelu', negativeSlope: (alpha) => alpha },
  relu: { apply: (x) => tf.relu(x), fused: 'relu', negativeSlope: () => 0 },
  logistic: { apply: (x) => tf.sigmoid(x), fused: 'sigmoid', derivativeFromOutput: (y) => tf.mul(y, tf.sub(1, y)) },
  linear: { apply: (x) => x, fused: 'linear' },
  mish: { apply: (x) => tf.mul(x, tf.tanh(tf.softplus(x))), derivativeFromInput: mishDerivative },
  swish: { apply: (x) => tf.mul(x, tf.sigmoid(x)), derivativeFromInput: swishDerivative },
};

/**
 * Whether [x > 0] can be read from the output y: true for relu and for leaky with a positive
 * slope (y > 0 exactly when x > 0). Then the conv before it may also run fused.
 */
export function signFromOutput(activation: ActivationKind, alpha: number): boolean {
  const slope = TFJS_ACTIVATIONS[activation].negativeSlope?.(alpha);
  return slope !== undefined && (activation === 'relu' || slope > 0);
}

/**
 * The backward of one activation under a rule. 'guided' gates the rectifiers (core's
 * ACTIVATION_FUNCTIONS[...].guided; docs/guided-backprop.md): g_in = max(g_out, 0) · f'(x) · [x > 0],
 * which for leaky and relu is max(g_out, 0) · [x > 0] (the negative slope is dropped, as the
 * original Keras tool did); logistic and linear are differentiated plainly under both rules.
 */
export function activationBackward(
  activation: ActivationKind,
  alpha: number,
  g: tf.Tensor4D,
  saved: { positive?: tf.Tensor4D; output?: tf.Tensor4D; input?: tf.Tensor4D },
  rule: BackwardRule,
  name: string,
): tf.Tensor4D {
  const fn = TFJS_ACTIVATIONS[activation];
  switch (ACTIVATION_FUNCTIONS[activation].tape) {
    case 'nothing':
      return g;
    case 'output':
      if (!saved.output) throw new Error(`tfjs runtime: the tape has no output for layer '${name}'`);
      return tf.mul(g, fn.derivativeFromOutput!(saved.output));
    case 'input': {
      if (!saved.input) throw new Error(`tfjs runtime: the tape has no input for layer '${name}'`);
      const slope = fn.derivativeFromInput!(saved.input);
      if (rule !== 'guided') return tf.mul(g, slope);
      return tf.where(tf.greater(saved.input, 0), tf.mul(tf.relu(g), slope), tf.zerosLike(g)) as tf.Tensor4D;
    }
    case 'sign': {
      if (!saved.positive) throw new Error(`tfjs runtime: the tape has no sign mask for layer '${name}'`);
      if (rule === 'guided') return tf.where(saved.positive, tf.relu(g), tf.zerosLike(g));
      const slope = fn.negativeSlope!(alpha);
      return tf.where(saved.positive, g, slope === 0 ? tf.zerosLike(g) : (tf.mul(g, slope) as tf.Tensor4D));
    }
  }
}
