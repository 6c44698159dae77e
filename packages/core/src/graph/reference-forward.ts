/**
 * A plain, obviously-correct interpreter of the IR in float64. It is slow on purpose: it is
 * the yardstick runtimes and loaders are checked against (finite differences, Keras
 * reference outputs), so every op is written as the textbook loop, nothing fused.
 */
import type { TensorData } from '../runtime/types.js';
import { kindOf, type ReferenceTensor } from './node-kinds/index.js';
import { inferShapes } from './shapes.js';
import type { Graph } from './types.js';

export interface ReferenceForwardOptions {
  /** Network input [height, width]; defaults to the input tensor's own H and W. */
  inputSize?: [number, number];
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

function toTensor(a: ReferenceTensor): TensorData {
  return { dims: [a.batch, ...a.shape], data: Float32Array.from(a.data) };
}

/**
 * Run the graph in float64 and return every node's output ([N, H, W, C] float32 each),
 * in node order. The input size defaults to the input tensor's H and W.
 */
export function referenceForwardAll(graph: Graph, input: TensorData, options: ReferenceForwardOptions = {}): TensorData[] {
  return runAll(graph, input, options).map(toTensor);
}

/**
 * Every node's output in float64, unrounded ([H, W, C] per image, NHWC over the batch): for
 * checks that need the exact values, such as how near a maxpool window is to a tie.
 */
export function referenceForward64(graph: Graph, input: TensorData, options: ReferenceForwardOptions = {}): ReferenceTensor[] {
  return runAll(graph, input, options);
}

function runAll(graph: Graph, input: TensorData, options: ReferenceForwardOptions): ReferenceTensor[] {
  const inputSize = options.inputSize ?? [input.dims[1], input.dims[2]];
  const batch = checkInput(graph, input, inputSize);
  const shapes = inferShapes(graph, inputSize);
  const outputs: ReferenceTensor[] = [];
  graph.nodes.forEach((node, i) => {
    const xs = node.inputs.map((j) => outputs[j]);
    outputs.push({ shape: shapes[i], batch, data: kindOf(node).reference(node, xs, shapes[i], input.data) });
  });
  return outputs;
}

/** Run the graph in float64; returns the raw heads in head order, [N, H, W, anchors*(5+classes)] float32. */
export function referenceForward(graph: Graph, input: TensorData, options: ReferenceForwardOptions = {}): TensorData[] {
  const outputs = runAll(graph, input, options);
  return graph.heads.map((h) => toTensor(outputs[h]));
}
