/**
 * The one type describing the native addon (binding/*.cpp exports exactly this). Everything
 * crosses the boundary as plain objects and typed arrays with explicit layouts. The graph walk
 * inside is NCHW; a backward takes head gradients and returns the gradient in NCHW or, with
 * `layout: 'nhwc'`, NHWC (the transpose is folded into the copies the addon makes anyway).
 * The addon checks every argument (sizes against the model) and rejects with a message naming
 * the call; callers validate in their own terms first (runtime-onnx does, once).
 *
 * The structural types below (pads, rules, the VisualBackProp plan, tensors) have the same
 * shape as core's: this package does not depend on core.
 */

/**
 * The CPU code paths of the kernels, by name, in increasing preference: what buildInfo()
 * reports and what `isa` forces. 'avx2' needs the CPU features avx2 + fma, 'avx512' avx512f +
 * fma; 'auto' (the default) runs the best one the CPU supports.
 */
export const CPU_CODE_PATHS = ['scalar', 'avx2', 'avx512'] as const;
export type CpuCodePath = (typeof CPU_CODE_PATHS)[number];

export type NativeDevice = 'auto' | 'cpu' | 'cuda';
export type NativeNodeKind = 'input' | 'conv' | 'activation' | 'maxpool' | 'upsample' | 'concat' | 'slice' | 'add' | 'yolo';
export type NativeActivation = 'leaky' | 'linear' | 'logistic' | 'relu' | 'mish' | 'swish';
export type BackwardRule = 'plain' | 'guided';
/** Layout of head gradients and of the returned gradient. */
export type TensorLayout = 'nchw' | 'nhwc';

/** Zero padding in pixels (asymmetric pads are first-class). */
export interface Pads {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * One node of the graph description: the IR node plus its output shape for one image. A
 * kind's parameters sit under the key named after it (`conv`, `activation`, `maxpool`,
 * `upsample`, `slice`); input, concat, add and yolo have none.
 */
export interface NativeNodeDesc {
  name: string;
  kind: NativeNodeKind;
  /** Indices of earlier nodes. */
  inputs: number[];
  /** Output shape of one image, NCHW without N: [c, h, w]. */
  shape: [c: number, h: number, w: number];
  /**
   * `groups` divides channels and filters (1: a plain conv; = channels: depthwise). The weights
   * are passed separately, per node: OIHW with I = channels / groups.
   */
  conv?: { filters: number; channels: number; kernel: [kh: number, kw: number]; stride: number; pads: Pads; groups: number };
  activation?: { kind: NativeActivation; alpha: number };
  maxpool?: { size: number; stride: number; pads: Pads };
  upsample?: { factor: number };
  /** Channels [start, start + count) of the single input. */
  slice?: { start: number; count: number };
}

export interface NativeGraphDesc {
  /** Topological order; nodes[0] is the input. */
  nodes: NativeNodeDesc[];
  /** Indices of the yolo nodes, in head order. */
  heads: number[];
}

/** Per node: the OIHW weights of a conv (filters * channels/groups * kh * kw, copied into the model), null elsewhere. */
export type NativeWeights = Array<Float32Array | null | undefined>;

export interface NativeModelOptions {
  /** 'auto' (default): CUDA when compiled in and a device is usable, else the CPU. */
  device?: NativeDevice;
  /** CPU threads; 0 or absent: all cores. */
  threads?: number;
  /** CUDA device ordinal (default 0). */
  deviceIndex?: number;
  /** Force a CPU code path (tests, benchmarks); refused saying why where it is not available. */
  isa?: 'auto' | CpuCodePath;
}

/**
 * What the forward recorded, one entry per graph node (null where nothing is kept), NCHW:
 * - leaky/relu: `signs` uint8 [N,C,H,W] of the activation's input, 1 = x > 0;
 * - logistic: `output` float32 [N,C,H,W], the activation's output;
 * - mish/swish: `input` float32 [N,C,H,W], the activation's input;
 * - maxpool: `argmax` int32 [N,C,oh,ow], the offset y*W + x of each output's winning pixel
 *   within its own (n, c) plane of the input (what core's ONNX export records);
 * - VisualBackProp mean nodes: `mean` float32 [N,1,H,W], clamped at 0.
 * The typed arrays are read on a worker thread: do not modify them until the promise settles.
 */
