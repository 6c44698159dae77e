/** The network input: node 0 of every graph. */
import type { InputNode } from '../types.js';
import type { NodeKindDefinition } from './definition.js';

export const inputKind: NodeKindDefinition<InputNode> = {
  outputShape: (node, _inputs, inputSize) => [inputSize[0], inputSize[1], node.channels],
  strideFactor: () => 1,
  parameterCount: () => 0,
  details: (node) => `${node.channels} channels`,
  reference: (_node, _inputs, _out, input) => Float64Array.from(input),
  vbpFeatureMap: () => false,
  vbpEdge: () => ({ kind: 'identity' }),
  exportOnnx(node) {
    throw new Error(`ONNX export: a second input node '${node.name}'`);
  },
  // The importer makes the input node from the graph's input, not from an operator.
  importOnnx: {},
};
