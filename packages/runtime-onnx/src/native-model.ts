/**
 * A core Graph loaded into the native addon: the IR converted once (native-graph.ts), layers
 * named instead of indexed. Arguments are not checked again here: the runtime (model.ts) checks
 * them once in a user's terms, and the addon checks sizes in C++.
 */
import type { BackwardRule, Graph, TensorData } from '@yolo-saliency/core';
import type { VbpPlan } from '@yolo-saliency/core/runtime';
import type { CpuCodePath, NativeAddon, NativeDevice, NativeModelHandle, NativeTape, TensorLayout } from '@yolo-saliency/native';
import { toNativeGraph } from './native-graph.js';

export interface CreateNativeModelOptions {
  /** Network input [height, width]; default graph.inputSize. */
  inputSize?: [number, number];
  /** 'auto' (default) | 'cpu' | 'cuda': the addon decides and says why (deviceNote). */
  device?: NativeDevice;
  /** CPU threads (default: all cores). */
  threads?: number;
  deviceIndex?: number;
  /** Force a CPU code path (default 'auto': the best this CPU supports). */
  isa?: 'auto' | CpuCodePath;
}

export interface NativeModelBackwardOptions {
  rule: BackwardRule;
  /** Name of the layer whose output gradient is wanted (default: the network input). */
  stopAt?: string;
  /** Of the head gradients and the result (default 'nchw'). */
  layout?: TensorLayout;
}

export class NativeModel {
  private readonly layerIndex: Map<string, number>;

  constructor(
    readonly graph: Graph,
    readonly inputSize: [number, number],
    private readonly handle: NativeModelHandle,
  ) {
    this.layerIndex = new Map(graph.nodes.map((n, i) => [n.name, i]));
  }

  /** 'cpu' or 'cuda:<n>'. */
  get device(): string {
    return this.handle.device;
  }
  /** Why 'auto' did not use CUDA ('' otherwise). */
  get deviceNote(): string {
    return this.handle.deviceNote;
  }
  /** The CPU code path it runs (null on a GPU). */
  get cpuCodePath(): CpuCodePath | null {
    return this.handle.cpuCodePath;
  }
  get threads(): number {
    return this.handle.threads;
  }
  get memoryBytes(): number {
    return this.handle.memoryBytes;
  }
  get disposed(): boolean {
    return this.handle.disposed;
  }

  /** Gradient of sum_k <headGradients[k], head_k> w.r.t. the input (or `stopAt`'s output). */
  backward(tape: NativeTape, headGradients: TensorData[], options: NativeModelBackwardOptions): Promise<TensorData> {
    const stopAt = options.stopAt === undefined ? 0 : this.layerIndex.get(options.stopAt) ?? -1;
    return this.handle.backward(tape, headGradients, { rule: options.rule, stopAt, layout: options.layout });
  }

  /** VisualBackProp [N, H, W] in [0, 1] (plan from core's planVisualBackProp). */
  visualBackProp(plan: VbpPlan, tape: NativeTape): Promise<TensorData> {
    return this.handle.visualBackProp(plan, tape);
  }

  dispose(): void {
    this.handle.dispose();
  }
}

/** Load a graph into the addon (weights copied, or uploaded to the GPU, once). */
export function createNativeModel(addon: NativeAddon, graph: Graph, options: CreateNativeModelOptions = {}): NativeModel {
  const inputSize = options.inputSize ?? graph.inputSize;
  const { desc, weights } = toNativeGraph(graph, inputSize);
  const handle = addon.createModel(desc, weights, {
    device: options.device ?? 'auto',
    threads: options.threads ?? 0,
    deviceIndex: options.deviceIndex ?? 0,
    isa: options.isa ?? 'auto',
  });
  return new NativeModel(graph, inputSize, handle);
}
