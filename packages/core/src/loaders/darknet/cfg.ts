/**
 * Parse a darknet .cfg into typed layers, checking every option the graph depends on.
 * Anything darknet would compute differently from our IR (grouped convs, mish, route
 * groups, weighted shortcuts, ...) is an error that names the file, line and layer.
 */
import { splitCfgSections } from './cfg-sections.js';
import { GRAPH_LIMITS } from '../../graph/limits.js';
import { printable } from '../../util/printable.js';
import { SectionReader } from './section-reader.js';
import { BLOCK_TYPES, DARKNET_SECTIONS } from './sections/index.js';
import type { DarknetCfg, DarknetLayer } from './types.js';

const NET_BLOCKS = new Set(['net', 'network']);

/** Parse darknet .cfg text. `fileName` only labels error messages. */
export function parseDarknetCfg(text: string, fileName = 'model.cfg'): DarknetCfg {
  const sections = splitCfgSections(text, fileName);
  const first = sections[0];
  if (!first || !NET_BLOCKS.has(first.type)) {
    throw new Error(`${fileName}:${first?.line ?? 1}: the first block must be [net], got ${first ? `[${printable(first.type)}]` : 'an empty file'}`);
  }
  if (sections.length - 1 > GRAPH_LIMITS.cfgLayers) {
    throw new Error(`${fileName}:${sections[GRAPH_LIMITS.cfgLayers + 1].line}: more than ${GRAPH_LIMITS.cfgLayers} layers (${sections.length - 1} blocks after [net])`);
  }
  const net = new SectionReader(first, fileName, '[net]');
  const layers: DarknetLayer[] = [];
  for (const section of sections.slice(1)) {
    const index = layers.length;
    if (NET_BLOCKS.has(section.type)) throw new Error(`${fileName}:${section.line}: a second [${section.type}] block (layer ${index})`);
    const type = BLOCK_TYPES.get(section.type);
    if (!type) {
      const supported = Object.keys(DARKNET_SECTIONS).map((t) => `[${t}]`).join(', ');
      throw new Error(`${fileName}:${section.line}: unknown block [${printable(section.type)}] (layer ${index}); supported: ${supported}`);
    }
    const reader = new SectionReader(section, fileName, `[${section.type}] layer ${index}`, type);
    layers.push(DARKNET_SECTIONS[type].parse(reader, { index, line: section.line }) as DarknetLayer);
  }
  if (layers.length === 0) throw new Error(`${fileName}: no layers after [net]`);
  return {
    fileName,
    width: net.positiveInt('width'),
    height: net.positiveInt('height'),
    channels: net.positiveInt('channels', 3),
    layers,
  };
}
