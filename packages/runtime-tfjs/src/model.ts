/** A graph loaded on a tfjs backend at one input size: weights on the device, three primitives. */
import * as tf from '@tensorflow/tfjs-core';
import type { BackwardOptions, ForwardResult, Graph, LoadedModel, RecordOptions, RuntimeInfo, Tape, TensorData } from '@yolo-saliency/core';
import { runBackward } from './backward.js';
import type { ExecutionPlan } from './execution-plan.js';
import { runForward } from './forward.js';
import { TfjsTape } from './tape.js';
import { runVisualBackProp } from './visual-backprop.js';
import { disposeWeights, type ConvWeights } from './weights.js';

function dimsText(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

export class TfjsLoadedModel implements LoadedModel {
  readonly graph: Graph;
  readonly inputSize: [number, number];
  private disposed = false;

  constructor(
    private readonly plan: ExecutionPlan,
    private readonly weights: Map<number, ConvWeights>,
    readonly info: RuntimeInfo,
    /** The tfjs-core backend name every call must run on. */
    private readonly tfjsBackend: string,
  ) {
    this.graph = plan.graph;
    this.inputSize = plan.inputSize;
  }

  /** tfjs has one global backend; another model may have switched it. */
  private async activate(call: string): Promise<void> {
    if (this.disposed) throw new Error(`tfjs runtime: ${call} on a disposed model`);
    if (tf.getBackend() !== this.tfjsBackend && !(await tf.setBackend(this.tfjsBackend))) {
      throw new Error(`tfjs runtime: ${call}: could not switch back to the ${this.tfjsBackend} backend`);
    }
  }

  private checkInput(input: TensorData): number {
    const [h, w] = this.inputSize;
    const first = this.graph.nodes[0];
    const c = first.kind === 'input' ? first.channels : 3;
    const d = input.dims;
    if (d.length !== 4 || d[1] !== h || d[2] !== w || d[3] !== c || d[0] < 1) {
      throw new Error(`tfjs runtime: forward input has dims ${dimsText(d)}, expected [N, ${h}, ${w}, ${c}] for this model`);
    }
    if (input.data.length !== d[0] * h * w * c) {
      throw new Error(`tfjs runtime: forward input has ${input.data.length} values for dims ${dimsText(d)}`);
    }
    return d[0];
  }

  private checkTape(tape: Tape, call: string): TfjsTape {
    if (!(tape instanceof TfjsTape) || tape.owner !== this) throw new Error(`tfjs runtime: ${call} needs a tape from this model's forward`);
    if (tape.isDisposed) throw new Error(`tfjs runtime: ${call} on a disposed tape`);
    return tape;
  }

  async forward(input: TensorData, record: RecordOptions = {}): Promise<ForwardResult> {
    await this.activate('forward');
    const batch = this.checkInput(input);
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

  private checkHeadGradients(tape: TfjsTape, headGradients: TensorData[]): void {
    const { graph, shapes } = this.plan;
    if (headGradients.length !== graph.heads.length) {
      throw new Error(`tfjs runtime: backward got ${headGradients.length} head gradients for ${graph.heads.length} heads`);
    }
    graph.heads.forEach((h, k) => {
      const want = [tape.batch, ...shapes[h]];
      const g = headGradients[k];
      if (g.dims.length !== 4 || g.dims.some((d, i) => d !== want[i]) || g.data.length !== want.reduce((a, b) => a * b, 1)) {
        throw new Error(`tfjs runtime: head gradient ${k} ('${graph.nodes[h].name}') has dims ${dimsText(g.dims)}, expected ${dimsText(want)}`);
      }
    });
  }

  async backward(tape: Tape, headGradients: TensorData[], options: BackwardOptions): Promise<TensorData> {
    await this.activate('backward');
    const t = this.checkTape(tape, 'backward');
    if (!t.gradients) throw new Error('tfjs runtime: backward needs a forward recorded with { gradients: true }');
    if (options.rule !== 'plain' && options.rule !== 'guided') throw new Error(`tfjs runtime: unknown backward rule '${String(options.rule)}' (plain or guided)`);
    this.checkHeadGradients(t, headGradients);
    let stop = 0;
    if (options.stopAt !== undefined) {
      stop = this.graph.nodes.findIndex((n) => n.name === options.stopAt);
      if (stop < 0) throw new Error(`tfjs runtime: backward stopAt: no layer named '${options.stopAt}'`);
    }
    const grad = tf.tidy(() => {
      const heads = headGradients.map((g) => tf.tensor4d(g.data, g.dims as [number, number, number, number]));
      return runBackward(this.plan, this.weights, t.saved, heads, options.rule, stop, t.batch);
    });
    try {
      return { dims: [...grad.shape], data: (await grad.data()) as Float32Array };
    } finally {
      grad.dispose();
    }
  }

  async visualBackProp(tape: Tape): Promise<TensorData> {
    await this.activate('visualBackProp');
    const t = this.checkTape(tape, 'visualBackProp');
    if (!t.visualBackProp) throw new Error('tfjs runtime: visualBackProp needs a forward recorded with { visualBackProp: true }');
    const map = tf.tidy(() => runVisualBackProp(this.plan.vbp, t.means, t.batch));
    try {
      return { dims: [...map.shape], data: (await map.data()) as Float32Array };
    } finally {
      map.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeWeights(this.weights);
  }
}
