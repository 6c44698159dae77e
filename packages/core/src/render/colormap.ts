import { INFERNO_KNOTS, JET, type Segments } from './colormap-data.js';
import type { Colormap, Image8 } from './types.js';

const LUT_SIZE = 256;
const tables = new Map<Colormap, Uint8Array>();

/**
 * The 256-entry RGB table of a colormap ([256 × 3] bytes): entry i is the colour at
 * i/255, as matplotlib samples its colormaps, rounded to 8 bits.
 */
export function colormapTable(colormap: Colormap): Uint8Array {
  let table = tables.get(colormap);
  if (!table) {
    table = buildTable(colormap);
    tables.set(colormap, table);
  }
  return table;
}

function buildTable(colormap: Colormap): Uint8Array {
  const table = new Uint8Array(LUT_SIZE * 3);
  const set = (i: number, r: number, g: number, b: number) => {
    table[i * 3] = Math.round(r * 255);
    table[i * 3 + 1] = Math.round(g * 255);
    table[i * 3 + 2] = Math.round(b * 255);
  };
  for (let i = 0; i < LUT_SIZE; i++) {
    const x = i / (LUT_SIZE - 1);
    switch (colormap) {
      case 'gray':
        set(i, x, x, x);
        break;
      case 'jet':
        set(i, interpolate(JET.red, x), interpolate(JET.green, x), interpolate(JET.blue, x));
        break;
      case 'inferno': {
        const k = INFERNO_KNOTS.findIndex(([index]) => index >= i);
        const [i1, r1, g1, b1] = INFERNO_KNOTS[k];
        const [i0, r0, g0, b0] = INFERNO_KNOTS[Math.max(0, k - 1)];
        const t = i1 === i0 ? 0 : (i - i0) / (i1 - i0);
        set(i, r0 + (r1 - r0) * t, g0 + (g1 - g0) * t, b0 + (b1 - b0) * t);
        break;
      }
      default:
        throw new Error(`colormap: unknown colormap '${String(colormap)}' (expected 'jet', 'inferno' or 'gray')`);
    }
  }
  return table;
}

function interpolate(segments: Segments, x: number): number {
  for (let k = 1; k < segments.length; k++) {
    const [x1, v1] = segments[k];
    if (x <= x1) {
      const [x0, v0] = segments[k - 1];
      return v0 + ((v1 - v0) * (x - x0)) / (x1 - x0);
    }
  }
  return segments[segments.length - 1][1];
}

/**
 * Colour values in [0, 1] ([height × width], row-major) into an opaque RGBA image.
 * Value v picks table entry floor(v·256), with 1 ↦ 255 (matplotlib's rule: the top value
 * is the last colour, never an overflow); values outside [0, 1] are clipped, NaN ↦ 0.
 */
export function applyColormap(values01: ArrayLike<number>, width: number, height: number, colormap: Colormap = 'jet'): Image8 {
  if (values01.length !== width * height) {
    throw new Error(`applyColormap: got ${values01.length} values for a ${width}×${height} image (${width * height} expected)`);
  }
  const table = colormapTable(colormap);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < values01.length; p++) {
    const v = values01[p];
    const index = v > 0 ? Math.min(LUT_SIZE - 1, Math.floor(v * LUT_SIZE)) : 0;
    data[p * 4] = table[index * 3];
    data[p * 4 + 1] = table[index * 3 + 1];
    data[p * 4 + 2] = table[index * 3 + 2];
    data[p * 4 + 3] = 255;
  }
  return { width, height, channels: 4, data };
}
