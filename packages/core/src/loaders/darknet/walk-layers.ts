/** One value per darknet layer, computed in cfg order from earlier layers' values. */
import type { LayerLookup } from './sections/section.js';
import type { DarknetCfg, DarknetLayer } from './types.js';

/** `input` is the value before layer 0 (the cfg's input). */
export function walkLayers<T>(cfg: DarknetCfg, step: (layer: DarknetLayer, earlier: LayerLookup<T>) => T, input: T): T[] {
  const out: T[] = [];
  for (const layer of cfg.layers) {
    const i = layer.index;
    out.push(step(layer, { previous: () => (i === 0 ? input : out[i - 1]), of: (j) => out[j] }));
  }
  return out;
}
