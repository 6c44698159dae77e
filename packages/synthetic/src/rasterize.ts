import { innerRadius, insideTest, type Shape } from './shapes.js';

/** Anti-aliasing: SUB x SUB samples per pixel. */
const SUB = 4;

/** Fractional coverage of a shape over the pixels of a rectangle of the image. */
export interface Coverage {
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** width*height values in [0, 1], row-major within the rectangle. */
  alpha: Float32Array;
}

/** Half the diagonal of a pixel: a pixel lies within this distance of its centre. */
const PIXEL_REACH = Math.SQRT1_2;

/**
 * Supersample a shape on a size x size image, restricted to its circumscribed square. Pixels
 * wholly inside the inscribed disk or wholly outside the circumscribed one are decided without
 * sampling (same result, several times faster for large shapes).
 */
export function rasterize(shape: Shape, size: number): Coverage {
  const extent = shape.radius + 1;
  const x0 = Math.max(0, Math.floor(shape.cx - extent));
  const y0 = Math.max(0, Math.floor(shape.cy - extent));
  const x1 = Math.min(size, Math.ceil(shape.cx + extent));
  const y1 = Math.min(size, Math.ceil(shape.cy + extent));
  const width = Math.max(0, x1 - x0);
  const height = Math.max(0, y1 - y0);
  const alpha = new Float32Array(width * height);
  const inside = insideTest(shape);
  const cos = Math.cos(shape.rotation);
  const sin = Math.sin(shape.rotation);
  const step = 1 / SUB;
  const weight = 1 / (SUB * SUB);
  const fullWithin = Math.max(0, innerRadius(shape) - PIXEL_REACH) ** 2;
  const emptyBeyond = (shape.radius + PIXEL_REACH) ** 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ex = x0 + x + 0.5 - shape.cx;
      const ey = y0 + y + 0.5 - shape.cy;
      const d2 = ex * ex + ey * ey;
      if (d2 > emptyBeyond) continue;
      if (d2 < fullWithin) {
        alpha[y * width + x] = 1;
        continue;
      }
      let hits = 0;
      for (let sy = 0; sy < SUB; sy++) {
        const dy = y0 + y + (sy + 0.5) * step - shape.cy;
        for (let sx = 0; sx < SUB; sx++) {
          const dx = x0 + x + (sx + 0.5) * step - shape.cx;
          if (inside(dx * cos + dy * sin, -dx * sin + dy * cos)) hits++;
        }
      }
      alpha[y * width + x] = hits * weight;
    }
  }
  return { x0, y0, width, height, alpha };
}

/**
 * The object's pixels: those at least half covered. Boxes and occlusion are computed on this
 * mask, so a box is exactly the extent of the pixels that look like the object.
 */
export function coverageMask(coverage: Coverage, size: number): Uint8Array {
  const mask = new Uint8Array(size * size);
  const { x0, y0, width, height, alpha } = coverage;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (alpha[y * width + x] >= 0.5) mask[(y0 + y) * size + x0 + x] = 1;
    }
  }
  return mask;
}

/** Alpha-blend a colour into a float RGB canvas (values 0..255) through the coverage. */
export function blend(canvas: Float32Array, size: number, coverage: Coverage, colour: (x: number, y: number) => readonly [number, number, number]): void {
  const { x0, y0, width, height, alpha } = coverage;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = alpha[y * width + x];
      if (a === 0) continue;
      const [r, g, b] = colour(x0 + x, y0 + y);
      const i = ((y0 + y) * size + x0 + x) * 3;
      canvas[i] += (r - canvas[i]) * a;
      canvas[i + 1] += (g - canvas[i + 1]) * a;
      canvas[i + 2] += (b - canvas[i + 2]) * a;
    }
  }
}
