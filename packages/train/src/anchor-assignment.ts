/**
 * YOLOv3's target assignment: each ground-truth box goes to the single anchor (over all heads)
 * whose shape overlaps it best, in the cell of that head that holds the box centre.
 */

export interface HeadLayout {
  /** Grid cells per side (input size / head stride). */
  grid: number;
  /** Anchors of this head, [w, h] in input pixels. */
  anchors: Array<[number, number]>;
}

export interface TrainingBox {
  classIndex: number;
  /** [x1, y1, x2, y2] in input pixels, x2/y2 exclusive. */
  box: [number, number, number, number];
}

export interface Assignment {
  head: number;
  anchor: number;
  cellX: number;
  cellY: number;
}

/** IoU of two boxes of sizes a and b placed on the same centre (shape similarity only). */
export function shapeIou(a: [number, number], b: [number, number]): number {
  const inter = Math.min(a[0], b[0]) * Math.min(a[1], b[1]);
  return inter / (a[0] * a[1] + b[0] * b[1] - inter);
}

export function assignAnchor(box: TrainingBox['box'], heads: HeadLayout[], inputSize: number): Assignment {
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  if (!(w > 0 && h > 0)) throw new RangeError(`assignAnchor: empty box [${box.join(', ')}]`);
  let best: { head: number; anchor: number; iou: number } = { head: 0, anchor: 0, iou: -1 };
  heads.forEach((layout, head) =>
    layout.anchors.forEach((anchor, a) => {
      const iou = shapeIou([w, h], anchor);
      if (iou > best.iou) best = { head, anchor: a, iou };
    }),
  );
  return placeInCell(box, heads, inputSize, best.head, best.anchor);
}

function placeInCell(box: TrainingBox['box'], heads: HeadLayout[], inputSize: number, head: number, anchor: number): Assignment {
  const { grid } = heads[head];
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  const cell = (centre: number) => Math.min(grid - 1, Math.max(0, Math.floor((centre / inputSize) * grid)));
  return { head, anchor, cellX: cell(cx), cellY: cell(cy) };
}

/**
 * The best anchor, plus every other anchor (any head) whose shape IoU with the box exceeds
 * `threshold`, as darknet's `iou_thresh` option does: more positives per object, so the class
 * and box terms learn from more examples per step. threshold >= 1 gives YOLOv3's single anchor.
 */
export function assignAnchors(box: TrainingBox['box'], heads: HeadLayout[], inputSize: number, threshold: number): Assignment[] {
  const best = assignAnchor(box, heads, inputSize);
  const size: [number, number] = [box[2] - box[0], box[3] - box[1]];
  const extra: Assignment[] = [];
  heads.forEach((layout, head) =>
    layout.anchors.forEach((anchor, a) => {
      if ((head !== best.head || a !== best.anchor) && shapeIou(size, anchor) > threshold) extra.push(placeInCell(box, heads, inputSize, head, a));
    }),
  );
  return [best, ...extra];
}
