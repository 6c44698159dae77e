/**
 * An element-wise activation (graph/activation-functions.ts lists the functions). Its tape
 * outputs in ONNX: what the function's backward needs (sign, output or input) and the clamped
 * channel mean VisualBackProp reads. Import: the activation operators, and mish and swish from
 * the patterns exporters write for them (x · tanh(softplus(x)), x · sigmoid(x)).
 */
import { ACTIVATION_FUNCTIONS } from '../activation-functions.js';
import type { OnnxImportContext, OnnxValueRef } from '../../onnx/node-context.js';
import { attrFloat, describeNode, float32Decimal } from '../../onnx/node-attributes.js';
import type { OnnxNode } from '../../onnx/onnx-model.js';
import type { ActivationKind, ActivationNode } from '../types.js';
import type { NodeKindDefinition } from './definition.js';

/** An activation node built from `n` on its first input; Relu and Sigmoid have no slope, but an exported model's metadata still carries the IR's alpha. */
function addActivation(n: OnnxNode, ctx: OnnxImportContext, x: number, activation: ActivationKind, alpha = ctx.metadataNode(n.name)?.alpha ?? 0.1): OnnxValueRef {
  const index = ctx.builder.activation(ctx.irName(n), x, activation, alpha);
  ctx.added(index, n);
  return { node: index };
}

function importLeakyRelu(n: OnnxNode, ctx: OnnxImportContext): void {
  const alpha = attrFloat(n, 'alpha', 0.01);
  const exact = ctx.metadataNode(n.name)?.alpha;
  // The metadata keeps the slope as a double; the attribute only as float32.
  const slope = exact !== undefined && Math.fround(exact) === Math.fround(alpha) ? exact : float32Decimal(alpha);
  addActivation(n, ctx, ctx.feature(n, 0).node, 'leaky', slope);
}

/**
 * Sigmoid may be half of a swish (Mul(x, Sigmoid(x))): it stays pending until a consumer
 * decides. A Mul completing the pattern takes it; any other consumer makes it a logistic node.
 */
function importSigmoid(n: OnnxNode, ctx: OnnxImportContext): void {
  const x = ctx.feature(n, 0).node;
  ctx.alias(n.outputs[0], { node: x, pending: { op: 'sigmoid', node: n.name, materialize: () => addActivation(n, ctx, x, 'logistic') } });
}

/** Softplus and Tanh only as parts of mish: Mul(x, Tanh(Softplus(x))). */
function importSoftplus(n: OnnxNode, ctx: OnnxImportContext): void {
  const x = ctx.feature(n, 0).node;
  ctx.alias(n.outputs[0], { node: x, pending: { op: 'softplus', node: n.name } });
}

function importTanh(n: OnnxNode, ctx: OnnxImportContext): void {
  const ref = ctx.pendingInput(n, 0);
  if (ref?.pending?.op !== 'softplus') throw new Error(`${describeNode(n)}: Tanh is only supported inside mish, x * tanh(softplus(x))`);
  ctx.alias(n.outputs[0], { node: ref.node, pending: { op: 'tanh-softplus', node: n.name } });
}

/** Mul(x, Tanh(Softplus(x))) is mish, Mul(x, Sigmoid(x)) is swish, in either order. */
function importMul(n: OnnxNode, ctx: OnnxImportContext): void {
  const [a, b] = [ctx.pendingInput(n, 0), ctx.pendingInput(n, 1)];
  for (const [plain, gate] of [[a, b], [b, a]]) {
    if (!plain || plain.pending || plain.pads || plain.partialSum || !gate?.pending || gate.node !== plain.node) continue;
    const activation = gate.pending.op === 'tanh-softplus' ? 'mish' : gate.pending.op === 'sigmoid' ? 'swish' : undefined;
    if (activation) return void addActivation(n, ctx, plain.node, activation);
  }
  throw new Error(`${describeNode(n)}: Mul is only supported as mish (x * tanh(softplus(x))) or swish (x * sigmoid(x)) of one feature map`);
}

export const activationKind: NodeKindDefinition<ActivationNode> = {
  outputShape: (_node, [input]) => [...input],
  strideFactor: () => 1,
  parameterCount: () => 0,
  details: (node) => (node.activation === 'leaky' ? `leaky ${node.alpha}` : node.activation),

  reference(node, [x]) {
    const { apply } = ACTIVATION_FUNCTIONS[node.activation];
    const y = new Float64Array(x.data.length);
    for (let i = 0; i < y.length; i++) y[i] = apply(x.data[i], node.alpha);
    return y;
  },

  vbpFeatureMap: (node) => node.activation !== 'linear',
  vbpEdge: () => ({ kind: 'identity' }),

  exportOnnx(node, ctx) {
    const fn = ACTIVATION_FUNCTIONS[node.activation];
    fn.exportOnnx(ctx, node.name, node.alpha);
    const out = ctx.output;
    const [h, w, c] = ctx.shapes[ctx.index];
    if (ctx.tape.signs) {
      if (fn.tape === 'sign') {
        const zero = ctx.zero();
        const sign = ctx.value(`${node.name}.sign`);
        // [x > 0] of the input equals [y > 0] of the output for ReLU and LeakyReLU with a
        // non-negative slope; reading the output leaves ORT free to fuse Conv + activation.
        const from = node.activation === 'relu' || node.alpha >= 0 ? out : ctx.inputs[0];
        ctx.helperNode('Greater', `${node.name}.sign`, [from, zero], [sign]);
        ctx.tapeOutput(sign, 'sign', 'bool', [c, h, w]);
      } else if (fn.tape === 'output') {
        ctx.tapeOutput(out, 'activation-output', 'float32', [c, h, w]);
      } else if (fn.tape === 'input') {
        ctx.tapeOutput(ctx.inputs[0], 'activation-input', 'float32', [c, h, w]);
      }
    }
    if (ctx.recordsMean) {
      const sum = ctx.value(`${node.name}.channel_mean`);
      const mean = ctx.value(`${node.name}.mean`);
      ctx.helperNode('ReduceMean', `${node.name}.channel_mean`, [out], [sum], { axes: { type: 'ints', value: [1] }, keepdims: { type: 'int', value: 1 } });
      // The VBP plan clamps negative means (possible after LeakyReLU) to 0.
      ctx.helperNode('Relu', `${node.name}.mean`, [sum], [mean]);
      ctx.tapeOutput(mean, 'mean', 'float32', [1, h, w]);
    }
  },
  // Identity imports as an alias, or as a linear activation when our metadata says so (see import.ts).
  importOnnx: {
    Relu: (n, ctx) => void addActivation(n, ctx, ctx.feature(n, 0).node, 'relu'),
    LeakyRelu: importLeakyRelu,
    Sigmoid: importSigmoid,
    Softplus: importSoftplus,
    Tanh: importTanh,
    Mul: importMul,
    Mish: (n, ctx) => void addActivation(n, ctx, ctx.feature(n, 0).node, 'mish'),
  },
};
