/** [route]: the channel concatenation of earlier layers (one layer: an alias, no node). */
import type { DarknetRouteLayer } from '../types.js';
import type { DarknetSection } from './section.js';

export const routeSection: DarknetSection<DarknetRouteLayer> = {
  names: ['route'],
  parse(r, base) {
    r.requireDefault('groups', 1, 'grouped routes');
    const layers = r.numberList('layers', true).map((v) => r.layerRef(v, base.index, 'layers'));
    return { ...base, type: 'route', layers };
  },
  channels: (layer, channels) => layer.layers.reduce((sum, j) => sum + channels.of(j), 0),
  moments(layer, moments, channels) {
    const total = layer.layers.reduce((n, j) => n + channels.of(j), 0);
    const average = (pick: (m: { mean: number; square: number }) => number) => layer.layers.reduce((s, j) => s + pick(moments.of(j)) * channels.of(j), 0) / total;
    return { mean: average((m) => m.mean), square: average((m) => m.square) };
  },
  build(layer, ctx) {
    const sources = layer.layers.map((j) => ctx.output(j));
    // A single-layer route is an identity: point at its source instead of adding a node.
    return sources.length === 1 ? sources[0] : ctx.builder.concat(`route_${layer.index}`, sources);
  },
};
