/**
 * Convolution with explicit (possibly asymmetric) zero padding, OIHW weights and a bias; batch
 * norm is folded in by every loader. ONNX: Conv; a BatchNormalization right after it and a
 * zero Pad right before it fold into it on import.
 */
import type { OnnxImportContext } from '../../onnx/node-context.js';
import { attrFloat, attrInt, attrInts, attrString, describeNode, float32Decimal } from '../../onnx/node-attributes.js';
import type { OnnxNode } from '../../onnx/onnx-model.js';
import { float32Tensor, tensorFloats, tensorInts } from '../../onnx/tensor-data.js';
import { resolveWindow } from '../../onnx/window-attributes.js';
import type { ConvNode, Pads } from '../types.js';
import { addPads, onnxPads, padsText, windowOutputSize } from '../window.js';
import type { NodeKindDefinition } from './definition.js';

function importConv(n: OnnxNode, ctx: OnnxImportContext): void {
  const where = describeNode(n);
  const x = ctx.feature(n, 0, true);
  const wt = ctx.constant(n, 1, 'weight');
  if (wt.dims.length !== 4) throw new Error(`${where}: weight '${wt.name}' has dims [${wt.dims.join(', ')}]; expected OIHW`);
  const groups = attrInt(n, 'group', 1);
  const [filters, perGroup, kh, kw] = wt.dims;
  const channels = perGroup * groups;
  if (groups < 1 || ctx.shape(x.node)[2] !== channels) {
    throw new Error(`${where}: group=${groups} with weight dims [${wt.dims.join(', ')}] needs ${channels} input channels, the input has ${ctx.shape(x.node)[2]}`);
  }
  const win = resolveWindow(n, [kh, kw], ctx.spatialSize(x));
  if (win.kernel[0] !== kh || win.kernel[1] !== kw) throw new Error(`${where}: kernel_shape [${win.kernel.join(', ')}] does not match the weight dims [${wt.dims.join(', ')}]`);
  const weights = tensorFloats(wt, where);
  const bias = n.inputs[2] ? tensorFloats(ctx.constant(n, 2, 'bias'), where) : new Float32Array(filters);
  const index = ctx.builder.conv(ctx.irName(n), x.node, { filters, channels, kernel: [kh, kw], stride: win.stride, pads: addPads(x.pads, win.pads), groups, weights, bias });
  ctx.added(index, n);
}

/** Fold y = gamma * (x - mean) / sqrt(var + eps) + beta into the conv that produced x. */
function importBatchNorm(n: OnnxNode, ctx: OnnxImportContext): void {
  const where = describeNode(n);
  const x = ctx.feature(n, 0);
  const conv = ctx.builder.nodes[x.node];
  if (conv.kind !== 'conv' || ctx.producedValue(x.node) !== n.inputs[0] || ctx.consumers(n.inputs[0]).length !== 1) {
    throw new Error(`${where}: a BatchNormalization is only supported directly after a Conv whose output nothing else reads`);
  }
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((k) => tensorFloats(ctx.constant(n, k, ['', 'scale', 'bias', 'mean', 'variance'][k]), where));
  const epsilon = float32Decimal(attrFloat(n, 'epsilon', 1e-5));
  const per = conv.weights.length / conv.filters;
  for (const t of [gamma, beta, mean, variance]) {
    if (t.length !== conv.filters) throw new Error(`${where}: ${t.length} values for ${conv.filters} channels`);
  }
  const weights = new Float32Array(conv.weights.length);
  const bias = new Float32Array(conv.filters);
  for (let f = 0; f < conv.filters; f++) {
    const scale = gamma[f] / Math.sqrt(variance[f] + epsilon);
    for (let k = 0; k < per; k++) weights[f * per + k] = conv.weights[f * per + k] * scale;
    bias[f] = (conv.bias[f] - mean[f]) * scale + beta[f];
  }
  conv.weights = weights;
  conv.bias = bias;
  ctx.setProducedValue(x.node, n.outputs[0]);
  ctx.alias(n.outputs[0], { node: x.node });
}

