/** Window arithmetic shared by convolutions and pools (no dependencies: loaders and importers use it too). */
import type { Pads } from './types.js';

/** Output size of a window op along one axis, with explicit pads. */
export function windowOutputSize(size: number, kernel: number, stride: number, padBefore: number, padAfter: number): number {
  return Math.floor((size + padBefore + padAfter - kernel) / stride) + 1;
}

/**
 * Darknet's maxpool padding: `padding` defaults to size-1, the window starts at -padding/2
 * (integer division), and the output is (W + padding - size)/stride + 1.
 */
export function darknetMaxPoolPads(size: number, padding: number = size - 1): Pads {
  const before = Math.floor(padding / 2);
  return { top: before, left: before, bottom: padding - before, right: padding - before };
}

export const padsText = (p: Pads) => `pads ${p.top},${p.left},${p.bottom},${p.right}`;

/** ONNX pads order for 2-D ops: [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right]. */
export const onnxPads = (p: Pads) => [p.top, p.left, p.bottom, p.right];

export const NO_PADS: Pads = { top: 0, left: 0, bottom: 0, right: 0 };

export const addPads = (a: Pads = NO_PADS, b: Pads = NO_PADS): Pads => ({
  top: a.top + b.top,
  left: a.left + b.left,
  bottom: a.bottom + b.bottom,
  right: a.right + b.right,
});
