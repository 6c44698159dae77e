/**
 * Large batches are split into chunks that fit the backend's memory. The wasm backend's heap
 * is capped (2-4 GiB) and aborts when it runs out, and even below the cap a batch far larger
 * than the caches is slower per image; IG steps and SmoothGrad samples arrive as batches of
 * any size, so the runtime, not the caller, decides how many images go through at once.
 */
import type { Shape3, TensorData } from '@yolo-saliency/core';

/** Bytes of activations one chunk may hold, per backend (a tape keeps about one copy). */
const CHUNK_BUDGET_BYTES: Record<string, number> = {
  wasm: 384 * 2 ** 20,
  cpu: 1024 * 2 ** 20,
  tensorflow: 2048 * 2 ** 20,
};

/**
 * Tape, transient padded copies and backward gradients together hold about this many times
 * one image's activations at the peak of a backward pass (measured on yolov3-tiny at 416).
 */
const PEAK_ACTIVATION_FACTOR = 3;

/** Images per internal call for a graph with these node output shapes on a backend. */
export function maxImagesPerChunk(shapes: readonly Shape3[], tfjsBackend: string): number {
  const perImage = 4 * PEAK_ACTIVATION_FACTOR * shapes.reduce((sum, [h, w, c]) => sum + h * w * c, 0);
  const budget = CHUNK_BUDGET_BYTES[tfjsBackend] ?? CHUNK_BUDGET_BYTES.cpu;
  return Math.max(1, Math.floor(budget / perImage));
}

/** [start, count] of each chunk of a batch. */
export function chunkRanges(batch: number, maxPerChunk: number): Array<[start: number, count: number]> {
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < batch; start += maxPerChunk) ranges.push([start, Math.min(maxPerChunk, batch - start)]);
  return ranges;
}

/** Items [start, start+count) of a batch tensor (dims[0] is the batch). */
export function sliceBatch(t: TensorData, start: number, count: number): TensorData {
  const per = t.data.length / t.dims[0];
  return { dims: [count, ...t.dims.slice(1)], data: t.data.subarray(start * per, (start + count) * per) };
}

/** Concatenate batch tensors along dims[0]. */
export function concatBatches(parts: TensorData[]): TensorData {
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((n, p) => n + p.data.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { dims: [parts.reduce((n, p) => n + p.dims[0], 0), ...parts[0].dims.slice(1)], data };
}
