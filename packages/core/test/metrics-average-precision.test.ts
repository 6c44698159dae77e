import { describe, expect, it } from 'vitest';
import { interpolatedAp, meanAveragePrecision } from '../src/metrics/index.js';
import type { GroundTruthBox, ImageBoxes, ScoredBox } from '../src/metrics/index.js';

type B = [number, number, number, number];
const gt = (classIndex: number, box: B): GroundTruthBox => ({ classIndex, box });
const det = (classIndex: number, score: number, box: B): ScoredBox => ({ classIndex, score, box });

/** Three 10x10 objects of class 0, far apart. */
const A: B = [0, 0, 10, 10];
const B_: B = [20, 0, 30, 10];
const C: B = [40, 0, 50, 10];
const NOWHERE: B = [100, 100, 110, 110];
const threeObjects = [gt(0, A), gt(0, B_), gt(0, C)];

describe('interpolatedAp', () => {
  it('a ranking TP FP TP FP TP over 3 objects: PR (1/3,1) (1/3,1/2) (2/3,2/3) (2/3,1/2) (1,3/5) -> (1 + 2/3 + 3/5)/3 = 34/45', () => {
    expect(interpolatedAp([true, false, true, false, true], 3)).toBeCloseTo(34 / 45, 12);
  });
  it('uses the precision envelope: TP FP FP TP TP -> (1 + 3/5 + 3/5)/3 = 11/15, not (1 + 1/2 + 3/5)/3', () => {
    expect(interpolatedAp([true, false, false, true, true], 3)).toBeCloseTo(11 / 15, 12);
  });
  it('counts unreached recall as zero area: one hit of two objects -> 1/2', () => {
    expect(interpolatedAp([true, false], 2)).toBe(0.5);
  });
  it('is 0 with no detections and 1 for a perfect ranking', () => {
    expect(interpolatedAp([], 4)).toBe(0);
    expect(interpolatedAp([true, true, true, false, false], 3)).toBe(1);
  });
});

