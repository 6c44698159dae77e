/** Boxes back through the letterbox (its geometry: preprocess/letterbox-geometry.ts, the one definition). */
import type { Letterbox } from './types.js';

/** Map an [x1, y1, x2, y2] box from network-input pixels to image pixels, clipped to the image. */
export function letterboxBoxToImage(box: readonly number[], letterbox: Letterbox): [number, number, number, number] {
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const toX = (v: number) => clip((v - letterbox.offsetX) / letterbox.scale, letterbox.imageWidth);
  const toY = (v: number) => clip((v - letterbox.offsetY) / letterbox.scale, letterbox.imageHeight);
  return [toX(box[0]), toY(box[1]), toX(box[2]), toY(box[3])];
}
