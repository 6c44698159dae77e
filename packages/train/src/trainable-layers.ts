/**
 * Max pooling and nearest upsampling written with ops whose gradients agree on every tfjs
 * backend. tfjs 4.22's own kernels do not: wasm's MaxPoolGrad is wrong for darknet's
 * stride-1 'same' pool (error ~2 on unit inputs) and cpu's ResizeNearestNeighborGrad is
 * wrong for an integer upsample (test/trainable-layers.test.ts checks both against hand-
 * computed gradients). Training through them silently learns garbage upstream.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Pixels outside the input never win a max (darknet's rule). */
const OUTSIDE = -1e30;

/**
 * Darknet max pooling: window `size`, `stride`; output ceil(H / stride) per side for the
 * 'same' case (stride 1) and H / stride for the stride = size case. The stride-1 pool is
 * built from shifted slices and element-wise maxima, so its gradient is Maximum's.
 */
export function maxPoolTrainable(x: tf.Tensor4D, size: number, stride: number): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  if (stride === size && height % size === 0 && width % size === 0) return maxPoolNonOverlapping(x, size);
  if (stride !== 1) throw new Error(`maxpool: training supports stride 1, or stride = size on sizes divisible by it (got size ${size}, stride ${stride}, input ${height}x${width})`);
  // Darknet's stride-1 pool pads size-1 pixels after the input (bottom/right) and keeps H x W.
  const padded = tf.pad(x, [[0, 0], [0, size - 1], [0, size - 1], [0, 0]], OUTSIDE);
  let out: tf.Tensor4D | undefined;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const window = tf.slice(padded, [0, i, j, 0], [batch, height, width, channels]);
      out = out ? (tf.maximum(out, window) as tf.Tensor4D) : window;
    }
  }
  return out!;
}

/**
 * Non-overlapping windows: tf.maxPool forward (fast everywhere), and the gradient routed to
 * the pixels equal to their window's maximum. (Slicing a 6-D window view, or tf.max over it,
 * was 5-20x slower on wasm.) Exact ties, which real-valued activations almost never have,
 * would each receive the full gradient.
 */
function maxPoolNonOverlapping(x: tf.Tensor4D, size: number): tf.Tensor4D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    const pooled = tf.maxPool(input, size, size, 'valid');
    save([input, pooled]);
    return {
      value: pooled,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor4D, tf.Tensor4D];
        const winners = tf.cast(tf.equal(xs, upsampleTrainable(ys, size)), 'float32');
        return [tf.mul(winners, upsampleTrainable(dy as tf.Tensor4D, size))];
      },
    };
  });
  return op(x) as tf.Tensor4D;
}

/** Nearest-neighbour upsampling by an integer factor (a broadcast, so its gradient is a sum). */
export function upsampleTrainable(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  const [batch, height, width, channels] = x.shape;
  const spread = tf.mul(tf.reshape(x, [batch, height, 1, width, 1, channels]), tf.ones([1, 1, factor, 1, factor, 1]));
  return tf.reshape(spread, [batch, height * factor, width * factor, channels]);
}
