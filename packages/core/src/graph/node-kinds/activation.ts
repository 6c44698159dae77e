/**
 * An element-wise activation (graph/activation-functions.ts lists the functions). Its tape
 * outputs in ONNX: the sign [x > 0] for piecewise-linear units, the output for logistic, and
 * the clamped channel mean VisualBackProp reads.
 */
import { ACTIVATION_FUNCTIONS } from '../activation-functions.js';
import type { OnnxImportContext } from '../../onnx/node-context.js';
import { attrFloat, float32Decimal } from '../../onnx/node-attributes.js';
import type { OnnxNode } from '../../onnx/onnx-model.js';
import type { ActivationKind, ActivationNode } from '../types.js';
import type { NodeKindDefinition } from './definition.js';

/** Relu and Sigmoid have no slope; an exported model's metadata still carries the IR's alpha. */
const importAs = (activation: ActivationKind) => (n: OnnxNode, ctx: OnnxImportContext) => {
  const alpha = ctx.metadataNode(n.name)?.alpha ?? 0.1;
  ctx.added(ctx.builder.activation(ctx.irName(n), ctx.feature(n, 0).node, activation, alpha), n);
};

function importLeakyRelu(n: OnnxNode, ctx: OnnxImportContext): void {
  const alpha = attrFloat(n, 'alpha', 0.01);
  const exact = ctx.metadataNode(n.name)?.alpha;
  // The metadata keeps the slope as a double; the attribute only as float32.
  const slope = exact !== undefined && Math.fround(exact) === Math.fround(alpha) ? exact : float32Decimal(alpha);
  ctx.added(ctx.builder.activation(ctx.irName(n), ctx.feature(n, 0).node, 'leaky', slope), n);
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
    const op = fn.onnx(node.alpha);
    const out = ctx.output;
    ctx.irNode(op.opType, node.name, ctx.inputs, [out], op.attributes);
    const [h, w, c] = ctx.shapes[ctx.index];
    if (ctx.tape.signs && fn.tape === 'sign') {
      const zero = ctx.zero();
      const sign = ctx.value(`${node.name}.sign`);
      // [x > 0] of the input equals [y > 0] of the output for ReLU and LeakyReLU with a
      // non-negative slope; reading the output leaves ORT free to fuse Conv + activation.
      const from = node.activation === 'relu' || node.alpha >= 0 ? out : ctx.inputs[0];
      ctx.helperNode('Greater', `${node.name}.sign`, [from, zero], [sign]);
      ctx.tapeOutput(sign, 'sign', 'bool', [c, h, w]);
    }
    if (ctx.tape.signs && fn.tape === 'output') ctx.tapeOutput(out, 'logistic-output', 'float32', [c, h, w]);
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
  importOnnx: { Relu: importAs('relu'), Sigmoid: importAs('logistic'), LeakyRelu: importLeakyRelu },
};
