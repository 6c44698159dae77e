/**
 * A channel slice: channels [start, start + count) of the input (darknet's channel-split route,
 * `[route] groups=G group_id=K`). ONNX: Slice on axis 1 with constant bounds; Split on axis 1
 * imports as one slice per output.
 */
import type { OnnxImportContext } from '../../onnx/node-context.js';
import { attrInt, attrInts, describeNode } from '../../onnx/node-attributes.js';
import type { OnnxNode } from '../../onnx/onnx-model.js';
import { int64Tensor, tensorInts } from '../../onnx/tensor-data.js';
import type { SliceNode } from '../types.js';
import type { NodeKindDefinition } from './definition.js';

const CHANNEL_AXES = new Set([1, -3]);

function importSlice(n: OnnxNode, ctx: OnnxImportContext): void {
  const where = describeNode(n);
  const x = ctx.feature(n, 0);
  const int1 = (k: number, what: string) => {
    const values = tensorInts(ctx.constant(n, k, what), where);
    if (values.length !== 1) throw new Error(`${where}: only a slice of one axis is supported (${what} [${values.join(', ')}])`);
    return values[0];
  };
  const axis = n.inputs[3] ? int1(3, 'axes') : 0;
  if (!CHANNEL_AXES.has(axis)) throw new Error(`${where}: only slices of the channel axis (1) are supported, got axis ${axis}`);
  if (n.inputs[4] && int1(4, 'steps') !== 1) throw new Error(`${where}: only slices with step 1 are supported`);
  const channels = ctx.shape(x.node)[2];
  // ONNX clamps starts and ends into [0, C], negative values counting from the end.
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + channels : v, 0), channels);
  const start = clamp(int1(1, 'starts'));
  const end = clamp(int1(2, 'ends'));
  if (end <= start) throw new Error(`${where}: the slice [${start}, ${end}) of ${channels} channels is empty`);
  ctx.added(ctx.builder.slice(ctx.irName(n), x.node, start, end - start), n);
}

/** Split along channels: each output becomes a slice node. */
function importSplit(n: OnnxNode, ctx: OnnxImportContext): void {
  const where = describeNode(n);
  const axis = attrInt(n, 'axis', 0);
  if (!CHANNEL_AXES.has(axis)) throw new Error(`${where}: only splits of the channel axis (1) are supported, got axis ${axis}`);
  const x = ctx.feature(n, 0);
  const channels = ctx.shape(x.node)[2];
  const sizes = n.inputs[1] ? tensorInts(ctx.constant(n, 1, 'split'), where) : attrInts(n, 'split');
  const parts = sizes ?? Array.from({ length: n.outputs.length }, () => channels / n.outputs.length);
  if (parts.length !== n.outputs.length || parts.some((p) => !Number.isInteger(p) || p <= 0) || parts.reduce((a, b) => a + b, 0) !== channels) {
    throw new Error(`${where}: split [${parts.join(', ')}] does not divide ${channels} channels into ${n.outputs.length} outputs`);
  }
  let start = 0;
  n.outputs.forEach((output, k) => {
    const part = { ...n, name: n.outputs.length === 1 ? n.name : `${n.name}_${k}`, outputs: [output] };
    ctx.added(ctx.builder.slice(ctx.irName(part), x.node, start, parts[k]), part);
    start += parts[k];
  });
}

export const sliceKind: NodeKindDefinition<SliceNode> = {
  outputShape(node, [[h, w, c]], _inputSize, where) {
    if (!Number.isInteger(node.start) || !Number.isInteger(node.count) || node.start < 0 || node.count < 1 || node.start + node.count > c) {
      throw new Error(`${where}: channels [${node.start}, ${node.start + node.count}) are not within the input's ${c} channels`);
    }
    return [h, w, node.count];
  },
  strideFactor: () => 1,
  parameterCount: () => 0,
  details: (node) => `channels ${node.start}..${node.start + node.count - 1}`,

  reference(node, [x], [oh, ow]) {
    const c = x.shape[2];
    const pixels = x.batch * oh * ow;
    const y = new Float64Array(pixels * node.count);
    for (let p = 0; p < pixels; p++) y.set(x.data.subarray(p * c + node.start, p * c + node.start + node.count), p * node.count);
    return y;
  },

  vbpFeatureMap: () => false,
  // Masks are spatial: the input receives the mask unchanged.
  vbpEdge: () => ({ kind: 'identity' }),

  exportOnnx(node, ctx) {
    const bound = (what: string, v: number) => ctx.initializer(int64Tensor(ctx.value(`${node.name}.${what}`), [1], [v]));
    const starts = bound('starts', node.start);
    const ends = bound('ends', node.start + node.count);
    const axes = bound('axes', 1);
    ctx.irNode('Slice', node.name, [ctx.inputs[0], starts, ends, axes], [ctx.output]);
  },
  importOnnx: { Slice: importSlice, Split: importSplit },
};
