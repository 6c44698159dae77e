/**
 * A hand-written graph description with its weights and a tape, for testing the addon alone
 * (no core): input [2,6,6] -> conv 3x3 'c1' -> leaky 'a1' -> maxpool 2x2 'm1' -> conv 1x1 'c2'
 * -> yolo 'y'. The tape is any consistent one (seeded): sign bytes, and argmax offsets inside
 * each pooling window of their (n, c) plane.
 */
import type { NativeGraphDesc, NativeTape, NativeWeights, TensorData } from '../src/index.js';

/** Seeded uniform values in [-1, 1) (a small LCG: enough for tests). */
export function seeded(count: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const pads = (p: number) => ({ top: p, left: p, bottom: p, right: p });

export const tinyGraph: NativeGraphDesc = {
  nodes: [
    { name: 'input', kind: 'input', inputs: [], shape: [2, 6, 6] },
    { name: 'c1', kind: 'conv', inputs: [0], shape: [3, 6, 6], conv: { filters: 3, channels: 2, kernel: [3, 3], stride: 1, pads: pads(1), groups: 1 } },
    { name: 'a1', kind: 'activation', inputs: [1], shape: [3, 6, 6], activation: { kind: 'leaky', alpha: 0.1 } },
    { name: 'm1', kind: 'maxpool', inputs: [2], shape: [3, 3, 3], maxpool: { size: 2, stride: 2, pads: pads(0) } },
    { name: 'c2', kind: 'conv', inputs: [3], shape: [4, 3, 3], conv: { filters: 4, channels: 3, kernel: [1, 1], stride: 1, pads: pads(0), groups: 1 } },
    { name: 'y', kind: 'yolo', inputs: [4], shape: [4, 3, 3] },
  ],
  heads: [5],
};

export const tinyWeights: NativeWeights = [null, seeded(3 * 2 * 9, 1), null, null, seeded(4 * 3, 2), null];

export function tinyTape(batch: number, seed = 3): NativeTape {
  const signs = Uint8Array.from(seeded(batch * 3 * 36, seed), (v) => (v > 0 ? 1 : 0));
  const pick = seeded(batch * 3 * 9, seed + 1);
  const argmax = Int32Array.from(pick, (v, i) => {
    const o = i % 9;
    const oy = Math.floor(o / 3), ox = o % 3;
    const k = Math.floor((v + 1) * 2) % 4; // one of the 4 pixels of the 2x2 window
    return (oy * 2 + (k >> 1)) * 6 + ox * 2 + (k & 1);
  });
  return { batch, nodes: [null, null, { signs }, { argmax }, null, null] };
}

/** Head gradient [batch, 4, 3, 3] (NCHW). */
export function tinyHeadGradient(batch: number, seed = 9): TensorData {
  return { dims: [batch, 4, 3, 3], data: seeded(batch * 36, seed) };
}

/** [N, C, H, W] -> [N, H, W, C]. */
export function toNhwc(t: TensorData): TensorData {
  const [n, c, h, w] = t.dims;
  const out = new Float32Array(t.data.length);
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let p = 0; p < h * w; p++) out[(b * h * w + p) * c + k] = t.data[(b * c + k) * h * w + p];
  return { dims: [n, h, w, c], data: out };
}
