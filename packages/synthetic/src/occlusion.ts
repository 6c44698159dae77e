import type { Coverage } from './rasterize.js';

/** An accepted object's pixels: the full (unoccluded) mask and what later objects left visible. */
export interface ObjectPixels {
  full: Uint8Array;
  visible: Uint8Array;
  fullArea: number;
  visibleArea: number;
}

/** Pixels of `pixels` still visible if `cover` (a full mask restricted to its rectangle) is drawn on top. */
function visibleUnder(pixels: ObjectPixels, cover: Uint8Array, rect: Coverage, size: number): number {
  let hidden = 0;
  for (let y = 0; y < rect.height; y++) {
    const row = (rect.y0 + y) * size + rect.x0;
    for (let x = 0; x < rect.width; x++) {
      const i = row + x;
      if (cover[i] && pixels.visible[i]) hidden++;
    }
  }
  return pixels.visibleArea - hidden;
}

/**
 * The occlusion rule: a new object is accepted only if every earlier object keeps at least
 * (1 - maxOcclusion) of its full area visible. Since visible areas only shrink, the rule holds
 * for the final image. A rejected candidate is re-drawn by the caller.
 */
export function acceptsOcclusion(earlier: readonly ObjectPixels[], cover: Uint8Array, rect: Coverage, size: number, maxOcclusion: number): boolean {
  return earlier.every((p) => visibleUnder(p, cover, rect, size) >= (1 - maxOcclusion) * p.fullArea);
}

/** Draw `cover` on top: remove its pixels from the earlier objects' visible masks. */
export function applyOcclusion(earlier: readonly ObjectPixels[], cover: Uint8Array, rect: Coverage, size: number): void {
  for (const p of earlier) {
    for (let y = 0; y < rect.height; y++) {
      const row = (rect.y0 + y) * size + rect.x0;
      for (let x = 0; x < rect.width; x++) {
        const i = row + x;
        if (cover[i] && p.visible[i]) {
          p.visible[i] = 0;
          p.visibleArea--;
        }
      }
    }
  }
}

/** The tight box [x1, y1, x2, y2) of a mask's set pixels (x2, y2 exclusive); undefined when empty. */
export function maskBox(mask: Uint8Array, size: number): [number, number, number, number] | undefined {
  let x1 = size;
  let y1 = size;
  let x2 = 0;
  let y2 = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!mask[y * size + x]) continue;
      if (x < x1) x1 = x;
      if (x + 1 > x2) x2 = x + 1;
      if (y < y1) y1 = y;
      y2 = y + 1;
    }
  }
  return x2 > x1 ? [x1, y1, x2, y2] : undefined;
}

export function countSet(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}
