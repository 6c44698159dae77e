/**
 * How much memory running a model takes, estimated from the graph alone, before anything is
 * allocated. An app compares the estimate with its budget and refuses a model, input size or
 * batch that would not fit, instead of swapping, being killed, or aborting a WebAssembly heap
 * (whose 4 GiB limit a large pad or upsample reaches in one layer).
 *
 * What is counted, per image: the float32 output of every node (inferShapes), times the copies
 * a run keeps of them at its peak; the padded copies where a conv or a pool reads beyond its
 * input (zero for the usual one-pixel pads, huge for hostile ones); and, once per call, the
 * largest im2col buffer of one conv. It is meant as an upper bound for the runtimes here, not
 * an exact count: measured peaks of onnx and tfjs's cpu backend on yolov3-tiny, yolov3 and the
 * shapes model were 25-90% of it (onnx splits large batches itself, hence the low end). tfjs's
 * wasm backend keeps more; its callers pass their own copies (the CLI's memory-budget.ts).
 */
import { inferShapes, nodeParameterCount } from '../graph/shapes.js';
import type { Graph, GraphNode, Pads, Shape3 } from '../graph/types.js';

const FLOAT_BYTES = 4;

export interface ModelMemory {
  /** Bytes of every node's float32 output for one image. */
  activationBytes: number;
  /** Bytes of one image's padded copies beyond their inputs (convs and pools with pads). */
  paddingBytes: number;
  /** Bytes of the largest scratch buffer of one conv for one image (im2col: input channels per group x kernel x output pixels). */
  scratchBytes: number;
  /** Bytes of the weights, float32. */
  weightBytes: number;
  /** The node with the largest output, for messages. */
  largest: { name: string; kind: string; shape: Shape3; bytes: number };
  /** The conv or pool whose padded input exceeds its input the most (bytes: the excess), if any pads. */
  largestPadding?: { name: string; kind: string; shape: Shape3; bytes: number };
}

/**
 * Copies of one image's activations held at the peak of a run (defaults; a runtime that keeps
 * more passes its own): a call holds its images' outputs and transient copies (tfjs keeps a
 * whole forward until it ends, then the backward's gradients); a gradient run also keeps the
 * tape of every image of the batch until its backward.
 */
export const ACTIVATION_COPIES = {
  forward: { call: 1.5, tape: 0 },
  gradients: { call: 2, tape: 1 },
} as const;

/** Copies of the weights a loaded model holds: the graph's, the runtime's, and a session's or upload's. */
export const WEIGHT_COPIES = 3;

const padsOf = (node: GraphNode): Pads | undefined => (node.kind === 'conv' || node.kind === 'maxpool' ? node.pads : undefined);

/** The memory facts of a graph at an input size (throws as inferShapes does on a bad graph). */
export function modelMemory(graph: Graph, inputSize: [number, number] = graph.inputSize): ModelMemory {
  const shapes = inferShapes(graph, inputSize);
  let activationBytes = 0;
  let paddingBytes = 0;
  let scratchBytes = 0;
  let weightBytes = 0;
  let largest: ModelMemory['largest'] = { name: graph.nodes[0].name, kind: graph.nodes[0].kind, shape: shapes[0], bytes: 0 };
  let largestPadding: ModelMemory['largestPadding'];
  graph.nodes.forEach((node, i) => {
    const [h, w, c] = shapes[i];
    const bytes = h * w * c * FLOAT_BYTES;
    activationBytes += bytes;
    if (bytes > largest.bytes) largest = { name: node.name, kind: node.kind, shape: shapes[i], bytes };
    weightBytes += nodeParameterCount(node) * FLOAT_BYTES;
    const pads = padsOf(node);
    if (pads && node.inputs.length > 0) {
      const [ih, iw, ic] = shapes[node.inputs[0]];
      const padded: Shape3 = [ih + pads.top + pads.bottom, iw + pads.left + pads.right, ic];
      const excess = padded[0] * padded[1] * padded[2] * FLOAT_BYTES - ih * iw * ic * FLOAT_BYTES;
      paddingBytes += excess;
      if (excess > (largestPadding?.bytes ?? 0)) largestPadding = { name: node.name, kind: node.kind, shape: padded, bytes: excess };
    }
    if (node.kind === 'conv') {
      // groups: absent in graphs made before grouped convs existed.
      const groups = (node as { groups?: number }).groups ?? 1;
      const [kh, kw] = node.kernel;
      scratchBytes = Math.max(scratchBytes, (node.channels / groups) * kh * kw * h * w * FLOAT_BYTES);
    }
  });
  return { activationBytes, paddingBytes, scratchBytes, weightBytes, largest, ...(largestPadding ? { largestPadding } : {}) };
}

export interface RunMemoryOptions {
  /** Images in one run (IG steps and SmoothGrad samples run as batches). */
  batch: number;
  /** Whether the run records a tape and runs a backward (every saliency method) or is a plain forward (detect). */
  gradients: boolean;
  /** Images per runtime call when the runtime splits the batch (default: the whole batch in one call). */
  imagesPerCall?: number;
  /** Copies of one image's activations a call holds at its peak (default ACTIVATION_COPIES). */
  callCopies?: number;
  /** Copies of one image's activations kept for the whole batch (the tape; default ACTIVATION_COPIES). */
  tapeCopies?: number;
  /**
   * Copies of the largest node's output per image in a call (default 0): transients that follow
   * one layer at a time (a backward's gradients and padded copies) in an allocator that keeps
   * its peak, such as a WebAssembly heap.
   */
  largestCopies?: number;
  /** Bytes a run takes whatever the model (an allocator's growth steps; default 0). */
  fixedBytes?: number;
}

/** Peak bytes of a loaded model running `batch` images (weights included, the process itself not). */
export function estimateRunBytes(memory: ModelMemory, options: RunMemoryOptions): number {
  const defaults = options.gradients ? ACTIVATION_COPIES.gradients : ACTIVATION_COPIES.forward;
  const callCopies = options.callCopies ?? defaults.call;
  const tapeCopies = options.tapeCopies ?? defaults.tape;
  const perCall = Math.min(options.batch, options.imagesPerCall ?? options.batch);
  return (
    (options.fixedBytes ?? 0) +
    memory.weightBytes * WEIGHT_COPIES +
    memory.scratchBytes +
    perCall * (memory.activationBytes * callCopies + memory.largest.bytes * (options.largestCopies ?? 0) + memory.paddingBytes) +
    options.batch * memory.activationBytes * tapeCopies
  );
}

/** The largest batch up to `options.batch` whose run fits in `budgetBytes` (0 when not even one image does). */
export function largestBatchWithin(memory: ModelMemory, options: RunMemoryOptions, budgetBytes: number): number {
  let low = 0;
  let high = options.batch;
  // The estimate grows with the batch: bisect for the largest that fits.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (estimateRunBytes(memory, { ...options, batch: mid }) <= budgetBytes) low = mid;
    else high = mid - 1;
  }
  return low;
}
