import type { ShapeClass } from './classes.js';

/**
 * A shape placed in the image: every class is sized by its circumradius, so the circle of
 * radius `radius` around (cx, cy) contains it whatever the rotation (used for placement and
 * for the raster bounds).
 */
export interface Shape {
  kind: ShapeClass | 'ellipse' | 'segment';
  cx: number;
  cy: number;
  radius: number;
  /** Radians, counter-clockwise in image axes. */
  rotation: number;
  /** ellipse: minor/major axis ratio; segment: half thickness in pixels. */
  aux: number;
}

/** Half-width of a cross arm relative to the arm's half-length. */
const CROSS_ARM = 0.28;
/** The inradius of an equilateral triangle is half its circumradius. */
const TRIANGLE_INRADIUS = 0.5;
// Outward edge normals of an equilateral triangle whose apex points up (image y grows down).
const TRI_NORMALS = [90, 210, 330].map((deg) => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)] as const);

/**
 * The radius of a disk around the centre that lies inside the shape (rasterisation fills
 * pixels within it without sampling; exact because the disk is a subset of the shape).
 */
export function innerRadius(shape: Shape): number {
  const r = shape.radius;
  switch (shape.kind) {
    case 'circle':
      return r;
    case 'square':
      return r / Math.SQRT2;
    case 'triangle':
      return r * TRIANGLE_INRADIUS;
    case 'cross':
      return r * CROSS_ARM;
    case 'ellipse':
      return r * shape.aux;
    case 'segment':
      return Math.min(r, shape.aux);
  }
}

/** A point test in the shape's own frame: (u, v) = offset from the centre, rotated back. */
export function insideTest(shape: Shape): (u: number, v: number) => boolean {
  const r = shape.radius;
  switch (shape.kind) {
    case 'circle':
      return (u, v) => u * u + v * v <= r * r;
    case 'square': {
      const h = r / Math.SQRT2;
      return (u, v) => Math.abs(u) <= h && Math.abs(v) <= h;
    }
    case 'triangle': {
      const ir = r * TRIANGLE_INRADIUS;
      const [a, b, c] = TRI_NORMALS;
      return (u, v) => u * a[0] + v * a[1] <= ir && u * b[0] + v * b[1] <= ir && u * c[0] + v * c[1] <= ir;
    }
    case 'cross': {
      const w = r * CROSS_ARM;
      // The arm tips' corners lie on the circumcircle: half-length L with L² + w² = r².
      const l = Math.sqrt(r * r - w * w);
      return (u, v) => {
        const au = Math.abs(u);
        const av = Math.abs(v);
        return (au <= l && av <= w) || (av <= l && au <= w);
      };
    }
    case 'ellipse': {
      const b = r * shape.aux;
      return (u, v) => (u * u) / (r * r) + (v * v) / (b * b) <= 1;
    }
    case 'segment': {
      const t = shape.aux;
      return (u, v) => Math.abs(u) <= r && Math.abs(v) <= t;
    }
  }
}
