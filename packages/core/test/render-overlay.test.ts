import { describe, expect, it } from 'vitest';
import { letterboxGeometry, letterboxImage } from '../src/preprocess/index.js';
import { overlay, resizeImage8, unletterboxMap } from '../src/render/index.js';
import { toRgba } from '../src/render/resize-image.js';
import type { Image8 } from '../src/render/types.js';

const rgb = (width: number, height: number, values: number[]): Image8 => ({ width, height, channels: 3, data: Uint8Array.from(values) });

describe('overlay', () => {
  it('blends exactly: (1 − a)·base + a·heat, rounded', () => {
    const base = rgb(2, 1, [0, 100, 200, 255, 255, 255]);
    const heat = rgb(2, 1, [255, 0, 100, 0, 0, 0]);
    const out = overlay(base, heat, 0.25);
    // 0.75·0 + 0.25·255 = 63.75 → 64; 75; 175; 191.25 → 191.
    expect(Array.from(out.data)).toEqual([64, 75, 175, 255, 191, 191, 191, 255]);
  });
  it("uses the heat map's own alpha as a per-pixel weight and keeps the base alpha", () => {
    const base: Image8 = { width: 2, height: 1, channels: 4, data: Uint8Array.from([100, 100, 100, 9, 100, 100, 100, 200]) };
    const heat: Image8 = { width: 2, height: 1, channels: 4, data: Uint8Array.from([200, 200, 200, 0, 200, 200, 200, 255]) };
    const out = overlay(base, heat, 0.5);
    expect(Array.from(out.data)).toEqual([100, 100, 100, 9, 150, 150, 150, 200]);
  });
  it('resizes the heat map to the base size first', () => {
    const base = rgb(4, 2, new Array(24).fill(0));
    const heat = rgb(2, 1, [200, 0, 0, 0, 0, 200]);
    const out = overlay(base, heat, 1);
    expect(out).toMatchObject({ width: 4, height: 2, channels: 4 });
    // With alpha 1 the result is the bilinear enlargement: red 200, 150, 50, 0 along a row.
    expect([0, 1, 2, 3].map((x) => out.data[x * 4])).toEqual([200, 150, 50, 0]);
    expect([0, 1, 2, 3].map((x) => out.data[(4 + x) * 4 + 2])).toEqual([0, 50, 150, 200]);
  });
  it('rejects an alpha outside [0, 1]', () => {
    expect(() => overlay(rgb(1, 1, [0, 0, 0]), rgb(1, 1, [0, 0, 0]), 1.5)).toThrow(/overlay: alpha must be in \[0, 1\], got 1.5/);
  });
});

describe('unletterboxMap', () => {
  it('crops the padding of a map at input size (same scale: exact)', () => {
    // A 4×2 photo in a 4×4 input sits in rows 1..2; the map's rows 0 and 3 are padding.
    const lb = letterboxGeometry(4, 2, [4, 4]);
    const map = Float32Array.from({ length: 16 }, (_, i) => i);
    expect(Array.from(unletterboxMap(map, lb))).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
  });
  it('crops and scales back up to the photo size', () => {
    // An 8×4 photo into 4×4: scale 0.5, content 4×2 at offsetY 1; the map comes back 8×4.
    const lb = letterboxGeometry(8, 4, [4, 4]);
    const map = new Float32Array(16).fill(-1);
    map.set([0, 0, 4, 4], 4);
    map.set([0, 0, 4, 4], 8);
    const back = unletterboxMap(map, lb);
    expect(back.length).toBe(32);
    // Per row: 2× bilinear of [0, 0, 4, 4] → 0, 0, 0, 1, 3, 4, 4, 4 (no padding value −1 leaks in).
    expect(Array.from(back.subarray(0, 8))).toEqual([0, 0, 0, 1, 3, 4, 4, 4]);
    expect(Array.from(back.subarray(24, 32))).toEqual([0, 0, 0, 1, 3, 4, 4, 4]);
  });
  it('round-trips an image through letterbox and back', () => {
    // A smooth 12×6 photo → 8×8 input → back to 12×6: close to the original.
    const photo = rgb(12, 6, Array.from({ length: 12 * 6 * 3 }, (_, i) => Math.floor(i / 3) % 12 * 20));
    const { input, letterbox } = letterboxImage(photo, [8, 8]);
    const asImage: Image8 = { width: 8, height: 8, channels: 3, data: Uint8ClampedArray.from(input.data, (v) => Math.round(v * 255)) };
    const back = unletterboxMap(asImage, letterbox);
    expect(back).toMatchObject({ width: 12, height: 6, channels: 3 });
    // Both filters are symmetric and linear, so a linear ramp survives the round trip away
    // from the edges (up to 8-bit rounding); at the edges renormalised taps bend it.
    for (let y = 0; y < 6; y++) {
      for (let x = 2; x < 10; x++) {
        for (let c = 0; c < 3; c++) expect(Math.abs(back.data[(y * 12 + x) * 3 + c] - x * 20)).toBeLessThanOrEqual(1);
      }
    }
  });
  it('names a map of the wrong size', () => {
    expect(() => unletterboxMap(new Float32Array(5), letterboxGeometry(4, 2, [4, 4]))).toThrow(/unletterboxMap: map has 5 values, expected 4×4×1 = 16/);
  });
});

describe('resizeImage8 / toRgba', () => {
  it('keeps the size when equal and adds opaque alpha', () => {
    const img = rgb(1, 2, [1, 2, 3, 4, 5, 6]);
    expect(Array.from(resizeImage8(img, 1, 2).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(toRgba(img).data)).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
  });
});
