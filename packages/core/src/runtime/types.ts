/**
 * The runtime contract. A runtime loads a graph and offers a few primitives; every
 * algorithm in core is written once against them (tfjs-style: primitives named once,
 * implemented per runtime).
 *
 * Data crosses the contract as plain typed arrays with explicit dims, NHWC.
 */
import type { Graph } from '../graph/types.js';

/** A dense float32 tensor, row-major with explicit dims (NHWC for images). */
export interface TensorData {
  dims: number[];
  data: Float32Array;
}

/** How the backward pass treats activations. */
export type BackwardRule = 'plain' | 'guided';

/** What the forward pass must keep for later calls. */
export interface RecordOptions {
  /** Keep what `backward` needs (LeakyReLU signs, maxpool argmax, ...). */
  gradients?: boolean;
  /** Keep the per-activation channel means `visualBackProp` needs. */
  visualBackProp?: boolean;
}

/**
 * What a forward pass left behind for the backward pass. Opaque: only the runtime that
 * made it can read it. Holds device memory, so it must be disposed.
 */
export interface Tape {
  readonly runtime: string;
  /** Batch size of the forward that made it. */
  readonly batch: number;
  dispose(): void;
}

export interface ForwardResult {
  /** Raw head outputs in head order, each [N, H, W, anchors*(5+classes)]. */
  heads: TensorData[];
  /** Present when `record` asked for anything. */
  tape?: Tape;
}

export interface BackwardOptions {
  rule: BackwardRule;
  /**
   * Stop at this node (by name) and return the gradient with respect to its output
   * instead of the input (for Grad-CAM-style methods). Default: the network input.
   */
  stopAt?: string;
}

/** The device a runtime computes on, for reports ('cpu', 'cuda:0', 'wasm', ...). */
export interface RuntimeInfo {
  /** Runtime name as registered ('tfjs', 'onnx'). */
  name: string;
  /** Backend within the runtime ('tensorflow-gpu', 'tensorflow', 'wasm', 'cpu', ...). */
  backend: string;
  /** Human-readable device ('CPU', 'GPU 0', ...). */
  device: string;
  /** Threads used on the CPU, when known. */
  threads?: number;
  /** Anything the user should be told (e.g. why a faster backend was not used). */
  notes: string[];
}

/** A graph loaded into a runtime at one input size. */
export interface LoadedModel {
  readonly graph: Graph;
  /** [height, width] of the network input this model was prepared for. */
  readonly inputSize: [number, number];
  readonly info: RuntimeInfo;
  /** input: [N, H, W, 3] in [0,1]. */
  forward(input: TensorData, record?: RecordOptions): Promise<ForwardResult>;
  /**
   * Propagate gradients on the raw heads (same dims as `ForwardResult.heads`) back to the
   * input: returns [N, H, W, 3] (or the `stopAt` node's output gradient).
   */
  backward(tape: Tape, headGradients: TensorData[], options: BackwardOptions): Promise<TensorData>;
  /** VisualBackProp map at input resolution, [N, H, W], normalised to [0,1] per image. */
  visualBackProp(tape: Tape): Promise<TensorData>;
  dispose(): Promise<void> | void;
}

export interface LoadOptions {
  /** Network input [height, width]; defaults to graph.inputSize. */
  inputSize?: [number, number];
  /** Backend within the runtime (e.g. tfjs: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'). */
  backend?: string;
  /** CPU threads, where the runtime can set them. */
  threads?: number;
  /**
   * Split larger batches into calls of at most this many images (default: what fits the
   * backend's memory). Results are the same either way; only speed and peak memory change.
   */
  maxBatchPerCall?: number;
}

/** A runtime: a factory of loaded models. */
export interface Runtime {
  readonly name: string;
  /** Resolve the backend; throws an Error explaining why the runtime cannot be used here. */
  init(options?: LoadOptions): Promise<RuntimeInfo>;
  load(graph: Graph, options?: LoadOptions): Promise<LoadedModel>;
}
