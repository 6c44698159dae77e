/**
 * A 2-D convolution with gradients that are fast on every tfjs backend. The wasm backend has
 * no Conv2DBackpropFilter kernel (tf.grad through tf.conv2d fails there) and its
 * Conv2DBackpropInput is a plain loop, 5-10x slower than its XNNPACK forward convolution.
 * Both gradients are therefore written as forward convolutions:
 *   - input:  dX = conv(pad(dY, k-1), W rotated 180° with in/out swapped)   (stride 1)
 *   - filter: dW[i,j,c,o] = Σ_{b,y,x} X[b, y·s+i, x·s+j, c] · dY[b, y, x, o]
 *             = conv(X as [C, H, W, B], dY as an [Ho, Wo, B, Co] filter, dilation s)
 * The convolution is 'valid': callers pad explicitly (darknet pads are symmetric size/2).
 */
import * as tf from '@tensorflow/tfjs-core';

/** dL/dW for y = conv2d(x, w, stride, 'valid'): NHWC x, NHWC dy, HWIO result. */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, kernel: number, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const channels = x.shape[3];
    const filters = dy.shape[3];
    const xAsBatch = tf.transpose(x, [3, 1, 2, 0]);
    const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]);
    // Rows and columns beyond (Ho-1)·s + k never met the filter: the result is cropped to k x k.
    const full = tf.conv2d(xAsBatch, dyAsFilter, 1, 'valid', 'NHWC', stride);
    const cropped = tf.slice(full, [0, 0, 0, 0], [channels, kernel, kernel, filters]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

/** dL/dX for y = conv2d(x, w, stride, 'valid'). */
export function conv2dInputGradient(dy: tf.Tensor4D, w: tf.Tensor4D, inputShape: [number, number, number, number], stride: number): tf.Tensor4D {
  if (stride !== 1) return tf.conv2dTranspose(dy, w, inputShape, stride, 'valid');
  return tf.tidy(() => {
    const k = w.shape[0];
    const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(tf.pad(dy, [[0, 0], [k - 1, k - 1], [k - 1, k - 1], [0, 0]]), flipped, 1, 'valid');
  });
}

/**
 * y = conv2d(x, w) ('valid', NHWC, HWIO) with gradients for w and, unless `inputGradient` is
 * false (the network input: nothing upstream learns), for x.
 */
export function conv2dTrainable(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, inputGradient = true): tf.Tensor4D {
  const kernel = w.shape[0];
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xt, wt, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([xt, wt]);
    return {
      value: tf.conv2d(xt, wt, stride, 'valid'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        const dx = inputGradient ? conv2dInputGradient(dy4, ws, xs.shape, stride) : tf.zerosLike(xs);
        return [dx, conv2dFilterGradient(xs, dy4, kernel, stride)];
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}
