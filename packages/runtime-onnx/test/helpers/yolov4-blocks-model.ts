/**
 * A small model (16x16 input) with the YOLOv4 family's blocks: mish and swish, a depthwise conv
 * (multiplier 2, stride 2, keras-yolo3 pads), a depthwise conv (multiplier 1), a grouped conv
 * (4 groups, asymmetric pads), yolov4-tiny's channel-split route (a slice whose input also
 * feeds the route: fan-out), a slice of the first layer in the second head's route, two yolo
 * heads. Weights are seeded random, scaled so activations stay O(1).
 */
import { createSeededRandom, type Graph, type Pads, type SeededRandom } from '@yolo-saliency/core';
import { GraphBuilder } from '@yolo-saliency/core/graph';

function randomConv(rng: SeededRandom, filters: number, channels: number, kernel: number, groups = 1) {
  const fanIn = (channels / groups) * kernel * kernel;
  const scale = Math.sqrt(2 / fanIn);
  const weights = Float32Array.from({ length: filters * fanIn }, () => rng.normal() * scale);
  const bias = Float32Array.from({ length: filters }, () => rng.normal() * 0.1);
  return { filters, channels, kernel, groups, weights, bias, pads: Math.floor(kernel / 2) };
}

const pads = (top: number, left: number, bottom: number, right: number): Pads => ({ top, left, bottom, right });

export function yolov4BlocksModel(seed = 1): Graph {
  const rng = createSeededRandom(seed);
  const b = new GraphBuilder(3);
  const a1 = b.activation('a1', b.conv('c1', 0, randomConv(rng, 8, 3, 3)), 'mish');
  const dw1 = b.conv('dw1', a1, { ...randomConv(rng, 16, 8, 3, 8), stride: 2, pads: pads(1, 1, 0, 0) }); // 8x8
  const a2 = b.activation('a2', dw1, 'swish');
  const dw2 = b.conv('dw2', a2, randomConv(rng, 16, 16, 3, 16));
  const a3 = b.activation('a3', dw2, 'leaky', 0.1);
  const g1 = b.conv('g1', a3, { ...randomConv(rng, 8, 16, 3, 4), pads: pads(1, 0, 1, 2) });
  const a4 = b.activation('a4', g1, 'mish');
  const split = b.slice('split', a4, 4, 4); // [route] groups=2 group_id=1
  const a5 = b.activation('a5', b.conv('c2', split, randomConv(rng, 4, 4, 3)), 'swish');
  const route = b.concat('route', [a5, split]);
  const csp = b.concat('csp', [a4, route]);
  b.yolo('yolo0', b.conv('head0', csp, randomConv(rng, 6, 16, 1)), [[10, 14]], 1);
  const up = b.upsample('up', b.activation('a6', b.conv('c3', a4, randomConv(rng, 4, 8, 1)), 'relu'), 2); // 16x16
  const part = b.slice('part', a1, 0, 4);
  const route2 = b.concat('route2', [up, part]);
  b.yolo('yolo1', b.conv('head1', route2, randomConv(rng, 6, 8, 3, 2)), [[5, 7]], 1);
  return b.build({ inputSize: [16, 16], source: 'test' });
}