export interface NativeTapeEntry {
  signs?: Uint8Array;
  output?: Float32Array;
  input?: Float32Array;
  argmax?: Int32Array;
  mean?: Float32Array;
}

export interface NativeTape {
  batch: number;
  nodes: Array<NativeTapeEntry | null | undefined>;
}

/** A dense float32 tensor with explicit dims (row-major): core's TensorData, the same shape. */
export interface TensorData {
  dims: number[];
  data: Float32Array;
}

export interface NativeBackwardOptions {
  rule: BackwardRule;
  /** Node index whose output gradient is returned (default 0, the network input). */
  stopAt?: number;
  /** Of the head gradients and the result (default 'nchw'). */
  layout?: TensorLayout;
}

/** core's VbpPlan (packages/core/src/algorithms/vbp-plan.ts), which defines it. */
export type VbpEdgeOp =
  | { kind: 'identity' }
  | { kind: 'ones-transposed-conv'; kernel: [kh: number, kw: number]; stride: number; pads: Pads; inputSize: [h: number, w: number] }
  | { kind: 'average-pool'; factor: number };

export interface VbpPlan {
  meanNodes: number[];
  steps: Array<{ node: number; size: [h: number, w: number]; seed: boolean; multiplyByMean: boolean; sends: Array<{ to: number; op: VbpEdgeOp }> }>;
}

/** A graph with its weights on a device (host or GPU memory): an opaque handle. */
export interface NativeModelHandle {
  /** 'cpu' or 'cuda:<ordinal>'. */
  readonly device: string;
  /** Why 'auto' did not pick CUDA (empty when it did, or when the device was named). */
  readonly deviceNote: string;
  readonly threads: number;
  /** The CPU code path the model runs; null on a GPU. */
  readonly cpuCodePath: CpuCodePath | null;
  /** Bytes held by the model (repacked weights, caches). */
  readonly memoryBytes: number;
  readonly disposed: boolean;
  /** Gradient of sum_k <headGradients[k], head_k> at `stopAt` (default: the input): [N,C,H,W], or [N,H,W,C] with layout 'nhwc'. */
  backward(tape: NativeTape, headGradients: TensorData[], options: NativeBackwardOptions): Promise<TensorData>;
  /** VisualBackProp map [N,H,W] in [0,1], executing core's plan with the recorded means. */
  visualBackProp(plan: VbpPlan, means: NativeTape): Promise<TensorData>;
  /** Frees the weights (host and device). Calls in flight finish first; later calls reject. */
  dispose(): void;
}

/** Where createModel would compute, decided by the addon alone. */
export type DeviceSelection =
  | { ok: true; device: string; note: string }
  | { ok: false; reason: string; code: string };

export interface NativeBuildInfo {
  /** Version of the addon (package.json). */
  version: string;
  napiVersion: number;
  compiler: string;
  cuda: {
    compiled: boolean;
    /** CUDA toolkit version the addon was built with, e.g. '13.0'; '' when not compiled. */
    version: string;
    /** e.g. ['75', '80', '86', '89', '90', '90-ptx']. */
    architectures: string[];
    /** The CUDA runtime the installed driver offers ('' when none: no driver). */
    driverVersion: string;
  };
  cpu: {
    /** Among the CPU features the code paths need, those this CPU has: ['avx2', 'fma']. */
    featuresDetected: string[];
    /** The code path 'auto' runs: the best of codePathsAvailable. */
    codePath: CpuCodePath;
    /** Compiled in. */
    codePathsCompiled: CpuCodePath[];
    /** Compiled in and supported by this CPU: each can be forced with `isa`. */
    codePathsAvailable: CpuCodePath[];
  };
  /** Default CPU threads (hardware concurrency). */
  threads: number;
}

/** The addon module (`yolo_saliency.node`). */
export interface NativeAddon {
  buildInfo(): NativeBuildInfo;
  /** CUDA devices usable now (0 without CUDA, a driver or a GPU). Never throws. */
  deviceCount(): number;
  /** The device createModel(…, { device, deviceIndex }) would use, and why, without a model. */
  selectDevice(device?: NativeDevice, deviceIndex?: number): DeviceSelection;
  createModel(graph: NativeGraphDesc, weights: NativeWeights, options?: NativeModelOptions): NativeModelHandle;
}
