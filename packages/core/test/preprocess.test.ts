import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inputFromFloatArray, letterboxGeometry, letterboxImage, resizeFloat } from '../src/preprocess/index.js';
import type { Image8 } from '../src/render/types.js';

const fixture = (p: string) => fileURLToPath(new URL(`../../../fixtures/${p}`, import.meta.url));

/** Minimal .npy reader for the little-endian float32 fixtures (header + raw data). */
function readNpyFloat32(path: string): { dims: number[]; data: Float32Array } {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  expect(header).toContain("'descr': '<f4'");
  const dims = header.match(/'shape': \(([^)]*)\)/)![1].split(',').filter((s) => s.trim()).map(Number);
  const start = 10 + headerLength;
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  return { dims, data };
}

function image(width: number, height: number, channels: 3 | 4, pixel: (x: number, y: number, c: number) => number): Image8 {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = pixel(x, y, c);
  return { width, height, channels, data };
}

describe('letterboxGeometry', () => {
  it('fits, rounds and centres (416 input, 768×576 photo)', () => {
    // scale = min(416/768, 416/576) = 0.541666…; content = 416 × round(576·0.5417) = 416 × 312; offsetY = (416−312)/2 = 52.
    expect(letterboxGeometry(768, 576, [416, 416])).toEqual({
      imageWidth: 768, imageHeight: 576, inputWidth: 416, inputHeight: 416, scale: 416 / 768, offsetX: 0, offsetY: 52,
    });
  });
  it('floors an odd padding and handles non-square inputs', () => {
    // 10×3 into [h=8, w=5]: scale = min(5/10, 8/3) = 0.5 → 5×2 (round(1.5) = 2), offsetY = floor(6/2) = 3.
    const g = letterboxGeometry(10, 3, [8, 5]);
    expect([g.scale, g.offsetX, g.offsetY]).toEqual([0.5, 0, 3]);
    // 3×1 into 4×4: scale 4/3 → 4×1 (round(1.333)), offsetY = floor(3/2) = 1.
    expect(letterboxGeometry(3, 1, [4, 4]).offsetY).toBe(1);
  });
  it('rejects a non-positive size with the field named', () => {
    expect(() => letterboxGeometry(0, 10, [416, 416])).toThrow(/image width must be a positive integer/);
  });
});

describe('letterboxImage', () => {
  it('an image of the network size is exactly pixel/255, in RGB, with alpha ignored', () => {
    const img = image(5, 3, 4, (x, y, c) => (c === 3 ? 7 : (x * 37 + y * 91 + c * 13) % 256));
    const { input, letterbox } = letterboxImage(img, [3, 5]);
    expect(input.dims).toEqual([1, 3, 5, 3]);
    expect(letterbox).toMatchObject({ scale: 1, offsetX: 0, offsetY: 0 });
    for (let p = 0; p < 15; p++) for (let c = 0; c < 3; c++) expect(input.data[p * 3 + c]).toBe(Math.fround(img.data[p * 4 + c] / 255));
  });

  it('a 4×2 image into 4×4: grey rows above and below, the pixels unchanged in between', () => {
    const img = image(4, 2, 3, (x, y, c) => 10 * x + 100 * y + c);
    const { input, letterbox } = letterboxImage(img, [4, 4]);
    expect(letterbox).toMatchObject({ scale: 1, offsetX: 0, offsetY: 1 });
    const at = (x: number, y: number, c: number) => input.data[(y * 4 + x) * 3 + c];
    for (let x = 0; x < 4; x++) {
      for (let c = 0; c < 3; c++) {
        expect(at(x, 0, c)).toBe(0.5);
        expect(at(x, 3, c)).toBe(0.5);
        expect(at(x, 1, c)).toBe(Math.fround((10 * x + c) / 255));
        expect(at(x, 2, c)).toBe(Math.fround((10 * x + 100 + c) / 255));
      }
    }
  });

  it('downscales 2× by averaging pixel pairs and pads the sides', () => {
    // 4×2 → input [h=1, w=4]: scale 0.5 → 2×1 content, offsetX = 1. Shrinking by 2 with a
    // tent of radius 2 weights source pixels 1/8, 3/8, 3/8, 1/8 around each output centre.
    const img = image(4, 2, 3, (x, y) => [0, 80, 160, 240][x] + (y === 1 ? 8 : 0));
    const { input, letterbox } = letterboxImage(img, [1, 4]);
    expect(letterbox).toMatchObject({ scale: 0.5, offsetX: 1, offsetY: 0 });
    const rowMean = (x: number) => [0, 80, 160, 240][x] + 4;
    // Output 0 (centre at source 1.0): taps x=0 (0.75), x=1 (0.75), x=2 (0.25), x=-1 dropped → renormalised.
    const left = (0.75 * rowMean(0) + 0.75 * rowMean(1) + 0.25 * rowMean(2)) / 1.75 / 255;
    const right = (0.25 * rowMean(1) + 0.75 * rowMean(2) + 0.75 * rowMean(3)) / 1.75 / 255;
    expect(Array.from(input.data.subarray(0, 3))).toEqual([0.5, 0.5, 0.5]);
    expect(input.data[3]).toBeCloseTo(left, 6);
    expect(input.data[6]).toBeCloseTo(right, 6);
    expect(Array.from(input.data.subarray(9, 12))).toEqual([0.5, 0.5, 0.5]);
  });

  it('reproduces the Keras reference input bit for bit from its 8-bit pixels', () => {
    // The fixture's input is pixel/255 of an 8-bit image computed by numpy in float32.
    const ref = readNpyFloat32(fixture('keras/keras-tiny-yolo3-w2-c2.input.npy'));
    const [h, w] = ref.dims.slice(-3);
    const pixels = Uint8Array.from(ref.data, (v) => Math.round(v * 255));
    const { input } = letterboxImage({ width: w, height: h, channels: 3, data: pixels }, [h, w]);
    expect(input.data).toEqual(ref.data);
  });

  it('names a malformed image', () => {
    expect(() => letterboxImage({ width: 4, height: 4, channels: 3, data: new Uint8Array(10) }, [4, 4])).toThrow(
      /letterboxImage: image data has 10 bytes, expected 4×4×3 = 48/,
    );
  });
});

