/** Intersection over union of two [x1, y1, x2, y2] boxes; 0 when the union is empty. */
export function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const intersection = w > 0 && h > 0 ? w * h : 0;
  const area = (box: readonly number[]) => Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
  const union = area(a) + area(b) - intersection;
  return union > 0 ? intersection / union : 0;
}
