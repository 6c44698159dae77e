/**
 * Test helper: write a darknet .weights file for a cfg, in darknet's real byte layout, from a
 * seed. Batch-normalised layers get plausible scales, betas, means and positive variances.
 *
 * The values are chosen so that, once folded, the network is the loader's well-scaled seeded
 * network for the same seed (up to float rounding): forward passes through a written yolov3
 * stay O(1), while the stored numbers still exercise batch-norm folding for real.
 */
import { convStoredFloats, darknetConvShapes, darknetLayerChannels, DARKNET_BN_EPSILON, parseDarknetCfg, seenIs64Bit } from '../../src/loaders/darknet/index.js';
import { Mulberry32 } from '../../src/loaders/darknet/prng.js';
import { seededConvWeights } from '../../src/loaders/darknet/seeded-weights.js';

/** The raw values stored for one conv layer (views into the written bytes). */
export interface WrittenConvLayer {
  /** Darknet layer index. */
  layerIndex: number;
  filters: number;
  channels: number;
  size: number;
  /** Plain bias, or batch norm's beta. */
  biases: Float32Array;
  scales?: Float32Array;
  rollingMean?: Float32Array;
  rollingVariance?: Float32Array;
  weights: Float32Array;
}

export interface WrittenDarknetWeights {
  bytes: Uint8Array;
  header: { major: number; minor: number; revision: number; seen: number; byteLength: number };
  layers: WrittenConvLayer[];
}

export interface WriteDarknetWeightsOptions {
  seed?: number;
  /** [major, minor, revision]; [0, 2, 0] (64-bit seen) by default, [0, 1, 0] for 32-bit seen. */
  version?: [number, number, number];
  seen?: number;
  cfgName?: string;
}

export function writeDarknetWeights(cfgText: string, o: WriteDarknetWeightsOptions = {}): WrittenDarknetWeights {
  const seed = o.seed ?? 1;
  const [major, minor, revision] = o.version ?? [0, 2, 0];
  const seen = o.seen ?? 32_013_312;
  const cfg = parseDarknetCfg(cfgText, o.cfgName ?? 'test.cfg');
  const convs = darknetConvShapes(cfg);
  const target = seededConvWeights(cfg, convs, darknetLayerChannels(cfg), seed);

  const wide = seenIs64Bit(major, minor);
  const headerBytes = wide ? 20 : 16;
  const floats = convs.reduce((sum, conv) => sum + convStoredFloats(conv), 0);
  const buffer = new ArrayBuffer(headerBytes + floats * 4);
  const view = new DataView(buffer);
  view.setInt32(0, major, true);
  view.setInt32(4, minor, true);
  view.setInt32(8, revision, true);
  view.setUint32(12, seen % 2 ** 32, true);
  if (wide) view.setUint32(16, Math.floor(seen / 2 ** 32), true);
  const body = new Float32Array(buffer, headerBytes, floats);

  const random = new Mulberry32(seed ^ 0x5eed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * random.next();
  let offset = 0;
  const take = (n: number) => body.subarray(offset, (offset += n));

  const layers = convs.map(({ layer, channels }, k): WrittenConvLayer => {
    const n = layer.filters;
    const { weights: foldedWeights, bias: foldedBias } = target[k];
    const biases = take(n);
    const base = { layerIndex: layer.index, filters: n, channels, size: layer.size };
    if (!layer.batchNormalize) {
      biases.set(foldedBias);
      const weights = take(foldedWeights.length);
      weights.set(foldedWeights);
      return { ...base, biases, weights };
    }
    const scales = take(n);
    const rollingMean = take(n);
    const rollingVariance = take(n);
    const factors = new Float64Array(n);
    for (let f = 0; f < n; f++) {
      scales[f] = uniform(0.5, 1.5);
      rollingMean[f] = uniform(-0.5, 0.5);
      rollingVariance[f] = uniform(0.25, 4);
      factors[f] = scales[f] / (Math.sqrt(rollingVariance[f]) + DARKNET_BN_EPSILON);
      // Choose beta so that the folded bias is the target bias.
      biases[f] = foldedBias[f] + rollingMean[f] * factors[f];
    }
    const weights = take(foldedWeights.length);
    const perFilter = foldedWeights.length / n;
    for (let f = 0; f < n; f++) {
      for (let i = f * perFilter; i < (f + 1) * perFilter; i++) weights[i] = foldedWeights[i] / factors[f];
    }
    return { ...base, biases, scales, rollingMean, rollingVariance, weights };
  });
  return { bytes: new Uint8Array(buffer), header: { major, minor, revision, seen, byteLength: headerBytes }, layers };
}
