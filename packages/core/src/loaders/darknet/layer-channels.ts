/**
 * Output channels of every darknet layer, computed from the cfg alone: conv weight counts
 * (and so the .weights file size) depend on them, and they must be known before any
 * weights are read.
 */
import { sectionOf } from './sections/index.js';
import type { DarknetCfg, DarknetConvLayer } from './types.js';
import { walkLayers } from './walk-layers.js';

export interface DarknetConvShape {
  layer: DarknetConvLayer;
  /** Input channels of the conv. */
  channels: number;
}

export function darknetLayerChannels(cfg: DarknetCfg): number[] {
  return walkLayers(cfg, (layer, channels) => sectionOf(layer).channels(layer, channels, cfg), cfg.channels);
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
  return layer.filters * perFilter + layer.filters * (channels / layer.groups) * layer.size * layer.size;
}
