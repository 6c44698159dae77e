import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/graph/builder.js';
import type { Graph } from '../src/graph/types.js';
import type { TensorData } from '../src/runtime/types.js';
import { decodeDetections, iou, letterboxBoxToImage, nonMaxSuppression } from '../src/decode/index.js';
import { diou } from '../src/decode/nms.js';
import { letterboxGeometry } from '../src/preprocess/letterbox-geometry.js';
import type { Detection } from '../src/decode/types.js';

const ANCHORS_13: Array<[number, number]> = [[116, 90], [156, 198], [373, 326]];
const ANCHORS_26: Array<[number, number]> = [[30, 61], [62, 45], [59, 119]];

/** Two heads on a 416 input: 13x13 (stride 32) and 26x26 (stride 16, scale_x_y 2), 2 classes. */
function twoHeadGraph(): Graph {
  const b = new GraphBuilder();
  const channels = 3 * 7;
  const zeros = (n: number) => new Float32Array(n);
  const c0 = b.conv('conv_13', 0, { filters: channels, channels: 3, kernel: 1, stride: 32, weights: zeros(channels * 3), bias: zeros(channels) });
  b.yolo('yolo_13', c0, ANCHORS_13, 2);
  const c1 = b.conv('conv_26', 0, { filters: channels, channels: 3, kernel: 1, stride: 16, weights: zeros(channels * 3), bias: zeros(channels) });
  b.yolo('yolo_26', c1, ANCHORS_26, 2, 2);
  return b.build({ inputSize: [416, 416], classNames: ['cat', 'dog'], source: 'test' });
}

/** Heads where every objectness is hopeless (-10) unless set. */
function emptyHeads(batch = 1): TensorData[] {
  return [13, 26].map((g) => {
    const data = new Float32Array(batch * g * g * 21);
    for (let i = 4; i < data.length; i += 7) data[i] = -10;
    return { dims: [batch, g, g, 21], data };
  });
}

function setAnchor(heads: TensorData[], scale: number, y: number, x: number, anchor: number, values: number[], n = 0): void {
  const [, gh, gw, c] = heads[scale].dims;
  heads[scale].data.set(values, ((n * gh + y) * gw + x) * c + anchor * 7);
}

function detection(box: [number, number, number, number], score: number, classIndex = 0): Detection {
  return { box, score, objectness: score, classIndex, className: `class${classIndex}`, classProbability: 1, cell: { scale: 0, anchor: 0, y: 0, x: 0 } };
}

