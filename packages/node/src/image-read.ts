import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import type { Image8 } from '@yolo-saliency/core';
import { fileError, messageOf } from './file-errors.js';
import { checkRegularFile, openError } from './input-file.js';

/**
 * Decode an image file (JPEG, PNG, WebP, TIFF, GIF, AVIF/HEIF, SVG: whatever sharp reads)
 * into 8-bit RGB, the form every model here takes:
 * - the EXIF orientation is applied, so the pixels are upright as a viewer shows them;
 * - grayscale and CMYK are converted to sRGB; 16-bit samples are scaled to 8 bits;
 * - an alpha channel is dropped (the stored colour values are kept as they are, as
 *   Python's PIL `convert('RGB')` does, so results match the reference tooling);
 * - only the first page/frame of a multi-page file is read.
 */
export async function readImage(path: string): Promise<Image8> {
  await checkReadableFile(path);
  try {
    const { data, info } = await sharp(path)
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.width <= 0 || info.height <= 0) throw fileError(path, 'the image has no pixels');
    if (info.channels !== 3) throw fileError(path, `decoded to ${info.channels} channels, expected RGB`);
    return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    const text = messageOf(error);
    if (text.startsWith(`${path}:`)) throw error;
    throw fileError(path, `not an image (sharp: ${text})`, error);
  }
}

/**
 * Missing, empty, directory and special paths (a FIFO, /dev/zero) get their own clear message
 * before sharp sees them: sharp would wait on a FIFO forever.
 */
async function checkReadableFile(path: string): Promise<void> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    throw openError(path, error);
  }
  if (info.isDirectory()) throw fileError(path, 'is a folder, not an image file');
  checkRegularFile(path, info);
  if (info.size === 0) throw fileError(path, 'empty file (0 bytes), not an image');
}
