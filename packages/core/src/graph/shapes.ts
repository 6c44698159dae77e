import type { Graph, GraphNode, MaxPoolNode, Pads, Shape3 } from './types.js';

/** Output size of a window op along one axis, with explicit pads. */
export function windowOutputSize(size: number, kernel: number, stride: number, padBefore: number, padAfter: number): number {
  return Math.floor((size + padBefore + padAfter - kernel) / stride) + 1;
}

/**
 * Darknet's maxpool padding: `padding` defaults to size-1, the window starts at -padding/2
 * (integer division), and the output is (W + padding - size)/stride + 1.
 */
export function darknetMaxPoolPads(size: number, padding: number = size - 1): Pads {
  const before = Math.floor(padding / 2);
  return { top: before, left: before, bottom: padding - before, right: padding - before };
}

function maxPoolShape(node: MaxPoolNode, [h, w, c]: Shape3): Shape3 {
  const { size, stride, pads } = node;
  return [
    windowOutputSize(h, size, stride, pads.top, pads.bottom),
    windowOutputSize(w, size, stride, pads.left, pads.right),
    c,
  ];
}

/** Output shape of one node given its input shapes. Throws with the node named on a mismatch. */
export function nodeOutputShape(node: GraphNode, inputs: Shape3[], inputSize: [number, number]): Shape3 {
  const where = `layer '${node.name}' (${node.kind})`;
  switch (node.kind) {
    case 'input':
      return [inputSize[0], inputSize[1], node.channels];
    case 'conv': {
      const [h, w, c] = inputs[0];
      if (c !== node.channels) throw new Error(`${where}: expects ${node.channels} input channels, got ${c}`);
      const [kh, kw] = node.kernel;
      const oh = windowOutputSize(h, kh, node.stride, node.pads.top, node.pads.bottom);
      const ow = windowOutputSize(w, kw, node.stride, node.pads.left, node.pads.right);
      if (oh <= 0 || ow <= 0) throw new Error(`${where}: input ${h}x${w} is too small for a ${kh}x${kw} kernel`);
      return [oh, ow, node.filters];
    }
    case 'activation':
    case 'yolo':
      return [...inputs[0]] as Shape3;
    case 'maxpool': {
      const out = maxPoolShape(node, inputs[0]);
      if (out[0] <= 0 || out[1] <= 0) throw new Error(`${where}: input ${inputs[0][0]}x${inputs[0][1]} is too small`);
      return out;
    }
    case 'upsample':
      return [inputs[0][0] * node.factor, inputs[0][1] * node.factor, inputs[0][2]];
    case 'concat': {
      const [h, w] = inputs[0];
      for (const s of inputs) {
        if (s[0] !== h || s[1] !== w) {
          throw new Error(`${where}: inputs have different sizes ${inputs.map((x) => `${x[0]}x${x[1]}`).join(', ')}`);
        }
      }
      return [h, w, inputs.reduce((sum, s) => sum + s[2], 0)];
    }
    case 'add': {
      const first = inputs[0];
      for (const s of inputs) {
        if (s[0] !== first[0] || s[1] !== first[1] || s[2] !== first[2]) {
          throw new Error(`${where}: inputs have different shapes ${inputs.map((x) => x.join('x')).join(', ')}`);
        }
      }
      return [...first] as Shape3;
    }
  }
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
export function nodeStrides(graph: Graph): number[] {
  const strides: number[] = [];
  for (const node of graph.nodes) {
    const inStride = node.inputs.length ? Math.max(...node.inputs.map((j) => strides[j])) : 1;
    if (node.kind === 'conv' || node.kind === 'maxpool') strides.push(inStride * node.stride);
    else if (node.kind === 'upsample') strides.push(inStride / node.factor);
    else strides.push(inStride);
  }
  return strides;
}

/** Number of learnable parameters of a node (weights + bias, batch norm folded). */
export function nodeParameterCount(node: GraphNode): number {
  return node.kind === 'conv' ? node.weights.length + node.bias.length : 0;
}
