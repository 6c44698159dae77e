/**
 * Everything the darknet loader knows about one block type ([convolutional], [route], ...), in
 * one object: how its options parse, its output channels (known from the cfg alone, before any
 * weights are read), the signal moments seeded weights are scaled by, and the IR nodes it
 * becomes. `DARKNET_SECTIONS` (index.ts) holds one per layer type.
 */
import type { GraphBuilder } from '../../../graph/builder.js';
import type { ActivationKind } from '../../../graph/types.js';
import type { Moments } from '../moments.js';
import type { SectionReader } from '../section-reader.js';
import type { DarknetCfg, DarknetLayer } from '../types.js';

/** Earlier layers' facts, while walking the cfg in order. */
export interface LayerLookup<T> {
  /** The value of the layer before this one (the cfg's input for layer 0). */
  previous(): T;
  /** The value of an earlier layer, by absolute index. */
  of(index: number): T;
}

export interface DarknetBuildContext {
  readonly builder: GraphBuilder;
  readonly cfg: DarknetCfg;
  /** The node holding a layer's output; throws for a [yolo] output, which the IR does not compute. */
  output(index: number): number;
  /** The node holding the previous layer's output (the input node for layer 0). */
  previous(): number;
  /** Output channels of an earlier layer (darknet index). */
  channelsOf(index: number): number;
  /** Input channels, weights and bias of the next conv in cfg order (the .weights order). */
  nextConv(): { channels: number; weights: Float32Array; bias: Float32Array };
  /** An activation node after `node`, or `node` itself when the activation is linear. */
  activate(node: number, activation: ActivationKind, index: number): number;
}

export interface DarknetSection<L extends DarknetLayer> {
  /** Block names darknet reads as this type, e.g. ['convolutional', 'conv']. */
  names: string[];
  parse(r: SectionReader, base: { index: number; line: number }): L;
  /** Output channels; throws (naming file, line and layer) where the inputs do not fit. */
  channels(layer: L, channels: LayerLookup<number>, cfg: DarknetCfg): number;
  /** E[x] and E[x^2] at the output, for seeded weights (seeded-weights.ts). */
  moments(layer: L, moments: LayerLookup<Moments>, channels: LayerLookup<number>): Moments;
  /** Add the layer's nodes; returns the node that holds the layer's output. */
  build(layer: L, ctx: DarknetBuildContext): number;
  /** The layer's settings as darknet's layer table shows them ("conv 32/2 3x3/1", "route 1 -3"). */
  describe(layer: L): string;
}
