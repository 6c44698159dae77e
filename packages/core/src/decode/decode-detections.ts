import type { Graph, YoloNode } from '../graph/types.js';
import type { TensorData } from '../runtime/types.js';
import { checkFiniteHeads } from './finite-heads.js';
import { anchorOffset, headGeometries } from './head-geometry.js';
import { letterboxBoxToImage } from './letterbox.js';
import { diou, nonMaxSuppression } from './nms.js';
import type { DecodeOptions, Detection, Letterbox } from './types.js';
import { headDecoding } from './yolo-math.js';

export interface DecodeDetectionsOptions extends DecodeOptions {
  /** NMS overlap rule; default: the model's (darknet's nms_kind on the last head), null: plain IoU. */
  nms?: { kind: 'diou'; beta: number } | null;
  /** Which image of the batch to decode (default 0). */
  batchIndex?: number;
  /** Map boxes back to image pixels (clipped to the image); otherwise boxes stay in input pixels, unclipped. */
  letterbox?: Letterbox;
}

export const DEFAULT_SCORE_THRESHOLD = 0.25;
export const DEFAULT_IOU_THRESHOLD = 0.45;
export const DEFAULT_MAX_DETECTIONS = 100;

/**
 * Decode raw YOLO heads ([N, H, W, A*(5+C)] each, in head order) into detections: one
 * candidate per (cell, anchor, class) with score = p(obj)·p(class) (yolo-math.ts, headDecoding) at or above
 * the threshold (keras-yolo3 style, so one anchor can yield several classes), then per-class
 * NMS, sorted by score.
 */
export function decodeDetections(graph: Graph, heads: TensorData[], options: DecodeDetectionsOptions = {}): Detection[] {
  const scoreThreshold = options.scoreThreshold ?? DEFAULT_SCORE_THRESHOLD;
  const iouThreshold = options.iouThreshold ?? DEFAULT_IOU_THRESHOLD;
  const maxDetections = options.maxDetections ?? DEFAULT_MAX_DETECTIONS;
  const batchIndex = options.batchIndex ?? 0;
  const geometries = headGeometries(graph, heads);
  const batch = geometries[0].batch;
  if (!Number.isInteger(batchIndex) || batchIndex < 0 || batchIndex >= batch) {
    throw new Error(`decode: batch index ${batchIndex} is outside the batch of ${batch}`);
  }
  checkFiniteHeads(graph, heads, batchIndex);

  const candidates: Detection[] = [];
  for (const head of geometries) {
    const data = heads[head.scale].data;
    const { node, gridH, gridW, inputH, inputW } = head;
    const decoding = headDecoding(node);
    for (let y = 0; y < gridH; y++) {
      for (let x = 0; x < gridW; x++) {
        for (let anchor = 0; anchor < head.anchors; anchor++) {
          const at = anchorOffset(head, batchIndex, y, x, anchor);
          const objectness = decoding.probability(data[at + 4]);
          // score = objectness × class probability <= objectness: nothing here can pass.
          if (objectness < scoreThreshold) continue;
          const cx = decoding.centre(data[at], x, gridW, inputW);
          const cy = decoding.centre(data[at + 1], y, gridH, inputH);
          const w = decoding.size(data[at + 2], node.anchors[anchor][0]);
          const h = decoding.size(data[at + 3], node.anchors[anchor][1]);
          for (let classIndex = 0; classIndex < head.classes; classIndex++) {
            const classProbability = decoding.probability(data[at + 5 + classIndex]);
            const score = objectness * classProbability;
            if (score < scoreThreshold) continue;
            candidates.push({
              box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2],
              score, objectness, classIndex, classProbability,
              className: graph.classNames[classIndex] ?? `class${classIndex}`,
              cell: { scale: head.scale, anchor, y, x },
            });
          }
        }
      }
    }
  }

  const letterbox = options.letterbox;
  const toImage = (d: Detection): Detection => (letterbox ? { ...d, box: letterboxBoxToImage(d.box, letterbox) } : d);
  // Darknet's nms_kind is the last head's; its DIoU runs on image-relative boxes, so on the
  // image's boxes when the letterbox is known (plain IoU does not care where boxes are).
  const rule = options.nms === undefined ? (graph.nodes[graph.heads[graph.heads.length - 1]] as YoloNode).nms : options.nms ?? undefined;
  if (!rule) return nonMaxSuppression(candidates, iouThreshold, maxDetections).map(toImage);
  const mapped = candidates.map(toImage);
  const size: [number, number] = letterbox ? [letterbox.imageWidth, letterbox.imageHeight] : [geometries[0].inputW, geometries[0].inputH];
  return nonMaxSuppression(mapped, iouThreshold, maxDetections, (a, b) => diou(a.box, b.box, rule.beta, size));
}
