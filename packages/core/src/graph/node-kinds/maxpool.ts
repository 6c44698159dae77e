/**
 * Max pooling the darknet way: pixels outside the input never win (the max is over valid
 * pixels only). ONNX: MaxPool, whose padding has the same meaning; the tape output is each
 * output's argmax within its own (n, c) plane.
 */
import type { OnnxImportContext } from '../../onnx/node-context.js';
import { describeNode } from '../../onnx/node-attributes.js';
import type { OnnxAttributeValue, OnnxNode } from '../../onnx/onnx-model.js';
import { DATA_TYPE } from '../../onnx/onnx-schema.js';
import { int64Tensor } from '../../onnx/tensor-data.js';
import { resolveWindow } from '../../onnx/window-attributes.js';
import type { MaxPoolNode } from '../types.js';
import { onnxPads, padsText, windowOutputSize } from '../window.js';
import type { NodeKindDefinition } from './definition.js';

function importMaxPool(n: OnnxNode, ctx: OnnxImportContext): void {
  const x = ctx.feature(n, 0);
  const win = resolveWindow(n, undefined, ctx.spatialSize(x));
  const [size, sizeW] = win.kernel;
  if (size !== sizeW) throw new Error(`${describeNode(n)}: a ${size}x${sizeW} window is not square, which is not supported`);
  ctx.added(ctx.builder.maxpool(ctx.irName(n), x.node, size, win.stride, win.pads), n);
}

/**
 * ONNX MaxPool ignores padded pixels (they never win), like darknet, but only allows pads
 * smaller than the window; larger pads would leave windows with no pixel at all.
 */
function checkOnnxPads(node: MaxPoolNode): void {
  for (const [side, pad] of Object.entries(node.pads)) {
    if (pad >= node.size) throw new Error(`ONNX export: layer '${node.name}' (maxpool): ${side} padding ${pad} is not smaller than the window ${node.size}, which ONNX MaxPool does not allow`);
  }
}

export const maxpoolKind: NodeKindDefinition<MaxPoolNode> = {
  outputShape(node, [[h, w, c]], _inputSize, where) {
    const { size, stride, pads } = node;
    const out: [number, number, number] = [windowOutputSize(h, size, stride, pads.top, pads.bottom), windowOutputSize(w, size, stride, pads.left, pads.right), c];
    if (out[0] <= 0 || out[1] <= 0) throw new Error(`${where}: input ${h}x${w} is too small`);
    return out;
  },
  strideFactor: (node) => node.stride,
  parameterCount: () => 0,
  details: (node) => `${node.size}x${node.size}/${node.stride} ${padsText(node.pads)}`,

  /** The window starts `pads.top/left` before the first pixel; pads never win. */
  reference(node, [x], out) {
    const [h, w, c] = x.shape;
    const [oh, ow] = out;
    const { size, stride, pads } = node;
    const y = new Float64Array(x.batch * oh * ow * c);
    for (let n = 0; n < x.batch; n++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          for (let ci = 0; ci < c; ci++) {
            let best = -Infinity;
            for (let ky = 0; ky < size; ky++) {
              const iy = oy * stride - pads.top + ky;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < size; kx++) {
                const ix = ox * stride - pads.left + kx;
                if (ix < 0 || ix >= w) continue;
                best = Math.max(best, x.data[((n * h + iy) * w + ix) * c + ci]);
              }
            }
            // A window entirely in the padding has no valid pixel; darknet would output -inf.
            if (best === -Infinity) throw new Error(`layer '${node.name}': a pooling window covers no input pixel`);
            y[((n * oh + oy) * ow + ox) * c + ci] = best;
          }
        }
      }
    }
    return y;
  },

  vbpFeatureMap: () => false,
  // Every maxpool, stride 1 or 2, sends its mask back like a conv of the same window.
  vbpEdge: (node, [h, w]) => ({ kind: 'ones-transposed-conv', kernel: [node.size, node.size], stride: node.stride, pads: node.pads, inputSize: [h, w] }),

  exportOnnx(node, ctx) {
    checkOnnxPads(node);
    const attributes: Record<string, OnnxAttributeValue> = {
      kernel_shape: { type: 'ints', value: [node.size, node.size] },
      strides: { type: 'ints', value: [node.stride, node.stride] },
      pads: { type: 'ints', value: onnxPads(node.pads) },
    };
    if (!ctx.tape.argmax) {
      ctx.irNode('MaxPool', node.name, ctx.inputs, [ctx.output], attributes);
      return;
    }
    const flat = ctx.value(`${node.name}.indices`);
    ctx.irNode('MaxPool', node.name, ctx.inputs, [ctx.output, flat], attributes);
    // MaxPool's Indices are flattened over the whole NCHW input (int64); the tape keeps the
    // index within the (n, c) plane, which is independent of the batch and fits int32.
    const [h, w] = ctx.shapes[node.inputs[0]];
    const plane = ctx.initializer(int64Tensor(ctx.value(`${node.name}.plane_size`), [], [h * w]));
    const inPlane = ctx.value(`${node.name}.plane_index`);
    const argmax = ctx.value(`${node.name}.argmax`);
    ctx.helperNode('Mod', `${node.name}.plane_index`, [flat, plane], [inPlane]);
    ctx.helperNode('Cast', `${node.name}.argmax`, [inPlane], [argmax], { to: { type: 'int', value: DATA_TYPE.INT32 } });
    const [oh, ow, c] = ctx.shapes[ctx.index];
    ctx.tapeOutput(argmax, 'argmax', 'int32', [c, oh, ow]);
  },
  importOnnx: { MaxPool: importMaxPool },
};
