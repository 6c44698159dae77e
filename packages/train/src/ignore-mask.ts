/**
 * Which cells count as negatives for objectness: no object assigned, and the predicted box
 * overlaps no ground truth by more than the ignore threshold (YOLOv3's ignore_thresh). A good
 * box predicted by a neighbouring anchor is then not punished for existing.
 */
import { boxCentre, boxSize, iou } from '@yolo-saliency/core';
import type { HeadLayout, TrainingBox } from './anchor-assignment.js';

export const IGNORE_THRESHOLD = 0.5;

/** raw: the head tensor's values [B, G, G, A*(5+C)]; returns [B*G*G*A] with 1 = negative. */
export function negativeMask(raw: Float32Array, object: Float32Array, boxes: TrainingBox[][], layout: HeadLayout, inputSize: number, classes: number, threshold = IGNORE_THRESHOLD): Float32Array {
  const { grid, anchors } = layout;
  const stride = 5 + classes;
  const mask = new Float32Array(object.length);
  for (let b = 0; b < boxes.length; b++) {
    for (let cy = 0; cy < grid; cy++) {
      for (let cx = 0; cx < grid; cx++) {
        for (let a = 0; a < anchors.length; a++) {
          const cell = ((b * grid + cy) * grid + cx) * anchors.length + a;
          if (object[cell]) continue;
          const o = cell * stride;
          const x = boxCentre(raw[o], cx, grid, inputSize, 1);
          const y = boxCentre(raw[o + 1], cy, grid, inputSize, 1);
          const w = boxSize(raw[o + 2], anchors[a][0]);
          const h = boxSize(raw[o + 3], anchors[a][1]);
          const predicted = [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
          let best = 0;
          for (const t of boxes[b]) best = Math.max(best, iou(predicted, t.box));
          mask[cell] = best < threshold ? 1 : 0;
        }
      }
    }
  }
  return mask;
}
