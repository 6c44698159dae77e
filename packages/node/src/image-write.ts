import { extname } from 'node:path';
import sharp from 'sharp';
import type { Image8 } from '@yolo-saliency/core';
import { writeFileAtomic } from './atomic-write.js';
import { fileError, messageOf } from './file-errors.js';

const ENCODERS: Record<string, (image: sharp.Sharp) => sharp.Sharp> = {
  '.png': (image) => image.png(),
  '.jpg': (image) => image.jpeg({ quality: 92 }),
  '.jpeg': (image) => image.jpeg({ quality: 92 }),
  '.webp': (image) => image.webp({ quality: 92 }),
};

/** Encode an 8-bit RGB/RGBA image by the path's extension and write it atomically. */
export async function writeImage(path: string, image: Image8): Promise<void> {
  const encode = ENCODERS[extname(path).toLowerCase()];
  if (!encode) {
    throw fileError(path, `cannot write images with extension '${extname(path)}' (use ${Object.keys(ENCODERS).join(', ')})`);
  }
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw fileError(path, `image data has ${data.length} bytes, expected ${width}x${height}x${channels}`);
  }
  const pixels = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const bytes = await encode(sharp(pixels, { raw: { width, height, channels } })).toBuffer();
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    throw fileError(path, `cannot write: ${messageOf(error)}`, error);
  }
}

/** Encode an image to PNG bytes in memory (for servers and tests). */
export async function encodePng(image: Image8): Promise<Uint8Array> {
  const { width, height, channels, data } = image;
  return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels } }).png().toBuffer();
}
