import { describe, expect, it } from 'vitest';
import { applyColormap, normalizeForDisplay, reduceChannels, renderSaliency } from '../src/render/index.js';
import { colormapTable } from '../src/render/colormap.js';
import type { Colormap } from '../src/render/types.js';

const rgbAt = (colormap: Colormap, v: number) => Array.from(applyColormap([v], 1, 1, colormap).data.subarray(0, 3));

describe('reduceChannels', () => {
  // 1×2 pixels × 3 channels.
  const map = { dims: [1, 2, 3], data: new Float32Array([1, -3, 2, -0.5, 0.25, 0]) };
  it('abs-max takes the largest magnitude per pixel', () => {
    expect(Array.from(reduceChannels(map))).toEqual([3, 0.5]);
  });
  it('abs-sum adds the magnitudes', () => {
    expect(Array.from(reduceChannels(map, 'abs-sum'))).toEqual([6, 0.75]);
  });
  it('accepts a leading batch of 1 and rejects other dims', () => {
    expect(Array.from(reduceChannels({ dims: [1, 1, 2, 3], data: map.data }))).toEqual([3, 0.5]);
    expect(() => reduceChannels({ dims: [6], data: map.data })).toThrow(/reduceChannels: expected a map of dims \[H, W, C\]/);
  });
});

describe('normalizeForDisplay', () => {
  it('clips one huge outlier at the percentile so the rest still spans the range', () => {
    // 0..99 plus one outlier of 1e6: the 99th percentile is 99.0 (rank 99 of 0..100).
    const values = Float32Array.from({ length: 101 }, (_, i) => (i === 100 ? 1e6 : i));
    const out = normalizeForDisplay(values);
    expect(out[0]).toBe(0);
    expect(out[50]).toBeCloseTo(50 / 99, 6);
    expect(out[99]).toBe(1);
    expect(out[100]).toBe(1);
    // Without clipping everything but the outlier would be below 1e-4.
    expect(normalizeForDisplay(values, { percentile: 100 })[99]).toBeLessThan(1e-4);
  });
  it('maps the maximum to 255 through a colormap, never wrapping to 0', () => {
    const out = normalizeForDisplay(new Float32Array([0, 0.25, 1]), { percentile: 100 });
    expect(Array.from(out)).toEqual([0, 0.25, 1]);
    const gray = applyColormap(out, 3, 1, 'gray').data;
    expect([gray[0], gray[4], gray[8]]).toEqual([0, 64, 255]);
  });
  it('constant maps become all zeros', () => {
    expect(Array.from(normalizeForDisplay(new Float32Array([3, 3, 3])))).toEqual([0, 0, 0]);
    expect(Array.from(normalizeForDisplay(new Float32Array([0, 0]), { signed: true }))).toEqual([0, 0]);
  });
  it('handles NaN and infinities without poisoning the statistics', () => {
    const out = normalizeForDisplay(new Float32Array([NaN, 0, 2, Infinity, -Infinity, 4]), { percentile: 100 });
    expect(Array.from(out)).toEqual([0, 0, 0.5, 1, 0, 1]);
  });
  it('signed keeps zero in the middle', () => {
    const out = normalizeForDisplay(new Float32Array([-2, 0, 1, 2]), { signed: true, percentile: 100 });
    expect(Array.from(out)).toEqual([0, 0.5, 0.75, 1]);
  });
  it('falls back to the maximum when the percentile sits on the floor', () => {
    // 199 zeros and one 5: the 99th percentile is 0, which would blank the map.
    const values = new Float32Array(200);
    values[7] = 5;
    const out = normalizeForDisplay(values);
    expect(out[7]).toBe(1);
    expect(out[0]).toBe(0);
  });
});

describe('colormaps', () => {
  it('jet matches matplotlib at its anchors', () => {
    expect(rgbAt('jet', 0)).toEqual([0, 0, 128]);
    expect(rgbAt('jet', 1)).toEqual([128, 0, 0]);
    // matplotlib: jet(0.5) = (0.4902, 1, 0.4775) → 8 bits ≈ (125, 255, 122).
    const mid = rgbAt('jet', 0.5);
    expect(Math.abs(mid[0] - 124.5)).toBeLessThanOrEqual(1);
    expect(mid[1]).toBe(255);
    expect(Math.abs(mid[2] - 121.5)).toBeLessThanOrEqual(1);
  });
  it('inferno matches matplotlib within one level', () => {
    // round(255 × matplotlib's _inferno_data[i]) at i = 0, 64, 128, 192, 255.
    const reference: Array<[number, number[]]> = [
      [0, [0, 0, 4]],
      [64, [87, 16, 110]],
      [128, [188, 55, 84]],
      [192, [249, 142, 9]],
      [255, [252, 255, 164]],
    ];
    const table = colormapTable('inferno');
    for (const [i, rgb] of reference) {
      for (let c = 0; c < 3; c++) expect(Math.abs(table[i * 3 + c] - rgb[c])).toBeLessThanOrEqual(1);
    }
    expect(rgbAt('inferno', 0)).toEqual([0, 0, 4]);
    expect(rgbAt('inferno', 1)).toEqual([252, 255, 164]);
  });
  it('gray is the identity ramp and picks entry floor(v·256) capped at 255', () => {
    const table = colormapTable('gray');
    for (let i = 0; i < 256; i++) expect(table[i * 3]).toBe(i);
    expect(rgbAt('gray', 0.5)).toEqual([128, 128, 128]);
    expect(rgbAt('gray', 127.9 / 256)).toEqual([127, 127, 127]);
    expect(rgbAt('gray', -1)).toEqual([0, 0, 0]);
    expect(rgbAt('gray', 2)).toEqual([255, 255, 255]);
  });
  it('outputs opaque RGBA', () => {
    const img = applyColormap(new Float32Array([0, 1]), 2, 1, 'jet');
    expect(img).toMatchObject({ width: 2, height: 1, channels: 4 });
    expect([img.data[3], img.data[7]]).toEqual([255, 255]);
  });
});

describe('renderSaliency', () => {
  it('reduces, clips and colours in one call', () => {
    // 1×3 map, 2 channels; abs-max → [0, 1, 2] → [0, 0.5, 1] → gray 0, 128, 255.
    const img = renderSaliency({ dims: [1, 3, 2], data: new Float32Array([0, 0, -1, 0.5, 0.5, 2]) }, { colormap: 'gray', percentile: 100 });
    expect(img).toMatchObject({ width: 3, height: 1, channels: 4 });
    expect([img.data[0], img.data[4], img.data[8]]).toEqual([0, 128, 255]);
  });
});
