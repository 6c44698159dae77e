import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import type { Image8 } from '@yolo-saliency/core';
import { printable } from '@yolo-saliency/core';
import { fileError, fileLabel, messageOf } from './file-errors.js';
import { describeNonRaster, rasterFormat, readFileHead } from './image-format.js';
import { checkRegularFile, openError } from './input-file.js';

/**
 * Decode a raster image file (JPEG, PNG, WebP, GIF or TIFF, told by its signature; SVG,
 * AVIF/HEIF and anything else are refused before sharp sees them: see image-format.ts) into 8-bit RGB,
 * the form every model here takes:
 * - the EXIF orientation is applied, so the pixels are upright as a viewer shows them;
 * - grayscale and CMYK are converted to sRGB; 16-bit samples are scaled to 8 bits;
 * - an alpha channel is dropped (the stored colour values are kept as they are, as
 *   Python's PIL `convert('RGB')` does, so results match the reference tooling);
 * - only the first page/frame of a multi-page file is read.
 */
export async function readImage(path: string): Promise<Image8> {
  await checkReadableFile(path);
  let head: Uint8Array;
  try {
    head = await readFileHead(path);
  } catch (error) {
    throw openError(path, error);
  }
  if (!rasterFormat(head)) throw fileError(path, describeNonRaster(head));
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    decoded = await sharp(path).rotate().toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (error) {
    // libvips' loaders prefix each line with the path and may give many ("bad seek to 1482",
    // repeated): one line, without the repeats of the path, cut short.
    const text = messageOf(error).split(`${fileLabel(path)}: `).join('');
    throw fileError(path, `not an image (sharp: ${printable(text, 300)})`, error);
  }
  const { data, info } = decoded;
  if (info.width <= 0 || info.height <= 0) throw fileError(path, 'the image has no pixels');
  if (info.channels !== 3) throw fileError(path, `decoded to ${info.channels} channels, expected RGB`);
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
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
