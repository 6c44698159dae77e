import { iou } from './iou.js';
import type { Detection } from './types.js';

/**
 * Greedy per-class non-maximum suppression (keras-yolo3 / darknet style): highest score
 * first, a box is dropped when its IoU with a kept box of the same class is above
 * `iouThreshold`. Returns the kept detections sorted by score, highest first; ties keep
 * their input order.
 */
export function nonMaxSuppression(detections: readonly Detection[], iouThreshold = 0.45, maxDetections = Infinity): Detection[] {
  const sorted = detections
    .map((detection, order) => ({ detection, order }))
    .sort((a, b) => b.detection.score - a.detection.score || a.order - b.order)
    .map((entry) => entry.detection);
  const keptByClass = new Map<number, Detection[]>();
  const kept: Detection[] = [];
  for (const candidate of sorted) {
    if (kept.length >= maxDetections) break;
    const sameClass = keptByClass.get(candidate.classIndex) ?? [];
    if (sameClass.some((other) => iou(other.box, candidate.box) > iouThreshold)) continue;
    sameClass.push(candidate);
    keptByClass.set(candidate.classIndex, sameClass);
    kept.push(candidate);
  }
  return kept;
}
