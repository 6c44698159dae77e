/** Kernel, stride and pads of an ONNX Conv or MaxPool, resolved into the IR's square-stride form. */
import { GRAPH_LIMITS } from '../graph/limits.js';
import { windowOutputSize } from '../graph/shapes.js';
import type { Pads } from '../graph/types.js';
import type { OnnxNode } from './onnx-model.js';
import { attrInt, attrInts, attrString, describeNode } from './node-attributes.js';

export interface Window {
  kernel: [number, number];
  stride: number;
  pads: Pads;
}

/** `kernel` comes from the attribute or (Conv) the weight dims; `input` is the [h, w] the op sees. */
export function resolveWindow(n: OnnxNode, kernel: [number, number] | undefined, input: [number, number]): Window {
  const where = describeNode(n);
  const k = attrInts(n, 'kernel_shape') ?? kernel;
  if (!k || k.length !== 2) throw new Error(`${where}: only 2-D windows (NCHW) are supported`);
  checkInts(where, 'kernel_shape', k, 1, GRAPH_LIMITS.window);
  const strides = attrInts(n, 'strides') ?? [1, 1];
  if (strides.length !== 2) throw new Error(`${where}: strides [${strides.join(', ')}] are not two numbers (NCHW)`);
  checkInts(where, 'strides', strides, 1, GRAPH_LIMITS.stride);
  if (strides[0] !== strides[1]) throw new Error(`${where}: strides [${strides.join(', ')}] differ between height and width, which is not supported`);
  const dilations = attrInts(n, 'dilations') ?? [1, 1];
  if (dilations.some((d) => d !== 1)) throw new Error(`${where}: dilations [${dilations.join(', ')}] are not supported`);
  if (attrInt(n, 'ceil_mode', 0) !== 0) throw new Error(`${where}: ceil_mode=1 is not supported`);
  const stride = strides[0];
  const autoPad = attrString(n, 'auto_pad', 'NOTSET');
  let pads: Pads;
  if (autoPad === 'NOTSET') {
    const p = attrInts(n, 'pads') ?? [0, 0, 0, 0];
    if (p.length !== 4) throw new Error(`${where}: pads [${p.join(', ')}] are not four numbers`);
    checkInts(where, 'pads', p, 0, GRAPH_LIMITS.pad);
    pads = { top: p[0], left: p[1], bottom: p[2], right: p[3] };
  } else if (autoPad === 'VALID') {
    pads = { top: 0, left: 0, bottom: 0, right: 0 };
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    // Output ceil(size / stride); the odd pixel of padding goes at the end (UPPER) or start (LOWER).
    const [th, tw] = [0, 1].map((a) => Math.max((Math.ceil(input[a] / stride) - 1) * stride + k[a] - input[a], 0));
    const small = (t: number) => (autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2));
    pads = { top: small(th), left: small(tw), bottom: th - small(th), right: tw - small(tw) };
  } else {
    throw new Error(`${where}: auto_pad '${autoPad}' is not supported`);
  }
  if (windowOutputSize(input[0], k[0], stride, pads.top, pads.bottom) <= 0 || windowOutputSize(input[1], k[1], stride, pads.left, pads.right) <= 0) {
    throw new Error(`${where}: a ${k[0]}x${k[1]} window does not fit a ${input[0]}x${input[1]} input`);
  }
  return { kernel: [k[0], k[1]], stride, pads };
}

/** Every value of an integer-list attribute within [min, max]; the error names the attribute. */
function checkInts(where: string, name: string, values: number[], min: number, max: number): void {
  if (values.some((v) => !Number.isInteger(v) || v < min || v > max)) {
    const shown = values.length > 8 ? `${values.slice(0, 8).join(', ')}, …` : values.join(', ');
    throw new Error(`${where}: ${name} [${shown}] must be integers in ${min}..${max}`);
  }
}
