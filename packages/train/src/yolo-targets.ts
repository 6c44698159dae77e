/**
 * Per-head training targets for a batch, laid out like the head tensors
 * [B, grid, grid, anchors, ...] so the loss is a handful of element-wise tensor ops.
 */
import { assignAnchors, type HeadLayout, type TrainingBox } from './anchor-assignment.js';

export interface HeadTargets {
  /** 1 where an object is assigned: [B*G*G*A]. */
  object: Float32Array;
  /** Centre offsets within the cell, in [0, 1]: [B*G*G*A*2]. */
  xy: Float32Array;
  /** log(size / anchor): [B*G*G*A*2]. */
  wh: Float32Array;
  /** 2 - w*h/area: small boxes weigh more, as in YOLOv3. [B*G*G*A]. */
  boxWeight: Float32Array;
  /** One-hot classes: [B*G*G*A*C]. */
  classes: Float32Array;
  /** The boxes of each image (for the ignore mask), in input pixels. */
  boxes: TrainingBox[][];
}

/** anchorThreshold: see assignAnchors (default: YOLOv3's single best anchor per object). */
export function buildHeadTargets(batchBoxes: TrainingBox[][], heads: HeadLayout[], inputSize: number, classes: number, anchorThreshold = 1): HeadTargets[] {
  const batch = batchBoxes.length;
  const targets = heads.map((h): HeadTargets => {
    const cells = batch * h.grid * h.grid * h.anchors.length;
    return {
      object: new Float32Array(cells),
      xy: new Float32Array(cells * 2),
      wh: new Float32Array(cells * 2),
      boxWeight: new Float32Array(cells),
      classes: new Float32Array(cells * classes),
      boxes: batchBoxes,
    };
  });
  batchBoxes.forEach((boxes, b) => {
    for (const { classIndex, box } of boxes) {
      if (!(classIndex >= 0 && classIndex < classes)) throw new RangeError(`buildHeadTargets: class ${classIndex} outside 0..${classes - 1}`);
      for (const { head, anchor, cellX, cellY } of assignAnchors(box, heads, inputSize, anchorThreshold)) {
        const { grid, anchors } = heads[head];
        const t = targets[head];
        const cell = ((b * grid + cellY) * grid + cellX) * anchors.length + anchor;
        const w = box[2] - box[0];
        const h = box[3] - box[1];
        t.object[cell] = 1;
        t.xy[cell * 2] = (((box[0] + box[2]) / 2) / inputSize) * grid - cellX;
        t.xy[cell * 2 + 1] = (((box[1] + box[3]) / 2) / inputSize) * grid - cellY;
        t.wh[cell * 2] = Math.log(w / anchors[anchor][0]);
        t.wh[cell * 2 + 1] = Math.log(h / anchors[anchor][1]);
        t.boxWeight[cell] = 2 - (w * h) / (inputSize * inputSize);
        // A later box in the same cell and anchor replaces an earlier one entirely.
        t.classes.fill(0, cell * classes, (cell + 1) * classes);
        t.classes[cell * classes + classIndex] = 1;
      }
    }
  });
  return targets;
}
