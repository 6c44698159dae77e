/**
 * Seeded random YOLO-style graphs for differential tests between runtimes: a backbone of
 * 3x3 convs with 2 to 4 downsamplings (darknet maxpool, Keras 'same' maxpool, darknet
 * symmetric-pad stride-2 conv, keras-yolo3 ZeroPadding2D(((1,0),(1,0))) stride-2 conv),
 * optional shortcut (add) blocks, optional stride-1 maxpools at the deepest level (2x2 with
 * pads 0,0,1,1 as darknet and Keras 'same' both pad it, 3x3 and 5x5 centred, an SPP-style
 * concat), leaky/relu/logistic activations, and two yolo heads: one at the deepest level and
 * one a level up through a 1x1 conv, a 2x upsample and a route (concat).
 *
 * The input size is the largest stride times a small factor, odd or even, so the deepest
 * feature maps (where the stride-1 pools run) have odd or even sizes as the case says.
 */
import { createSeededRandom, type ActivationKind, type Graph, type Pads, type SeededRandom } from '@yolo-saliency/core';
import { GraphBuilder } from '@yolo-saliency/core/graph';

export type Downsample = 'pool-darknet' | 'pool-keras' | 'conv-darknet' | 'conv-keras';
export type StridePool = 'none' | 'pool2' | 'pool3' | 'pool5' | 'spp';

export interface RandomYoloCase {
  seed: number;
  graph: Graph;
  /** Network input size (square). */
  size: number;
  /** Channels of the first conv; deeper convs have 2x per level (capped). */
  width: number;
  downsamples: Downsample[];
  stridePool: StridePool;
  shortcut: boolean;
  /** One line for test names and failure messages. */
  summary: string;
}

const pads = (top: number, left: number, bottom: number, right: number): Pads => ({ top, left, bottom, right });

function pick<T>(rng: SeededRandom, items: readonly T[]): T {
  return items[Math.floor(rng.uniform() * items.length)];
}

export interface RandomYoloOptions {
  /** Force the deepest feature size odd (true) or even (false); default: either. */
  oddDeepest?: boolean;
  /** Force a stride-1 pool kind at the deepest level. */
  stridePool?: StridePool;
  /** Largest input side allowed (default 96). */
  maxSize?: number;
}

