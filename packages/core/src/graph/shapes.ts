/** Graph-wide shape facts, from each node kind's own rule (node-kinds/). */
import { GRAPH_LIMITS } from './limits.js';
import { kindOf } from './node-kinds/index.js';
import type { Graph, GraphNode, Shape3 } from './types.js';
import { layerLabel } from './validate.js';

export { darknetMaxPoolPads, windowOutputSize } from './window.js';

/**
 * Output shape of one node given its input shapes. Throws with the node named on a mismatch,
 * and when a size is not a positive integer within GRAPH_LIMITS (a stride of 0 from a corrupt
 * file gives an infinite size, which nothing after this may loop over).
 */
export function nodeOutputShape(node: GraphNode, inputs: Shape3[], inputSize: [number, number]): Shape3 {
  const where = layerLabel(node);
  const shape = kindOf(node).outputShape(node, inputs, inputSize, where);
  const [h, w, c] = shape;
  const size = GRAPH_LIMITS.tensorSize;
  if (![h, w].every((v) => Number.isInteger(v) && v >= 1 && v <= size) || !(Number.isInteger(c) && c >= 1 && c <= GRAPH_LIMITS.channels)) {
    throw new Error(`${where}: its output ${h}x${w}x${c} is not a size within ${size}x${size}x${GRAPH_LIMITS.channels}`);
  }
  return shape;
}

/** Shapes of every node's output for one image at the given input size ([H, W, C] each). */
export function inferShapes(graph: Graph, inputSize: [number, number] = graph.inputSize): Shape3[] {
  const shapes: Shape3[] = [];
  graph.nodes.forEach((node, i) => {
    for (const j of node.inputs) {
      if (j < 0 || j >= i) throw new Error(`layer '${node.name}': input index ${j} is not an earlier layer`);
    }
    shapes.push(nodeOutputShape(node, node.inputs.map((j) => shapes[j]), inputSize));
  });
  return shapes;
}

/** Check an input size against the graph: positive and a multiple of the largest stride. */
export function checkInputSize(graph: Graph, inputSize: [number, number]): void {
  const [h, w] = inputSize;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h <= 0 || w <= 0) {
    throw new Error(`input size ${h}x${w} is not a positive integer size`);
  }
  if (h % graph.maxStride !== 0 || w % graph.maxStride !== 0) {
    throw new Error(`input size ${h}x${w} is not a multiple of the network's largest stride ${graph.maxStride}`);
  }
}

/** Total stride of each node relative to the input (for maxStride and VBP). */
export function nodeStrides(graph: Pick<Graph, 'nodes'>): number[] {
  const strides: number[] = [];
  for (const node of graph.nodes) {
    const inStride = node.inputs.length ? Math.max(...node.inputs.map((j) => strides[j])) : 1;
    strides.push(inStride * kindOf(node).strideFactor(node));
  }
  return strides;
}

/** Number of learnable parameters of a node (weights + bias, batch norm folded). */
export function nodeParameterCount(node: GraphNode): number {
  return kindOf(node).parameterCount(node);
}
