import { checkImage8 } from '../preprocess/image-checks.js';
import type { Rgb } from './color.js';
import { fillRect } from './pixels.js';
import type { Image8 } from './types.js';

/**
 * The pixel rectangle a box [x1, y1, x2, y2] (continuous pixel coordinates, x2/y2
 * exclusive) covers, clamped to the image as darknet does so a box reaching past the edge
 * is still drawn closed; null when it does not touch the image at all.
 */
export function boxPixels(
  image: { width: number; height: number },
  box: readonly [number, number, number, number],
): { left: number; top: number; right: number; bottom: number } | null {
  const [x1, y1, x2, y2] = box.map(Math.round);
  if (x2 <= 0 || y2 <= 0 || x1 >= image.width || y1 >= image.height) return null;
  const left = Math.max(0, x1);
  const top = Math.max(0, y1);
  // Inclusive right/bottom; at least one pixel even for a box thinner than a pixel.
  const right = Math.max(left, Math.min(image.width - 1, x2 - 1));
  const bottom = Math.max(top, Math.min(image.height - 1, y2 - 1));
  return { left, top, right, bottom };
}

/**
 * Draw the outline of a box [x1, y1, x2, y2] in place: `thickness` pixels wide, inside the
 * box's pixel rectangle (see boxPixels). Returns the image.
 */
export function drawBox(image: Image8, box: readonly [number, number, number, number], color: Rgb, thickness = 2): Image8 {
  checkImage8(image, 'drawBox');
  if (!Number.isInteger(thickness) || thickness < 1) throw new Error(`drawBox: thickness must be a positive integer, got ${thickness}`);
  const r = boxPixels(image, box);
  if (!r) return image;
  const width = r.right - r.left + 1;
  const height = r.bottom - r.top + 1;
  const t = Math.min(thickness, width, height);
  fillRect(image, r.left, r.top, width, t, color);
  fillRect(image, r.left, r.bottom - t + 1, width, t, color);
  fillRect(image, r.left, r.top, t, height, color);
  fillRect(image, r.right - t + 1, r.top, t, height, color);
  return image;
}
