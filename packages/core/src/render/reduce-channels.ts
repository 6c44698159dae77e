import type { TensorData } from '../runtime/types.js';
import type { ChannelReduction } from './types.js';

/** [H, W, C] (or [1, H, W, C]) of a map, with one clear error for anything else. */
export function mapDims(map: TensorData, where: string): { height: number; width: number; channels: number } {
  const dims = map.dims.length === 4 && map.dims[0] === 1 ? map.dims.slice(1) : map.dims;
  if (dims.length !== 3) throw new Error(`${where}: expected a map of dims [H, W, C] or [1, H, W, C], got [${map.dims.join(', ')}]`);
  const [height, width, channels] = dims;
  if (map.data.length !== height * width * channels) {
    throw new Error(`${where}: map has ${map.data.length} values, dims [${map.dims.join(', ')}] need ${height * width * channels}`);
  }
  return { height, width, channels };
}

/**
 * One value per pixel from a [H, W, C] attribution: the largest magnitude over channels
 * ('abs-max') or the sum of magnitudes ('abs-sum'). Returns [H*W], row-major.
 */
export function reduceChannels(map: TensorData, how: ChannelReduction = 'abs-max'): Float32Array {
  const { height, width, channels } = mapDims(map, 'reduceChannels');
  const { data } = map;
  const out = new Float32Array(height * width);
  for (let p = 0; p < out.length; p++) {
    const base = p * channels;
    let acc = 0;
    if (how === 'abs-max') {
      // Math.max propagates NaN: a broken value stays NaN for normalizeForDisplay to handle.
      for (let c = 0; c < channels; c++) acc = Math.max(acc, Math.abs(data[base + c]));
    } else if (how === 'abs-sum') {
      for (let c = 0; c < channels; c++) acc += Math.abs(data[base + c]);
    } else {
      throw new Error(`reduceChannels: unknown reduction '${String(how)}' (expected 'abs-max' or 'abs-sum')`);
    }
    out[p] = acc;
  }
  return out;
}
