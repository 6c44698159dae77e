/**
 * What a .weights file can get wrong beyond its size: values that are not finite (a corrupt
 * file, or one saved from a diverged training run), batch norm that overflows float32 when
 * folded, and a header version darknet never wrote. Errors name the weights file, the layer
 * and its line in the cfg.
 */
import { GRAPH_LIMITS } from '../../graph/limits.js';
import { nonFiniteText } from '../../graph/validate.js';
import type { DarknetConvShape } from './layer-channels.js';
import { convStoredFloats } from './layer-channels.js';
import type { DarknetConvParams } from './types.js';
import type { DarknetWeightsHeader } from './weights-file.js';

export interface WeightsNames {
  weightsName: string;
  cfgName: string;
}

const layerText = ({ layer }: DarknetConvShape, cfgName: string) => `layer 'conv_${layer.index}' ([convolutional] at ${cfgName}:${layer.line})`;

/**
 * Refuse a cfg whose convs would hold more than `limit` floats (GRAPH_LIMITS.parameters, or
 * seededParameters when the weights are to be made up), before any weights are allocated or
 * read; names the conv where the total passes the limit.
 */
export function checkParameterBudget(convs: DarknetConvShape[], cfgName: string, seeded = false): void {
  const limit = seeded ? GRAPH_LIMITS.seededParameters : GRAPH_LIMITS.parameters;
  let total = 0;
  for (const conv of convs) {
    total += convStoredFloats(conv);
    if (!(total <= limit)) {
      const { layer, channels } = conv;
      const allowed = seeded ? `the ${limit} allowed for seeded (untrained) weights; give the model's .weights` : `the ${limit} allowed`;
      throw new Error(
        `${cfgName}:${layer.line}: [convolutional] layer ${layer.index}: the model needs ${total} parameters up to here (filters=${layer.filters}, size=${layer.size}, ${channels} input channels), more than ${allowed}`,
      );
    }
  }
}

/** Every stored value of every conv finite, in file order; the error names the first bad array. */
export function checkFiniteParams(params: DarknetConvParams[], convs: DarknetConvShape[], names: WeightsNames): void {
  params.forEach((p, k) => {
    const arrays: Array<[string, Float32Array | undefined]> = [
      ['biases', p.biases],
      ['batch norm scales', p.batchNorm?.scales],
      ['batch norm means', p.batchNorm?.rollingMean],
      ['batch norm variances', p.batchNorm?.rollingVariance],
      ['weights', p.weights],
    ];
    for (const [what, values] of arrays) {
      const problem = values && nonFiniteText(values);
      if (problem) {
        throw new Error(`${names.weightsName}: ${layerText(convs[k], names.cfgName)}: ${what}: ${problem}; the file is corrupt or was saved from a diverged training run`);
      }
    }
  });
}

/** Folded weights and biases must still be finite: a tiny variance with a large scale overflows float32. */
export function checkFiniteFolded(folded: { weights: Float32Array; bias: Float32Array }, conv: DarknetConvShape, names: WeightsNames): void {
  for (const [what, values] of [['weights', folded.weights], ['biases', folded.bias]] as const) {
    const problem = nonFiniteText(values);
    if (problem) {
      throw new Error(`${names.weightsName}: ${layerText(conv, names.cfgName)}: folding batch norm into the ${what} overflows float32 (${problem}): a batch norm scale is too large for its variance`);
    }
  }
}

/** A warning for a header version darknet does not write (it writes 0.2), saying how `seen` was read. */
export function weightsVersionWarning(header: DarknetWeightsHeader, weightsName: string): string | undefined {
  const { major, minor, revision, seen, byteLength } = header;
  if (major === 0 && minor === 2) return undefined;
  const bits = byteLength === 20 ? 64 : 32;
  return (
    `${weightsName}: unknown darknet weights version ${major}.${minor}.${revision} (darknet writes 0.2.x); ` +
    `'seen' was read as a ${bits}-bit count (${seen}), as darknet reads version ${major}.${minor}, so the floats start at byte ${byteLength}`
  );
}