/** A zero Pad on H and W, kept pending until the Conv that reads it. */
function importPad(n: OnnxNode, ctx: OnnxImportContext): void {
  const where = describeNode(n);
  const x = ctx.feature(n, 0, true);
  const mode = attrString(n, 'mode', 'constant');
  if (mode !== 'constant') throw new Error(`${where}: mode '${mode}' is not supported (only zero padding before a Conv)`);
  const fromInputs = ctx.opset >= 11;
  const pads = fromInputs ? tensorInts(ctx.constant(n, 1, 'pads'), where) : attrInts(n, 'pads');
  const value = fromInputs ? (n.inputs[2] ? tensorFloats(ctx.constant(n, 2, 'constant_value'), where)[0] : 0) : attrFloat(n, 'value', 0);
  if (fromInputs && n.inputs[3]) throw new Error(`${where}: the 'axes' input is not supported`);
  if (value !== 0) throw new Error(`${where}: padding with ${value} is not supported (only zero padding before a Conv)`);
  if (!pads || pads.length !== 8 || pads[0] || pads[1] || pads[4] || pads[5] || pads.some((p) => p < 0)) {
    throw new Error(`${where}: pads [${(pads ?? []).join(', ')}] are not non-negative padding of height and width only (NCHW)`);
  }
  const added: Pads = { top: pads[2], left: pads[3], bottom: pads[6], right: pads[7] };
  ctx.alias(n.outputs[0], { node: x.node, pads: addPads(x.pads, added), padNode: n.name });
}

export const convKind: NodeKindDefinition<ConvNode> = {
  outputShape(node, [[h, w, c]], _inputSize, where) {
    if (c !== node.channels) throw new Error(`${where}: expects ${node.channels} input channels, got ${c}`);
    if (!(Number.isInteger(node.groups) && node.groups >= 1 && c % node.groups === 0 && node.filters % node.groups === 0)) {
      throw new Error(`${where}: groups=${node.groups} does not divide ${c} input channels and ${node.filters} filters`);
    }
    const [kh, kw] = node.kernel;
    const oh = windowOutputSize(h, kh, node.stride, node.pads.top, node.pads.bottom);
    const ow = windowOutputSize(w, kw, node.stride, node.pads.left, node.pads.right);
    if (oh <= 0 || ow <= 0) throw new Error(`${where}: input ${h}x${w} is too small for a ${kh}x${kw} kernel`);
    return [oh, ow, node.filters];
  },
  strideFactor: (node) => node.stride,
  parameterCount: (node) => node.weights.length + node.bias.length,
  details: (node) =>
    `${node.kernel[0]}x${node.kernel[1]}/${node.stride} ${padsText(node.pads)} ${node.filters} filters` +
    (node.groups === 1 ? '' : node.groups === node.channels ? ` depthwise (groups ${node.groups})` : ` groups ${node.groups}`),

  reference(node, [x], out) {
    const [h, w, c] = x.shape;
    const [oh, ow, o] = out;
    const [kh, kw] = node.kernel;
    const { stride, pads, weights, bias } = node;
    // Filter f sees input channels [g * cg, (g + 1) * cg) of its group g.
    const cg = c / node.groups;
    const fg = o / node.groups;
    const y = new Float64Array(x.batch * oh * ow * o);
    for (let n = 0; n < x.batch; n++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const outBase = ((n * oh + oy) * ow + ox) * o;
          for (let f = 0; f < o; f++) {
            const c0 = Math.floor(f / fg) * cg;
            let sum = bias[f];
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * stride - pads.top + ky;
              if (iy < 0 || iy >= h) continue; // zero padding
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * stride - pads.left + kx;
                if (ix < 0 || ix >= w) continue;
                const inBase = ((n * h + iy) * w + ix) * c + c0;
                for (let ci = 0; ci < cg; ci++) {
                  sum += x.data[inBase + ci] * weights[((f * cg + ci) * kh + ky) * kw + kx];
                }
              }
            }
            y[outBase + f] = sum;
          }
        }
      }
    }
    return y;
  },

  vbpFeatureMap: () => false,
  vbpEdge: (node, [h, w]) => ({ kind: 'ones-transposed-conv', kernel: node.kernel, stride: node.stride, pads: node.pads, inputSize: [h, w] }),

  exportOnnx(node, ctx) {
    const [kh, kw] = node.kernel;
    const w = ctx.initializer(float32Tensor(ctx.value(`${node.name}.weight`), [node.filters, node.channels / node.groups, kh, kw], node.weights));
    const b = ctx.initializer(float32Tensor(ctx.value(`${node.name}.bias`), [node.filters], node.bias));
    ctx.irNode('Conv', node.name, [ctx.inputs[0], w, b], [ctx.output], {
      kernel_shape: { type: 'ints', value: [kh, kw] },
      strides: { type: 'ints', value: [node.stride, node.stride] },
      pads: { type: 'ints', value: onnxPads(node.pads) },
      dilations: { type: 'ints', value: [1, 1] },
      group: { type: 'int', value: node.groups },
    });
  },
  importOnnx: { Conv: importConv, BatchNormalization: importBatchNorm, Pad: importPad },
};
