// Anchor assignment, target layout and the ignore mask on hand-computed cases.
import { describe, expect, it } from 'vitest';
import { assignAnchor, assignAnchors, buildHeadTargets, negativeMask, shapeIou, type HeadLayout } from '../src/index.js';

// Two heads as in the shapes model at 128 px: stride 32 (4x4) with the large anchors, stride 16 (8x8) with the small.
const HEADS: HeadLayout[] = [
  { grid: 4, anchors: [[32, 32], [41, 41], [51, 51]] },
  { grid: 8, anchors: [[13, 13], [18, 18], [24, 24]] },
];

describe('assignAnchor', () => {
  it('shapeIou compares sizes only', () => {
    expect(shapeIou([10, 20], [20, 10])).toBeCloseTo(100 / 300, 12);
    expect(shapeIou([8, 8], [8, 8])).toBe(1);
  });

  it('takes the best-overlapping anchor over all heads and the cell of the centre', () => {
    // 20x16 box centred at (50, 70): best anchor 18x18 (IoU 288/... ) on the 8x8 head, cell (3, 4).
    const a = assignAnchor([40, 62, 60, 78], HEADS, 128);
    expect(a).toEqual({ head: 1, anchor: 1, cellX: 3, cellY: 4 });
    // 48x48 box: anchor 51x51 on the 4x4 head; centre (100, 20) is in cell (3, 0).
    expect(assignAnchor([76, -4, 124, 44], HEADS, 128)).toEqual({ head: 0, anchor: 2, cellX: 3, cellY: 0 });
  });

  it('with a threshold also assigns every other anchor of similar shape, on any head', () => {
    // 28x28: best 32x32 (IoU 0.766) on the 4x4 head; 24x24 (0.735) on the 8x8 head; 41x41 (0.466) is below 0.5.
    const box: [number, number, number, number] = [50, 50, 78, 78];
    expect(assignAnchors(box, HEADS, 128, 0.5)).toEqual([
      { head: 0, anchor: 0, cellX: 2, cellY: 2 },
      { head: 1, anchor: 2, cellX: 4, cellY: 4 },
    ]);
    expect(assignAnchors(box, HEADS, 128, 1)).toEqual([{ head: 0, anchor: 0, cellX: 2, cellY: 2 }]);
  });

  it('refuses an empty box', () => {
    expect(() => assignAnchor([5, 5, 5, 9], HEADS, 128)).toThrow(/empty box/);
  });
});

describe('buildHeadTargets', () => {
  it('writes offsets, log sizes, weights and one-hot classes into the assigned cell only', () => {
    const [big, small] = buildHeadTargets([[], [{ classIndex: 2, box: [40, 62, 60, 78] }]], HEADS, 128, 4);
    expect(big.object.every((v) => v === 0)).toBe(true);
    // Image 1, cell (3, 4), anchor 1 on the 8x8 head with 3 anchors.
    const cell = ((1 * 8 + 4) * 8 + 3) * 3 + 1;
    expect(small.object[cell]).toBe(1);
    expect(small.object.reduce((a, b) => a + b, 0)).toBe(1);
    expect(small.xy[cell * 2]).toBeCloseTo((50 / 128) * 8 - 3, 6); // 0.125
    expect(small.xy[cell * 2 + 1]).toBeCloseTo((70 / 128) * 8 - 4, 6); // 0.375
    expect(small.wh[cell * 2]).toBeCloseTo(Math.log(20 / 18), 6);
    expect(small.wh[cell * 2 + 1]).toBeCloseTo(Math.log(16 / 18), 6);
    expect(small.boxWeight[cell]).toBeCloseTo(2 - (20 * 16) / (128 * 128), 6);
    expect(Array.from(small.classes.slice(cell * 4, cell * 4 + 4))).toEqual([0, 0, 1, 0]);
  });

  it('refuses a class outside the model', () => {
    expect(() => buildHeadTargets([[{ classIndex: 4, box: [0, 0, 10, 10] }]], HEADS, 128, 4)).toThrow(/class 4/);
  });
});

describe('negativeMask', () => {
  it('ignores cells whose predicted box already overlaps a ground truth by 0.5 or more', () => {
    const layout: HeadLayout = { grid: 2, anchors: [[32, 32]] };
    const classes = 1;
    const raw = new Float32Array(2 * 2 * 1 * 6); // t = 0: centre of each cell, size = anchor
    const object = new Float32Array(4);
    // Ground truth 32x32 centred on cell (1, 0)'s predicted box (centre 48, 16): that cell is ignored.
    const mask = negativeMask(raw, object, [[{ classIndex: 0, box: [32, 0, 64, 32] }]], layout, 64, classes);
    expect(Array.from(mask)).toEqual([1, 0, 1, 1]);
    // An assigned cell is never a negative.
    object[0] = 1;
    expect(negativeMask(raw, object, [[]], layout, 64, classes)[0]).toBe(0);
  });
});
