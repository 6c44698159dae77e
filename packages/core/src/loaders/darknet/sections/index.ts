/**
 * The darknet block types, one module each. Typed as a record over every DarknetLayer type:
 * a layer type added to types.ts without its module does not compile.
 */
import type { DarknetLayer } from '../types.js';
import { convolutionalSection } from './convolutional.js';
import { dropoutSection } from './dropout.js';
import { maxpoolSection } from './maxpool.js';
import { routeSection } from './route.js';
import type { DarknetSection } from './section.js';
import { shortcutSection } from './shortcut.js';
import { upsampleSection } from './upsample.js';
import { yoloSection } from './yolo.js';

type LayerType = DarknetLayer['type'];
export type LayerOfType<T extends LayerType> = Extract<DarknetLayer, { type: T }>;

export const DARKNET_SECTIONS: { [T in LayerType]: DarknetSection<LayerOfType<T>> } = {
  convolutional: convolutionalSection,
  maxpool: maxpoolSection,
  upsample: upsampleSection,
  route: routeSection,
  dropout: dropoutSection,
  shortcut: shortcutSection,
  yolo: yoloSection,
};

/** The module of a layer's block type, typed for that layer. */
export function sectionOf<L extends DarknetLayer>(layer: L): DarknetSection<L> {
  return DARKNET_SECTIONS[layer.type] as unknown as DarknetSection<L>;
}

/** Every block name darknet reads (aliases included) -> its layer type. */
export const BLOCK_TYPES: ReadonlyMap<string, LayerType> = new Map(
  (Object.entries(DARKNET_SECTIONS) as Array<[LayerType, DarknetSection<DarknetLayer>]>).flatMap(([type, s]) => s.names.map((name) => [name, type] as const)),
);

export type { DarknetBuildContext, DarknetSection, LayerLookup } from './section.js';
