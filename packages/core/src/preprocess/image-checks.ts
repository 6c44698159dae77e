import type { Image8 } from '../render/types.js';

/** Throws one clear line when an Image8's fields do not describe its data. */
export function checkImage8(image: Image8, where: string): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`${where}: image size must be positive integers, got ${width}×${height}`);
  }
  if (channels !== 3 && channels !== 4) throw new Error(`${where}: image must have 3 (RGB) or 4 (RGBA) channels, got ${channels}`);
  if (data.length !== width * height * channels) {
    throw new Error(`${where}: image data has ${data.length} bytes, expected ${width}×${height}×${channels} = ${width * height * channels}`);
  }
}
