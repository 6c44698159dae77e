/**
 * Output channels of every darknet layer, computed from the cfg alone: conv weight counts
 * (and so the .weights file size) depend on them, and they must be known before any
 * weights are read.
 */
import type { DarknetCfg, DarknetConvLayer } from './types.js';

export interface DarknetConvShape {
  layer: DarknetConvLayer;
  /** Input channels of the conv. */
  channels: number;
}

export function darknetLayerChannels(cfg: DarknetCfg): number[] {
  const out: number[] = [];
  const previous = (i: number) => (i === 0 ? cfg.channels : out[i - 1]);
  for (const layer of cfg.layers) {
    const i = layer.index;
    switch (layer.type) {
      case 'convolutional':
        out.push(layer.filters);
        break;
      case 'route':
        out.push(layer.layers.reduce((sum, j) => sum + out[j], 0));
        break;
      case 'shortcut':
        if (out[layer.from] !== previous(i)) {
          throw new Error(`${cfg.fileName}:${layer.line}: [shortcut] layer ${i}: adds layer ${layer.from} (${out[layer.from]} channels) to layer ${i - 1} (${previous(i)} channels)`);
        }
        out.push(previous(i));
        break;
      default:
        out.push(previous(i));
    }
  }
  return out;
}

/** The conv layers in cfg order (the order of the .weights file) with their input channels. */
export function darknetConvShapes(cfg: DarknetCfg): DarknetConvShape[] {
  const channels = darknetLayerChannels(cfg);
  return cfg.layers.flatMap((layer) =>
    layer.type === 'convolutional' ? [{ layer, channels: layer.index === 0 ? cfg.channels : channels[layer.index - 1] }] : [],
  );
}

/** Floats one conv layer stores: biases (+ scales, mean, variance with batch norm) + weights. */
export function convStoredFloats({ layer, channels }: DarknetConvShape): number {
  const perFilter = layer.batchNormalize ? 4 : 1;
  return layer.filters * perFilter + layer.filters * channels * layer.size * layer.size;
}
