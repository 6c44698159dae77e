/**
 * Deterministic untrained weights for a cfg, used until a trained .weights file is given.
 *
 * He-style, BN-free: each conv's uniform weights are scaled so that its pre-activation
 * output has unit second moment, E[y^2] = fanIn * E[w^2] * E[x^2] = 1, where E[x^2] of its
 * input is estimated by tracking moments through the cfg (exact in expectation over
 * zero-mean weights, whatever the input's mean). A fixed He gain would let yolov3's 23
 * residual sums grow the signal ~2^11-fold; with the tracked estimate every conv output
 * stays O(1) over all 75 convs (test/darknet-seeded.test.ts measures it).
 */
import type { ActivationKind } from '../../graph/types.js';
import type { DarknetConvShape } from './layer-channels.js';
import { Mulberry32 } from './prng.js';
import type { DarknetCfg } from './types.js';

/** Moments of a [0,1] image (uniform pixels). */
const INPUT_MOMENTS: Moments = { mean: 0.5, square: 1 / 3 };

/** Half-width of the seeded biases: small, so outputs are not exactly odd functions of the input. */
const BIAS_LIMIT = 0.05;

/** E[x] and E[x^2] of a signal, as tracked through the cfg. */
interface Moments {
  mean: number;
  square: number;
}

/** act(y) for y ~ N(0, 1): its mean and second moment (logistic's from numeric integration). */
function activationMoments(activation: ActivationKind, alpha = 0.1): Moments {
  const halfNormalMean = 1 / Math.sqrt(2 * Math.PI);
  switch (activation) {
    case 'leaky':
      return { mean: (1 - alpha) * halfNormalMean, square: (1 + alpha * alpha) / 2 };
    case 'relu':
      return { mean: halfNormalMean, square: 0.5 };
    case 'logistic':
      return { mean: 0.5, square: 0.293 };
    case 'linear':
      return { mean: 0, square: 1 };
  }
}

/**
 * Moments at the output of every darknet layer, with seeded convs producing zero-mean,
 * unit pre-activations. The means matter at shortcuts: both the skip and the branch come out
 * of leaky units with positive means, so their sum's second moment has a 2*E[a]*E[b] term,
 * and ignoring it lets yolov3's trunk outgrow its estimate by an order of magnitude.
 */
function layerMoments(cfg: DarknetCfg, channels: number[]): Moments[] {
  const out: Moments[] = [];
  const previous = (i: number) => (i === 0 ? INPUT_MOMENTS : out[i - 1]);
  for (const layer of cfg.layers) {
    const i = layer.index;
    switch (layer.type) {
      case 'convolutional': {
        const act = activationMoments(layer.activation);
        out.push({ mean: act.mean, square: act.square + (BIAS_LIMIT * BIAS_LIMIT) / 3 });
        break;
      }
      case 'shortcut': {
        const [a, b] = [previous(i), out[layer.from]];
        const sum = { mean: a.mean + b.mean, square: a.square + b.square + 2 * a.mean * b.mean };
        // Rough for a non-linear shortcut (its input is not zero-mean), exact for darknet's usual linear one.
        const act = activationMoments(layer.activation);
        out.push(layer.activation === 'linear' ? sum : { mean: sum.mean, square: sum.square * act.square });
        break;
      }
      case 'route': {
        const total = layer.layers.reduce((n, j) => n + channels[j], 0);
        const average = (pick: (m: Moments) => number) => layer.layers.reduce((s, j) => s + pick(out[j]) * channels[j], 0) / total;
        out.push({ mean: average((m) => m.mean), square: average((m) => m.square) });
        break;
      }
      default:
        // Max pooling raises the moments somewhat; the next conv's estimate absorbs it.
        out.push(previous(i));
    }
  }
  return out;
}

export function seededConvWeights(
  cfg: DarknetCfg,
  convs: DarknetConvShape[],
  channels: number[],
  seed: number,
): Array<{ weights: Float32Array; bias: Float32Array }> {
  const moments = layerMoments(cfg, channels);
  const random = new Mulberry32(seed);
  return convs.map(({ layer, channels: c }) => {
    const fanIn = c * layer.size * layer.size;
    const inputMoment = (layer.index === 0 ? INPUT_MOMENTS : moments[layer.index - 1]).square;
    // Uniform on [-a, a] has E[w^2] = a^2/3; choose a so that fanIn * E[w^2] * E[x^2] = 1.
    const limit = Math.sqrt(3 / (fanIn * inputMoment));
    const weights = random.fillUniform(new Float32Array(layer.filters * fanIn), limit);
    const bias = random.fillUniform(new Float32Array(layer.filters), BIAS_LIMIT);
    return { weights, bias };
  });
}
