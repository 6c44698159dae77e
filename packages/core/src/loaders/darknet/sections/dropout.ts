/** [dropout]: the identity at inference (darknet scales only while training), so no IR node. */
import type { DarknetDropoutLayer } from '../types.js';
import type { DarknetSection } from './section.js';

export const dropoutSection: DarknetSection<DarknetDropoutLayer> = {
  names: ['dropout'],
  parse: (_r, base) => ({ ...base, type: 'dropout' }),
  channels: (_layer, channels) => channels.previous(),
  moments: (_layer, moments) => moments.previous(),
  build: (_layer, ctx) => ctx.previous(),
  describe: () => 'dropout (identity at inference)',
};
