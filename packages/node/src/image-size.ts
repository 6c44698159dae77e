import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { rasterFormat, readFileHead } from './image-format.js';

/**
 * The pixel size an image file declares in its header, read without decoding the pixels, so
 * a caller can refuse an image too large for its memory budget before decoding it (a 250 KB
 * PNG can declare 16000x16000: 768 MB of pixels). Undefined when the path is not a regular
 * file or not a raster image `readImage` reads: `readImage` then says what is wrong with it.
 */
export async function readImageSize(path: string): Promise<{ width: number; height: number } | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    if (!rasterFormat(await readFileHead(path))) return undefined;
    const { width, height } = await sharp(path).metadata();
    return width && height ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}
