/**
 * How many images one onnx call may hold: ONNX Runtime's activations, the tape outputs it
 * copies out and the addon's gradient buffers all grow with the images per call. Splitting
 * and joining use core's batch helpers.
 */
import type { Shape3 } from '@yolo-saliency/core';
import { maxBatchPerCallWithin } from '@yolo-saliency/core/runtime';

/** Peak bytes one call may use for per-image data. */
const CALL_BUDGET_BYTES = 1024 * 2 ** 20;

/**
 * ONNX Runtime's arena, the tape outputs and the addon's gradients together hold about this
 * many float copies of every activation at the peak of forward + backward.
 */
const PEAK_ACTIVATION_FACTOR = 3;

/** The largest batch per internal call for a graph with these node output shapes (NHWC per image). */
export function defaultMaxBatchPerCall(shapes: readonly Shape3[]): number {
  return maxBatchPerCallWithin(shapes, CALL_BUDGET_BYTES, PEAK_ACTIVATION_FACTOR);
}
