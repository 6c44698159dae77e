import type { TensorData } from '../runtime/types.js';
import { applyColormap } from './colormap.js';
import { normalizeForDisplay } from './normalize.js';
import { mapDims, reduceChannels } from './reduce-channels.js';
import type { ChannelReduction, Colormap, Image8 } from './types.js';

export interface RenderSaliencyOptions {
  /** How channels become one value per pixel; default 'abs-max'. */
  reduce?: ChannelReduction;
  /** Clip percentile; default 99. */
  percentile?: number;
  /** Default 'jet'. */
  colormap?: Colormap;
}

/**
 * The common display path in one call: a [H, W, C] (or [1, H, W, C]) saliency map →
 * channel reduction → percentile clip and scaling to [0, 1] → colormap. Returns RGBA at
 * the map's size (the network input size; see unletterboxMap to go back to the photo).
 */
export function renderSaliency(map: TensorData, options: RenderSaliencyOptions = {}): Image8 {
  const { reduce = 'abs-max', percentile = 99, colormap = 'jet' } = options;
  const { width, height } = mapDims(map, 'renderSaliency');
  const values = normalizeForDisplay(reduceChannels(map, reduce), { percentile });
  return applyColormap(values, width, height, colormap);
}
