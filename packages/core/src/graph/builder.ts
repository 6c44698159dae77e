/**
 * A small builder for graphs made in code: tests, the ONNX importer and the loaders use it so
 * that every graph is assembled (and validated) the same way.
 */
import { GRAPH_LIMITS } from './limits.js';
import { darknetMaxPoolPads, inferShapes, nodeStrides } from './shapes.js';
import type { ActivationKind, Graph, GraphNode, Pads } from './types.js';
import { validateNode } from './validate.js';

type NodeSpec = GraphNode extends infer N ? (N extends GraphNode ? Omit<N, 'name' | 'inputs'> : never) : never;

export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  private readonly names = new Set<string>();

  constructor(channels = 3, inputName = 'input') {
    this.add(inputName, [], { kind: 'input', channels });
  }

  /** Append a node; returns its index. Names must be unique. */
  add(name: string, inputs: number[], spec: NodeSpec): number {
    if (this.nodes.length >= GRAPH_LIMITS.nodes) throw new Error(`the model has more than ${GRAPH_LIMITS.nodes} layers`);
    if (this.names.has(name)) throw new Error(`duplicate layer name '${name}'`);
    for (const j of inputs) {
      if (!Number.isInteger(j) || j < 0 || j >= this.nodes.length) {
        throw new Error(`layer '${name}': input ${j} does not refer to an earlier layer`);
      }
    }
    const node = { ...spec, name, inputs } as GraphNode;
    // Sizes first (a stride of 0 must not reach shape inference); values are checked once the graph is built.
    validateNode(node, { values: false });
    this.names.add(name);
    this.nodes.push(node);
    return this.nodes.length - 1;
  }

  get last(): number {
    return this.nodes.length - 1;
  }

  conv(
    name: string,
    input: number,
    o: { filters: number; channels: number; kernel: number | [number, number]; stride?: number; pads?: Pads | number; groups?: number; weights: Float32Array; bias: Float32Array },
  ): number {
    const kernel: [number, number] = typeof o.kernel === 'number' ? [o.kernel, o.kernel] : o.kernel;
    const p = o.pads ?? 0;
    const pads: Pads = typeof p === 'number' ? { top: p, left: p, bottom: p, right: p } : p;
    const groups = o.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || o.channels % groups !== 0 || o.filters % groups !== 0) {
      throw new Error(`layer '${name}': groups=${groups} must be a positive integer dividing both ${o.channels} input channels and ${o.filters} filters`);
    }
    const expected = o.filters * (o.channels / groups) * kernel[0] * kernel[1];
    if (o.weights.length !== expected) {
      throw new Error(`layer '${name}': ${o.weights.length} weights for a ${o.filters}x${o.channels / groups}x${kernel[0]}x${kernel[1]} kernel (expected ${expected})`);
    }
    if (o.bias.length !== o.filters) throw new Error(`layer '${name}': ${o.bias.length} biases for ${o.filters} filters`);
    return this.add(name, [input], { kind: 'conv', filters: o.filters, channels: o.channels, kernel, stride: o.stride ?? 1, pads, groups, weights: o.weights, bias: o.bias });
  }

  activation(name: string, input: number, activation: ActivationKind, alpha = 0.1): number {
    return this.add(name, [input], { kind: 'activation', activation, alpha });
  }

  /** Darknet-style maxpool (default padding size-1); pass pads for other conventions. */
  maxpool(name: string, input: number, size: number, stride: number, pads: Pads = darknetMaxPoolPads(size)): number {
    return this.add(name, [input], { kind: 'maxpool', size, stride, pads });
  }

  upsample(name: string, input: number, factor: number): number {
    return this.add(name, [input], { kind: 'upsample', factor });
  }

  concat(name: string, inputs: number[]): number {
    return this.add(name, inputs, { kind: 'concat' });
  }

  /** Channels [start, start + count) of the input. */
  slice(name: string, input: number, start: number, count: number): number {
    return this.add(name, [input], { kind: 'slice', start, count });
  }

  addNode(name: string, inputs: number[]): number {
    return this.add(name, inputs, { kind: 'add' });
  }

  yolo(name: string, input: number, anchors: Array<[number, number]>, classes: number, scaleXY = 1, newCoords = false, nms?: { kind: 'diou'; beta: number }): number {
    return this.add(name, [input], { kind: 'yolo', anchors, classes, scaleXY, newCoords, ...(nms ? { nms } : {}) });
  }

  /** Finish: checks shapes at the given size and head channel counts. */
  build(o: { inputSize: [number, number]; classNames?: string[]; source: string }): Graph {
    const heads = this.nodes.flatMap((n, i) => (n.kind === 'yolo' ? [i] : []));
    if (heads.length === 0) throw new Error('the model has no detection heads');
    const strides = nodeStrides({ nodes: this.nodes } as Graph);
    const maxStride = Math.max(...heads.map((h) => strides[h]));
    const classes = (this.nodes[heads[0]] as Extract<GraphNode, { kind: 'yolo' }>).classes;
    const graph: Graph = {
      nodes: this.nodes,
      heads,
      inputSize: o.inputSize,
      classNames: o.classNames ?? Array.from({ length: classes }, (_, k) => `class${k}`),
      source: o.source,
      maxStride,
    };
    const shapes = inferShapes(graph);
    for (const h of heads) {
      const node = this.nodes[h] as Extract<GraphNode, { kind: 'yolo' }>;
      const want = node.anchors.length * (5 + node.classes);
      if (shapes[h][2] !== want) {
        throw new Error(`head '${node.name}': ${shapes[h][2]} channels, but ${node.anchors.length} anchors x (5 + ${node.classes} classes) need ${want}`);
      }
    }
    return graph;
  }
}
