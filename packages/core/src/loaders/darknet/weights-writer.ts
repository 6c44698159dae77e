/**
 * Write a darknet .weights file (version 0.2.0: 64-bit `seen`), the inverse of
 * readDarknetWeights: what a trainer saves so darknet, our loader and `convert` can read it.
 */
import { convStoredFloats, type DarknetConvShape } from './layer-channels.js';
import type { DarknetConvParams } from './types.js';

function checkLength(what: string, array: Float32Array, expected: number, layerIndex: number): void {
  if (array.length !== expected) throw new Error(`encodeDarknetWeights: conv layer ${layerIndex}: ${what} has ${array.length} floats, expected ${expected}`);
}

export function encodeDarknetWeights(convs: DarknetConvShape[], params: DarknetConvParams[], seen = 0): Uint8Array {
  if (params.length !== convs.length) throw new Error(`encodeDarknetWeights: ${params.length} parameter sets for ${convs.length} conv layers`);
  const floats = convs.reduce((sum, c) => sum + convStoredFloats(c), 0);
  const headerBytes = 20;
  const bytes = new Uint8Array(headerBytes + floats * 4);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, 0, true);
  view.setInt32(4, 2, true);
  view.setInt32(8, 0, true);
  view.setUint32(12, seen % 2 ** 32, true);
  view.setUint32(16, Math.floor(seen / 2 ** 32), true);
  let offset = headerBytes;
  const put = (array: Float32Array) => {
    for (let k = 0; k < array.length; k++, offset += 4) view.setFloat32(offset, array[k], true);
  };
  convs.forEach(({ layer, channels }, k) => {
    const p = params[k];
    const n = layer.filters;
    checkLength('biases', p.biases, n, layer.index);
    checkLength('weights', p.weights, n * (channels / layer.groups) * layer.size * layer.size, layer.index);
    put(p.biases);
    if (layer.batchNormalize) {
      if (!p.batchNorm) throw new Error(`encodeDarknetWeights: conv layer ${layer.index} has batch_normalize=1 but no batch norm parameters`);
      checkLength('scales', p.batchNorm.scales, n, layer.index);
      checkLength('rolling mean', p.batchNorm.rollingMean, n, layer.index);
      checkLength('rolling variance', p.batchNorm.rollingVariance, n, layer.index);
      put(p.batchNorm.scales);
      put(p.batchNorm.rollingMean);
      put(p.batchNorm.rollingVariance);
    } else if (p.batchNorm) {
      throw new Error(`encodeDarknetWeights: conv layer ${layer.index} has no batch norm in the cfg but batch norm parameters were given`);
    }
    put(p.weights);
  });
  return bytes;
}
