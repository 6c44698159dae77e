/**
 * One node kind on tfjs: its forward (what it computes and what it keeps for the backward) and
 * its backward (the gradient it sends to each input). nodes/index.ts holds one per kind, typed
 * as a record over every NodeKind, the way tfjs registers one gradient per op.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { BackwardRule, GraphNode } from '@yolo-saliency/core';
import type { ExecutionPlan } from '../execution-plan.js';
import type { ConvWeights } from '../weights.js';

/** Per-node tensors kept for the backward pass. */
export interface Saved {
  /** Piecewise-linear activations: [x > 0] as a bool tensor (a byte per value, not a float). */
  positive?: tf.Tensor4D;
  /** Activations whose derivative is a function of their output (logistic): the output. */
  output?: tf.Tensor4D;
  /** Activations whose derivative is a function of their input (mish, swish): the input. */
  input?: tf.Tensor4D;
  /** maxpool: its padded input (what the MaxPoolGrad kernel reads, with `output`). */
  paddedInput?: tf.Tensor4D;
}

export interface ForwardContext {
  plan: ExecutionPlan;
  weights: Map<number, ConvWeights>;
  /** This node's index. */
  index: number;
  /** The network input [N, H, W, C] (read by the input node). */
  input: tf.Tensor4D;
  /** The outputs of every node computed so far (a fused conv writes its activation's here). */
  outputs: Array<tf.Tensor4D | undefined>;
  /** Whether the backward pass will run: keep what it needs. */
  gradients: boolean;
  /** Keep tensors for this node's backward (they outlive the forward's tf.tidy). */
  save(saved: Saved): void;
}

export interface BackwardContext {
  plan: ExecutionPlan;
  weights: Map<number, ConvWeights>;
  index: number;
  /** What this node's forward kept. */
  saved: Saved | undefined;
  rule: BackwardRule;
  /** Add a gradient contribution to the output of input node `j`. */
  send(j: number, g: tf.Tensor4D): void;
}

export interface TfjsNodeOps<N extends GraphNode> {
  /** The node's output, or undefined when it is never materialised (a conv fused into its activation). */
  forward(node: N, x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D | undefined;
  /** Send d(target)/d(input) to every input, given g = d(target)/d(output). */
  backward(node: N, g: tf.Tensor4D, ctx: BackwardContext): void;
}
