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
import type { DarknetConvShape } from './layer-channels.js';
import { BIAS_LIMIT, INPUT_MOMENTS, type Moments } from './moments.js';
import { Mulberry32 } from './prng.js';
import { sectionOf } from './sections/index.js';
import type { DarknetCfg } from './types.js';
import { walkLayers } from './walk-layers.js';

/** Moments at the output of every darknet layer, with seeded convs producing zero-mean, unit pre-activations. */
function layerMoments(cfg: DarknetCfg, channels: number[]): Moments[] {
  return walkLayers(
    cfg,
    (layer, moments) => {
      const channelsOf = { previous: () => (layer.index === 0 ? cfg.channels : channels[layer.index - 1]), of: (j: number) => channels[j] };
      return sectionOf(layer).moments(layer, moments, channelsOf);
    },
    INPUT_MOMENTS,
  );
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
    const fanIn = (c / layer.groups) * layer.size * layer.size;
    const inputMoment = (layer.index === 0 ? INPUT_MOMENTS : moments[layer.index - 1]).square;
    // Uniform on [-a, a] has E[w^2] = a^2/3; choose a so that fanIn * E[w^2] * E[x^2] = 1.
    const limit = Math.sqrt(3 / (fanIn * inputMoment));
    const weights = random.fillUniform(new Float32Array(layer.filters * fanIn), limit);
    const bias = random.fillUniform(new Float32Array(layer.filters), BIAS_LIMIT);
    return { weights, bias };
  });
}
