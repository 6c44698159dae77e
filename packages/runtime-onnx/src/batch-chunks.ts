/**
 * Large batches (IG steps, SmoothGrad samples) are split into calls of a few images, so the
 * peak memory of one call stays bounded: ONNX Runtime's activations, the tape outputs it
 * copies out, and the addon's gradient buffers all grow with the images per call.
 */
import type { Shape3, TensorData } from '@yolo-saliency/core';

/** Peak bytes one call may use for per-image data. */
const CALL_BUDGET_BYTES = 1024 * 2 ** 20;

/**
 * ONNX Runtime's arena, the tape outputs and the addon's gradients together hold about this
 * many float copies of every activation at the peak of forward + backward.
 */
const PEAK_ACTIVATION_FACTOR = 3;

/** Images per internal call for a graph with these node output shapes (NHWC per image). */
export function maxImagesPerCall(shapes: readonly Shape3[]): number {
  const perImage = 4 * PEAK_ACTIVATION_FACTOR * shapes.reduce((sum, [h, w, c]) => sum + h * w * c, 0);
  return Math.max(1, Math.floor(CALL_BUDGET_BYTES / perImage));
}

/** [start, count] of each chunk of a batch. */
export function chunkRanges(batch: number, maxPerChunk: number): Array<[start: number, count: number]> {
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < batch; start += maxPerChunk) ranges.push([start, Math.min(maxPerChunk, batch - start)]);
  return ranges;
}

/** Items [start, start+count) of a batch tensor (dims[0] is the batch); a view, no copy. */
export function sliceBatch(t: TensorData, start: number, count: number): TensorData {
  const per = t.data.length / t.dims[0];
  return { dims: [count, ...t.dims.slice(1)], data: t.data.subarray(start * per, (start + count) * per) };
}

/** Concatenate batch tensors along dims[0]. */
export function concatBatches(parts: TensorData[]): TensorData {
  if (parts.length === 1) return parts[0];
  const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { dims: [parts.reduce((n, p) => n + p.dims[0], 0), ...parts[0].dims.slice(1)], data };
}