export function randomYoloCase(seed: number, options: RandomYoloOptions = {}): RandomYoloCase {
  const rng = createSeededRandom(seed);
  const maxSize = options.maxSize ?? 96;
  const width = pick(rng, [2, 3, 4, 6]);
  const levels = pick(rng, [2, 3, 3, 4]);
  const downsamples = Array.from({ length: levels }, () => pick(rng, ['pool-darknet', 'pool-keras', 'conv-darknet', 'conv-keras'] as const));
  const stride = 2 ** levels;
  const odd = options.oddDeepest ?? rng.uniform() < 0.5;
  const factors = (odd ? [3, 5, 7, 9] : [2, 4, 6]).filter((f) => f * stride <= maxSize && f * stride >= 24);
  const deepest = factors.length ? pick(rng, factors) : odd ? 3 : 2;
  const size = deepest * stride;
  const stridePool = options.stridePool ?? pick(rng, ['none', 'pool2', 'pool2', 'pool3', 'pool5', 'spp'] as const);
  const shortcut = rng.uniform() < 0.5;
  const classes = pick(rng, [1, 2, 3]);
  const anchors = pick(rng, [1, 2]);
  const headChannels = anchors * (5 + classes);

  const b = new GraphBuilder(3);
  let layer = 0;
  const name = (kind: string) => `${kind}_${layer++}`;
  const act = (input: number, kind?: ActivationKind): number => {
    const k = kind ?? (rng.uniform() < 0.7 ? 'leaky' : pick(rng, ['relu', 'logistic'] as const));
    return b.activation(name(k), input, k, 0.1);
  };
  const conv = (input: number, channels: number, filters: number, kernel: number, convStride = 1, p: Pads | number = Math.floor(kernel / 2)) => {
    const fanIn = channels * kernel * kernel;
    const scale = Math.sqrt(2 / fanIn);
    const weights = Float32Array.from({ length: filters * fanIn }, () => rng.normal() * scale);
    const bias = Float32Array.from({ length: filters }, () => rng.normal() * 0.1);
    return b.conv(name('conv'), input, { filters, channels, kernel, stride: convStride, pads: p, weights, bias });
  };

  let x = act(conv(0, 3, width, 3));
  let channels = width;
  /** Feature after each level: [node, channels]. */
  const features: Array<[number, number]> = [[x, channels]];
  downsamples.forEach((kind, level) => {
    const out = Math.min(width * 2 ** (level + 1), 24);
    switch (kind) {
      case 'pool-darknet': // size 2 stride 2, darknet padding size-1 = 1: pads 0,0,1,1
        x = b.maxpool(name('maxpool'), x, 2, 2);
        break;
      case 'pool-keras': // MaxPooling2D(2, 2, 'same') on an even size: no pads
        x = b.maxpool(name('maxpool'), x, 2, 2, pads(0, 0, 0, 0));
        break;
      case 'conv-darknet':
        x = act(conv(x, channels, channels, 3, 2, 1));
        break;
      case 'conv-keras':
        x = act(conv(x, channels, channels, 3, 2, pads(1, 1, 0, 0)));
        break;
    }
    x = act(conv(x, channels, out, 3));
    channels = out;
    if (shortcut && level === levels - 1) {
      const a = act(conv(x, channels, Math.max(1, channels >> 1), 1));
      x = b.addNode(name('shortcut'), [x, act(conv(a, Math.max(1, channels >> 1), channels, 3))]);
    }
    features.push([x, channels]);
  });

  switch (stridePool) {
    case 'pool2': // tiny-yolo3's MaxPooling2D(2, 1, 'same') = darknet's size=2 stride=1
      x = b.maxpool(name('maxpool'), x, 2, 1);
      break;
    case 'pool3':
      x = b.maxpool(name('maxpool'), x, 3, 1);
      break;
    case 'pool5':
      x = b.maxpool(name('maxpool'), x, 5, 1, pads(2, 2, 2, 2));
      break;
    case 'spp': {
      const p3 = b.maxpool(name('maxpool'), x, 3, 1, pads(1, 1, 1, 1));
      const p5 = b.maxpool(name('maxpool'), x, 5, 1, pads(2, 2, 2, 2));
      x = b.concat(name('spp'), [p5, p3, x]);
      channels *= 3;
      break;
    }
    case 'none':
      break;
  }
  const deep = act(conv(x, channels, channels, 3));
  const head0 = conv(act(conv(deep, channels, channels, 3)), channels, headChannels, 1);
  const anchorList = (k: number) => Array.from({ length: anchors }, (_, a): [number, number] => [8 * (k + 1) * (a + 1), 10 * (k + 1) * (a + 1)]);
  b.yolo(name('yolo'), head0, anchorList(1), classes);

  const [skip, skipChannels] = features[features.length - 2];
  const squeeze = act(conv(deep, channels, Math.max(1, channels >> 1), 1));
  const up = b.upsample(name('upsample'), squeeze, 2);
  const route = b.concat(name('route'), [up, skip]);
  const routeChannels = Math.max(1, channels >> 1) + skipChannels;
  const mid = act(conv(route, routeChannels, skipChannels, 3));
  b.yolo(name('yolo'), conv(mid, skipChannels, headChannels, 1), anchorList(0), classes);

  const graph = b.build({ inputSize: [size, size], source: 'test' });
  const summary = `seed ${seed}: ${size}px (deepest ${deepest}x${deepest}), width ${width}, ${downsamples.join('+')}, stride-1 ${stridePool}${shortcut ? ', shortcut' : ''}, ${anchors}x(5+${classes})`;
  return { seed, graph, size, width, downsamples, stridePool, shortcut, summary };
}
