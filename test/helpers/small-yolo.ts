/**
 * A small real two-head network for the cross-package tests: seeded convs with leaky, a
 * maxpool, an asymmetrically padded stride-2 conv, an upsample + concat route and two yolo
 * heads whose objectness and class biases are raised so detections exist.
 */
import { createSeededRandom } from '@yolo-saliency/core';
import { GraphBuilder } from '@yolo-saliency/core/graph';
import type { Graph, Pads, TensorData } from '@yolo-saliency/core';

export const SMALL_YOLO_SIZE = 32;

export function smallYoloGraph(): Graph {
  const random = createSeededRandom(2024);
  const b = new GraphBuilder();
  const conv = (name: string, input: number, channels: number, filters: number, kernel: number, stride: number, pads: number | Pads, headBias?: number[]) => {
    const fanIn = channels * kernel * kernel;
    const scale = Math.sqrt(6 / fanIn);
    const weights = Float32Array.from({ length: filters * fanIn }, () => (random.uniform() * 2 - 1) * scale);
    const bias = Float32Array.from({ length: filters }, (_, f) => headBias?.[f] ?? (random.uniform() - 0.5) * 0.2);
    return b.conv(name, input, { filters, channels, kernel, stride, pads, weights, bias });
  };
  // Heads: 2 anchors x (5 + 2 classes); objectness and class biases up so detections exist.
  const headBias = Array.from({ length: 14 }, (_, c) => (c % 7 === 4 ? 1.5 : c % 7 >= 5 ? 1 : 0));
  const c1 = b.activation('leaky_1', conv('conv_1', 0, 3, 8, 3, 1, 1), 'leaky');
  const p1 = b.maxpool('pool_1', c1, 2, 2);
  const c2 = b.activation('leaky_2', conv('conv_2', p1, 8, 16, 3, 2, { top: 1, left: 1, bottom: 0, right: 0 }), 'leaky');
  const c3 = b.activation('leaky_3', conv('conv_3', c2, 16, 16, 3, 2, 1), 'leaky');
  b.yolo('yolo_0', conv('head_0', c3, 16, 14, 1, 1, 0, headBias), [[20, 24], [30, 28]], 2);
  const up = b.upsample('up', c3, 2);
  const route = b.concat('route', [up, c2]);
  b.yolo('yolo_1', conv('head_1', route, 32, 14, 3, 1, 1, headBias), [[6, 8], [12, 10]], 2);
  return b.build({ inputSize: [SMALL_YOLO_SIZE, SMALL_YOLO_SIZE], classNames: ['a', 'b'], source: 'test' });
}

/** A seeded uniform [0,1) input of the network size, [1, H, W, 3]. */
export function smallYoloInput(): TensorData {
  const random = createSeededRandom(7);
  const n = SMALL_YOLO_SIZE * SMALL_YOLO_SIZE * 3;
  return { dims: [1, SMALL_YOLO_SIZE, SMALL_YOLO_SIZE, 3], data: Float32Array.from({ length: n }, () => random.uniform()) };
}
