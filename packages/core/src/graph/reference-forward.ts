/**
 * A plain, obviously-correct interpreter of the IR in float64. It is slow on purpose: it is
 * the yardstick runtimes and loaders are checked against (finite differences, Keras
 * reference outputs), so every op is written as the textbook loop, nothing fused.
 */
import type { TensorData } from '../runtime/types.js';
import { inferShapes } from './shapes.js';
import type { ActivationNode, ConvNode, Graph, GraphNode, MaxPoolNode, Shape3 } from './types.js';

/** A batch of NHWC activations in float64: `data[((n*H + y)*W + x)*C + c]`. */
interface Activations {
  shape: Shape3;
  batch: number;
  data: Float64Array;
}

export interface ReferenceForwardOptions {
  /** Network input [height, width]; defaults to the input tensor's own H and W. */
  inputSize?: [number, number];
}

function conv(node: ConvNode, x: Activations, out: Shape3): Float64Array {
  const [h, w, c] = x.shape;
  const [oh, ow, o] = out;
  const [kh, kw] = node.kernel;
  const { stride, pads, weights, bias } = node;
  const y = new Float64Array(x.batch * oh * ow * o);
  for (let n = 0; n < x.batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const outBase = ((n * oh + oy) * ow + ox) * o;
        for (let f = 0; f < o; f++) {
          let sum = bias[f];
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * stride - pads.top + ky;
            if (iy < 0 || iy >= h) continue; // zero padding
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * stride - pads.left + kx;
              if (ix < 0 || ix >= w) continue;
              const inBase = ((n * h + iy) * w + ix) * c;
              for (let ci = 0; ci < c; ci++) {
                sum += x.data[inBase + ci] * weights[((f * c + ci) * kh + ky) * kw + kx];
              }
            }
          }
          y[outBase + f] = sum;
        }
      }
    }
  }
  return y;
}

function activation(node: ActivationNode, x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    switch (node.activation) {
      case 'leaky':
        y[i] = v > 0 ? v : node.alpha * v;
        break;
      case 'relu':
        y[i] = v > 0 ? v : 0;
        break;
      case 'logistic':
        y[i] = 1 / (1 + Math.exp(-v));
        break;
      case 'linear':
        y[i] = v;
        break;
    }
  }
  return y;
}

/** Darknet maxpool: the window starts `pads.top/left` before the first pixel; pads never win. */
function maxpool(node: MaxPoolNode, x: Activations, out: Shape3): Float64Array {
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
}

function upsample(factor: number, x: Activations, out: Shape3): Float64Array {
  const [h, w, c] = x.shape;
  const [oh, ow] = out;
  const y = new Float64Array(x.batch * oh * ow * c);
  for (let n = 0; n < x.batch; n++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const src = ((n * h + Math.floor(oy / factor)) * w + Math.floor(ox / factor)) * c;
        y.set(x.data.subarray(src, src + c), ((n * oh + oy) * ow + ox) * c);
      }
    }
  }
  return y;
}

function concat(xs: Activations[], out: Shape3, batch: number): Float64Array {
  const [oh, ow, oc] = out;
  const y = new Float64Array(batch * oh * ow * oc);
  const pixels = batch * oh * ow;
  let offset = 0;
  for (const x of xs) {
    const c = x.shape[2];
    for (let p = 0; p < pixels; p++) y.set(x.data.subarray(p * c, (p + 1) * c), p * oc + offset);
    offset += c;
  }
  return y;
}

function add(xs: Activations[]): Float64Array {
  const y = new Float64Array(xs[0].data.length);
  for (const x of xs) for (let i = 0; i < y.length; i++) y[i] += x.data[i];
  return y;
}

function evaluate(node: GraphNode, xs: Activations[], out: Shape3, batch: number, input: TensorData): Float64Array {
  switch (node.kind) {
    case 'input':
      return Float64Array.from(input.data);
    case 'conv':
      return conv(node, xs[0], out);
    case 'activation':
      return activation(node, xs[0].data);
    case 'maxpool':
      return maxpool(node, xs[0], out);
    case 'upsample':
      return upsample(node.factor, xs[0], out);
    case 'concat':
      return concat(xs, out, batch);
    case 'add':
      return add(xs);
    case 'yolo':
      // Heads compute nothing: the raw tensor is the output.
      return xs[0].data;
  }
}

function checkInput(graph: Graph, input: TensorData, inputSize: [number, number]): number {
  const channels = graph.nodes[0].kind === 'input' ? graph.nodes[0].channels : 3;
  const [n, h, w, c] = input.dims;
  if (input.dims.length !== 4 || h !== inputSize[0] || w !== inputSize[1] || c !== channels) {
    throw new Error(`referenceForward: input dims [${input.dims.join(', ')}] do not match [N, ${inputSize[0]}, ${inputSize[1]}, ${channels}]`);
  }
  if (input.data.length !== n * h * w * c) {
    throw new Error(`referenceForward: input has ${input.data.length} values for dims [${input.dims.join(', ')}]`);
  }
  return n;
}

function toTensor(a: Activations): TensorData {
  return { dims: [a.batch, ...a.shape], data: Float32Array.from(a.data) };
}

/**
 * Run the graph in float64 and return every node's output ([N, H, W, C] float32 each),
 * in node order. The input size defaults to the input tensor's H and W.
 */
export function referenceForwardAll(graph: Graph, input: TensorData, options: ReferenceForwardOptions = {}): TensorData[] {
  return runAll(graph, input, options).map(toTensor);
}

function runAll(graph: Graph, input: TensorData, options: ReferenceForwardOptions): Activations[] {
  const inputSize = options.inputSize ?? [input.dims[1], input.dims[2]];
  const batch = checkInput(graph, input, inputSize);
  const shapes = inferShapes(graph, inputSize);
  const outputs: Activations[] = [];
  graph.nodes.forEach((node, i) => {
    const xs = node.inputs.map((j) => outputs[j]);
    outputs.push({ shape: shapes[i], batch, data: evaluate(node, xs, shapes[i], batch, input) });
  });
  return outputs;
}

/** Run the graph in float64; returns the raw heads in head order, [N, H, W, anchors*(5+classes)] float32. */
export function referenceForward(graph: Graph, input: TensorData, options: ReferenceForwardOptions = {}): TensorData[] {
  const outputs = runAll(graph, input, options);
  return graph.heads.map((h) => toTensor(outputs[h]));
}