describe('decodeDetections', () => {
  it('decodes one strong cell into the exact box in input pixels', () => {
    const graph = twoHeadGraph();
    const heads = emptyHeads();
    // tx = 0 -> sigmoid 0.5; ty = ln 3 -> 0.75; tw = ln 0.5 -> half the anchor; th = 0.
    setAnchor(heads, 0, 4, 6, 1, [0, Math.log(3), Math.log(0.5), 0, 3, -5, 2]);
    const dets = decodeDetections(graph, heads);
    expect(dets).toHaveLength(1);
    const d = dets[0];
    // cx = (0.5 + 6)/13*416 = 208, cy = (0.75 + 4)/13*416 = 152, w = 156/2, h = 198.
    const expected = [208 - 39, 152 - 99, 208 + 39, 152 + 99];
    d.box.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    const obj = 1 / (1 + Math.exp(-3));
    const cls = 1 / (1 + Math.exp(-2));
    expect(d.objectness).toBeCloseTo(obj, 6);
    expect(d.classProbability).toBeCloseTo(cls, 6);
    expect(d.score).toBeCloseTo(obj * cls, 6);
    expect(d.classIndex).toBe(1);
    expect(d.className).toBe('dog');
    expect(d.cell).toEqual({ scale: 0, anchor: 1, y: 4, x: 6 });
  });

  it('applies scale_x_y on the second head', () => {
    const graph = twoHeadGraph();
    const heads = emptyHeads();
    // scale_x_y = 2: sigmoid(ln 3)=0.75 -> 0.75*2 - 0.5 = 1 cell; sigmoid(0)=0.5 -> 0.5.
    setAnchor(heads, 1, 10, 3, 2, [Math.log(3), 0, 0, 0, 4, 4, -4]);
    const [d] = decodeDetections(graph, heads);
    const cx = ((1 + 3) / 26) * 416;
    const cy = ((0.5 + 10) / 26) * 416;
    const expected = [cx - 59 / 2, cy - 119 / 2, cx + 59 / 2, cy + 119 / 2];
    d.box.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    expect(d.cell).toEqual({ scale: 1, anchor: 2, y: 10, x: 3 });
    expect(d.classIndex).toBe(0);
  });

  it('keeps scores at or above the threshold, one detection per passing class, sorted', () => {
    const graph = twoHeadGraph();
    const heads = emptyHeads();
    // both classes pass: obj sigmoid(5)≈0.993, classes sigmoid(1)≈0.731 and sigmoid(3)≈0.953
    setAnchor(heads, 0, 2, 2, 0, [0, 0, 0, 0, 5, 1, 3]);
    // a weak far-away box: score sigmoid(0)·sigmoid(0) = 0.25 exactly
    setAnchor(heads, 0, 10, 10, 0, [0, 0, 0, 0, 0, 0, -10]);
    const dets = decodeDetections(graph, heads, { scoreThreshold: 0.3 });
    expect(dets.map((d) => d.classIndex)).toEqual([1, 0]);
    expect(dets[0].score).toBeGreaterThan(dets[1].score);
    // score 0.25 exactly passes the default threshold 0.25 (>=)
    const low = decodeDetections(graph, heads);
    expect(low).toHaveLength(3);
    expect(low[2].cell).toEqual({ scale: 0, anchor: 0, y: 10, x: 10 });
    expect(low[2].score).toBe(0.25);
    expect(decodeDetections(graph, heads, { maxDetections: 1 })).toHaveLength(1);
  });

  it('suppresses overlapping boxes of one class across cells and heads', () => {
    const graph = twoHeadGraph();
    const heads = emptyHeads();
    setAnchor(heads, 0, 6, 6, 1, [0, 0, 0, 0, 4, 4, -9]); // best
    setAnchor(heads, 0, 6, 7, 1, [0, 0, 0, 0, 3, 4, -9]); // heavy overlap, same class
    setAnchor(heads, 0, 6, 7, 0, [0, 0, 0, 0, 2, -9, 4]); // overlaps but other class
    const dets = decodeDetections(graph, heads);
    expect(dets.map((d) => [d.cell.x, d.cell.anchor, d.classIndex])).toEqual([[6, 1, 0], [7, 0, 1]]);
    // with a very permissive IoU threshold nothing is suppressed
    expect(decodeDetections(graph, heads, { iouThreshold: 1 })).toHaveLength(3);
  });

  it('decodes the requested batch item', () => {
    const graph = twoHeadGraph();
    const heads = emptyHeads(2);
    setAnchor(heads, 0, 1, 1, 0, [0, 0, 0, 0, 5, 5, -9], 1);
    expect(decodeDetections(graph, heads)).toHaveLength(0);
    expect(decodeDetections(graph, heads, { batchIndex: 1 })[0].cell).toEqual({ scale: 0, anchor: 0, y: 1, x: 1 });
    expect(() => decodeDetections(graph, heads, { batchIndex: 2 })).toThrow('batch index 2 is outside the batch of 2');
  });

  it('maps boxes back through the letterbox of a 768x576 image into 416x416', () => {
    const graph = twoHeadGraph();
    const heads = emptyHeads();
    setAnchor(heads, 0, 4, 6, 1, [0, Math.log(3), Math.log(0.5), 0, 3, -5, 2]);
    const letterbox = letterboxGeometry(768, 576, [416, 416]);
    const [d] = decodeDetections(graph, heads, { letterbox });
    // input box [169, 53, 247, 251]; scale 416/768, offset y 52
    const s = 416 / 768;
    const expected = [169 / s, (53 - 52) / s, 247 / s, (251 - 52) / s];
    d.box.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 3));
  });

  it('rejects heads that do not match the graph', () => {
    const graph = twoHeadGraph();
    const heads = emptyHeads();
    expect(() => decodeDetections(graph, heads.slice(0, 1))).toThrow('expected 2 raw head tensors');
    const bad = [{ dims: [1, 13, 13, 20], data: new Float32Array(13 * 13 * 20) }, heads[1]];
    expect(() => decodeDetections(graph, bad)).toThrow("head 0 ('yolo_13'): 20 channels, but 3 anchors x (5 + 2 classes) need 21");
  });
});

