/**
 * Splitting a batch into calls that fit a runtime's memory. IG steps and SmoothGrad samples
 * arrive as batches of any size; each runtime decides how many images one call may hold (its
 * own budget) and uses these helpers to split the batch and join the results, so results
 * never depend on the split.
 */
import type { Shape3 } from '../graph/types.js';
import type { TensorData } from './types.js';

/**
 * The largest batch per call when one image holds `peakFactor` float copies of every node's output at
 * the peak of forward + backward, and a call may use `budgetBytes`.
 */
export function maxBatchPerCallWithin(shapes: readonly Shape3[], budgetBytes: number, peakFactor: number): number {
  const perImage = 4 * peakFactor * shapes.reduce((sum, [h, w, c]) => sum + h * w * c, 0);
  return Math.max(1, Math.floor(budgetBytes / perImage));
}

/** [start, count] of each chunk of a batch. */
export function chunkRanges(batch: number, maxBatchPerCall: number): Array<[start: number, count: number]> {
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < batch; start += maxBatchPerCall) ranges.push([start, Math.min(maxBatchPerCall, batch - start)]);
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
