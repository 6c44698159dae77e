import type { Rgb } from './color.js';
import type { Image8 } from './types.js';

/**
 * Paint the rectangle [x, x+width) × [y, y+height) in place, clipped to the image. Sets
 * RGB, and alpha to opaque on RGBA images.
 */
export function fillRect(image: Image8, x: number, y: number, width: number, height: number, color: Rgb): void {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(image.width, Math.floor(x + width));
  const y1 = Math.min(image.height, Math.floor(y + height));
  const { channels, data } = image;
  for (let row = y0; row < y1; row++) {
    for (let col = x0; col < x1; col++) {
      const i = (row * image.width + col) * channels;
      data[i] = color[0];
      data[i + 1] = color[1];
      data[i + 2] = color[2];
      if (channels === 4) data[i + 3] = 255;
    }
  }
}

/** Copy `tile` into `target` with its top-left corner at (x, y), clipped; RGB(A) either way. */
export function pasteImage(target: Image8, tile: Image8, x: number, y: number): void {
  const tc = tile.channels;
  const oc = target.channels;
  for (let row = Math.max(0, -y); row < tile.height && row + y < target.height; row++) {
    for (let col = Math.max(0, -x); col < tile.width && col + x < target.width; col++) {
      const from = (row * tile.width + col) * tc;
      const to = ((row + y) * target.width + col + x) * oc;
      target.data[to] = tile.data[from];
      target.data[to + 1] = tile.data[from + 1];
      target.data[to + 2] = tile.data[from + 2];
      if (oc === 4) target.data[to + 3] = tc === 4 ? tile.data[from + 3] : 255;
    }
  }
}
