/** What a tfjs forward keeps for `backward` and `visualBackProp`; owns device memory. */
import type * as tf from '@tensorflow/tfjs-core';
import type { Tape } from '@yolo-saliency/core';
import type { ForwardRecording } from './forward.js';
import type { Saved } from './nodes/index.js';

export class TfjsTape implements Tape, ForwardRecording {
  readonly runtime = 'tfjs';
  readonly saved = new Map<number, Saved>();
  readonly means = new Map<number, tf.Tensor3D>();
  private disposed = false;

  constructor(
    /** The model that made it: a tape is only valid there. */
    readonly owner: object,
    readonly batch: number,
    readonly gradients: boolean,
    readonly visualBackProp: boolean,
  ) {}

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.saved.values()) for (const t of Object.values(s)) (t as tf.Tensor).dispose();
    for (const m of this.means.values()) m.dispose();
    this.saved.clear();
    this.means.clear();
  }
}

/** A forward that ran in several chunks (see batch-chunks.ts): one tape per chunk. */
export class ChunkedTape implements Tape {
  readonly runtime = 'tfjs';
  readonly batch: number;

  constructor(
    readonly owner: object,
    readonly parts: Array<{ start: number; tape: TfjsTape }>,
  ) {
    this.batch = parts.reduce((n, p) => n + p.tape.batch, 0);
  }

  get isDisposed(): boolean {
    return this.parts.some((p) => p.tape.isDisposed);
  }

  dispose(): void {
    for (const p of this.parts) p.tape.dispose();
  }
}
