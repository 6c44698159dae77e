/** An 8-bit RGB colour. */
export type Rgb = readonly [number, number, number];

/** Black or white, whichever reads better on `background` (Rec. 601 luma). */
export function contrastingText(background: Rgb): Rgb {
  const luma = 0.299 * background[0] + 0.587 * background[1] + 0.114 * background[2];
  return luma > 140 ? [0, 0, 0] : [255, 255, 255];
}

/**
 * A distinct, stable colour per class index: hues spaced by the golden angle so that
 * neighbouring class indices never get similar colours.
 */
export function classColor(classIndex: number): Rgb {
  const hue = (classIndex * 137.508) % 360;
  return hsvToRgb(hue, 0.85, 0.95);
}

function hsvToRgb(hue: number, saturation: number, value: number): Rgb {
  const c = value * saturation;
  const h = hue / 60;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const [r, g, b] =
    h < 1 ? [c, x, 0] : h < 2 ? [x, c, 0] : h < 3 ? [0, c, x] : h < 4 ? [0, x, c] : h < 5 ? [x, 0, c] : [c, 0, x];
  const m = value - c;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}
