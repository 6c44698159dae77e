/**
 * What an ONNX forward keeps for the addon: the tape outputs of the session (sign bytes,
 * logistic outputs, mish/swish inputs, maxpool argmax, mean maps) as typed arrays, per chunk
 * of the batch.
 * Plain host memory: dispose() drops it so the garbage collector can take it back, and
 * makes any later use an error. A tape serves any number of backward/VBP calls until then.
 */
import type { Tape } from '@yolo-saliency/core';
import type { NativeTape } from '@yolo-saliency/native';

export interface TapeChunk {
  /** Index of the chunk's first image within the whole batch. */
  start: number;
  native: NativeTape;
}

export class OnnxTape implements Tape {
  readonly runtime = 'onnx';
  readonly batch: number;
  private chunks: TapeChunk[] | undefined;

  constructor(
    /** The model that made it: a tape is only valid there. */
    readonly owner: object,
    readonly gradients: boolean,
    readonly visualBackProp: boolean,
    chunks: TapeChunk[],
  ) {
    this.chunks = chunks;
    this.batch = chunks.reduce((n, c) => n + c.native.batch, 0);
  }

  get isDisposed(): boolean {
    return this.chunks === undefined;
  }

  /** The chunks; only valid until dispose(). */
  get parts(): readonly TapeChunk[] {
    if (!this.chunks) throw new Error('onnx runtime: the tape was disposed');
    return this.chunks;
  }

  /** Host bytes held (0 once disposed). */
  get bytes(): number {
    let total = 0;
    for (const { native } of this.chunks ?? []) {
      for (const entry of native.nodes) {
        if (!entry) continue;
        for (const array of Object.values(entry)) total += (array as ArrayBufferView | undefined)?.byteLength ?? 0;
      }
    }
    return total;
  }

  dispose(): void {
    this.chunks = undefined;
  }
}