describe('meanAveragePrecision', () => {
  it('reproduces the 3-object, 5-detection example through box matching', () => {
    const image: ImageBoxes = {
      groundTruth: threeObjects,
      // Scores listed out of order: the ranking is by score, not by position.
      detections: [det(0, 0.6, NOWHERE), det(0, 0.9, A), det(0, 0.5, C), det(0, 0.8, [60, 0, 70, 10]), det(0, 0.7, B_)],
    };
    const r = meanAveragePrecision([image]);
    expect(r.classes).toEqual([{ classIndex: 0, ap: expect.closeTo(34 / 45, 12), groundTruth: 3, detections: 5, truePositives: 3 }]);
    expect(r.map).toBeCloseTo(34 / 45, 12);
    expect(r.iouThreshold).toBe(0.5);
  });

  it('perfect detections give 1 for every class and mAP 1', () => {
    const images: ImageBoxes[] = [
      { groundTruth: [gt(0, A), gt(1, B_)], detections: [det(1, 0.7, B_), det(0, 0.9, A)] },
      { groundTruth: [gt(2, C)], detections: [det(2, 0.3, C)] },
    ];
    const r = meanAveragePrecision(images, { classCount: 3 });
    expect(r.classes.map((c) => c.ap)).toEqual([1, 1, 1]);
    expect(r.map).toBe(1);
  });

  it('no detections give AP 0', () => {
    const r = meanAveragePrecision([{ groundTruth: threeObjects, detections: [] }]);
    expect(r.classes[0]).toEqual({ classIndex: 0, ap: 0, groundTruth: 3, detections: 0, truePositives: 0 });
    expect(r.map).toBe(0);
  });

  it('a duplicate detection of a matched object is a false positive', () => {
    // Ranking TP (A), FP (A again), TP (B): (1 + 2/3)/2 = 5/6.
    const image = { groundTruth: [gt(0, A), gt(0, B_)], detections: [det(0, 0.9, A), det(0, 0.8, [0, 0, 10, 9]), det(0, 0.7, B_)] };
    const r = meanAveragePrecision([image]);
    expect(r.classes[0].truePositives).toBe(2);
    expect(r.map).toBeCloseTo(5 / 6, 12);
  });

  it('a detection of the wrong class does not match, and counts against its own class', () => {
    const r = meanAveragePrecision([{ groundTruth: [gt(0, A)], detections: [det(1, 0.9, A)] }]);
    expect(r.classes).toEqual([
      { classIndex: 0, ap: 0, groundTruth: 1, detections: 0, truePositives: 0 },
      { classIndex: 1, ap: undefined, groundTruth: 0, detections: 1, truePositives: 0 },
    ]);
    // Class 1 has no ground truth: it is left out of the mean.
    expect(r.map).toBe(0);
  });

  it('does not match across images', () => {
    const r = meanAveragePrecision([{ groundTruth: [gt(0, A)], detections: [] }, { groundTruth: [], detections: [det(0, 0.9, A)] }]);
    expect(r.map).toBe(0);
  });

  it('matches at IoU exactly at the threshold, not just below', () => {
    // [0,0,2,1] vs [0,0,1,1]: intersection 1, union 2, IoU exactly 0.5.
    const image = { groundTruth: [gt(0, [0, 0, 1, 1])], detections: [det(0, 0.9, [0, 0, 2, 1])] };
    expect(meanAveragePrecision([image], { iouThreshold: 0.5 }).map).toBe(1);
    expect(meanAveragePrecision([image], { iouThreshold: 0.5000001 }).map).toBe(0);
  });

  it('takes the highest-IoU unmatched object, so a second detection can still match the other one', () => {
    // Two overlapping objects; the first detection sits on P. The second overlaps P more
    // (IoU 95/105) than Q (85/115 = 0.74), but P is taken, so it matches Q (VOC's matching,
    // which only looks at the best object overall, would call it a duplicate).
    const P: B = [0, 0, 10, 10];
    const Q: B = [2, 0, 12, 10];
    const image = { groundTruth: [gt(0, P), gt(0, Q)], detections: [det(0, 0.9, P), det(0, 0.8, [0.5, 0, 10.5, 10])] };
    const r = meanAveragePrecision([image]);
    expect(r.classes[0].truePositives).toBe(2);
    expect(r.map).toBe(1);
  });

  it('ranks equal scores in input order (image order, then detection order)', () => {
    // Same scores: FP first then TP gives (1/2)/1; TP first gives 1.
    const fpFirst = { groundTruth: [gt(0, A)], detections: [det(0, 0.5, NOWHERE), det(0, 0.5, A)] };
    const tpFirst = { groundTruth: [gt(0, A)], detections: [det(0, 0.5, A), det(0, 0.5, NOWHERE)] };
    expect(meanAveragePrecision([fpFirst]).map).toBe(0.5);
    expect(meanAveragePrecision([tpFirst]).map).toBe(1);
  });

  it('averages over the classes with ground truth only, and reports NaN with none', () => {
    const images = [{ groundTruth: [gt(0, A), gt(2, C)], detections: [det(0, 0.9, A)] }];
    const r = meanAveragePrecision(images, { classCount: 4 });
    expect(r.classes.map((c) => c.ap)).toEqual([1, undefined, 0, undefined]);
    expect(r.map).toBe(0.5);
    expect(meanAveragePrecision([{ groundTruth: [], detections: [det(0, 0.9, A)] }]).map).toBeNaN();
  });

  it('refuses NaN scores, bad boxes and bad thresholds with the place named', () => {
    expect(() => meanAveragePrecision([{ groundTruth: [], detections: [det(0, Number.NaN, A)] }])).toThrow(/image 0: detection 0 has score NaN/);
    expect(() => meanAveragePrecision([{ groundTruth: [gt(0, [0, 0, Number.NaN, 1])], detections: [] }])).toThrow(/ground-truth box 0 box/);
    expect(() => meanAveragePrecision([{ groundTruth: [gt(-1, A)], detections: [] }])).toThrow(/class index -1/);
    expect(() => meanAveragePrecision([], { iouThreshold: 0 })).toThrow(/IoU threshold 0/);
  });
});
