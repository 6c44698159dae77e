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

/** A level's block in the YOLOv4-family generator. */
export type V4Block = 'depthwise' | 'csp' | 'grouped';
/** A level's downsampling in the YOLOv4-family generator. */
export type V4Downsample = 'conv-darknet' | 'conv-keras' | 'depthwise-s2' | 'pool-darknet';

export interface RandomYoloV4Case {
  seed: number;
  graph: Graph;
  size: number;
  downsamples: V4Downsample[];
  blocks: V4Block[];
  /** Depthwise multipliers used (1, 2). */
  multipliers: number[];
  /** Group counts of the grouped convs (depthwise ones excluded). */
  groups: number[];
  summary: string;
}

/**
 * Seeded random graphs of the YOLOv4 family's blocks (Yolo-Fastest, yolov4-tiny's CSP):
 * mish and swish (with leaky, relu, logistic), a stem conv, 2 or 3 levels each downsampled by a
 * darknet or keras-yolo3 stride-2 conv, a stride-2 depthwise conv (multiplier 1 or 2) or a
 * maxpool, then a block:
 *  - 'depthwise': Yolo-Fastest's bottleneck, 1x1 expand, 3x3 depthwise (multiplier 1 or 2, the
 *    keras or darknet padding), 1x1 linear projection, and a shortcut when the widths agree;
 *  - 'csp': yolov4-tiny's channel-split route: a 3x3 conv, its second half (a slice) through
 *    two 3x3 convs concatenated, a 1x1 conv, concatenated with the first conv;
 *  - 'grouped': a 3x3 conv with 2 or 4 groups (asymmetric pads sometimes), then a 1x1 conv.
 * Two yolo heads: the deepest level, and one a level up through a 1x1 conv, a 2x upsample and
 * a route that concatenates a channel slice of the skip feature.
 */
