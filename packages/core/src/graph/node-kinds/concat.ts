/** Channel concatenation of all inputs, in order (darknet route, Keras Concatenate). ONNX: Concat on axis 1. */
import type { OnnxImportContext } from '../../onnx/node-context.js';
import { attrInt, describeNode } from '../../onnx/node-attributes.js';
import type { OnnxNode } from '../../onnx/onnx-model.js';
import type { ConcatNode } from '../types.js';
import type { NodeKindDefinition } from './definition.js';

function importConcat(n: OnnxNode, ctx: OnnxImportContext): void {
  const axis = attrInt(n, 'axis', 1);
  if (axis !== 1 && axis !== -3) throw new Error(`${describeNode(n)}: concatenation along axis ${axis} is not supported (only channels, axis 1)`);
  ctx.added(ctx.builder.concat(ctx.irName(n), n.inputs.map((_, k) => ctx.feature(n, k).node)), n);
}

export const concatKind: NodeKindDefinition<ConcatNode> = {
  outputShape(_node, inputs, _inputSize, where) {
    const [h, w] = inputs[0];
    for (const s of inputs) {
      if (s[0] !== h || s[1] !== w) throw new Error(`${where}: inputs have different sizes ${inputs.map((x) => `${x[0]}x${x[1]}`).join(', ')}`);
    }
    return [h, w, inputs.reduce((sum, s) => sum + s[2], 0)];
  },
  strideFactor: () => 1,
  parameterCount: () => 0,
  details: (node) => `${node.inputs.length} inputs`,

  reference(_node, xs, out) {
    const [oh, ow, oc] = out;
    const batch = xs[0].batch;
    const y = new Float64Array(batch * oh * ow * oc);
    const pixels = batch * oh * ow;
    let offset = 0;
    for (const x of xs) {
      const c = x.shape[2];
      for (let p = 0; p < pixels; p++) y.set(x.data.subarray(p * c, (p + 1) * c), p * oc + offset);
      offset += c;
    }
    return y;
  },

  vbpFeatureMap: () => false,
  // Every input of a route receives the full mask: branches are followed.
  vbpEdge: () => ({ kind: 'identity' }),

  exportOnnx(node, ctx) {
    ctx.irNode('Concat', node.name, ctx.inputs, [ctx.output], { axis: { type: 'int', value: 1 } });
  },
  importOnnx: { Concat: importConcat },
};
