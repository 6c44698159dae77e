/**
 * Conv backward (d input) as an ordinary forward convolution: the output gradient, dilated by
 * the stride (zeros inserted), correlated with the kernel flipped in space and with its
 * in/out channels swapped, then placed on the input grid (the conv's padding cropped away).
 * Grouped convs do this per group; depthwise convs with tfjs's depthwise kernel.
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

/**
 * Depthwise [kh, kw, C, M] -> flipped [kh, kw, C*M, 1]: each output channel c*M + m becomes an
 * input channel of a multiplier-1 depthwise conv (the M results per c are summed afterwards).
 */
export function depthwiseBackwardFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, m] = filter.shape;
  return tf.tidy(() => tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D);
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

/**
 * g [n, oh, ow, c] dilated by the stride and padded or cropped so that a 'valid' stride-1
 * correlation with the flipped kernel lands exactly on the [h, w] input grid. Channel-agnostic,
 * so grouped convs compute it once for every group.
 */
function backwardGrid(node: ConvNode, g: tf.Tensor4D, inputShape: [number, number]): tf.Tensor4D {
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
  return x;
}

/** d(conv output)/d(conv input) applied to g for a dense conv: [n, oh, ow, co] -> [n, h, w, ci]. */
export function convBackwardInput(node: ConvNode, g: tf.Tensor4D, wb: tf.Tensor4D, inputShape: [number, number]): tf.Tensor4D {
  return tf.conv2d(backwardGrid(node, g, inputShape), wb, 1, 'valid');
}

/** The same for a grouped conv: group k's gradient slice against its own flipped filter, channels concatenated. */
export function groupedConvBackwardInput(node: ConvNode, g: tf.Tensor4D, groupFilters: tf.Tensor4D[], inputShape: [number, number]): tf.Tensor4D {
  const grid = backwardGrid(node, g, inputShape);
  const parts = tf.split(grid, node.groups, 3) as tf.Tensor4D[];
  return tf.concat(parts.map((part, k) => tf.conv2d(part, groupFilters[k], 1, 'valid')), 3);
}

/** The same for a depthwise conv (groups = channels, multiplier M = filters / channels), with depthwiseBackwardFilter's filter. */
export function depthwiseConvBackwardInput(node: ConvNode, g: tf.Tensor4D, wb: tf.Tensor4D, inputShape: [number, number]): tf.Tensor4D {
  const each = tf.depthwiseConv2d(backwardGrid(node, g, inputShape), wb, 1, 'valid');
  const multiplier = node.filters / node.channels;
  if (multiplier === 1) return each;
  const [n, h, w] = each.shape;
  return tf.sum(tf.reshape(each, [n, h, w, node.channels, multiplier]), 4) as tf.Tensor4D;
}
