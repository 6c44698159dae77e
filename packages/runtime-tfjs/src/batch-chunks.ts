/**
 * How many images one tfjs call may hold. The wasm backend's heap is capped (2-4 GiB) and
 * aborts when it runs out, and even below the cap a batch far larger than the caches is
 * slower per image. Splitting and joining use core's batch helpers.
 */
import type { Shape3 } from '@yolo-saliency/core';
import { maxBatchPerCallWithin } from '@yolo-saliency/core/runtime';

/** Bytes of activations one call may hold, per backend (a tape keeps about one copy). */
const CALL_BUDGET_BYTES: Record<string, number> = {
  wasm: 384 * 2 ** 20,
  // A browser's GPU memory is shared with the page and often small.
  webgl: 256 * 2 ** 20,
  webgpu: 512 * 2 ** 20,
  cpu: 1024 * 2 ** 20,
  tensorflow: 2048 * 2 ** 20,
};

/**
 * Tape, transient padded copies and backward gradients together hold about this many times
 * one image's activations at the peak of a backward pass (measured on yolov3-tiny at 416).
 */
const PEAK_ACTIVATION_FACTOR = 3;

/** The largest batch per internal call for a graph with these node output shapes on a backend. */
export function defaultMaxBatchPerCall(shapes: readonly Shape3[], tfjsBackend: string): number {
  return maxBatchPerCallWithin(shapes, CALL_BUDGET_BYTES[tfjsBackend] ?? CALL_BUDGET_BYTES.cpu, PEAK_ACTIVATION_FACTOR);
}
