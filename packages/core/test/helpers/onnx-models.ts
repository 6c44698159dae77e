/** Models the ONNX tests share: darknet cfgs with seeded weights and a small graph with every layer kind. */
import { readFileSync } from 'node:fs';
import { GraphBuilder } from '../../src/graph/builder.js';
import type { Graph } from '../../src/graph/types.js';
import { loadDarknet } from '../../src/loaders/darknet/load.js';
import { mulberry32 } from './onnx-random.js';

const fixture = (p: string) => new URL(`../../../../fixtures/${p}`, import.meta.url).pathname;

export function yolov3Tiny(): Graph {
  return loadDarknet({ cfg: readFileSync(fixture('darknet/yolov3-tiny.cfg'), 'utf8'), cfgName: 'yolov3-tiny.cfg', seed: 7 }).graph;
}

/** The real yolov3.cfg with every body conv's filters divided by 8 (heads keep 255) at 64x64. */
export function narrowYolov3(): Graph {
  const text = readFileSync(fixture('darknet/yolov3.cfg'), 'utf8')
    .replace(/^filters\s*=\s*(\d+)/gm, (line, n: string) => (n === '255' ? line : `filters=${Number(n) / 8}`))
    .replace(/^width\s*=.*$/m, 'width=64')
    .replace(/^height\s*=.*$/m, 'height=64');
  return loadDarknet({ cfg: text, cfgName: 'yolov3-narrow.cfg', seed: 3 }).graph;
}

function randomConv(b: GraphBuilder, rand: () => number, name: string, input: number, channels: number, filters: number, kernel: [number, number], stride: number, pads: { top: number; left: number; bottom: number; right: number }): number {
  const weights = Float32Array.from({ length: filters * channels * kernel[0] * kernel[1] }, () => (rand() - 0.5) * 0.6);
  const bias = Float32Array.from({ length: filters }, () => (rand() - 0.5) * 0.2);
  return b.conv(name, input, { filters, channels, kernel, stride, pads, weights, bias });
}

/**
 * Every layer kind: asymmetric pads (keras-style downsampling), maxpool stride 1 and 2,
 * upsample, concat, a 3-input add, leaky/relu/logistic/linear activations, two heads.
 */
export function everyKindGraph(): Graph {
  const rand = mulberry32(11);
  const b = new GraphBuilder(3, 'image');
  const c1 = randomConv(b, rand, 'conv1', 0, 3, 6, [3, 3], 1, { top: 1, left: 1, bottom: 1, right: 1 });
  const a1 = b.activation('leaky1', c1, 'leaky', 0.1);
  const c2 = randomConv(b, rand, 'conv2_down', a1, 6, 8, [3, 3], 2, { top: 1, left: 1, bottom: 0, right: 0 });
  const a2 = b.activation('relu2', c2, 'relu');
  const p1 = b.maxpool('pool_s2', a2, 2, 2);
  const c3 = randomConv(b, rand, 'conv3', p1, 8, 8, [1, 3], 1, { top: 0, left: 2, bottom: 0, right: 0 });
  const a3 = b.activation('logistic3', c3, 'logistic');
  const p2 = b.maxpool('pool_s1', a3, 2, 1);
  const c4 = randomConv(b, rand, 'conv4', p2, 8, 8, [3, 3], 2, { top: 1, left: 1, bottom: 1, right: 1 });
  const a4 = b.activation('leaky4', c4, 'leaky', 0.2);
  const lin = b.activation('linear4', a4, 'linear');
  const sum = b.addNode('sum3', [a4, lin, a4]);
  const h1 = randomConv(b, rand, 'head_conv1', sum, 8, 2 * 7, [1, 1], 1, { top: 0, left: 0, bottom: 0, right: 0 });
  b.yolo('yolo_small', h1, [[10, 14], [23, 27]], 2);
  const up = b.upsample('up', sum, 2);
  const cat = b.concat('cat', [up, a3]);
  const h2 = randomConv(b, rand, 'head_conv2', cat, 16, 2 * 7, [1, 1], 1, { top: 0, left: 0, bottom: 0, right: 0 });
  b.yolo('yolo_large', h2, [[37, 58], [81, 82]], 2, 1.05);
  return b.build({ inputSize: [32, 32], classNames: ['cat', 'dog'], source: 'test' });
}
