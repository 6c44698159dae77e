import { addPixelNoise, paintBackground } from './background.js';
import type { ShapeClass } from './classes.js';
import { paintClutter } from './clutter.js';
import { colourDistance, vividColour, type Rgb } from './colour.js';
import { acceptsOcclusion, applyOcclusion, countSet, maskBox, type ObjectPixels } from './occlusion.js';
import { resolveOptions, type ResolvedOptions, type SampleOptions } from './options.js';
import { createRandom, type Random } from './random.js';
import { blend, coverageMask, rasterize, type Coverage } from './rasterize.js';
import type { Shape } from './shapes.js';

/** An 8-bit RGB image, row-major, interleaved (structurally core's Image8). */
export interface SyntheticImage {
  width: number;
  height: number;
  channels: 3;
  data: Uint8Array;
}

export interface SyntheticObject {
  classIndex: number;
  className: ShapeClass;
  /** Tight box of the visible pixels: [x1, y1, x2, y2], pixels, x2/y2 exclusive. */
  box: [number, number, number, number];
  /** Visible pixels / pixels of the unoccluded object. */
  visibleFraction: number;
  /** With `masks`: size*size, 1 where the object is visible in the image. */
  mask?: Uint8Array;
  /** With `masks`: size*size, 1 where the object would be without the objects drawn after it. */
  fullMask?: Uint8Array;
}

export interface SyntheticSample {
  image: SyntheticImage;
  /** In drawing order: a later object may cover part of an earlier one. */
  objects: SyntheticObject[];
}

/** Placement tries per object; the largest allowed size shrinks over the tries so crowded images still fit. */
const PLACEMENT_TRIES = 60;
/** Smallest colour distance (0..255 RGB) between an object and what lies under it. */
const MIN_CONTRAST = 90;

interface Placed extends ObjectPixels {
  classIndex: number;
}

function drawShape(random: Random, kind: ShapeClass, o: ResolvedOptions, attempt: number): Shape {
  const hi = o.maxScale - ((o.maxScale - o.minScale) * attempt) / PLACEMENT_TRIES;
  const radius = (random.range(o.minScale, hi) * o.size) / 2;
  // Keep the circumcircle inside the image: objects are never cut by the border.
  const cx = random.range(radius, o.size - radius);
  const cy = random.range(radius, o.size - radius);
  const rotation = kind === 'circle' ? 0 : random.range(0, 2 * Math.PI);
  return { kind, cx, cy, radius, rotation, aux: 0 };
}

/** Mean canvas colour over a mask's pixels within a rectangle. */
function meanUnder(canvas: Float32Array, mask: Uint8Array, rect: Coverage, size: number): Rgb {
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = 0; y < rect.height; y++) {
    for (let x = 0; x < rect.width; x++) {
      const i = (rect.y0 + y) * size + rect.x0 + x;
      if (!mask[i]) continue;
      for (let c = 0; c < 3; c++) sum[c] += canvas[i * 3 + c];
      n++;
    }
  }
  return [sum[0] / n, sum[1] / n, sum[2] / n];
}

/** A vivid colour that stands out from what lies under the object (best of a few draws). */
function pickColour(random: Random, under: Rgb): Rgb {
  let best = vividColour(random);
  for (let k = 0; k < 8 && colourDistance(best, under) < MIN_CONTRAST; k++) {
    const next = vividColour(random);
    if (colourDistance(next, under) > colourDistance(best, under)) best = next;
  }
  return best;
}

/** Paint with a soft linear shading across the object, as under directional light. */
function paintObject(random: Random, canvas: Float32Array, size: number, shape: Shape, coverage: Coverage, colour: Rgb): void {
  const angle = random.range(0, 2 * Math.PI);
  const strength = random.range(0, 0.25) / shape.radius;
  const sx = Math.cos(angle) * strength;
  const sy = Math.sin(angle) * strength;
  blend(canvas, size, coverage, (x, y) => {
    const k = 1 + (x + 0.5 - shape.cx) * sx + (y + 0.5 - shape.cy) * sy;
    return [colour[0] * k, colour[1] * k, colour[2] * k];
  });
}

/** Round and clamp to 0..255 (a clamped array does both on assignment, natively). */
function toBytes(canvas: Float32Array): Uint8Array {
  const clamped = new Uint8ClampedArray(canvas.length);
  clamped.set(canvas);
  return new Uint8Array(clamped.buffer);
}

/**
 * One image with its objects, fully determined by `seed` and the options. Objects are placed
 * in order; a candidate that would hide more than `maxOcclusion` of an earlier object is
 * re-drawn (new size and position, same class, so class frequencies stay balanced). If an
 * object still does not fit after the tries it is left out; fewer than `minObjects` is an error.
 */
export function generateSample(seed: number, options?: SampleOptions): SyntheticSample {
  if (!Number.isFinite(seed)) throw new RangeError(`generateSample: seed ${seed} is not a finite number`);
  const o = resolveOptions(options);
  const { size } = o;
  const random = createRandom(seed);
  const canvas = paintBackground(random, size);
  paintClutter(random, canvas, size, random.int(o.minClutter, o.maxClutter));

  const target = random.int(o.minObjects, o.maxObjects);
  const placed: Placed[] = [];
  for (let slot = 0; slot < target; slot++) {
    const classIndex = random.int(0, o.classes.length - 1);
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      const shape = drawShape(random, o.classes[classIndex], o, attempt);
      const coverage = rasterize(shape, size);
      const full = coverageMask(coverage, size);
      const fullArea = countSet(full);
      if (fullArea === 0 || !acceptsOcclusion(placed, full, coverage, size, o.maxOcclusion)) continue;
      applyOcclusion(placed, full, coverage, size);
      paintObject(random, canvas, size, shape, coverage, pickColour(random, meanUnder(canvas, full, coverage, size)));
      placed.push({ classIndex, full, visible: full.slice(), fullArea, visibleArea: fullArea });
      break;
    }
  }
  if (placed.length < o.minObjects) {
    throw new RangeError(`generateSample(seed ${seed}): placed ${placed.length} objects, fewer than minObjects ${o.minObjects}; use smaller objects, fewer objects or a larger image`);
  }
  addPixelNoise(random, canvas, o.noise);

  const objects = placed.map((p): SyntheticObject => {
    // Visible area stays >= (1 - maxOcclusion) * full area > 0, so the box exists.
    const box = maskBox(p.visible, size) as [number, number, number, number];
    const object: SyntheticObject = { classIndex: p.classIndex, className: o.classes[p.classIndex], box, visibleFraction: p.visibleArea / p.fullArea };
    if (o.masks) {
      object.mask = p.visible;
      object.fullMask = p.full;
    }
    return object;
  });
  return { image: { width: size, height: size, channels: 3, data: toBytes(canvas) }, objects };
}
