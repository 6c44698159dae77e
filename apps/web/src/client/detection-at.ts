/**
 * Which detection a click on the picture means. Boxes overlap (a dog and the cat the detector
 * also sees in it, a person and a bicycle): whichever box the browser paints on top would
 * take every click inside it and hide the others. So a click is resolved by where it lands:
 * among the boxes that contain it, a box nested inside another wins inside itself (the outer
 * one keeps the rest of its area); among boxes that only overlap, the one whose centre is
 * nearest, measured in units of each box's own size.
 */
export interface BoxedDetection {
  index: number;
  /** [x1, y1, x2, y2] in picture pixels. */
  box: [number, number, number, number];
}

/** The index of the detection a click at (x, y) (picture pixels) means; undefined when none contains it. */
export function detectionAt(detections: readonly BoxedDetection[], x: number, y: number): number | undefined {
  const containing = detections.filter(({ box }) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]);
  const innermost = containing.filter((outer) => !containing.some((inner) => inner !== outer && encloses(outer.box, inner.box)));
  let best: number | undefined;
  let bestDistance = Infinity;
  for (const { index, box } of innermost.length ? innermost : containing) {
    const [x1, y1, x2, y2] = box;
    // 0 at the centre, 0.5 on the box's edge, whatever its size and aspect.
    const distance = Math.max(Math.abs(x - (x1 + x2) / 2) / Math.max(x2 - x1, 1), Math.abs(y - (y1 + y2) / 2) / Math.max(y2 - y1, 1));
    if (distance < bestDistance) [best, bestDistance] = [index, distance];
  }
  return best;
}

/** Whether `outer` contains all of `inner` and is larger (two equal boxes do not enclose each other). */
function encloses(outer: readonly number[], inner: readonly number[]): boolean {
  const contains = outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
  return contains && (outer[2] - outer[0]) * (outer[3] - outer[1]) > (inner[2] - inner[0]) * (inner[3] - inner[1]);
}

/**
 * Radius in picture pixels of the marker at a box's centre: the spot where a click always means
 * that box (scripts and tests click an element's centre). Small enough that the markers of
 * distinct objects rarely touch, large enough to hit on a small box.
 */
export function centreMarkerRadius(box: readonly number[], picture: { width: number; height: number }): number {
  const side = Math.min(box[2] - box[0], box[3] - box[1]);
  return Math.max(1.5, Math.min(side * 0.08, Math.max(picture.width, picture.height) * 0.012));
}
