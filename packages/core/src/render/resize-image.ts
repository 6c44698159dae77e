import { checkImage8 } from '../preprocess/image-checks.js';
import { resizeFloat } from '../preprocess/resample.js';
import type { Image8 } from './types.js';

/**
 * Resize an 8-bit image (bilinear enlarging, area-correct shrinking; see resample.ts),
 * keeping its channel count. Equal sizes return a copy.
 */
export function resizeImage8(image: Image8, width: number, height: number): Image8 {
  checkImage8(image, 'resizeImage8');
  const { channels } = image;
  const resized = resizeFloat(Float32Array.from(image.data), image.width, image.height, channels, width, height);
  return { width, height, channels, data: toBytes(resized) };
}

/**
 * Float pixel values to bytes: clamped to 0..255 and rounded to nearest (ties to even), by
 * the typed-array conversion itself, which is far faster than mapping with Math.round.
 */
export function toBytes(values: Float32Array): Uint8ClampedArray {
  return new Uint8ClampedArray(values);
}

/** The same image with 4 channels (opaque alpha added when it had 3). */
export function toRgba(image: Image8): Image8 {
  checkImage8(image, 'toRgba');
  if (image.channels === 4) return { ...image, data: new Uint8ClampedArray(image.data) };
  const data = new Uint8ClampedArray(image.width * image.height * 4);
  for (let p = 0, q = 0; q < image.data.length; p += 4, q += 3) {
    data[p] = image.data[q];
    data[p + 1] = image.data[q + 1];
    data[p + 2] = image.data[q + 2];
    data[p + 3] = 255;
  }
  return { width: image.width, height: image.height, channels: 4, data };
}
