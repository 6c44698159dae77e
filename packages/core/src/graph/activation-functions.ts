/**
 * Each activation function in one place: its float64 definition and derivative, what its
 * backward pass must keep from the forward, how the guided rule treats it, and its ONNX
 * operators. The activation node kind (node-kinds/activation.ts) and the runtimes read this
 * table instead of switching on names.
 */
import type { OnnxExportContext } from '../onnx/node-context.js';
import type { ActivationKind } from './types.js';

/**
 * What a backward pass needs from the forward at this activation:
 * - 'nothing': the derivative is 1 (linear);
 * - 'sign': [x > 0] (piecewise-linear units: the derivative is 1 or the slope);
 * - 'output': the output y (its derivative is a function of y: logistic, y(1-y));
 * - 'input': the input x (smooth rectifiers: mish, swish).
 */
export type ActivationTape = 'nothing' | 'sign' | 'output' | 'input';

export interface ActivationFunction {
  /** y = f(x; alpha), the textbook definition in float64. */
  apply(x: number, alpha: number): number;
  /** dy/dx at x, in float64. */
  derivative(x: number, alpha: number): number;
  tape: ActivationTape;
  /**
   * Whether guided backpropagation gates this unit (docs/guided-backprop.md): rectifiers
   * (leaky, relu, mish, swish) pass g_in = max(g_out, 0) · f'(x) · [x > 0]; the others
   * (logistic, linear) are differentiated plainly under every rule.
   */
  guided: boolean;
  /** E[f(y)] and E[f(y)^2] for y ~ N(0, 1): how seeded weights keep signals O(1) (darknet loader). */
  normalMoments(alpha: number): { mean: number; square: number };
  /**
   * Write the ONNX node(s) computing it (opset 13) from ctx.inputs[0] to ctx.output; the node
   * producing the output carries the IR node's `name` (the importer matches it).
   */
  exportOnnx(ctx: OnnxExportContext, name: string, alpha: number): void;
}

const HALF_NORMAL_MEAN = 1 / Math.sqrt(2 * Math.PI);

/** Logistic function, finite for every x. */
export const logistic = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** log(1 + e^x), finite for every x. */
export const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));

/** A unary ONNX operator under the IR node's name. */
const unaryOnnx =
  (opType: string, attributes?: (alpha: number) => Parameters<OnnxExportContext['irNode']>[4]) =>
  (ctx: OnnxExportContext, name: string, alpha: number) =>
    ctx.irNode(opType, name, [ctx.inputs[0]], [ctx.output], attributes?.(alpha));

export const ACTIVATION_FUNCTIONS: Record<ActivationKind, ActivationFunction> = {
  leaky: {
    apply: (x, alpha) => (x > 0 ? x : alpha * x),
    derivative: (x, alpha) => (x > 0 ? 1 : alpha),
    tape: 'sign',
    guided: true,
    normalMoments: (alpha) => ({ mean: (1 - alpha) * HALF_NORMAL_MEAN, square: (1 + alpha * alpha) / 2 }),
    exportOnnx: unaryOnnx('LeakyRelu', (alpha) => ({ alpha: { type: 'float', value: alpha } })),
  },
  relu: {
    apply: (x) => (x > 0 ? x : 0),
    derivative: (x) => (x > 0 ? 1 : 0),
    tape: 'sign',
    guided: true,
    normalMoments: () => ({ mean: HALF_NORMAL_MEAN, square: 0.5 }),
    exportOnnx: unaryOnnx('Relu'),
  },
  logistic: {
    apply: logistic,
    derivative: (x) => logistic(x) * (1 - logistic(x)),
    tape: 'output',
    guided: false,
    // From numeric integration.
    normalMoments: () => ({ mean: 0.5, square: 0.293 }),
    exportOnnx: unaryOnnx('Sigmoid'),
  },
  linear: {
    apply: (x) => x,
    derivative: () => 1,
    tape: 'nothing',
    guided: false,
    normalMoments: () => ({ mean: 0, square: 1 }),
    exportOnnx: unaryOnnx('Identity'),
  },
  /** Mish (Misra 2019): x · tanh(softplus(x)), darknet's activation=mish (YOLOv4). */
  mish: {
    apply: (x) => x * Math.tanh(softplus(x)),
    derivative: (x) => {
      const t = Math.tanh(softplus(x));
      return t + x * (1 - t * t) * logistic(x);
    },
    tape: 'input',
    guided: true,
    // From numeric integration.
    normalMoments: () => ({ mean: 0.2404, square: 0.4523 }),
    // Softplus, Tanh, Mul (opset 13 has no Mish); the importer folds the pattern back.
    exportOnnx(ctx, name) {
      const x = ctx.inputs[0];
      const sp = ctx.value(`${name}.softplus`);
      const th = ctx.value(`${name}.tanh`);
      ctx.helperNode('Softplus', `${name}.softplus`, [x], [sp]);
      ctx.helperNode('Tanh', `${name}.tanh`, [sp], [th]);
      ctx.irNode('Mul', name, [x, th], [ctx.output]);
    },
  },
  /** Swish / SiLU (Ramachandran et al. 2017): x · logistic(x), darknet's activation=swish. */
  swish: {
    apply: (x) => x * logistic(x),
    derivative: (x) => {
      const s = logistic(x);
      return s + x * s * (1 - s);
    },
    tape: 'input',
    guided: true,
    // From numeric integration.
    normalMoments: () => ({ mean: 0.2066, square: 0.3558 }),
    exportOnnx(ctx, name) {
      const x = ctx.inputs[0];
      const s = ctx.value(`${name}.sigmoid`);
      ctx.helperNode('Sigmoid', `${name}.sigmoid`, [x], [s]);
      ctx.irNode('Mul', name, [x, s], [ctx.output]);
    },
  },
};

export const ACTIVATION_KINDS = Object.keys(ACTIVATION_FUNCTIONS) as ActivationKind[];
