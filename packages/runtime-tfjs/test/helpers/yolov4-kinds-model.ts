/**
 * A small model (16x16 input) with the node kinds the YOLOv4 family and Yolo-Fastest add:
 * grouped convs (groups 2), depthwise convs (multiplier 1 and 2, stride 1 and 2, asymmetric
 * pads), channel-split routes (slice + concat, as darknet's `[route] groups=2 group_id=1`),
 * mish and swish, a stride-1 pool, and a logistic head decoded with new_coords. Weights are
 * seeded random, scaled so activations stay O(1).
 */
import { createSeededRandom, type Graph, type Pads, type SeededRandom } from '@yolo-saliency/core';
import { GraphBuilder } from '@yolo-saliency/core/graph';

function randomConv(rng: SeededRandom, filters: number, channels: number, kernel: [number, number], groups = 1) {
  const fanIn = (channels / groups) * kernel[0] * kernel[1];
  const scale = Math.sqrt(2 / fanIn);
  const weights = Float32Array.from({ length: filters * fanIn }, () => rng.normal() * scale);
  const bias = Float32Array.from({ length: filters }, () => rng.normal() * 0.1);
  return { filters, channels, kernel, groups, weights, bias };
}

const pads = (top: number, left: number, bottom: number, right: number): Pads => ({ top, left, bottom, right });

export function yolov4KindsModel(seed = 1): Graph {
  const rng = createSeededRandom(seed);
  const b = new GraphBuilder(3);
  const c1 = b.conv('c1', 0, { ...randomConv(rng, 8, 3, [3, 3]), pads: 1 });
  const a1 = b.activation('a1', c1, 'mish');
  // depthwise 3x3 stride 2, asymmetric pads (keras-style), multiplier 1
  const d1 = b.conv('dw1', a1, { ...randomConv(rng, 8, 8, [3, 3], 8), stride: 2, pads: pads(1, 1, 0, 0) });
  const a2 = b.activation('a2', d1, 'swish');
  // grouped 1x1 (groups 2), then the channel split: the second half of its channels
  const g1 = b.conv('g1', a2, randomConv(rng, 8, 8, [1, 1], 2));
  const a3 = b.activation('a3', g1, 'leaky', 0.1);
  const half = b.slice('split', a3, 4, 4);
  // depthwise with multiplier 2, stride 1
  const d2 = b.conv('dw2', half, { ...randomConv(rng, 8, 4, [3, 3], 4), pads: 1 });
  const a4 = b.activation('a4', d2, 'mish');
  const m1 = b.maxpool('pool', a4, 3, 1);
  const route = b.concat('route', [m1, a3]);
  const g2 = b.conv('g2', route, { ...randomConv(rng, 8, 16, [3, 3], 4), pads: 1 });
  const a5 = b.activation('a5', g2, 'swish');
  const sum = b.addNode('shortcut', [a5, a3]);
  const head0 = b.conv('head0', sum, randomConv(rng, 7, 8, [1, 1]));
  b.yolo('yolo0', head0, [[5, 7]], 2);
  // A logistic head with darknet's new_coords decoding, on a stride-2 depthwise branch.
  const d3 = b.conv('dw3', sum, { ...randomConv(rng, 8, 8, [3, 3], 8), stride: 2, pads: 1 });
  const a6 = b.activation('a6', d3, 'relu');
  const head1 = b.conv('head1', a6, randomConv(rng, 7, 8, [1, 1]));
  const s1 = b.activation('s1', head1, 'logistic');
  b.yolo('yolo1', s1, [[10, 14]], 2, 1.05, true);
  return b.build({ inputSize: [16, 16], source: 'test' });
}
