import { iou } from './iou.js';
import type { Detection } from './types.js';

/**
 * Greedy per-class non-maximum suppression (keras-yolo3 / darknet style): highest score
 * first, a box is dropped when its overlap (IoU by default; see diou()) with a kept box of the
 * same class is above `iouThreshold`. Returns the kept detections sorted by score, highest first; ties keep
 * their input order.
 */
export function nonMaxSuppression(
  detections: readonly Detection[],
  iouThreshold = 0.45,
  maxDetections = Infinity,
  overlap: (a: Detection, b: Detection) => number = (a, b) => iou(a.box, b.box),
): Detection[] {
  const sorted = detections
    .map((detection, order) => ({ detection, order }))
    .sort((a, b) => b.detection.score - a.detection.score || a.order - b.order)
    .map((entry) => entry.detection);
  const keptByClass = new Map<number, Detection[]>();
  const kept: Detection[] = [];
  for (const candidate of sorted) {
    if (kept.length >= maxDetections) break;
    const sameClass = keptByClass.get(candidate.classIndex) ?? [];
    if (sameClass.some((other) => overlap(other, candidate) > iouThreshold)) continue;
    sameClass.push(candidate);
    keptByClass.set(candidate.classIndex, sameClass);
    kept.push(candidate);
  }
  return kept;
}

/**
 * Darknet's DIoU for NMS (box.c, box_diounms): IoU − (d²/c²)^beta, d the distance between the
 * centres, c the diagonal of the smallest box enclosing both. Darknet computes it on boxes
 * relative to the image (x / width, y / height), so pass the image's size.
 */
export function diou(a: readonly number[], b: readonly number[], beta: number, [width, height]: [number, number]): number {
  const rel = (box: readonly number[]) => [box[0] / width, box[1] / height, box[2] / width, box[3] / height];
  const [p, q] = [rel(a), rel(b)];
  const cw = Math.max(p[2], q[2]) - Math.min(p[0], q[0]);
  const ch = Math.max(p[3], q[3]) - Math.min(p[1], q[1]);
  const c = cw * cw + ch * ch;
  const overlap = iou(a, b);
  if (c === 0) return overlap;
  const dx = (p[0] + p[2]) / 2 - (q[0] + q[2]) / 2;
  const dy = (p[1] + p[3]) / 2 - (q[1] + q[3]) / 2;
  return overlap - Math.pow((dx * dx + dy * dy) / c, beta);
}
