/**
 * A graph loaded into onnxruntime-node (forward) and the addon (backward, VisualBackProp) at
 * one input size. Everything at this edge is NHWC, core's layout: ONNX Runtime takes the NHWC
 * input and returns NHWC heads (the transposes are inside its graph, sessions.ts), and the addon
 * takes NHWC head gradients and returns the NHWC gradient (folded into its own copies). Arguments
 * are checked here, once, in a user's terms (core's checks, shared by every runtime); the addon
 * checks sizes again in C++.
 */
import { inferShapes } from '@yolo-saliency/core/graph';
import { checkBackwardArguments, checkForwardInput, planVisualBackProp } from '@yolo-saliency/core/runtime';
import type { BackwardOptions, ForwardResult, Graph, LoadedModel, RecordOptions, RuntimeInfo, Shape3, Tape, TensorData } from '@yolo-saliency/core';
import type { VbpPlan } from '@yolo-saliency/core/runtime';
import type { Tensor } from 'onnxruntime-node';
import { chunkRanges, concatBatches, sliceBatch } from '@yolo-saliency/core/runtime';
import type { Ort } from './dependencies.js';
import type { NativeModel } from './native-model.js';
import { recordingKind, type SessionSet } from './sessions.js';
import { OnnxTape, type TapeChunk } from './tape.js';
import { tapeFromOutputs } from './tape-from-outputs.js';

function fail(message: string): never {
  throw new Error(`onnx runtime: ${message}`);
}

export class OnnxLoadedModel implements LoadedModel {
  readonly graph: Graph;
  private readonly shapes: Shape3[];
  private vbpPlan: VbpPlan | undefined;
  private disposed = false;

  constructor(
    private readonly ort: Ort,
    private readonly sessions: SessionSet,
    private readonly native: NativeModel,
    readonly inputSize: [number, number],
    readonly info: RuntimeInfo,
    /** Images per internal call (batch-chunks.ts). */
    readonly maxBatchPerCall: number,
  ) {
    this.graph = native.graph;
    this.shapes = inferShapes(this.graph, inputSize);
  }

  private checkAlive(call: string): void {
    if (this.disposed) fail(`${call} on a disposed model`);
  }

  private checkTape(tape: Tape, call: string): OnnxTape {
    if (!(tape instanceof OnnxTape) || tape.owner !== this) fail(`${call} needs a tape from this model's forward (got one from ${tape instanceof OnnxTape ? 'another onnx model' : `runtime '${(tape as Tape | undefined)?.runtime}'`})`);
    if (tape.isDisposed) fail(`${call} on a disposed tape`);
    return tape;
  }

  async forward(input: TensorData, record?: RecordOptions): Promise<ForwardResult> {
    this.checkAlive('forward');
    const batch = checkForwardInput(this.graph, this.inputSize, input, 'onnx');
    const kind = recordingKind(record);
    const { session, inputName, outputs } = await this.sessions.get(kind);
    // In the graph's head order, whatever order the export listed them in.
    const headOutputs = this.graph.heads.map((node) => {
      const found = outputs.find((o) => o.kind === 'head' && o.node === node);
      return found ?? fail(`the exported model has no output for head '${this.graph.nodes[node].name}'`);
    });
    const headParts: TensorData[][] = headOutputs.map(() => []);
    const chunks: TapeChunk[] = [];
    for (const [start, count] of chunkRanges(batch, this.maxBatchPerCall)) {
      const chunk = sliceBatch(input, start, count);
      const feed = new this.ort.Tensor('float32', chunk.data, chunk.dims);
      let results: Record<string, Tensor>;
      try {
        results = (await session.run({ [inputName]: feed })) as Record<string, Tensor>;
      } catch (error) {
        fail(`forward: onnxruntime failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
      }
      headOutputs.forEach((o, k) => {
        const t = results[o.name];
        headParts[k].push({ dims: [...t.dims], data: t.data as Float32Array });
      });
      if (kind !== 'plain') chunks.push({ start, native: tapeFromOutputs(outputs, results, this.graph.nodes.length, count) });
    }
    const heads = headParts.map(concatBatches);
    if (kind === 'plain') return { heads };
    return { heads, tape: new OnnxTape(this, !!record?.gradients, !!record?.visualBackProp, chunks) };
  }

  async backward(tape: Tape, headGradients: TensorData[], options: BackwardOptions): Promise<TensorData> {
    this.checkAlive('backward');
    const onnxTape = this.checkTape(tape, 'backward');
    if (!onnxTape.gradients) fail('backward needs a forward recorded with { gradients: true }');
    checkBackwardArguments(this.graph, this.shapes, onnxTape.batch, headGradients, options, 'onnx');
    const results: TensorData[] = [];
    for (const { start, native } of onnxTape.parts) {
      const grads = headGradients.map((g) => sliceBatch(g, start, native.batch));
      results.push(await this.native.backward(native, grads, { rule: options.rule, stopAt: options.stopAt, layout: 'nhwc' }));
    }
    return concatBatches(results);
  }

  async visualBackProp(tape: Tape): Promise<TensorData> {
    this.checkAlive('visualBackProp');
    const onnxTape = this.checkTape(tape, 'visualBackProp');
    if (!onnxTape.visualBackProp) fail('visualBackProp needs a forward recorded with { visualBackProp: true }');
    this.vbpPlan ??= planVisualBackProp(this.graph, this.inputSize);
    const results: TensorData[] = [];
    for (const { native } of onnxTape.parts) results.push(await this.native.visualBackProp(this.vbpPlan, native));
    return concatBatches(results);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.native.dispose();
    await this.sessions.release();
  }
}
