/** A graph loaded on a tfjs backend at one input size: weights on the device, three primitives. */
import * as tf from '@tensorflow/tfjs-core';
import type { BackwardOptions, ForwardResult, Graph, LoadedModel, RecordOptions, RuntimeInfo, Tape, TensorData } from '@yolo-saliency/core';
import { runBackward } from './backward.js';
import type { ExecutionPlan } from './execution-plan.js';
import { runForward } from './forward.js';
import { checkBackwardArguments, checkForwardInput, chunkRanges, concatBatches, sliceBatch } from '@yolo-saliency/core/runtime';
import { defaultMaxBatchPerCall } from './batch-chunks.js';
import { ChunkedTape, TfjsTape } from './tape.js';
import { runVisualBackProp } from './visual-backprop.js';
import { disposeWeights, type ConvWeights } from './weights.js';

export class TfjsLoadedModel implements LoadedModel {
  readonly graph: Graph;
  readonly inputSize: [number, number];
  private disposed = false;
  /** The largest batch per internal call: larger batches are split (batch-chunks.ts). */
  readonly maxBatchPerCall: number;

  constructor(
    private readonly plan: ExecutionPlan,
    private readonly weights: Map<number, ConvWeights>,
    readonly info: RuntimeInfo,
    /** The tfjs-core backend name every call must run on. */
    private readonly tfjsBackend: string,
    maxBatchPerCall?: number,
  ) {
    this.graph = plan.graph;
    this.inputSize = plan.inputSize;
    this.maxBatchPerCall = maxBatchPerCall ?? defaultMaxBatchPerCall(plan.shapes, tfjsBackend);
  }

  /** tfjs has one global backend; another model may have switched it. */
  private async activate(call: string): Promise<void> {
    if (this.disposed) throw new Error(`tfjs runtime: ${call} on a disposed model`);
    if (tf.getBackend() !== this.tfjsBackend && !(await tf.setBackend(this.tfjsBackend))) {
      throw new Error(`tfjs runtime: ${call}: could not switch back to the ${this.tfjsBackend} backend`);
    }
  }

  /** The tape's chunks, each with the batch index it starts at. */
  private checkTape(tape: Tape, call: string): Array<{ start: number; tape: TfjsTape }> {
    const valid = (tape instanceof TfjsTape || tape instanceof ChunkedTape) && tape.owner === this;
    if (!valid) throw new Error(`tfjs runtime: ${call} needs a tape from this model's forward`);
    if (tape.isDisposed) throw new Error(`tfjs runtime: ${call} on a disposed tape`);
    return tape instanceof ChunkedTape ? tape.parts : [{ start: 0, tape }];
  }

  async forward(input: TensorData, record: RecordOptions = {}): Promise<ForwardResult> {
    await this.activate('forward');
    const batch = checkForwardInput(this.graph, this.inputSize, input, 'tfjs');
    if (batch <= this.maxBatchPerCall) return this.forwardChunk(input, batch, record);
    const results: ForwardResult[] = [];
    try {
      for (const [start, count] of chunkRanges(batch, this.maxBatchPerCall)) {
        results.push(await this.forwardChunk(sliceBatch(input, start, count), count, record));
      }
    } catch (error) {
      for (const r of results) r.tape?.dispose();
      throw error;
    }
    const heads = this.graph.heads.map((_, k) => concatBatches(results.map((r) => r.heads[k])));
    if (!results[0].tape) return { heads };
    let start = 0;
    const parts = results.map((r) => {
      const part = { start, tape: r.tape as TfjsTape };
      start += part.tape.batch;
      return part;
    });
    return { heads, tape: new ChunkedTape(this, parts) };
  }

  private async forwardChunk(input: TensorData, batch: number, record: RecordOptions): Promise<ForwardResult> {
    const options = { gradients: !!record.gradients, visualBackProp: !!record.visualBackProp };
    const tape = options.gradients || options.visualBackProp ? new TfjsTape(this, batch, options.gradients, options.visualBackProp) : undefined;
    const [h, w] = this.inputSize;
    let heads: tf.Tensor4D[];
    try {
      heads = tf.tidy(() => runForward(this.plan, this.weights, tf.tensor4d(input.data, [batch, h, w, input.dims[3]]), options, tape));
    } catch (error) {
      tape?.dispose();
      throw error;
    }
    try {
      const data = await Promise.all(heads.map((t) => t.data() as Promise<Float32Array>));
      return { heads: heads.map((t, k) => ({ dims: [...t.shape], data: data[k] })), tape };
    } finally {
      tf.dispose(heads);
    }
  }

  async backward(tape: Tape, headGradients: TensorData[], options: BackwardOptions): Promise<TensorData> {
    await this.activate('backward');
    const parts = this.checkTape(tape, 'backward');
    if (!parts[0].tape.gradients) throw new Error('tfjs runtime: backward needs a forward recorded with { gradients: true }');
    const stop = checkBackwardArguments(this.graph, this.plan.shapes, tape.batch, headGradients, options, 'tfjs');
    const results: TensorData[] = [];
    for (const { start, tape: t } of parts) {
      const grad = tf.tidy(() => {
        const heads = headGradients.map((g) => {
          const part = sliceBatch(g, start, t.batch);
          return tf.tensor4d(part.data, part.dims as [number, number, number, number]);
        });
        return runBackward(this.plan, this.weights, t.saved, heads, options.rule, stop, t.batch);
      });
      try {
        results.push({ dims: [...grad.shape], data: (await grad.data()) as Float32Array });
      } finally {
        grad.dispose();
      }
    }
    return concatBatches(results);
  }

  async visualBackProp(tape: Tape): Promise<TensorData> {
    await this.activate('visualBackProp');
    const parts = this.checkTape(tape, 'visualBackProp');
    if (!parts[0].tape.visualBackProp) throw new Error('tfjs runtime: visualBackProp needs a forward recorded with { visualBackProp: true }');
    const results: TensorData[] = [];
    for (const { tape: t } of parts) {
      const map = tf.tidy(() => runVisualBackProp(this.plan.vbp, t.means, t.batch));
      try {
        results.push({ dims: [...map.shape], data: (await map.data()) as Float32Array });
      } finally {
        map.dispose();
      }
    }
    return concatBatches(results);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeWeights(this.weights);
  }
}
