/**
 * Maxpool backward. The MaxPoolGrad kernel of tfjs-backend-wasm 4.22 drops gradient
 * contributions (it disagrees with the cpu backend on plain random inputs: checked in
 * test/maxpool-backward.test.ts), so on wasm the backward is built from ops that wasm gets
 * right: for each window offset (ky, kx), in row-major order, the pixel at that offset gets
 * the window's gradient when it equals the window's max and no earlier offset did (the first
 * maximum wins ties, as in TensorFlow's kernel); the per-offset gradients are scattered back
 * to their strided positions and summed.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface PoolGeometry {
  size: number;
  stride: number;
}

/** Backends whose MaxPoolGrad kernel gives wrong results (a backend without the kernel also takes the windows). */
const BROKEN_MAXPOOLGRAD = new Set(['wasm']);

/** d/d(padded input) of a 'valid' maxpool, given its padded input, output and output gradient. */
export function maxPoolGradPadded(g: tf.Tensor4D, paddedInput: tf.Tensor4D, output: tf.Tensor4D, pool: PoolGeometry, backend = tf.getBackend()): tf.Tensor4D {
  if (!BROKEN_MAXPOOLGRAD.has(backend) && tf.getKernel('MaxPoolGrad', backend)) {
    return tf.engine().runKernel('MaxPoolGrad', { dy: g, input: paddedInput, output }, { filterSize: pool.size, strides: pool.stride, pad: 'valid' }) as tf.Tensor4D;
  }
  return maxPoolGradByWindows(g, paddedInput, output, pool);
}

/** The window decomposition (exported for its test against the kernel). */
export function maxPoolGradByWindows(g: tf.Tensor4D, paddedInput: tf.Tensor4D, output: tf.Tensor4D, { size, stride: s }: PoolGeometry): tf.Tensor4D {
  const [n, hp, wp, c] = paddedInput.shape;
  const [, oh, ow] = output.shape;
  let claimed: tf.Tensor4D | undefined;
  let dx: tf.Tensor4D | undefined;
  for (let ky = 0; ky < size; ky++) {
    for (let kx = 0; kx < size; kx++) {
      // The input value at offset (ky, kx) of every window: [n, oh, ow, c].
      const atOffset = windowOffset(paddedInput, ky, kx, s, oh, ow);
      let wins = tf.equal(atOffset, output) as tf.Tensor4D;
      if (claimed) wins = tf.logicalAnd(wins, tf.logicalNot(claimed)) as tf.Tensor4D;
      claimed = claimed ? (tf.logicalOr(claimed, wins) as tf.Tensor4D) : wins;
      const part = scatterStrided(tf.where(wins, g, tf.zerosLike(g)) as tf.Tensor4D, s, ky, kx, hp, wp);
      dx = dx ? (tf.add(dx, part) as tf.Tensor4D) : part;
    }
  }
  return dx!;
}

/**
 * x[ky + oy*s, kx + ox*s] for every window: [n, oh, ow, c]. Built from contiguous slices and
 * reshapes because wasm's StridedSlice kernel is slow (1.4 s of a 2.6 s yolov3-tiny backward).
 */
function windowOffset(x: tf.Tensor4D, ky: number, kx: number, s: number, oh: number, ow: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (s === 1) return tf.slice(x, [0, ky, kx, 0], [n, oh, ow, c]);
  // Rows ky .. ky + oh*s - 1 hold every window's row at offset ky; the last block may need
  // rows past the end, which are never read (only index 0 of each block is kept).
  const extraH = Math.max(ky + oh * s - h, 0);
  const extraW = Math.max(kx + ow * s - w, 0);
  const grown = extraH || extraW ? tf.pad(x, [[0, 0], [0, extraH], [0, extraW], [0, 0]]) : x;
  // Slices of rank <= 4 only: wasm's Slice of rank 6 is slower still.
  const rows = tf.reshape(tf.slice(grown, [0, ky, kx, 0], [n, oh * s, ow * s, c]), [n * oh, s, ow * s * c]);
  const firstRows = tf.reshape(tf.slice(rows, [0, 0, 0], [n * oh, 1, ow * s * c]), [n * oh * ow, s * c]);
  return tf.reshape(tf.slice(firstRows, [0, 0], [n * oh * ow, c]), [n, oh, ow, c]);
}

/** Place v[oy, ox] at (ky + oy*s, kx + ox*s) of an [n, hp, wp, c] tensor of zeros. */
function scatterStrided(v: tf.Tensor4D, s: number, ky: number, kx: number, hp: number, wp: number): tf.Tensor4D {
  const [n, oh, ow, c] = v.shape;
  let spread = v;
  if (s > 1) {
    // Zero insertion: v[oy, ox] lands at (oy*s, ox*s) of an [oh*s, ow*s] grid.
    const z = tf.pad(tf.reshape(v, [n, oh, 1, ow, 1, c]), [[0, 0], [0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]]);
    spread = tf.reshape(z, [n, oh * s, ow * s, c]);
  }
  const [, sh, sw] = spread.shape;
  const bottom = hp - ky - sh;
  const right = wp - kx - sw;
  const padded = tf.pad(spread, [[0, 0], [ky, Math.max(bottom, 0)], [kx, Math.max(right, 0)], [0, 0]]);
  return bottom < 0 || right < 0 ? tf.slice(padded, [0, 0, 0, 0], [n, hp, wp, c]) : padded;
}
