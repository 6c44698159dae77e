import { describe, expect, it } from 'vitest';
import { centreMarkerRadius, detectionAt, type BoxedDetection } from '../src/client/detection-at.js';

// dog.jpg's top two detections with Yolo-Fastest-1.1-xl: the dog (0.94) and, over most of it, a cat (0.49).
const dog: BoxedDetection = { index: 0, box: [114, 162, 416, 539] };
const cat: BoxedDetection = { index: 4, box: [108, 197, 384, 551] };
const eye: BoxedDetection = { index: 7, box: [200, 200, 220, 210] };

describe('detectionAt: which box a click on the picture means', () => {
  it("gives each of two overlapping boxes its own centre, whatever the paint order", () => {
    for (const list of [[dog, cat], [cat, dog]]) {
      expect(detectionAt(list, 265, 350.5)).toBe(0);
      expect(detectionAt(list, 246, 374)).toBe(4);
    }
  });
  it('gives a nested box every click inside it, the outer box the rest', () => {
    expect(detectionAt([dog, eye], 201, 201)).toBe(7);
    expect(detectionAt([dog, eye], 219, 209)).toBe(7);
    expect(detectionAt([dog, eye], 230, 209)).toBe(0);
  });
  it('gives a box the clicks only it contains, and nothing outside every box', () => {
    expect(detectionAt([dog, cat], 400, 170)).toBe(0);
    expect(detectionAt([dog, cat], 110, 545)).toBe(4);
    expect(detectionAt([dog, cat], 50, 50)).toBeUndefined();
    expect(detectionAt([], 1, 1)).toBeUndefined();
  });
  it('counts the edges as inside, and a degenerate box does not divide by zero', () => {
    expect(detectionAt([dog], 114, 539)).toBe(0);
    expect(detectionAt([{ index: 2, box: [10, 10, 10, 10] }], 10, 10)).toBe(2);
  });
});

describe('centreMarkerRadius', () => {
  it('is a small share of the box, bounded by the picture and never vanishing', () => {
    const picture = { width: 768, height: 576 };
    expect(centreMarkerRadius(dog.box, picture)).toBeCloseTo(768 * 0.012);
    expect(centreMarkerRadius([0, 0, 50, 80], picture)).toBeCloseTo(4);
    expect(centreMarkerRadius(eye.box, picture)).toBe(1.5);
    expect(centreMarkerRadius([0, 0, 2, 2], picture)).toBe(1.5);
  });
});

describe('detectionAt with equal boxes', () => {
  it('takes the first of two identical boxes (car and truck on one object) at their shared centre', () => {
    const car: BoxedDetection = { index: 1, box: [452, 72, 661, 164] };
    const truck: BoxedDetection = { index: 5, box: [452, 72, 661, 164] };
    expect(detectionAt([car, truck], 556, 118)).toBe(1);
  });
});
