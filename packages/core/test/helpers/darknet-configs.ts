/**
 * The darknet configurations the project covers (fixtures/darknet, fixtures/yolo-fastest), as
 * graphs small enough for CI: every conv's filters divided by `divisor` (the convs feeding a
 * [yolo] head keep theirs; a depthwise conv keeps groups = filters), at a small input size,
 * with seeded weights. The architecture, every block kind and every option stay as in the file.
 */
import { readFileSync } from 'node:fs';
import type { Graph } from '../../src/graph/types.js';
import { loadDarknet } from '../../src/loaders/darknet/load.js';

const fixture = (p: string) => new URL(`../../../../fixtures/${p}`, import.meta.url).pathname;

export const DARKNET_CONFIGS = {
  'yolov3.cfg': 'darknet/yolov3.cfg',
  'yolov3-tiny.cfg': 'darknet/yolov3-tiny.cfg',
  'yolov4.cfg': 'darknet/yolov4.cfg',
  'yolov4-tiny.cfg': 'darknet/yolov4-tiny.cfg',
  'yolov4-csp.cfg': 'darknet/yolov4-csp.cfg',
  'yolov7-tiny.cfg': 'darknet/yolov7-tiny.cfg',
  'yolo-fastest-1.1.cfg': 'yolo-fastest/yolo-fastest-1.1.cfg',
  'yolo-fastest-1.1-xl.cfg': 'yolo-fastest/yolo-fastest-1.1-xl.cfg',
} as const;

export type DarknetConfigName = keyof typeof DARKNET_CONFIGS;

export function darknetConfigText(name: DarknetConfigName): string {
  return readFileSync(fixture(DARKNET_CONFIGS[name]), 'utf8');
}

/** The cfg text narrowed by `divisor` at `size` x `size` (see the file comment). */
export function narrowDarknetCfg(text: string, divisor: number, size: number): string {
  const sections = text.split(/^(?=\[)/m);
  return sections
    .map((section, i) => {
      if (section.startsWith('[net]')) return section.replace(/^width\s*=.*$/m, `width=${size}`).replace(/^height\s*=.*$/m, `height=${size}`);
      if (!section.startsWith('[convolutional]') || sections[i + 1]?.startsWith('[yolo]')) return section;
      const filters = Number(/^filters\s*=\s*(\d+)/m.exec(section)?.[1]);
      const groups = Number(/^groups\s*=\s*(\d+)/m.exec(section)?.[1] ?? 1);
      const narrow = Math.max(1, Math.round(filters / divisor));
      let out = section.replace(/^filters\s*=\s*\d+/m, `filters=${narrow}`);
      if (groups > 1) out = out.replace(/^groups\s*=\s*\d+/m, `groups=${groups === filters ? narrow : Math.max(1, Math.round(groups / divisor))}`);
      return out;
    })
    .join('');
}

export function darknetConfigGraph(name: DarknetConfigName, o: { divisor: number; size: number; seed?: number }): Graph {
  const cfg = narrowDarknetCfg(darknetConfigText(name), o.divisor, o.size);
  return loadDarknet({ cfg, cfgName: name, seed: o.seed ?? 5 }).graph;
}
