/**
 * Core speaks NHWC, ONNX Runtime and the addon NCHW. These copies are the only layout
 * conversions of the runtime: the input once per forward, each head once, each gradient once.
 */
import type { TensorData } from '@yolo-saliency/core';

/** [N, H, W, C] -> [N, C, H, W]. */
export function nhwcToNchw(t: TensorData): TensorData {
  const [n, h, w, c] = t.dims;
  const plane = h * w;
  const out = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++) {
    const src = b * plane * c;
    for (let p = 0; p < plane; p++) {
      for (let k = 0; k < c; k++) out[src + k * plane + p] = t.data[src + p * c + k];
    }
  }
  return { dims: [n, c, h, w], data: out };
}

/** [N, C, H, W] -> [N, H, W, C]. */
export function nchwToNhwc(t: TensorData): TensorData {
  const [n, c, h, w] = t.dims;
  const plane = h * w;
  const out = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++) {
    const base = b * plane * c;
    for (let k = 0; k < c; k++) {
      const src = base + k * plane;
      for (let p = 0; p < plane; p++) out[base + p * c + k] = t.data[src + p];
    }
  }
  return { dims: [n, h, w, c], data: out };
}

export function dimsText(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}
