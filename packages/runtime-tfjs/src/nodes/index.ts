/**
 * The tfjs implementation of every node kind. Typed as a record over NodeKind: a kind added to
 * core's IR without its tfjs module here does not compile.
 */
import type { GraphNode, InputNode, NodeKind, YoloNode } from '@yolo-saliency/core';
import { activationOps } from './activation.js';
import { addOps } from './add.js';
import { concatOps } from './concat.js';
import { convOps } from './conv.js';
import { maxpoolOps } from './maxpool.js';
import type { TfjsNodeOps } from './node-ops.js';
import { sliceOps } from './slice.js';
import { upsampleOps } from './upsample.js';

type NodeOfKind<K extends NodeKind> = Extract<GraphNode, { kind: K }>;

const inputOps: TfjsNodeOps<InputNode> = {
  forward: (_node, _x, ctx) => ctx.input,
  backward: () => {},
};

/** A head computes nothing: its output is its input, and so is its gradient. */
const yoloOps: TfjsNodeOps<YoloNode> = {
  forward: (_node, x) => x,
  backward: (node, g, ctx) => ctx.send(node.inputs[0], g),
};

export const TFJS_NODE_OPS: { [K in NodeKind]: TfjsNodeOps<NodeOfKind<K>> } = {
  input: inputOps,
  conv: convOps,
  activation: activationOps,
  maxpool: maxpoolOps,
  upsample: upsampleOps,
  concat: concatOps,
  slice: sliceOps,
  add: addOps,
  yolo: yoloOps,
};

export function opsOf<N extends GraphNode>(node: N): TfjsNodeOps<N> {
  return TFJS_NODE_OPS[node.kind] as unknown as TfjsNodeOps<N>;
}

export type { BackwardContext, ForwardContext, Saved, TfjsNodeOps } from './node-ops.js';
