/** Nearest-neighbour upsampling by an integer factor. ONNX: Resize (nearest, asymmetric, floor), or Upsample. */
import type { OnnxImportContext } from '../../onnx/node-context.js';
import { attrFloats, describeNode } from '../../onnx/node-attributes.js';
import type { OnnxNode } from '../../onnx/onnx-model.js';
import { nearestUpsampleFactor } from '../../onnx/resize-factor.js';
import { float32Tensor, tensorFloats, tensorInts } from '../../onnx/tensor-data.js';
import type { UpsampleNode } from '../types.js';
import type { NodeKindDefinition } from './definition.js';

function importUpsample(n: OnnxNode, ctx: OnnxImportContext): void {
  const where = describeNode(n);
  const x = ctx.feature(n, 0);
  const legacy = n.opType === 'Upsample' || ctx.opset < 11;
  let scales: ArrayLike<number> | undefined;
  if (n.opType === 'Upsample' && n.inputs.length < 2) scales = attrFloats(n, 'scales');
  else {
    const k = legacy ? 1 : 2;
    if (n.inputs[k]) scales = tensorFloats(ctx.constant(n, k, 'scales'), where);
    else if (n.inputs[3]) {
      // 'sizes' instead of 'scales': turn them into factors with the shape known here.
      const [h, w, c] = ctx.shape(x.node);
      const sizes = tensorInts(ctx.constant(n, 3, 'sizes'), where);
      if (sizes.length !== 4) throw new Error(`${where}: sizes [${sizes.join(', ')}] are not NCHW`);
      scales = [1, sizes[1] / c, sizes[2] / h, sizes[3] / w];
    }
  }
  if (!scales) throw new Error(`${where}: no constant scales or sizes`);
  const [h, w] = ctx.shape(x.node);
  const factor = nearestUpsampleFactor(n, scales, [h, w], legacy);
  if (factor === 1) {
    ctx.alias(n.outputs[0], x);
    return;
  }
  ctx.added(ctx.builder.upsample(ctx.irName(n), x.node, factor), n);
}

export const upsampleKind: NodeKindDefinition<UpsampleNode> = {
  outputShape: (node, [[h, w, c]]) => [h * node.factor, w * node.factor, c],
  strideFactor: (node) => 1 / node.factor,
  parameterCount: () => 0,
  details: (node) => `x${node.factor}`,

  reference(node, [x], out) {
    const [h, w, c] = x.shape;
    const [oh, ow] = out;
    const f = node.factor;
    const y = new Float64Array(x.batch * oh * ow * c);
    for (let n = 0; n < x.batch; n++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const src = ((n * h + Math.floor(oy / f)) * w + Math.floor(ox / f)) * c;
          y.set(x.data.subarray(src, src + c), ((n * oh + oy) * ow + ox) * c);
        }
      }
    }
    return y;
  },

  vbpFeatureMap: () => false,
  // Across an upsample the mask is average-pooled back down.
  vbpEdge: (node) => ({ kind: 'average-pool', factor: node.factor }),

  exportOnnx(node, ctx) {
    const f = node.factor;
    const scales = ctx.initializer(float32Tensor(ctx.value(`${node.name}.scales`), [4], Float32Array.of(1, 1, f, f)));
    // 'asymmetric' + 'floor' maps output pixel y to input floor(y / f): nearest upsampling.
    ctx.irNode('Resize', node.name, [ctx.inputs[0], '', scales], [ctx.output], {
      mode: { type: 'string', value: 'nearest' },
      coordinate_transformation_mode: { type: 'string', value: 'asymmetric' },
      nearest_mode: { type: 'string', value: 'floor' },
    });
  },
  importOnnx: { Resize: importUpsample, Upsample: importUpsample },
};
