/**
 * The table of node kinds. Typed as a record over every NodeKind: a kind added to the IR
 * (graph/types.ts) without its module here does not compile.
 */
import type { GraphNode, NodeKind } from '../types.js';
import { activationKind } from './activation.js';
import { addKind } from './add.js';
import { concatKind } from './concat.js';
import { convKind } from './conv.js';
import type { NodeKindDefinition } from './definition.js';
import { inputKind } from './input.js';
import { maxpoolKind } from './maxpool.js';
import { sliceKind } from './slice.js';
import { upsampleKind } from './upsample.js';
import { yoloKind } from './yolo.js';

export type NodeOfKind<K extends NodeKind> = Extract<GraphNode, { kind: K }>;

export const NODE_KINDS: { [K in NodeKind]: NodeKindDefinition<NodeOfKind<K>> } = {
  input: inputKind,
  conv: convKind,
  activation: activationKind,
  maxpool: maxpoolKind,
  upsample: upsampleKind,
  concat: concatKind,
  slice: sliceKind,
  add: addKind,
  yolo: yoloKind,
};

/** The definition of a node's kind, typed for that node. */
export function kindOf<N extends GraphNode>(node: N): NodeKindDefinition<N> {
  return NODE_KINDS[node.kind] as unknown as NodeKindDefinition<N>;
}

export type { NodeKindDefinition, ReferenceTensor } from './definition.js';
