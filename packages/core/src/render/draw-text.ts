import { checkImage8 } from '../preprocess/image-checks.js';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphCell } from './bitmap-font.js';
import type { Rgb } from './color.js';
import { fillRect } from './pixels.js';
import type { Image8 } from './types.js';

export interface LabelOptions {
  /** Integer magnification of the 5×7 font; default 1. */
  scale?: number;
  /** Fill a box behind the text (with `scale` pixels of margin) in this colour. */
  background?: Rgb;
}

/** Pixel size of `text` drawn at `scale` (without a background margin). */
export function measureText(text: string, scale = 1): { width: number; height: number } {
  const n = [...text].length;
  return { width: n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * scale, height: GLYPH_HEIGHT * scale };
}

/**
 * Draw `text` in place with the built-in bitmap font, its top-left corner at (x, y) (the
 * background margin, when asked for, goes outside that). Clipped to the image; characters
 * outside printable ASCII show as '?'. Returns the image.
 */
export function drawLabel(image: Image8, text: string, x: number, y: number, color: Rgb, options: LabelOptions = {}): Image8 {
  checkImage8(image, 'drawLabel');
  const { scale = 1, background } = options;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`drawLabel: scale must be a positive integer, got ${scale}`);
  if (background) {
    const size = measureText(text, scale);
    fillRect(image, x - scale, y - scale, size.width + 2 * scale, size.height + 2 * scale, background);
  }
  let left = x;
  for (const char of text) {
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (glyphCell(char, gx, gy)) fillRect(image, left + gx * scale, y + gy * scale, scale, scale, color);
      }
    }
    left += GLYPH_ADVANCE * scale;
  }
  return image;
}
