import { describe, expect, it } from 'vitest';
import { averageRanks, pointingGame, spearman, trapezoidAuc, pixelOrder, completenessError } from '../src/metrics/index.js';
import type { TensorData } from '../src/runtime/types.js';
import type { SaliencyMap } from '../src/algorithms/types.js';

/** A [32, 32, 3] map, zero except the given pixels (value on channel 1, a negative value counts by magnitude). */
function mapWith(points: Array<[x: number, y: number, value: number]>, size = 32): TensorData {
  const data = new Float32Array(size * size * 3);
  for (const [x, y, v] of points) data[(y * size + x) * 3 + 1] = v;
  return { dims: [size, size, 3], data };
}

describe('pointing game', () => {
  const box: [number, number, number, number] = [10, 10, 20, 20];
  it('hits when the maximum is inside the box', () => {
    const r = pointingGame(mapWith([[15, 12, 1], [1, 1, 0.5]]), box);
    expect(r).toEqual({ hit: true, argmax: { x: 15, y: 12 }, value: 1, ties: 1 });
  });
  it('uses the magnitude: a large negative value is the maximum', () => {
    const r = pointingGame(mapWith([[15, 12, 1], [0, 0, -3]]), box, 0);
    expect(r.hit).toBe(false);
    expect(r.argmax).toEqual({ x: 0, y: 0 });
    expect(r.value).toBe(3);
  });
  it('misses outside the box plus tolerance, hits within the 15 px tolerance', () => {
    // Pixel 31 has centre 31.5: 11.5 px right of x2 = 20 -> within 15.
    expect(pointingGame(mapWith([[31, 15, 1]]), box).hit).toBe(true);
    expect(pointingGame(mapWith([[31, 15, 1]]), box, 10).hit).toBe(false);
    // Pixel 0 has centre 0.5: 9.5 px left of x1 = 10.
    expect(pointingGame(mapWith([[0, 15, 1]]), [10, 10, 12, 12], 9).hit).toBe(false);
    expect(pointingGame(mapWith([[0, 15, 1]]), [10, 10, 12, 12], 9.5).hit).toBe(true);
  });
  it('counts the border as inside (centre exactly on the enlarged edge)', () => {
    // Pixel 4 centre 4.5 = 19.5 - 15.
    expect(pointingGame(mapWith([[4, 25, 1]]), [19.5, 10, 25, 30]).hit).toBe(true);
    expect(pointingGame(mapWith([[3, 25, 1]]), [19.5, 10, 25, 30]).hit).toBe(false);
  });
  it('ties: a hit if any maximum is inside; argmax is that one', () => {
    const r = pointingGame(mapWith([[0, 0, 2], [15, 15, 2]]), box, 0);
    expect(r).toEqual({ hit: true, argmax: { x: 15, y: 15 }, value: 2, ties: 2 });
    const miss = pointingGame(mapWith([[0, 0, 2], [31, 31, 2]]), box, 0);
    expect(miss).toEqual({ hit: false, argmax: { x: 0, y: 0 }, value: 2, ties: 2 });
  });
  it('rejects NaN maps and bad tolerances with one clear line', () => {
    expect(() => pointingGame(mapWith([[1, 1, Number.NaN]]), box)).toThrow(/no finite maximum/);
    expect(() => pointingGame(mapWith([]), box, -1)).toThrow(/tolerance -1/);
  });
});

describe('spearman', () => {
  it('matches hand-computed values', () => {
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // Ties: ranks [1, 2.5, 2.5, 4] vs [1, 2, 3, 4] -> 4.5 / sqrt(4.5 * 5) = sqrt(0.9).
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(Math.sqrt(0.9), 12);
    // Rank-based: a monotone transform changes nothing.
    expect(spearman([0.1, 5, 2, 9], [Math.exp(0.1), Math.exp(5), Math.exp(2), Math.exp(9)])).toBeCloseTo(1, 12);
  });
  it('average ranks', () => {
    expect(Array.from(averageRanks([3, 1, 3, 3, 0]))).toEqual([4, 2, 4, 4, 1]);
  });
  it('is NaN for a constant side and throws on length mismatch', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(/2 and 3 values/);
  });
});

describe('trapezoid and pixel order', () => {
  it('is exact on a piecewise-linear curve and on y = x', () => {
    expect(trapezoidAuc([0, 0.5, 1], [0, 1, 0])).toBeCloseTo(0.5, 12);
    expect(trapezoidAuc([0, 0.25, 0.5, 0.75, 1], [0, 0.25, 0.5, 0.75, 1])).toBeCloseTo(0.5, 12);
    // y = x^2 sampled at 0, 0.5, 1: (0.5*(0+0.25) + 0.5*(0.25+1))/2 = 0.375.
    expect(trapezoidAuc([0, 0.5, 1], [0, 0.25, 1])).toBeCloseTo(0.375, 12);
    expect(() => trapezoidAuc([0, 1, 0.5], [0, 0, 0])).toThrow(/increasing/);
  });
  it('orders pixels by saliency, reverse, or a seeded permutation', () => {
    expect(Array.from(pixelOrder([0.2, 0.9, 0.1, 0.9], 'saliency'))).toEqual([1, 3, 0, 2]);
    expect(Array.from(pixelOrder([0.2, 0.9, 0.1, 0.9], 'reverse'))).toEqual([2, 0, 1, 3]);
    const a = pixelOrder(new Float32Array(50), 'random', 3);
    expect(Array.from(a)).toEqual(Array.from(pixelOrder(new Float32Array(50), 'random', 3)));
    expect(Array.from(a)).not.toEqual(Array.from(pixelOrder(new Float32Array(50), 'random', 4)));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
  it('completeness error is read from IG results only', () => {
    const base = { map: mapWith([]), targetValue: 1, milliseconds: 1 };
    expect(completenessError({ ...base, method: 'integrated-gradients', completenessError: 0.03 } as SaliencyMap)).toBe(0.03);
    expect(completenessError({ ...base, method: 'vanilla' } as SaliencyMap)).toBeUndefined();
  });
});
