/**
 * VisualBackProp (Bojarski et al. 2016) on a YOLO graph, as a runtime-independent plan.
 *
 * The definition, in words (every runtime, and the native addon, must follow it exactly):
 *
 * 1. Mean maps. For every activation node that is not 'linear' (leaky, relu, logistic), the
 *    forward records the mean over channels of its output, with negative means set to 0:
 *    mean(v)[n,y,x] = max(0, (1/C) * sum_c out_v[n,y,x,c]). (LeakyReLU lets small negative
 *    values through; clamping keeps every mask non-negative so "normalise by the maximum" is
 *    well defined.)
 * 2. Seeds. A mask of ones [N,h,w] is placed on the input of every yolo head (all heads, so a
 *    multi-head model starts from every head's deepest activation).
 * 3. Walk. Nodes are visited from the last to the first (reverse topological order). A node's
 *    mask is the sum of the masks its consumers sent it (plus its seed, if it has one). At the
 *    node:
 *      - a non-linear activation multiplies its mask pointwise by its mean map;
 *      - it then sends its mask to each of its inputs, converted to that input's resolution:
 *          conv     -> all-ones transposed convolution with the conv's kernel size, stride and
 *                      pads: input pixel (i,j) receives the sum of the mask over every output
 *                      position whose window covers (i,j) (padding pixels are dropped);
 *          maxpool  -> the same all-ones transposed convolution with the pool's size, stride and
 *                      pads (every maxpool, stride 1 or 2, follows this one rule);
 *          upsample -> average pooling by the factor (mean of each factor x factor block);
 *          activation, concat (route), add (shortcut), yolo -> the mask unchanged (every input
 *                      of a concat or add receives the full mask: branches are followed);
 *      - every mask sent along an edge is first divided, per image, by its maximum (when that
 *        maximum is > 0). So where a tensor feeds several consumers, the masks arriving from
 *        them each have maximum 1 and are summed with equal weight; it also keeps long chains
 *        from overflowing or underflowing float32.
 * 4. The mask reaching the input node [N,H,W] is normalised per image to [0,1]:
 *    (m - min) / (max - min), or all zeros when max == min.
 *
 * Nodes that do not lead to any head get no mask and are skipped.
 */
import { kindOf } from '../graph/node-kinds/index.js';
import { inferShapes } from '../graph/shapes.js';
import type { Graph, Pads } from '../graph/types.js';

/** How a mask at a node's output is brought to the resolution of one of its inputs. */
export type VbpEdgeOp =
  | { kind: 'identity' }
  | {
      /** All-ones transposed convolution (single channel), then crop the padding. */
      kind: 'ones-transposed-conv';
      kernel: [kh: number, kw: number];
      stride: number;
      pads: Pads;
      /** Resolution of the input the mask is sent to: [h, w]. */
      inputSize: [h: number, w: number];
    }
  | { kind: 'average-pool'; factor: number };

export interface VbpSend {
  /** Index of the input node that receives the mask. */
  to: number;
  op: VbpEdgeOp;
}

export interface VbpStep {
  /** Node index; steps are in descending node order. */
  node: number;
  /** Mask resolution at this node's output: [h, w]. */
  size: [h: number, w: number];
  /** Start with a mask of ones here (the node is the input of a yolo head). */
  seed: boolean;
  /** Multiply the mask by this node's mean map (a non-linear activation). */
  multiplyByMean: boolean;
  /** Where the mask goes next; empty only for the input node (the last step). */
  sends: VbpSend[];
}

export interface VbpPlan {
  /** Nodes whose channel-mean map the forward must record, ascending. */
  meanNodes: number[];
  /** In execution order; the last step is the input node (index 0). */
  steps: VbpStep[];
}

/** Whether a node's output counts as a VBP feature map (its mean multiplies the mask). */
export function isVbpActivation(graph: Graph, index: number): boolean {
  const node = graph.nodes[index];
  return kindOf(node).vbpFeatureMap(node);
}

/** Build the VBP plan of a graph at one input size. */
export function planVisualBackProp(graph: Graph, inputSize: [number, number] = graph.inputSize): VbpPlan {
  const shapes = inferShapes(graph, inputSize);
  const seeds = new Set(graph.heads.map((h) => graph.nodes[h].inputs[0]));
  // Which nodes receive a mask: everything upstream of a head input.
  const reached = new Array<boolean>(graph.nodes.length).fill(false);
  for (const s of seeds) reached[s] = true;
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    if (reached[i]) for (const j of graph.nodes[i].inputs) reached[j] = true;
  }
  if (!reached[0]) throw new Error('VisualBackProp: no head depends on the network input');

  const steps: VbpStep[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    if (!reached[i]) continue;
    const node = graph.nodes[i];
    const sends: VbpSend[] = node.inputs.map((to) => ({ to, op: kindOf(node).vbpEdge(node, shapes[to]) }));
    steps.push({ node: i, size: [shapes[i][0], shapes[i][1]], seed: seeds.has(i), multiplyByMean: isVbpActivation(graph, i), sends });
  }
  const meanNodes = steps.filter((s) => s.multiplyByMean).map((s) => s.node).reverse();
  return { meanNodes, steps };
}
