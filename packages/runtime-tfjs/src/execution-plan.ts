/**
 * Static facts about a graph that the forward and backward passes need at every call,
 * computed once at load: output shapes, consumers, which conv+activation pairs run fused.
 */
import { ACTIVATION_FUNCTIONS, inferShapes } from '@yolo-saliency/core/graph';
import { planVisualBackProp } from '@yolo-saliency/core/runtime';
import { signFromOutput, TFJS_ACTIVATIONS } from './activations.js';
import type { Graph, Pads, Shape3 } from '@yolo-saliency/core';
import type { VbpPlan } from '@yolo-saliency/core/runtime';

export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

export interface ExecutionPlan {
  graph: Graph;
  inputSize: [number, number];
  shapes: Shape3[];
  /** consumers[i]: the nodes that read node i's output. */
  consumers: number[][];
  /**
   * fusedInto[conv] = the activation node that runs inside the conv's kernel (its only
   * consumer). The conv's own output is then never materialised: nothing reads it.
   */
  fusedInto: Map<number, number>;
  /** The activations computed by a fused conv (keys of fusedInto, reversed). */
  fusedActivations: Set<number>;
  vbp: VbpPlan;
}

export function explicitPadding(pads: Pads): ExplicitPadding {
  return [[0, 0], [pads.top, pads.bottom], [pads.left, pads.right], [0, 0]];
}

/**
 * Fusing is safe when tf.fused.conv2d has the activation and, for a piecewise-linear one, its
 * sign test can be read from its output (the backward needs [x > 0]).
 */
function fusable(graph: Graph, conv: number, consumers: number[]): number | undefined {
  if (consumers.length !== 1) return undefined;
  const next = graph.nodes[consumers[0]];
  if (next.kind !== 'activation' || next.inputs.length !== 1 || next.inputs[0] !== conv) return undefined;
  if (!TFJS_ACTIVATIONS[next.activation].fused) return undefined;
  if (ACTIVATION_FUNCTIONS[next.activation].tape === 'sign' && !signFromOutput(next.activation, next.alpha)) return undefined;
  return consumers[0];
}

export function makeExecutionPlan(graph: Graph, inputSize: [number, number]): ExecutionPlan {
  const shapes = inferShapes(graph, inputSize);
  const consumers: number[][] = graph.nodes.map(() => []);
  graph.nodes.forEach((node, i) => node.inputs.forEach((j) => consumers[j].push(i)));
  const fusedInto = new Map<number, number>();
  graph.nodes.forEach((node, i) => {
    if (node.kind !== 'conv') return;
    const activation = fusable(graph, i, consumers[i]);
    if (activation !== undefined) fusedInto.set(i, activation);
  });
  return {
    graph,
    inputSize,
    shapes,
    consumers,
    fusedInto,
    fusedActivations: new Set(fusedInto.values()),
    vbp: planVisualBackProp(graph, inputSize),
  };
}
