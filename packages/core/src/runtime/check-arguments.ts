/**
 * The runtime contract's arguments, checked once in terms a user understands (layer names,
 * expected dims), for every runtime. Runtimes call these at their entry points; the native
 * addon keeps its own defensive checks in C++.
 */
import type { Graph, Shape3 } from '../graph/types.js';
import type { BackwardOptions, TensorData } from './types.js';

const dimsText = (dims: readonly number[]) => `[${dims.join(', ')}]`;

/** The forward input must be [N, H, W, C] float32 at the model's input size; returns N. */
export function checkForwardInput(graph: Graph, inputSize: [number, number], input: TensorData, runtime: string): number {
  const [h, w] = inputSize;
  const first = graph.nodes[0];
  const c = first.kind === 'input' ? first.channels : 3;
  const d = input?.dims ?? [];
  if (d.length !== 4 || d[1] !== h || d[2] !== w || d[3] !== c || !(d[0] >= 1)) {
    throw new Error(`${runtime} runtime: forward input has dims ${dimsText(d)}, expected [N, ${h}, ${w}, ${c}] for this model`);
  }
  if (!(input.data instanceof Float32Array) || input.data.length !== d[0] * h * w * c) {
    throw new Error(`${runtime} runtime: forward input must be a Float32Array of ${d[0] * h * w * c} values for dims ${dimsText(d)}`);
  }
  return d[0];
}

/**
 * The head gradients (one NHWC Float32Array tensor per head, the heads' dims at the tape's
 * batch), the rule and stopAt. Returns the index of the node the gradient is wanted at.
 */
export function checkBackwardArguments(
  graph: Graph,
  shapes: readonly Shape3[],
  batch: number,
  headGradients: TensorData[],
  options: BackwardOptions,
  runtime: string,
): number {
  const fail = (message: string): never => {
    throw new Error(`${runtime} runtime: ${message}`);
  };
  if (options?.rule !== 'plain' && options?.rule !== 'guided') fail(`unknown backward rule '${String(options?.rule)}' (plain or guided)`);
  const heads = graph.heads;
  if (!Array.isArray(headGradients) || headGradients.length !== heads.length) {
    fail(`backward got ${Array.isArray(headGradients) ? headGradients.length : 'no'} head gradients for ${heads.length} heads`);
  }
  heads.forEach((node, k) => {
    const want = [batch, ...shapes[node]];
    const g = headGradients[k];
    const dims = g?.dims ?? [];
    const count = want.reduce((a, b) => a * b, 1);
    if (dims.length !== 4 || dims.some((d, i) => d !== want[i]) || !(g.data instanceof Float32Array) || g.data.length !== count) {
      fail(`head gradient ${k} ('${graph.nodes[node].name}') has dims ${dimsText(dims)}, expected ${dimsText(want)} (NHWC, Float32Array)`);
    }
  });
  if (options.stopAt === undefined) return 0;
  const stop = graph.nodes.findIndex((n) => n.name === options.stopAt);
  if (stop < 0) fail(`backward stopAt: no layer named '${options.stopAt}'`);
  return stop;
}

/** LoadOptions.maxBatchPerCall: absent (the runtime's default) or a positive integer. */
export function checkMaxBatchPerCall(value: number | undefined, runtime: string): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new Error(`${runtime} runtime: maxBatchPerCall must be a positive integer, got ${value}`);
  }
  return value;
}
