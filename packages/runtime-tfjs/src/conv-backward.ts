/**
 * Conv backward (d input) as an ordinary forward convolution: the output gradient, dilated by
 * the stride (zeros inserted), correlated with the kernel flipped in space and with its
 * in/out channels swapped, then placed on the input grid (the conv's padding cropped away).
 *
 * Why not tf.conv2dTranspose: on the wasm backend the Conv2DBackpropInput kernel is a plain
 * loop, more than ten times slower than its XNNPACK forward convolution (yolov3-tiny @416:
 * 19 s against 1.3 s for the whole forward). The forward conv is fast on every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ConvNode } from '@yolo-saliency/core';

/** HWIO [kh, kw, ci, co] -> flipped, swapped [kh, kw, co, ci]: wb[y][x][o][i] = w[kh-1-y][kw-1-x][i][o]. */
export function backwardFilter(filter: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.reverse(tf.transpose(filter, [0, 1, 3, 2]), [0, 1]) as tf.Tensor4D);
}

/** Zeros between the rows and columns of g: [n, oh, ow, c] -> [n, (oh-1)s+1, (ow-1)s+1, c]. */
function dilate(g: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return g;
  const [n, oh, ow, c] = g.shape;
  const spread = tf.reshape(tf.pad(tf.reshape(g, [n, oh, 1, ow, 1, c]), [[0, 0], [0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]]), [n, oh * s, ow * s, c]);
  return tf.slice(spread, [0, 0, 0, 0], [n, (oh - 1) * s + 1, (ow - 1) * s + 1, c]) as tf.Tensor4D;
}

/**
 * Pads (possibly negative: then a crop) so that a 'valid' correlation with a k-tap kernel over
 * a length-`length` signal yields `want` outputs, output j reading padded-grid row j + k-1-before.
 */
function placement(length: number, k: number, padBefore: number, want: number): [number, number] {
  const before = k - 1 - padBefore;
  return [before, want + k - 1 - length - before];
}

/** d(conv output)/d(conv input) applied to g: [n, oh, ow, co] -> [n, h, w, ci]. */
export function convBackwardInput(node: ConvNode, g: tf.Tensor4D, wb: tf.Tensor4D, inputShape: [number, number]): tf.Tensor4D {
  const [kh, kw] = node.kernel;
  const d = dilate(g, node.stride);
  const [n, dh, dw, c] = d.shape;
  const [top, bottom] = placement(dh, kh, node.pads.top, inputShape[0]);
  const [left, right] = placement(dw, kw, node.pads.left, inputShape[1]);
  let x = d;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    x = tf.pad(x, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]]);
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [, ph, pw] = x.shape;
    const y0 = Math.max(-top, 0);
    const x0 = Math.max(-left, 0);
    x = tf.slice(x, [0, y0, x0, 0], [n, ph - y0 - Math.max(-bottom, 0), pw - x0 - Math.max(-right, 0), c]);
  }
  return tf.conv2d(x, wb, 1, 'valid');
}