export function randomYoloV4Case(seed: number, options: { maxSize?: number } = {}): RandomYoloV4Case {
  const rng = createSeededRandom(seed);
  const maxSize = options.maxSize ?? 64;
  const width = pick(rng, [4, 8]);
  const levels = pick(rng, [2, 3]);
  const stride = 2 ** levels;
  const deepest = pick(rng, [2, 3, 4, 5, 6, 7, 8].filter((f) => f * stride <= maxSize && f * stride >= 16));
  const size = deepest * stride;
  const classes = pick(rng, [1, 2]);
  const anchors = pick(rng, [1, 2]);
  const headChannels = anchors * (5 + classes);
  const downsamples: V4Downsample[] = [];
  const blocks: V4Block[] = [];
  const multipliers: number[] = [];
  const groupCounts: number[] = [];

  const b = new GraphBuilder(3);
  let layer = 0;
  const name = (kind: string) => `${kind}_${layer++}`;
  const act = (input: number, kind?: ActivationKind): number => {
    const k = kind ?? pick(rng, ['mish', 'mish', 'swish', 'swish', 'leaky', 'relu', 'logistic'] as const);
    return b.activation(name(k), input, k, 0.1);
  };
  const conv = (input: number, channels: number, filters: number, kernel: number, o: { stride?: number; pads?: Pads | number; groups?: number } = {}) => {
    const groups = o.groups ?? 1;
    const fanIn = (channels / groups) * kernel * kernel;
    const scale = Math.sqrt(2 / fanIn);
    const weights = Float32Array.from({ length: filters * fanIn }, () => rng.normal() * scale);
    const bias = Float32Array.from({ length: filters }, () => rng.normal() * 0.1);
    return b.conv(name(groups === 1 ? 'conv' : groups === channels ? 'dwconv' : 'gconv'), input, {
      filters, channels, kernel, stride: o.stride ?? 1, pads: o.pads ?? Math.floor(kernel / 2), groups, weights, bias,
    });
  };
  const depthwise = (input: number, channels: number, o: { stride?: number; pads?: Pads | number } = {}) => {
    const multiplier = pick(rng, [1, 2]);
    multipliers.push(multiplier);
    return [act(conv(input, channels, channels * multiplier, 3, { ...o, groups: channels })), channels * multiplier] as const;
  };

  let x = act(conv(0, 3, width, 3));
  let channels = width;
  const features: Array<[number, number]> = [[x, channels]];
  for (let level = 0; level < levels; level++) {
    const kind = pick(rng, ['conv-darknet', 'conv-keras', 'depthwise-s2', 'pool-darknet'] as const);
    downsamples.push(kind);
    switch (kind) {
      case 'conv-darknet':
        x = act(conv(x, channels, channels, 3, { stride: 2, pads: 1 }));
        break;
      case 'conv-keras':
        x = act(conv(x, channels, channels, 3, { stride: 2, pads: pads(1, 1, 0, 0) }));
        break;
      case 'depthwise-s2':
        [x, channels] = depthwise(x, channels, { stride: 2, pads: pick(rng, [1, pads(1, 1, 0, 0)]) });
        break;
      case 'pool-darknet':
        x = b.maxpool(name('maxpool'), x, 2, 2);
        break;
    }
    const out = Math.min(width * 2 ** (level + 1), 16);
    const block = pick(rng, ['depthwise', 'csp', 'grouped'] as const);
    blocks.push(block);
    switch (block) {
      case 'depthwise': {
        const expand = act(conv(x, channels, out, 1));
        const [dw, dwChannels] = depthwise(expand, out);
        const project = act(conv(dw, dwChannels, out, 1), 'linear');
        x = out === channels && rng.uniform() < 0.7 ? b.addNode(name('shortcut'), [x, project]) : project;
        break;
      }
      case 'csp': {
        const first = act(conv(x, channels, out, 3));
        const half = b.slice(name('route_split'), first, out / 2, out / 2);
        const c1 = act(conv(half, out / 2, out / 2, 3));
        const c2 = act(conv(c1, out / 2, out / 2, 3));
        const joined = act(conv(b.concat(name('route'), [c2, c1]), out, out, 1));
        x = b.concat(name('route'), [first, joined]);
        x = act(conv(x, 2 * out, out, 1));
        break;
      }
      case 'grouped': {
        const groups = pick(rng, [2, 4].filter((g) => channels % g === 0 && out % g === 0));
        groupCounts.push(groups);
        const g = act(conv(x, channels, out, 3, { groups, pads: pick(rng, [1, pads(0, 1, 2, 1)]) }));
        x = act(conv(g, out, out, 1));
        break;
      }
    }
    channels = out;
    features.push([x, channels]);
  }

  const deep = act(conv(x, channels, channels, 3));
  b.yolo(name('yolo'), conv(deep, channels, headChannels, 1), [[10, 14], [23, 27]].slice(0, anchors) as Array<[number, number]>, classes);
  const [skip, skipChannels] = features[features.length - 2];
  const squeeze = act(conv(deep, channels, Math.max(2, channels >> 1), 1));
  const up = b.upsample(name('upsample'), squeeze, 2);
  // A channel slice of the skip feature (its second half) joins the route.
  const part = b.slice(name('route_split'), skip, skipChannels >> 1, skipChannels - (skipChannels >> 1));
  const route = b.concat(name('route'), [up, part]);
  const routeChannels = Math.max(2, channels >> 1) + skipChannels - (skipChannels >> 1);
  const mid = act(conv(route, routeChannels, skipChannels, 3));
  b.yolo(name('yolo'), conv(mid, skipChannels, headChannels, 1), [[5, 7], [12, 9]].slice(0, anchors) as Array<[number, number]>, classes);

  const graph = b.build({ inputSize: [size, size], source: 'test' });
  const summary = `seed ${seed}: ${size}px, width ${width}, ${downsamples.map((d, i) => `${d}/${blocks[i]}`).join(' + ')}, multipliers [${multipliers.join(',')}], groups [${groupCounts.join(',')}], ${anchors}x(5+${classes})`;
  return { seed, graph, size, downsamples, blocks, multipliers, groups: groupCounts, summary };
}
