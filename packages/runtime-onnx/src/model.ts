/**
 * A graph loaded into onnxruntime-node (forward) and the addon (backward, VisualBackProp) at
 * one input size. Core speaks NHWC; both engines NCHW: layouts are converted at the edges.
 */
import { inferShapes, planVisualBackProp } from '@yolo-saliency/core';
import type { BackwardOptions, ForwardResult, Graph, LoadedModel, RecordOptions, RuntimeInfo, Shape3, Tape, TensorData, VbpPlan } from '@yolo-saliency/core';
import type { NativeGraphModel } from '@yolo-saliency/native';
import type { Tensor } from 'onnxruntime-node';
import { chunkRanges, concatBatches, sliceBatch } from '@yolo-saliency/core';
import type { Ort } from './dependencies.js';
import { dimsText, nchwToNhwc, nhwcToNchw } from './layout.js';
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
    private readonly native: NativeGraphModel,
    readonly inputSize: [number, number],
    readonly info: RuntimeInfo,
    /** Images per internal call (batch-chunks.ts). */
    readonly maxChunk: number,
  ) {
    this.graph = native.graph;
    this.shapes = inferShapes(this.graph, inputSize);
  }

  private checkAlive(call: string): void {
    if (this.disposed) fail(`${call} on a disposed model`);
  }

  private checkInput(input: TensorData): number {
    const [h, w] = this.inputSize;
    const c = this.shapes[0][2];
    const d = input?.dims ?? [];
    if (d.length !== 4 || d[1] !== h || d[2] !== w || d[3] !== c || !(d[0] >= 1)) {
      fail(`forward input has dims ${dimsText(d)}, expected [N, ${h}, ${w}, ${c}] for this model`);
    }
    if (!(input.data instanceof Float32Array) || input.data.length !== d[0] * h * w * c) {
      fail(`forward input must be a Float32Array of ${d[0] * h * w * c} values for dims ${dimsText(d)}`);
    }
    return d[0];
  }

  private checkTape(tape: Tape, call: string): OnnxTape {
    if (!(tape instanceof OnnxTape) || tape.owner !== this) fail(`${call} needs a tape from this model's forward (got one from ${tape instanceof OnnxTape ? 'another onnx model' : `runtime '${(tape as Tape | undefined)?.runtime}'`})`);
    if (tape.isDisposed) fail(`${call} on a disposed tape`);
    return tape;
  }

  async forward(input: TensorData, record?: RecordOptions): Promise<ForwardResult> {
    this.checkAlive('forward');
    const batch = this.checkInput(input);
    const kind = recordingKind(record);
    const { session, inputName, outputs } = await this.sessions.get(kind);
    // In the graph's head order, whatever order the export listed them in.
    const headOutputs = this.graph.heads.map((node) => {
      const found = outputs.find((o) => o.kind === 'head' && o.node === node);
      return found ?? fail(`the exported model has no output for head '${this.graph.nodes[node].name}'`);
    });
    const nodeInputs = this.graph.nodes.map((n) => n.inputs);
    const headParts: TensorData[][] = headOutputs.map(() => []);
    const chunks: TapeChunk[] = [];
    const [h, w] = this.inputSize;
    for (const [start, count] of chunkRanges(batch, this.maxChunk)) {
      const nchw = nhwcToNchw(sliceBatch(input, start, count));
      const feed = new this.ort.Tensor('float32', nchw.data, [count, nchw.dims[1], h, w]);
      let results: Record<string, Tensor>;
      try {
        results = (await session.run({ [inputName]: feed })) as Record<string, Tensor>;
      } catch (error) {
        fail(`forward: onnxruntime failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
      }
      headOutputs.forEach((o, k) => {
        const t = results[o.name];
        headParts[k].push(nchwToNhwc({ dims: [...t.dims], data: t.data as Float32Array }));
      });
      if (kind !== 'plain') chunks.push({ start, native: tapeFromOutputs(outputs, results, nodeInputs, this.shapes, count) });
    }
    const heads = headParts.map(concatBatches);
    if (kind === 'plain') return { heads };
    return { heads, tape: new OnnxTape(this, !!record?.gradients, !!record?.visualBackProp, chunks) };
  }

  private checkHeadGradients(batch: number, headGradients: TensorData[]): void {
    const heads = this.graph.heads;
    if (!Array.isArray(headGradients) || headGradients.length !== heads.length) {
      fail(`backward got ${Array.isArray(headGradients) ? headGradients.length : 'no'} head gradients for ${heads.length} heads`);
    }
    heads.forEach((node, k) => {
      const want = [batch, ...this.shapes[node]];
      const g = headGradients[k];
      const dims = g?.dims ?? [];
      if (dims.length !== 4 || dims.some((d, i) => d !== want[i]) || !(g.data instanceof Float32Array) || g.data.length !== batch * want[1] * want[2] * want[3]) {
        fail(`head gradient ${k} ('${this.graph.nodes[node].name}') has dims ${dimsText(dims)}, expected ${dimsText(want)} (NHWC, Float32Array)`);
      }
    });
  }

  async backward(tape: Tape, headGradients: TensorData[], options: BackwardOptions): Promise<TensorData> {
    this.checkAlive('backward');
    const onnxTape = this.checkTape(tape, 'backward');
    if (!onnxTape.gradients) fail('backward needs a forward recorded with { gradients: true }');
    if (options?.rule !== 'plain' && options?.rule !== 'guided') fail(`unknown backward rule '${String(options?.rule)}' (plain or guided)`);
    if (options.stopAt !== undefined && !this.graph.nodes.some((n) => n.name === options.stopAt)) fail(`backward stopAt: no layer named '${options.stopAt}'`);
    this.checkHeadGradients(onnxTape.batch, headGradients);
    const results: TensorData[] = [];
    for (const { start, native } of onnxTape.parts) {
      const grads = headGradients.map((g) => nhwcToNchw(sliceBatch(g, start, native.batch)));
      const grad = await this.native.backward(native, grads, { rule: options.rule, stopAt: options.stopAt });
      results.push(nchwToNhwc(grad));
    }
    return concatBatches(results);
  }

  async visualBackProp(tape: Tape): Promise<TensorData> {
    this.checkAlive('visualBackProp');
    const onnxTape = this.checkTape(tape, 'visualBackProp');
    if (!onnxTape.visualBackProp) fail('visualBackProp needs a forward recorded with { visualBackProp: true }');
    this.vbpPlan ??= planVisualBackProp(this.graph, this.inputSize);
    const results: TensorData[] = [];
    for (const { native } of onnxTape.parts) {
      const map = await this.native.visualBackProp(this.vbpPlan, native);
      results.push({ dims: [...map.dims], data: map.data });
    }
    return concatBatches(results);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.native.dispose();
    await this.sessions.release();
  }
}