describe('letterboxGeometry', () => {
  it('fits a 768x576 image into 416x416, centred vertically', () => {
    expect(letterboxGeometry(768, 576, [416, 416])).toEqual({
      imageWidth: 768, imageHeight: 576, inputWidth: 416, inputHeight: 416,
      scale: 416 / 768, offsetX: 0, offsetY: 52,
    });
  });

  it('rounds the new size and floors the offsets', () => {
    // 500x375 -> scale 416/500 = 0.832, new 416x312, offset y 52; 375x500 -> offset x 52
    expect(letterboxGeometry(375, 500, [416, 416])).toMatchObject({ scale: 0.832, offsetX: 52, offsetY: 0 });
    // 100x33 into 64x64: scale 0.64, new height round(21.12) = 21, offset floor(43/2) = 21
    expect(letterboxGeometry(100, 33, [64, 64])).toMatchObject({ scale: 0.64, offsetX: 0, offsetY: 21 });
    expect(() => letterboxGeometry(0, 10, [416, 416])).toThrow('letterbox: image width must be a positive integer, got 0');
  });

  it('clips mapped boxes to the image', () => {
    const lb = letterboxGeometry(768, 576, [416, 416]);
    expect(letterboxBoxToImage([-20, 10, 500, 400], lb)).toEqual([0, 0, 768, 576]);
    const [x1, y1] = letterboxBoxToImage([208, 208, 300, 300], lb);
    expect(x1).toBeCloseTo(384, 9);
    expect(y1).toBeCloseTo(288, 9);
  });
});

describe('iou and nonMaxSuppression', () => {
  it('computes IoU on known cases', () => {
    expect(iou([0, 0, 2, 2], [1, 0, 3, 2])).toBeCloseTo(1 / 3, 12);
    expect(iou([0, 0, 10, 10], [1, 1, 11, 11])).toBeCloseTo(81 / 119, 12);
    expect(iou([0, 0, 2, 2], [0, 0, 2, 2])).toBe(1);
    expect(iou([0, 0, 1, 1], [1, 0, 2, 1])).toBe(0); // touching edges
    expect(iou([0, 0, 1, 1], [5, 5, 6, 6])).toBe(0);
    expect(iou([1, 1, 1, 1], [1, 1, 1, 1])).toBe(0); // empty boxes
  });

  it('suppresses per class, strictly above the threshold, sorted by score', () => {
    const a = detection([0, 0, 10, 10], 0.9);
    const b = detection([1, 1, 11, 11], 0.8); // IoU 0.68 with a
    const c = detection([20, 20, 30, 30], 0.7);
    const bOther = detection([1, 1, 11, 11], 0.85, 2);
    expect(nonMaxSuppression([c, b, a, bOther], 0.45)).toEqual([a, bOther, c]);
    expect(nonMaxSuppression([c, b, a], 0.7)).toEqual([a, b, c]);
    // IoU exactly 1/3 at threshold 1/3 is not "above": both stay
    const d = detection([0, 0, 2, 2], 0.6);
    const e = detection([1, 0, 3, 2], 0.5);
    expect(nonMaxSuppression([e, d], 1 / 3)).toEqual([d, e]);
    expect(nonMaxSuppression([e, d], 0.3)).toEqual([d]);
    expect(nonMaxSuppression([c, b, a], 0.45, 1)).toEqual([a]);
  });

  it("darknet's DIoU (greedynms) subtracts (d²/c²)^beta on image-relative boxes, so it keeps boxes whose centres are apart", () => {
    // IoU 1/3; enclosing box 15 x 10, centres 5 apart, in a 100 x 100 image: 1/3 - (0.0025/0.0325)^0.6.
    expect(diou([0, 0, 10, 10], [5, 0, 15, 10], 0.6, [100, 100])).toBeCloseTo(0.1187312229, 9);
    // In a 200 x 100 image x is divided by 200: the same pixels are relatively closer in x.
    expect(diou([0, 0, 10, 10], [5, 0, 15, 10], 0.6, [200, 100])).toBeCloseTo(0.1883774006, 9);
    // Same centre: DIoU is IoU.
    expect(diou([0, 0, 10, 10], [2, 2, 8, 8], 0.6, [100, 100])).toBeCloseTo(36 / 100, 12);
    const a = detection([0, 0, 10, 10], 0.9);
    const b = detection([2, 0, 12, 10], 0.8); // IoU 0.667, DIoU 0.667 - (0.0004/0.0244)^0.6 = 0.581
    const far = (x: Detection, y: Detection) => diou(x.box, y.box, 0.6, [100, 100]);
    expect(nonMaxSuppression([a, b], 0.6)).toEqual([a]);
    expect(nonMaxSuppression([a, b], 0.6, Infinity, far)).toEqual([a, b]);
  });
});
