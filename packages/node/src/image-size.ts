import { stat } from 'node:fs/promises';
import sharp from 'sharp';

/**
 * The pixel size an image file declares in its header, read without decoding the pixels, so
 * a caller can refuse an image too large for its memory budget before decoding it (a 250 KB
 * PNG can declare 16000x16000: 768 MB of pixels). Undefined when the path is not a regular
 * file or not an image sharp knows: `readImage` then says what is wrong with it.
 */
export async function readImageSize(path: string): Promise<{ width: number; height: number } | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    const { width, height } = await sharp(path).metadata();
    return width && height ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}
