/**
 * A detection head. It computes nothing in a runtime: its output is its raw input tensor.
 * ONNX: an Identity under the head's output name; anchors and classes travel in our metadata
 * (a foreign model's heads are its outputs, see import.ts).
 */
import type { YoloNode } from '../types.js';
import type { NodeKindDefinition } from './definition.js';

export const yoloKind: NodeKindDefinition<YoloNode> = {
  outputShape: (_node, [input]) => [...input],
  strideFactor: () => 1,
  parameterCount: () => 0,
  details(node) {
    const anchors = node.anchors.map(([w, h]) => `${w},${h}`).join(' ');
    return `anchors ${anchors}; ${node.classes} classes${node.scaleXY !== 1 ? `; scale_x_y ${node.scaleXY}` : ''}${node.newCoords ? '; new_coords' : ''}${node.nms ? `; DIoU-NMS beta ${node.nms.beta}` : ''}`;
  },
  reference: (_node, [x]) => x.data,
  vbpFeatureMap: () => false,
  vbpEdge: () => ({ kind: 'identity' }),
  exportOnnx(node, ctx) {
    ctx.irNode('Identity', node.name, ctx.inputs, [ctx.output]);
  },
  importOnnx: {},
};
