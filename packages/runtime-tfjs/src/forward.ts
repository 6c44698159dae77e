/**
 * The graph as tfjs ops (NHWC), optionally keeping what the backward pass and
 * VisualBackProp need. Runs synchronously inside a tf.tidy of the caller.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ActivationNode, GraphNode } from '@yolo-saliency/core';
import { explicitPadding, type ExecutionPlan } from './execution-plan.js';
import type { ConvWeights } from './weights.js';

/** Padding for maxpool: padded pixels never win (the max is over valid pixels only). */
const NEVER_WINS = -3.4028234663852886e38;

/** Per-node tensors kept for the backward pass. */
export type Saved =
  /** leaky / relu: [x > 0] as a bool tensor (a byte per value, not a float). */
  | { kind: 'positive'; positive: tf.Tensor4D }
  /** logistic: its output y (dy/dx = y (1 - y)). */
  | { kind: 'logistic'; output: tf.Tensor4D }
  /** maxpool: its padded input and its output (what the MaxPoolGrad kernel reads). */
  | { kind: 'maxpool'; paddedInput: tf.Tensor4D; output: tf.Tensor4D };

export interface ForwardRecording {
  saved: Map<number, Saved>;
  /** VBP mean maps [N, h, w], per activation node. */
  means: Map<number, tf.Tensor3D>;
}

export interface ForwardOptions {
  gradients: boolean;
  visualBackProp: boolean;
}

type FusableActivation = 'linear' | 'relu' | 'leakyrelu' | 'sigmoid';

function fusedActivationOf(node: ActivationNode): FusableActivation {
  switch (node.activation) {
    case 'leaky':
      return 'leakyrelu';
    case 'relu':
      return 'relu';
    case 'logistic':
      return 'sigmoid';
    case 'linear':
      return 'linear';
  }
}

function activate(node: ActivationNode, x: tf.Tensor4D): tf.Tensor4D {
  switch (node.activation) {
    case 'leaky':
      return tf.leakyRelu(x, node.alpha);
    case 'relu':
      return tf.relu(x);
    case 'logistic':
      return tf.sigmoid(x);
    case 'linear':
      return x;
  }
}

function maxpoolPadded(node: Extract<GraphNode, { kind: 'maxpool' }>, x: tf.Tensor4D): tf.Tensor4D {
  const { top, left, bottom, right } = node.pads;
  if (top === 0 && left === 0 && bottom === 0 && right === 0) return x;
  return tf.pad(x, explicitPadding(node.pads), NEVER_WINS);
}

/**
 * Evaluate the graph on `input` [N, H, W, C]. Returns the raw heads; when recording, the kept
 * tensors are tf.keep()-ed into `recording` so the caller's tidy does not free them.
 */
export function runForward(
  plan: ExecutionPlan,
  weights: Map<number, ConvWeights>,
  input: tf.Tensor4D,
  options: ForwardOptions,
  recording?: ForwardRecording,
): tf.Tensor4D[] {
  const { graph, fusedInto, fusedActivations } = plan;
  const meanNodes = new Set(options.visualBackProp ? plan.vbp.meanNodes : []);
  const outputs: Array<tf.Tensor4D | undefined> = new Array(graph.nodes.length);
  const keepSaved = (i: number, s: Saved) => {
    if (!recording) return;
    for (const t of Object.values(s)) if (t instanceof tf.Tensor) tf.keep(t);
    recording.saved.set(i, s);
  };

  graph.nodes.forEach((node, i) => {
    const x = node.inputs.length ? outputs[node.inputs[0]]! : input;
    switch (node.kind) {
      case 'input':
        outputs[i] = input;
        break;
      case 'conv': {
        const { filter, bias } = weights.get(i)!;
        const pad = explicitPadding(node.pads);
        const fused = fusedInto.get(i);
        if (fused === undefined) {
          outputs[i] = tf.fused.conv2d({ x, filter, strides: node.stride, pad, bias });
        } else {
          // conv + bias + activation in one kernel; the activation node reads the result.
          const act = graph.nodes[fused] as ActivationNode;
          outputs[fused] = tf.fused.conv2d({
            x, filter, strides: node.stride, pad, bias,
            activation: fusedActivationOf(act),
            leakyreluAlpha: act.alpha,
          });
        }
        break;
      }
      case 'activation': {
        // A fused activation already holds its output, and then x (the conv output) does not exist.
        const y = fusedActivations.has(i) ? outputs[i]! : activate(node, x);
        outputs[i] = y;
        if (options.gradients && (node.activation === 'leaky' || node.activation === 'relu')) {
          // y > 0 exactly when x > 0 for relu and leaky with a positive slope (fusion requires it);
          // an unfused leaky with a non-positive slope reads its input.
          const source = fusedActivations.has(i) || (node.activation === 'leaky' && node.alpha > 0) || node.activation === 'relu' ? y : x;
          keepSaved(i, { kind: 'positive', positive: tf.greater(source, 0) as tf.Tensor4D });
        } else if (options.gradients && node.activation === 'logistic') {
          keepSaved(i, { kind: 'logistic', output: y });
        }
        if (meanNodes.has(i) && recording) {
          // VBP feature map: channel mean, negative means clamped to 0 (see core's vbp-plan.ts).
          recording.means.set(i, tf.keep(tf.relu(tf.mean(y, 3)) as tf.Tensor3D));
        }
        break;
      }
      case 'maxpool': {
        const padded = maxpoolPadded(node, x);
        const y = tf.maxPool(padded, node.size, node.stride, 'valid');
        outputs[i] = y;
        if (options.gradients) keepSaved(i, { kind: 'maxpool', paddedInput: padded, output: y });
        break;
      }
      case 'upsample': {
        const [, h, w] = x.shape;
        outputs[i] = tf.image.resizeNearestNeighbor(x, [h * node.factor, w * node.factor], false, false);
        break;
      }
      case 'concat':
        outputs[i] = node.inputs.length === 1 ? x : tf.concat(node.inputs.map((j) => outputs[j]!), 3);
        break;
      case 'add':
        outputs[i] = node.inputs.length === 1 ? x : (tf.addN(node.inputs.map((j) => outputs[j]!)) as tf.Tensor4D);
        break;
      case 'yolo':
        outputs[i] = x;
        break;
    }
  });
  return graph.heads.map((h) => outputs[h]!);
}
