/**
 * The checks every loader runs on the graph it built, whatever the file format: every number
 * within GRAPH_LIMITS, every weight, bias, slope, anchor and scale finite. A NaN weight does
 * not fail anywhere else: the model loads, every score is NaN, every map is NaN, and the
 * command exits 0. Messages name the layer; the loader adds the file.
 */
import { printable } from '../util/printable.js';
import { GRAPH_LIMITS } from './limits.js';
import type { Graph, GraphNode } from './types.js';

/** Index of the first value that is NaN or ±Infinity, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** `name`: "3 of 864 values are not finite (the first, NaN, at index 12)", or undefined when all are finite. */
export function nonFiniteText(values: ArrayLike<number>): string | undefined {
  const first = firstNonFinite(values);
  if (first < 0) return undefined;
  let count = 0;
  for (let i = first; i < values.length; i++) if (!Number.isFinite(values[i])) count++;
  const all = count === values.length ? (count === 1 ? 'its value is' : `all ${count} values are`) : `${count} of ${values.length} values are`;
  return `${all} not finite (the first, ${values[first]}, at index ${first})`;
}

/** The layer as messages name it: `layer 'conv_3' (conv)`, its name escaped. */
export const layerLabel = (node: Pick<GraphNode, 'name' | 'kind'>) => `layer '${printable(node.name)}' (${node.kind})`;

const isIntIn = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;

/** Throws `where: what is v; expected ...` unless v is an integer in [min, max]. */
function checkInt(where: string, what: string, v: number, min: number, max: number): void {
  if (!isIntIn(v, min, max)) throw new Error(`${where}: ${what} ${v} is not an integer in ${min}..${max}`);
}

function checkFinite(where: string, what: string, values: ArrayLike<number>): void {
  const problem = nonFiniteText(values);
  if (problem) throw new Error(`${where}: ${what}: ${problem}`);
}

/**
 * Structural bounds and finite values of one node. `values: false` checks only what shapes
 * are computed from (windows, strides, pads, factors, channel counts): the builder does that
 * as each node is added; weights, slopes and heads are checked once the graph is built.
 */
export function validateNode(node: GraphNode, options: { values?: boolean } = {}): void {
  const values = options.values ?? true;
  const where = layerLabel(node);
  const L = GRAPH_LIMITS;
  switch (node.kind) {
    case 'input':
      checkInt(where, 'channels', node.channels, 1, L.inputChannels);
      break;
    case 'conv': {
      checkInt(where, 'filters', node.filters, 1, L.channels);
      checkInt(where, 'input channels', node.channels, 1, L.channels);
      node.kernel.forEach((k, i) => checkInt(where, `kernel ${i === 0 ? 'height' : 'width'}`, k, 1, L.window));
      checkInt(where, 'stride', node.stride, 1, L.stride);
      for (const [side, pad] of Object.entries(node.pads)) checkInt(where, `${side} padding`, pad, 0, L.pad);
      if (values) {
        checkFinite(where, 'weights', node.weights);
        checkFinite(where, 'biases', node.bias);
      }
      break;
    }
    case 'activation':
      if (values && !Number.isFinite(node.alpha)) throw new Error(`${where}: the slope (alpha) ${node.alpha} is not finite`);
      break;
    case 'maxpool':
      checkInt(where, 'size', node.size, 1, L.window);
      checkInt(where, 'stride', node.stride, 1, L.stride);
      for (const [side, pad] of Object.entries(node.pads)) checkInt(where, `${side} padding`, pad, 0, L.pad);
      break;
    case 'upsample':
      checkInt(where, 'factor', node.factor, 1, L.upsample);
      break;
    case 'yolo': {
      if (!values) break;
      checkInt(where, 'classes', node.classes, 1, L.classes);
      checkInt(where, 'anchor count', node.anchors.length, 1, L.anchorsPerHead);
      node.anchors.forEach(([w, h], k) => {
        if (!(w > 0 && h > 0 && w <= L.anchorSize && h <= L.anchorSize)) {
          throw new Error(`${where}: anchor ${k} (${w},${h}) must have a width and height in (0, ${L.anchorSize}] pixels`);
        }
      });
      if (!(node.scaleXY > 0 && node.scaleXY <= L.scaleXY)) throw new Error(`${where}: scale_x_y ${node.scaleXY} is not in (0, ${L.scaleXY}]`);
      if (node.nms && !(node.nms.beta >= 0 && node.nms.beta <= L.nmsBeta)) throw new Error(`${where}: the DIoU NMS beta ${node.nms.beta} is not in [0, ${L.nmsBeta}]`);
      break;
    }
    default:
      // concat, add and kinds with nothing a file can set out of range.
      break;
  }
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Why a class name cannot be printed or drawn as it is, or undefined when it can. */
export function checkClassName(name: string): string | undefined {
  if (CONTROL.test(name)) return `'${printable(name, 60)}' contains control characters`;
  if (name.length > GRAPH_LIMITS.classNameLength) return `'${printable(name, 60)}' is longer than ${GRAPH_LIMITS.classNameLength} characters`;
  return undefined;
}

/**
 * Check a whole graph: its input size, every node (validateNode), the total parameter count
 * and the class names. Throws one line naming the first layer (or name) at fault.
 */
export function validateGraph(graph: Graph): void {
  const [h, w] = graph.inputSize;
  if (!isIntIn(h, 1, GRAPH_LIMITS.inputSize) || !isIntIn(w, 1, GRAPH_LIMITS.inputSize)) {
    throw new Error(`the input size ${w}x${h} is not within 1..${GRAPH_LIMITS.inputSize} pixels`);
  }
  let parameters = 0;
  for (const node of graph.nodes) {
    validateNode(node);
    if (node.kind === 'conv') parameters += node.weights.length + node.bias.length;
  }
  if (parameters > GRAPH_LIMITS.parameters) {
    throw new Error(`the model has ${parameters} parameters, more than the ${GRAPH_LIMITS.parameters} allowed`);
  }
  graph.classNames.forEach((name, k) => {
    const problem = typeof name === 'string' ? checkClassName(name) : 'is not text';
    if (problem) throw new Error(`class name ${k} ${problem}`);
  });
}
