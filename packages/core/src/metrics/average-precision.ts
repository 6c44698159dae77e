/**
 * Detector quality: average precision per class and its mean (mAP) at one IoU threshold.
 *
 * Matching is COCO-style: detections of a class, over all images, are taken by score (highest
 * first; equal scores keep their input order), and each is matched to the unmatched
 * ground-truth box of its class in its image with the highest IoU (first such box on ties),
 * provided that IoU is >= the threshold. A detection left unmatched is a false positive, so a
 * second detection of an already matched object is one unless another object is there.
 *
 * AP is the all-point interpolated area under the precision/recall curve (PASCAL VOC 2010+):
 * precision is replaced by its envelope (the highest precision at any equal or higher recall),
 * then summed over the recall steps. mAP is the mean over the classes that have at least one
 * ground-truth box; a class without ground truth has no AP (undefined) and does not count.
 */
import { iou } from '../decode/iou.js';

export type Box4 = readonly [number, number, number, number];

/** A ground-truth object: [x1, y1, x2, y2] in the same pixels as the detections. */
export interface GroundTruthBox {
  classIndex: number;
  box: Box4;
}

export interface ScoredBox {
  classIndex: number;
  score: number;
  box: Box4;
}

/** The ground truth and the detections of one image. */
export interface ImageBoxes {
  groundTruth: readonly GroundTruthBox[];
  detections: readonly ScoredBox[];
}

export interface AveragePrecisionOptions {
  /** A detection matches an object when their IoU is at least this; default 0.5. */
  iouThreshold?: number;
  /** Report classes 0..classCount-1 even when absent; default: up to the highest class index seen. */
  classCount?: number;
}

export interface ClassAveragePrecision {
  classIndex: number;
  /** Undefined when the class has no ground-truth box. */
  ap: number | undefined;
  groundTruth: number;
  detections: number;
  truePositives: number;
}

export interface MeanAveragePrecision {
  /** Mean AP over the classes with ground truth; NaN when no class has any. */
  map: number;
  iouThreshold: number;
  classes: ClassAveragePrecision[];
}

export const DEFAULT_AP_IOU_THRESHOLD = 0.5;

/** AP and mAP over a set of images (see the file comment for the exact protocol). */
export function meanAveragePrecision(images: readonly ImageBoxes[], options: AveragePrecisionOptions = {}): MeanAveragePrecision {
  const iouThreshold = options.iouThreshold ?? DEFAULT_AP_IOU_THRESHOLD;
  if (!(iouThreshold > 0 && iouThreshold <= 1)) throw new Error(`meanAveragePrecision: IoU threshold ${iouThreshold} must be in (0, 1]`);
  checkBoxes(images);
  let classCount = options.classCount ?? 0;
  if (options.classCount === undefined) {
    for (const image of images) for (const b of [...image.groundTruth, ...image.detections]) classCount = Math.max(classCount, b.classIndex + 1);
  } else if (!Number.isInteger(classCount) || classCount < 0) {
    throw new Error(`meanAveragePrecision: classCount ${classCount} must be an integer >= 0`);
  }
  const classes: ClassAveragePrecision[] = [];
  for (let c = 0; c < classCount; c++) classes.push(classAveragePrecision(images, c, iouThreshold));
  const scored = classes.filter((k) => k.ap !== undefined).map((k) => k.ap!);
  const map = scored.length ? scored.reduce((a, b) => a + b, 0) / scored.length : Number.NaN;
  return { map, iouThreshold, classes };
}

function classAveragePrecision(images: readonly ImageBoxes[], classIndex: number, iouThreshold: number): ClassAveragePrecision {
  const truths = images.map((image) => image.groundTruth.filter((g) => g.classIndex === classIndex));
  const matched = truths.map((t) => new Array<boolean>(t.length).fill(false));
  const groundTruth = truths.reduce((n, t) => n + t.length, 0);
  const candidates = images
    .flatMap((image, imageIndex) => image.detections.filter((d) => d.classIndex === classIndex).map((d) => ({ d, imageIndex })))
    .sort((a, b) => b.d.score - a.d.score); // Array.prototype.sort is stable: ties keep input order
  const isTruePositive = candidates.map(({ d, imageIndex }) => {
    let best = -1;
    let bestIou = -1;
    truths[imageIndex].forEach((g, k) => {
      if (matched[imageIndex][k]) return;
      const overlap = iou(d.box, g.box);
      if (overlap > bestIou) [best, bestIou] = [k, overlap];
    });
    if (best < 0 || bestIou < iouThreshold) return false;
    matched[imageIndex][best] = true;
    return true;
  });
  const truePositives = isTruePositive.filter(Boolean).length;
  const ap = groundTruth > 0 ? interpolatedAp(isTruePositive, groundTruth) : undefined;
  return { classIndex, ap, groundTruth, detections: candidates.length, truePositives };
}

/**
 * All-point interpolated AP of a ranked list of hits (true = true positive) against
 * `groundTruth` objects: sum over ranks where recall rises of Δrecall × the best precision
 * at that rank or any later one.
 */
export function interpolatedAp(isTruePositive: readonly boolean[], groundTruth: number): number {
  if (!(groundTruth > 0)) throw new Error(`interpolatedAp: groundTruth ${groundTruth} must be > 0`);
  const precision: number[] = [];
  let hits = 0;
  isTruePositive.forEach((tp, rank) => {
    if (tp) hits++;
    precision.push(hits / (rank + 1));
  });
  if (hits > groundTruth) throw new Error(`interpolatedAp: ${hits} true positives exceed ${groundTruth} ground-truth objects`);
  for (let k = precision.length - 2; k >= 0; k--) precision[k] = Math.max(precision[k], precision[k + 1]);
  let ap = 0;
  // Recall only rises at a true positive, by 1/groundTruth each time.
  isTruePositive.forEach((tp, rank) => {
    if (tp) ap += precision[rank] / groundTruth;
  });
  return ap;
}

function checkBoxes(images: readonly ImageBoxes[]): void {
  images.forEach((image, i) => {
    const check = (b: GroundTruthBox | ScoredBox, what: string) => {
      const where = `meanAveragePrecision: image ${i}: ${what}`;
      if (!Number.isInteger(b.classIndex) || b.classIndex < 0) throw new Error(`${where} has class index ${b.classIndex} (must be an integer >= 0)`);
      if (b.box.length !== 4 || b.box.some((v) => !Number.isFinite(v))) throw new Error(`${where} box [${b.box.join(', ')}] must be four finite numbers [x1, y1, x2, y2]`);
    };
    image.groundTruth.forEach((g, k) => check(g, `ground-truth box ${k}`));
    image.detections.forEach((d, k) => {
      check(d, `detection ${k}`);
      // A NaN score would sort arbitrarily and change the result silently.
      if (!Number.isFinite(d.score)) throw new Error(`meanAveragePrecision: image ${i}: detection ${k} has score ${d.score} (must be finite)`);
    });
  });
}
