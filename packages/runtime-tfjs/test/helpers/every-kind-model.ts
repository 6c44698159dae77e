/**
 * A small model (16x16 input) with every node kind the IR has: convs with asymmetric pads,
 * a keras-style stride-2 conv, a 'valid' stride-2 conv, leaky/relu/logistic/linear
 * activations, darknet maxpools of stride 1 and 2, upsample, concat, add, two yolo heads.
 * Weights are seeded random, scaled so activations stay O(1).
 */
import { createSeededRandom, type Graph, type Pads, type SeededRandom } from '@yolo-saliency/core';
import { GraphBuilder } from '@yolo-saliency/core/graph';

function randomConv(rng: SeededRandom, filters: number, channels: number, kernel: [number, number]) {
  const fanIn = channels * kernel[0] * kernel[1];
  const scale = Math.sqrt(2 / fanIn);
  const weights = Float32Array.from({ length: filters * fanIn }, () => rng.normal() * scale);
  const bias = Float32Array.from({ length: filters }, () => rng.normal() * 0.1);
  return { filters, channels, kernel, weights, bias };
}

const pads = (top: number, left: number, bottom: number, right: number): Pads => ({ top, left, bottom, right });

export function everyKindModel(seed = 1): Graph {
  const rng = createSeededRandom(seed);
  const b = new GraphBuilder(3);
  const c1 = b.conv('c1', 0, { ...randomConv(rng, 4, 3, [3, 3]), pads: pads(1, 0, 1, 2) });
  const a1 = b.activation('a1', c1, 'leaky', 0.1);
  // keras-yolo3 downsampling: ZeroPadding2D(((1,0),(1,0))) + 'valid' stride-2 conv
  const c2 = b.conv('c2', a1, { ...randomConv(rng, 6, 4, [3, 3]), stride: 2, pads: pads(1, 1, 0, 0) });
  const a2 = b.activation('a2', c2, 'leaky', 0.1);
  const m1 = b.maxpool('m1', a2, 2, 1);
  const c3 = b.conv('c3', m1, randomConv(rng, 6, 6, [1, 1]));
  const a3 = b.activation('a3', c3, 'relu');
  const sum = b.addNode('shortcut', [a3, m1]);
  const m2 = b.maxpool('m2', sum, 2, 2);
  const c4 = b.conv('c4', sum, { ...randomConv(rng, 6, 6, [2, 2]), stride: 2 }); // 'valid' stride 2
  const a4 = b.activation('a4', c4, 'leaky', 0.1);
  const route = b.concat('route', [m2, a4]);
  const c5 = b.conv('c5', route, { ...randomConv(rng, 8, 12, [3, 3]), pads: pads(0, 1, 2, 1) });
  const a5 = b.activation('a5', c5, 'leaky', 0.1);
  const c6 = b.conv('c6', a5, randomConv(rng, 7, 8, [1, 1]));
  const a6 = b.activation('a6', c6, 'linear');
  b.yolo('yolo0', a6, [[10, 14]], 2);
  const c7 = b.conv('c7', a5, randomConv(rng, 4, 8, [1, 1]));
  const a7 = b.activation('a7', c7, 'logistic');
  const up = b.upsample('up', a7, 2);
  const route2 = b.concat('route2', [up, sum]);
  const c8 = b.conv('c8', route2, { ...randomConv(rng, 6, 10, [3, 3]), pads: 1 });
  const a8 = b.activation('a8', c8, 'leaky', 0.1);
  const c9 = b.conv('c9', a8, randomConv(rng, 7, 6, [1, 1]));
  b.yolo('yolo1', c9, [[5, 7]], 2);
  return b.build({ inputSize: [16, 16], source: 'test' });
}
