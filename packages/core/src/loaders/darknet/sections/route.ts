/** [route]: the channel concatenation of earlier layers (one layer: an alias, no node), or of their channel slices (groups, group_id). */
import type { DarknetRouteLayer } from '../types.js';
import type { DarknetSection } from './section.js';

export const routeSection: DarknetSection<DarknetRouteLayer> = {
  names: ['route'],
  parse(r, base) {
    const layers = r.numberList('layers', true).map((v) => r.layerRef(v, base.index, 'layers'));
    const groups = r.positiveInt('groups', 1);
    const groupId = r.int('group_id', 0);
    if (groupId < 0 || groupId >= groups) r.fail(`'group_id=${groupId}' must be in 0..${groups - 1} for groups=${groups}`, 'group_id');
    return { ...base, type: 'route', layers, groups, groupId };
  },
  channels(layer, channels, cfg) {
    for (const j of layer.layers) {
      if (channels.of(j) % layer.groups !== 0) {
        throw new Error(`${cfg.fileName}:${layer.line}: [route] layer ${layer.index}: groups=${layer.groups} does not divide the ${channels.of(j)} channels of layer ${j}`);
      }
    }
    return layer.layers.reduce((sum, j) => sum + channels.of(j) / layer.groups, 0);
  },
  moments(layer, moments, channels) {
    const total = layer.layers.reduce((n, j) => n + channels.of(j), 0);
    const average = (pick: (m: { mean: number; square: number }) => number) => layer.layers.reduce((s, j) => s + pick(moments.of(j)) * channels.of(j), 0) / total;
    return { mean: average((m) => m.mean), square: average((m) => m.square) };
  },
  build(layer, ctx) {
    const { groups, groupId } = layer;
    // With groups, each source contributes its slice groupId of `groups` equal channel slices.
    const sources = layer.layers.map((j, k) => {
      const source = ctx.output(j);
      if (groups === 1) return source;
      const count = ctx.channelsOf(j) / groups;
      const name = layer.layers.length === 1 ? `route_${layer.index}` : `route_${layer.index}_slice${k}`;
      return ctx.builder.slice(name, source, groupId * count, count);
    });
    // A single-layer route is an identity (or its slice): no concat node.
    return sources.length === 1 ? sources[0] : ctx.builder.concat(`route_${layer.index}`, sources);
  },
  describe: (layer) => `route ${layer.layers.join(' ')}${layer.groups > 1 ? ` (${layer.groupId + 1}/${layer.groups} of the channels)` : ''}`,
};