describe('resizeFloat', () => {
  it('enlarges bilinearly with half-pixel centres', () => {
    // [0, 10] → 4 samples at source positions -0.25, 0.25, 0.75, 1.25 (clamped at the edges).
    expect(Array.from(resizeFloat(new Float32Array([0, 10]), 2, 1, 1, 4, 1))).toEqual([0, 2.5, 7.5, 10]);
  });
  it('shrinking by 4 averages over the footprint instead of sampling (no aliasing)', () => {
    // Stripes 1,0,0,0 (mean 0.25). Plain bilinear would sample pixels 1 and 2 around each
    // output centre and see only zeros; the tent widened to radius 4 gives the mean.
    const stripes = Float32Array.from({ length: 16 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const out = resizeFloat(stripes, 16, 1, 1, 4, 1);
    expect(out[1]).toBeCloseTo(0.25, 6);
    expect(out[2]).toBeCloseTo(0.25, 6);
    // At the edges the taps past the image are dropped and the rest (weights summing to 3.5)
    // renormalised: output 0 sees the ones at x=0 (0.625) and x=4 (0.375), output 3 only x=12 (0.625).
    expect(out[0]).toBeCloseTo(1 / 3.5, 6);
    expect(out[3]).toBeCloseTo(0.625 / 3.5, 6);
    const constant = resizeFloat(new Float32Array(16 * 16).fill(0.7), 16, 16, 1, 3, 5);
    for (const v of constant) expect(v).toBeCloseTo(0.7, 6);
  });
});

describe('inputFromFloatArray', () => {
  it('uses an array of the network size as is', () => {
    const ref = readNpyFloat32(fixture('keras/keras-tiny-yolo3-w2-c2.input.npy'));
    const [h, w] = ref.dims.slice(-3);
    const { input, letterbox } = inputFromFloatArray(ref.data, ref.dims, [h, w]);
    expect(input.dims).toEqual([1, h, w, 3]);
    expect(input.data).toBe(ref.data);
    expect(letterbox).toEqual({ imageWidth: w, imageHeight: h, inputWidth: w, inputHeight: h, scale: 1, offsetX: 0, offsetY: 0 });
  });
  it('names the expected size when the array has another size', () => {
    expect(() => inputFromFloatArray(new Float32Array(2 * 3 * 3), [2, 3, 3], [416, 416], 'dog.npy')).toThrow(
      /dog\.npy: a preprocessed input must have the network size \[416, 416, 3\], got \[2, 3, 3\]/,
    );
  });
  it('rejects values outside [0, 1] (an unscaled 0..255 array)', () => {
    expect(() => inputFromFloatArray(new Float32Array([0, 0.5, 255]), [1, 1, 3], [1, 1], 'x.npy')).toThrow(/x\.npy: values must be in \[0, 1\], found 255 at index 2/);
  });
});
