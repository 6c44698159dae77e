/**
 * IR graph (core, NHWC shapes) -> the addon's graph description (NCHW shapes per image, each
 * kind's parameters under its own key, conv weights per node). The weights are passed as they
 * are in the IR (OIHW, I = channels / groups); the addon copies them once into the model.
 */
import type { Graph } from '@yolo-saliency/core';
import { inferShapes } from '@yolo-saliency/core/graph';
import type { NativeGraphDesc, NativeNodeDesc, NativeWeights } from '@yolo-saliency/native';

export interface NativeGraph {
  desc: NativeGraphDesc;
  weights: NativeWeights;
}

export function toNativeGraph(graph: Graph, inputSize: [number, number] = graph.inputSize): NativeGraph {
  const shapes = inferShapes(graph, inputSize);
  const weights: NativeWeights = [];
  const nodes = graph.nodes.map((node, i): NativeNodeDesc => {
    const [h, w, c] = shapes[i];
    const base: NativeNodeDesc = { name: node.name, kind: node.kind, inputs: [...node.inputs], shape: [c, h, w] };
    weights.push(node.kind === 'conv' ? node.weights : null);
    switch (node.kind) {
      case 'conv':
        return { ...base, conv: { filters: node.filters, channels: node.channels, kernel: [...node.kernel], stride: node.stride, pads: { ...node.pads }, groups: node.groups } };
      case 'activation':
        return { ...base, activation: { kind: node.activation, alpha: node.alpha } };
      case 'maxpool':
        return { ...base, maxpool: { size: node.size, stride: node.stride, pads: { ...node.pads } } };
      case 'upsample':
        return { ...base, upsample: { factor: node.factor } };
      case 'slice':
        return { ...base, slice: { start: node.start, count: node.count } };
      default:
        return base;
    }
  });
  return { desc: { nodes, heads: [...graph.heads] }, weights };
}
