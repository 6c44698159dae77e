/**
 * ONNX Runtime sessions of one model, one per recording kind, each created on first use.
 *
 * Why not one session with every tape output: ONNX Runtime executes every node of a session
 * whatever the fetches (its `only_execute_path_to_fetches` run option is not exposed by
 * onnxruntime-node), and the tape's comparisons block the Conv+LeakyRelu fusion. Measured on
 * yolov3-tiny at 416, 2 threads: 220 ms plain, 450 ms for the heads of the full tape model.
 * So a plain forward runs a model exported without tape outputs, a gradient forward one with
 * only what the backward reads (signs, logistic outputs, mish/swish inputs, maxpool argmax), a
 * VisualBackProp forward one with only the mean maps.
 *
 * Every session's model takes the NHWC input and returns NHWC heads (core's layout), with the
 * transposes inside the graph (core's withNhwcBoundary); the tape outputs are NCHW, the addon's.
 */
import type { Graph, RecordOptions } from '@yolo-saliency/core';
import { exportOnnx, withNhwcBoundary, type OnnxOutputInfo, type OnnxTapeOptions } from '@yolo-saliency/core/onnx';
import type { InferenceSession } from 'onnxruntime-node';
import type { Ort } from './dependencies.js';

export type RecordingKind = 'plain' | 'gradients' | 'visual-backprop' | 'both';

export function recordingKind(record: RecordOptions | undefined): RecordingKind {
  const g = !!record?.gradients;
  const v = !!record?.visualBackProp;
  return g && v ? 'both' : g ? 'gradients' : v ? 'visual-backprop' : 'plain';
}

const TAPE_OPTIONS: Record<RecordingKind, OnnxTapeOptions | undefined> = {
  plain: undefined,
  gradients: { signs: true, argmax: true },
  'visual-backprop': { means: true },
  both: { signs: true, argmax: true, means: true },
};

export interface OnnxSession {
  session: InferenceSession;
  inputName: string;
  outputs: OnnxOutputInfo[];
}

export interface SessionSettings {
  threads: number;
  /** ONNX Runtime execution providers in order of preference (e.g. ['cuda', 'cpu']). */
  providers: string[];
  /** Told once when a provider could not be used and the CPU was used instead. */
  onFallback(note: string): void;
}

export class SessionSet {
  private readonly sessions = new Map<RecordingKind, Promise<OnnxSession>>();
  private released = false;

  constructor(
    private readonly ort: Ort,
    private readonly graph: Graph,
    private readonly inputSize: [number, number],
    private readonly settings: SessionSettings,
  ) {}

  /** The session for this recording kind (created and cached on first use). */
  get(kind: RecordingKind): Promise<OnnxSession> {
    if (this.released) return Promise.reject(new Error('onnx runtime: the model was disposed'));
    let session = this.sessions.get(kind);
    if (!session) {
      session = this.create(kind);
      // A failed creation is not cached: the next call tries again and reports again.
      session.catch(() => this.sessions.delete(kind));
      this.sessions.set(kind, session);
    }
    return session;
  }

  private async create(kind: RecordingKind): Promise<OnnxSession> {
    const { bytes, outputs } = withNhwcBoundary(exportOnnx(this.graph, { inputSize: this.inputSize, tape: TAPE_OPTIONS[kind] }));
    const options = (providers: string[]): InferenceSession.SessionOptions => ({
      executionProviders: providers,
      intraOpNumThreads: this.settings.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // ORT's pool threads spin after a run by default, taking the cores the addon's backward
      // needs right after the forward (vanilla on yolov3-tiny@416, 2 cores: ~4% faster without).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    let session: InferenceSession;
    try {
      session = await this.ort.InferenceSession.create(bytes, options(this.settings.providers));
    } catch (error) {
      if (this.settings.providers.length === 1 && this.settings.providers[0] === 'cpu') throw error;
      // The CUDA execution provider is an optional download of onnxruntime-node: without it, the CPU.
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      this.settings.onFallback(`onnxruntime-node's ${this.settings.providers[0]} execution provider did not load (${reason}); the forward runs on the CPU`);
      this.settings.providers = ['cpu'];
      session = await this.ort.InferenceSession.create(bytes, options(['cpu']));
    }
    return { session, inputName: session.inputNames[0], outputs };
  }

  async release(): Promise<void> {
    this.released = true;
    const pending = [...this.sessions.values()];
    this.sessions.clear();
    for (const p of pending) {
      const s = await p.catch(() => undefined);
      await s?.session.release().catch(() => undefined);
    }
  }
}
