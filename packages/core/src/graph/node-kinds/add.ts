/**
 * Element-wise sum of all inputs (darknet shortcut, Keras Add). ONNX Add is binary: an n-ary
 * add exports as a chain whose partial sums are helper nodes, and imports back as one node.
 */
import type { OnnxImportContext } from '../../onnx/node-context.js';
import type { OnnxNode } from '../../onnx/onnx-model.js';
import type { AddNode } from '../types.js';
import type { NodeKindDefinition } from './definition.js';

function importAdd(n: OnnxNode, ctx: OnnxImportContext): void {
  const terms = n.inputs.flatMap((_, k) => {
    const ref = ctx.feature(n, k);
    return ref.partialSum ?? [ref.node];
  });
  const out = n.outputs[0];
  const next = ctx.consumers(out);
  // Our export writes an n-ary add as a chain whose partial sums are not IR nodes.
  if (ctx.hasMetadata && !ctx.metadataNode(n.name) && next.length === 1 && next[0].opType === 'Add') {
    ctx.alias(out, { node: -1, partialSum: terms });
    return;
  }
  ctx.added(ctx.builder.addNode(ctx.irName(n), terms), n);
}

export const addKind: NodeKindDefinition<AddNode> = {
  outputShape(_node, inputs, _inputSize, where) {
    const first = inputs[0];
    for (const s of inputs) {
      if (s[0] !== first[0] || s[1] !== first[1] || s[2] !== first[2]) {
        throw new Error(`${where}: inputs have different shapes ${inputs.map((x) => x.join('x')).join(', ')}`);
      }
    }
    return [...first];
  },
  strideFactor: () => 1,
  parameterCount: () => 0,
  details: (node) => `${node.inputs.length} inputs`,

  reference(_node, xs) {
    const y = new Float64Array(xs[0].data.length);
    for (const x of xs) for (let i = 0; i < y.length; i++) y[i] += x.data[i];
    return y;
  },

  vbpFeatureMap: () => false,
  // Every input of a shortcut receives the full mask: branches are followed.
  vbpEdge: () => ({ kind: 'identity' }),

  exportOnnx(node, ctx) {
    const x = ctx.inputs;
    if (x.length === 1) {
      ctx.irNode('Identity', node.name, x, [ctx.output]);
      return;
    }
    // Sum left to right; the partial sums carry the node name plus '/sum<k>'.
    let acc = x[0];
    for (let k = 1; k < x.length; k++) {
      const last = k === x.length - 1;
      const partial = last ? ctx.output : ctx.value(`${node.name}/sum${k}`);
      if (last) ctx.irNode('Add', node.name, [acc, x[k]], [partial]);
      else ctx.helperNode('Add', `${node.name}/sum${k}`, [acc, x[k]], [partial]);
      acc = partial;
    }
  },
  importOnnx: { Add: importAdd, Sum: importAdd },
};
