import type { Detection } from '../decode/types.js';
import { checkImage8 } from '../preprocess/image-checks.js';
import { classColor, contrastingText, type Rgb } from './color.js';
import { boxPixels, drawBox } from './draw-box.js';
import { drawLabel, measureText } from './draw-text.js';
import type { Image8 } from './types.js';

export interface DrawDetectionsOptions {
  /** Colour per class index (array or function); default: a stable distinct colour per class. */
  classColors?: ReadonlyArray<Rgb> | ((classIndex: number) => Rgb);
  /** Box outline width in pixels; default 2. */
  thickness?: number;
  /** Integer font magnification of the labels; default 1. */
  labelScale?: number;
  /** Label text; default "<class name> <score with 2 decimals>". */
  label?: (detection: Detection) => string;
}

/**
 * Draw detections in place: each box outlined in its class colour, with a label on a
 * filled tab just above the box (inside it when there is no room above). Boxes are taken
 * in this image's pixel coordinates (map network-input boxes back through the letterbox
 * first). Boxes go first and labels after, so no box hides a label. Returns the image.
 */
export function drawDetections(image: Image8, detections: readonly Detection[], options: DrawDetectionsOptions = {}): Image8 {
  checkImage8(image, 'drawDetections');
  const { classColors, thickness = 2, labelScale = 1, label = defaultLabel } = options;
  const colorOf = (d: Detection): Rgb => {
    if (typeof classColors === 'function') return classColors(d.classIndex);
    return classColors?.[d.classIndex] ?? classColor(d.classIndex);
  };
  for (const d of detections) drawBox(image, d.box, colorOf(d), thickness);
  for (const d of detections) {
    const r = boxPixels(image, d.box);
    if (!r) continue;
    const text = label(d);
    const size = measureText(text, labelScale);
    // The tab is the text plus a margin of `labelScale` on each side.
    const tabWidth = size.width + 2 * labelScale;
    const tabHeight = size.height + 2 * labelScale;
    const tabX = Math.max(0, Math.min(r.left, image.width - tabWidth));
    const tabY = r.top - tabHeight >= 0 ? r.top - tabHeight : r.top;
    const color = colorOf(d);
    drawLabel(image, text, tabX + labelScale, tabY + labelScale, contrastingText(color), { scale: labelScale, background: color });
  }
  return image;
}

function defaultLabel(d: Detection): string {
  const name = d.className || `class ${d.classIndex}`;
  return `${name} ${d.score.toFixed(2)}`;
}
