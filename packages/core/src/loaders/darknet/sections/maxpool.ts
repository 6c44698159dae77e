/** [maxpool]: darknet pads with size-1 by default; padded pixels never win. */
import { darknetMaxPoolPads } from '../../../graph/window.js';
import type { DarknetMaxPoolLayer } from '../types.js';
import type { DarknetSection } from './section.js';

export const maxpoolSection: DarknetSection<DarknetMaxPoolLayer> = {
  names: ['maxpool', 'max'],
  parse(r, base) {
    const stride = r.positiveInt('stride', 1);
    const size = r.positiveInt('size', stride);
    const padding = r.int('padding', size - 1);
    if (padding < 0) r.fail(`'padding=${padding}' must not be negative`, 'padding');
    if (r.has('stride_x') || r.has('stride_y')) r.fail(`'stride_x'/'stride_y' are not supported (use 'stride')`);
    r.requireDefault('maxpool_depth', 0, 'depth-wise max pooling');
    return { ...base, type: 'maxpool', size, stride, padding };
  },
  channels: (_layer, channels) => channels.previous(),
  // Max pooling raises the moments somewhat; the next conv's estimate absorbs it.
  moments: (_layer, moments) => moments.previous(),
  build: (layer, ctx) =>
    ctx.builder.maxpool(`maxpool_${layer.index}`, ctx.previous(), layer.size, layer.stride, darknetMaxPoolPads(layer.size, layer.padding)),
  describe: (layer) => `max ${layer.size}x${layer.size}/${layer.stride}`,
};
