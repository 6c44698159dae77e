/** [upsample]: nearest neighbour by an integer factor (`stride`); a factor of 1 adds no node. */
import type { DarknetUpsampleLayer } from '../types.js';
import type { DarknetSection } from './section.js';

export const upsampleSection: DarknetSection<DarknetUpsampleLayer> = {
  names: ['upsample'],
  parse(r, base) {
    const stride = r.int('stride', 2);
    if (stride <= 0) r.fail(`'stride=${stride}' is not supported (only positive upsampling factors)`, 'stride');
    r.requireDefault('scale', 1, 'scaled upsampling');
    return { ...base, type: 'upsample', stride };
  },
  channels: (_layer, channels) => channels.previous(),
  moments: (_layer, moments) => moments.previous(),
  build: (layer, ctx) => (layer.stride === 1 ? ctx.previous() : ctx.builder.upsample(`upsample_${layer.index}`, ctx.previous(), layer.stride)),
  describe: (layer) => `upsample x${layer.stride}`,
};
