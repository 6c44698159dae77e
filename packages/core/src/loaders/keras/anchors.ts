/**
 * Keras files carry no anchors. keras-yolo3 reads them from model_data/*_anchors.txt; these
 * are its defaults, so a model trained with that tool's defaults decodes correctly as is.
 */

import type { Graph } from '../../graph/types.js';

type Anchor = [w: number, h: number];

const YOLO_ANCHORS: Anchor[] = [[10, 13], [16, 30], [33, 23], [30, 61], [62, 45], [59, 119], [116, 90], [156, 198], [373, 326]];
const YOLO_MASKS = [[6, 7, 8], [3, 4, 5], [0, 1, 2]];

const TINY_ANCHORS: Anchor[] = [[10, 14], [23, 27], [37, 58], [81, 82], [135, 169], [344, 319]];
const TINY_MASKS = [[3, 4, 5], [1, 2, 3]];

/** keras-yolo3's default anchors for a model with this many heads, per head in output order. */
export function defaultKerasAnchors(headCount: number): Anchor[][] | undefined {
  if (headCount === 3) return YOLO_MASKS.map((mask) => mask.map((i) => YOLO_ANCHORS[i]));
  if (headCount === 2) return TINY_MASKS.map((mask) => mask.map((i) => TINY_ANCHORS[i]));
  return undefined;
}

/**
 * The warning for a model whose file carries no anchors when keras-yolo3's defaults were
 * taken: its boxes are only right if it was trained with them.
 */
export function assumedAnchorsWarning(graph: Graph): string {
  const heads = graph.heads.map((h, k) => {
    const node = graph.nodes[h];
    return node.kind === 'yolo' ? `head ${k}: ${node.anchors.map(([w, h]) => `${w},${h}`).join(' ')}` : '';
  });
  return (
    `the file carries no anchors, so keras-yolo3's defaults for ${graph.heads.length} heads were assumed (${heads.join('; ')}); ` +
    `boxes are wrong if the model was trained with other anchors: pass those with --anchors 'w,h w,h ...; w,h ...' (one group per head, in output order)`
  );
}
