import type { Random } from './random.js';

export type Rgb = readonly [number, number, number];

/** HSV (h in [0, 1), s, v in [0, 1]) to RGB in 0..255. */
export function hsvToRgb(h: number, s: number, v: number): Rgb {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][i];
  return [r * 255, g * 255, b * 255];
}

/** A muted colour for backgrounds: low saturation, mid brightness. */
export function mutedColour(random: Random): Rgb {
  return hsvToRgb(random.uniform(), random.range(0.05, 0.35), random.range(0.3, 0.75));
}

/** A vivid colour for objects and some clutter. */
export function vividColour(random: Random): Rgb {
  return hsvToRgb(random.uniform(), random.range(0.5, 1), random.range(0.35, 1));
}

export function colourDistance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}
