/**
 * The one type describing the native addon (binding/*.cpp exports exactly this). Everything
 * crosses the boundary as plain objects and typed arrays with explicit layouts; tensors are
 * NCHW, as ONNX Runtime produces them. The addon checks every argument again (sizes against
 * the model) and rejects with a message naming the call.
 */
import type { BackwardRule, Pads, VbpPlan } from '@yolo-saliency/core';

export type NativeDevice = 'auto' | 'cpu' | 'cuda';
export type NativeNodeKind = 'input' | 'conv' | 'activation' | 'maxpool' | 'upsample' | 'concat' | 'add' | 'yolo';
export type NativeActivation = 'leaky' | 'linear' | 'logistic' | 'relu';

/** One node of the graph description: the IR node plus its output shape for one image. */
export interface NativeNodeDesc {
  name: string;
  kind: NativeNodeKind;
  /** Indices of earlier nodes. */
  inputs: number[];
  /** Output shape of one image, NCHW without N: [c, h, w]. */
  shape: [c: number, h: number, w: number];
  /** kind 'conv' (weights are passed separately, per node). */
  conv?: { filters: number; channels: number; kernel: [kh: number, kw: number]; stride: number; pads: Pads };
  /** kind 'activation'. */
  activation?: { kind: NativeActivation; alpha: number };
  /** kind 'maxpool'. */
  maxpool?: { size: number; stride: number; pads: Pads };
  /** kind 'upsample'. */
  upsampleFactor?: number;
}

export interface NativeGraphDesc {
  /** Topological order; nodes[0] is the input. */
  nodes: NativeNodeDesc[];
  /** Indices of the yolo nodes, in head order. */
  heads: number[];
}

/** Per node: the OIHW weights of a conv (copied into the model), null elsewhere. */
export type NativeWeights = Array<Float32Array | null | undefined>;

export interface NativeModelOptions {
  /** 'auto' (default): CUDA when compiled in and a device is usable, else the CPU. */
  device?: NativeDevice;
  /** CPU threads; 0 or absent: all cores. */
  threads?: number;
  /** CUDA device ordinal (default 0). */
  deviceIndex?: number;
}

/**
 * What the forward recorded, one entry per graph node (null where nothing is kept), NCHW:
 * - leaky/relu: `signs` uint8 [N,C,H,W] of the activation's input, 1 = x > 0;
 * - logistic: `logistic` float32 [N,C,H,W], the activation's output;
 * - maxpool: `argmax` int64 or int32 [N,C,oh,ow], indices flattened over the whole NCHW input
 *   (ONNX MaxPool `Indices`);
 * - VisualBackProp mean nodes: `mean` float32 [N,1,H,W], clamped at 0.
 * The typed arrays are read on a worker thread: do not modify them until the promise settles.
 */
export interface NativeTapeEntry {
  signs?: Uint8Array;
  logistic?: Float32Array;
  argmax?: BigInt64Array | Int32Array;
  mean?: Float32Array;
}

export interface NativeTape {
  batch: number;
  nodes: Array<NativeTapeEntry | null | undefined>;
}

/** A dense float32 tensor with explicit dims (row-major). */
export interface NativeTensor {
  dims: number[];
  data: Float32Array;
}

export interface NativeBackwardOptions {
  rule: BackwardRule;
  /** Node index whose output gradient is returned (default 0, the network input). */
  stopAt?: number;
}

/** A graph with its weights uploaded (host or device memory): an opaque handle. */
export interface NativeModel {
  /** 'cpu' or 'cuda:<ordinal>'. */
  readonly device: string;
  /** Why 'auto' did not pick CUDA (empty when it did, or when the device was named). */
  readonly deviceNote: string;
  readonly threads: number;
  /** Bytes held by the model (repacked weights, caches). */
  readonly memoryBytes: number;
  readonly disposed: boolean;
  /** Gradient of sum_k <headGradients[k], head_k> at `stopAt` (default: the input), [N,C,H,W]. */
  backward(tape: NativeTape, headGradients: NativeTensor[], options: NativeBackwardOptions): Promise<NativeTensor>;
  /** VisualBackProp map [N,H,W] in [0,1], executing core's plan with the recorded means. */
  visualBackProp(plan: VbpPlan, means: NativeTape): Promise<NativeTensor>;
  /** Frees the weights (host and device). Calls in flight finish first; later calls reject. */
  dispose(): void;
}

export interface NativeBuildInfo {
  /** Version of the addon (package.json). */
  version: string;
  napiVersion: number;
  compiler: string;
  cuda: {
    compiled: boolean;
    /** CUDA toolkit version the addon was built with, e.g. '13.0'; '' when not compiled. */
    version: string;
    /** e.g. ['75', '80', '86', '89', '90', '90-virtual']. */
    architectures: string[];
    /** The CUDA runtime the installed driver offers ('' when none: no driver). */
    driverVersion: string;
  };
  cpu: {
    /** Among the features the kernels use, what this CPU has: ['avx2', 'fma']. */
    featuresDetected: string[];
    /** The code path chosen: 'avx512f', 'avx2,fma' or 'scalar'. */
    featuresUsed: string;
    /** Code paths compiled in. */
    isasCompiled: string[];
  };
  /** Default CPU threads (hardware concurrency). */
  threads: number;
}

/** The addon module (`yolo_saliency.node`). */
export interface NativeAddon {
  buildInfo(): NativeBuildInfo;
  /** CUDA devices usable now (0 without CUDA, a driver or a GPU). Never throws. */
  deviceCount(): number;
  createModel(graph: NativeGraphDesc, weights: NativeWeights, options?: NativeModelOptions): NativeModel;
}
