/**
 * A graph loaded into the addon, with every argument checked here first in terms a user
 * understands (layer names, expected dims), before the addon checks them again in C++.
 */
import { type BackwardRule, type Graph, type TensorData, type VbpPlan } from '@yolo-saliency/core';
import type { NativeDevice, NativeModel, NativeTape, NativeTensor } from './binding-types.js';
import { toNativeGraph } from './graph-desc.js';
import { loadNativeAddon } from './load-addon.js';

export interface CreateNativeModelOptions {
  /** Network input [height, width]; default graph.inputSize. */
  inputSize?: [number, number];
  /** 'auto' (default) | 'cpu' | 'cuda'. */
  device?: NativeDevice;
  /** CPU threads (default: all cores). */
  threads?: number;
  deviceIndex?: number;
}

export interface NativeBackwardOptions {
  rule: BackwardRule;
  /** Name of the layer whose output gradient is wanted (default: the network input). */
  stopAt?: string;
}

const DEVICES: readonly NativeDevice[] = ['auto', 'cpu', 'cuda'];

function fail(call: string, message: string): never {
  throw new Error(`${call}: ${message}`);
}

/** Shapes are [c, h, w] per image. */
function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export class NativeGraphModel {
  /** 'cpu' or 'cuda:<n>'. */
  readonly device: string;
  /** Why 'auto' did not use CUDA ('' otherwise). */
  readonly deviceNote: string;
  private readonly shapes: Array<[number, number, number]>;

  constructor(
    readonly graph: Graph,
    readonly inputSize: [number, number],
    private readonly handle: NativeModel,
    shapes: Array<[number, number, number]>,
  ) {
    this.device = handle.device;
    this.deviceNote = handle.deviceNote;
    this.shapes = shapes;
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

  /** Output shape [c, h, w] of one image at a node. */
  shapeOf(node: number): [number, number, number] {
    return this.shapes[node];
  }

  private checkTape(call: string, tape: NativeTape): void {
    if (this.handle.disposed) fail(call, 'the model was disposed');
    if (!tape || typeof tape !== 'object') fail(call, 'the tape must be an object {batch, nodes}');
    if (!Number.isInteger(tape.batch) || tape.batch < 1) fail(call, `tape.batch must be a positive integer, got ${tape.batch}`);
    if (!Array.isArray(tape.nodes) || tape.nodes.length !== this.graph.nodes.length) {
      fail(call, `the tape has ${Array.isArray(tape.nodes) ? tape.nodes.length : 'no'} node entries, the model has ${this.graph.nodes.length} nodes`);
    }
  }

  /**
   * Gradient of sum_k <headGradients[k], head_k> w.r.t. the input (or `stopAt`'s output),
   * NCHW [N, C, H, W]. headGradients: NCHW [N, A*(5+C), h, w] each, in head order.
   */
  async backward(tape: NativeTape, headGradients: TensorData[], options: NativeBackwardOptions): Promise<NativeTensor> {
    const call = 'backward';
    this.checkTape(call, tape);
    if (options?.rule !== 'plain' && options?.rule !== 'guided') fail(call, `rule must be 'plain' or 'guided', got ${JSON.stringify(options?.rule)}`);
    if (!Array.isArray(headGradients) || headGradients.length !== this.graph.heads.length) {
      fail(call, `${Array.isArray(headGradients) ? headGradients.length : 'no'} head gradients given, the model has ${this.graph.heads.length} heads`);
    }
    headGradients.forEach((g, k) => {
      const want = [tape.batch, ...this.shapes[this.graph.heads[k]]];
      if (!(g?.data instanceof Float32Array)) fail(call, `head gradient ${k} must have Float32Array data`);
      if (!sameDims(g.dims, want)) fail(call, `head gradient ${k} has dims [${g.dims?.join(', ')}], expected [${want.join(', ')}] (NCHW)`);
      const count = want.reduce((a, b) => a * b, 1);
      if (g.data.length !== count) fail(call, `head gradient ${k} has ${g.data.length} values, expected ${count}`);
    });
    let stopAt = 0;
    if (options.stopAt !== undefined) {
      stopAt = this.graph.nodes.findIndex((n) => n.name === options.stopAt);
      if (stopAt < 0) fail(call, `stopAt: the model has no layer named '${options.stopAt}'`);
    }
    return this.handle.backward(tape, headGradients.map((g) => ({ dims: [...g.dims], data: g.data })), { rule: options.rule, stopAt });
  }

  /** VisualBackProp [N, H, W] in [0, 1] from the mean maps in `means` (plan from core's planVisualBackProp). */
  async visualBackProp(plan: VbpPlan, means: NativeTape): Promise<NativeTensor> {
    const call = 'visualBackProp';
    this.checkTape(call, means);
    if (!plan || !Array.isArray(plan.steps) || plan.steps.length === 0) fail(call, 'the plan has no steps (use planVisualBackProp(graph, inputSize))');
    for (const node of plan.meanNodes) {
      const [, h, w] = this.shapes[node] ?? [];
      const mean = means.nodes[node]?.mean;
      if (!(mean instanceof Float32Array)) fail(call, `no mean map for layer '${this.graph.nodes[node]?.name ?? node}'`);
      if (mean.length !== means.batch * h * w) {
        fail(call, `the mean map of layer '${this.graph.nodes[node].name}' has ${mean.length} values, expected ${means.batch * h * w} ([${means.batch}, 1, ${h}, ${w}])`);
      }
    }
    return this.handle.visualBackProp(plan, means);
  }

  dispose(): void {
    this.handle.dispose();
  }
}

/** Load a graph into the addon (weights copied, or uploaded to the GPU, once). */
export function createNativeModel(graph: Graph, options: CreateNativeModelOptions = {}): NativeGraphModel {
  const device = options.device ?? 'auto';
  if (!DEVICES.includes(device)) fail('createNativeModel', `device must be 'auto', 'cpu' or 'cuda', got ${JSON.stringify(device)}`);
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 0)) {
    fail('createNativeModel', `threads must be a non-negative integer, got ${options.threads}`);
  }
  const inputSize = options.inputSize ?? graph.inputSize;
  const { desc, weights } = toNativeGraph(graph, inputSize);
  const addon = loadNativeAddon();
  const handle = addon.createModel(desc, weights, { device, threads: options.threads ?? 0, deviceIndex: options.deviceIndex ?? 0 });
  return new NativeGraphModel(graph, inputSize, handle, desc.nodes.map((n) => n.shape));
}
