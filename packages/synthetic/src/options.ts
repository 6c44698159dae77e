import { isShapeClass, SYNTHETIC_CLASSES, type ShapeClass } from './classes.js';

export interface SampleOptions {
  /** Side of the square image in pixels (default 128, at least 16). */
  size?: number;
  /** The classes to draw; classIndex indexes this list (default SYNTHETIC_CLASSES, in order). */
  classes?: readonly ShapeClass[];
  /** Objects per image, inclusive range (defaults 1 and 4). */
  minObjects?: number;
  maxObjects?: number;
  /** Object extent (circumscribed diameter) as a fraction of the side (defaults 0.10 and 0.45). */
  minScale?: number;
  maxScale?: number;
  /** Largest fraction of an object's pixels that later objects may cover (default 0.5). */
  maxOcclusion?: number;
  /** Distractor marks per image, inclusive range (defaults 2 and 8). */
  minClutter?: number;
  maxClutter?: number;
  /** Standard deviation of the per-pixel Gaussian noise, in 0..255 levels (default 6). */
  noise?: number;
  /** Also return each object's visible and full masks (size*size, 1 = object pixel). */
  masks?: boolean;
}

export type ResolvedOptions = Required<Omit<SampleOptions, 'classes'>> & { classes: readonly ShapeClass[] };

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`synthetic sample options: ${what}`);
}

const isInt = (n: number) => Number.isInteger(n);

/** Fill defaults and refuse inconsistent options with one line naming the option. */
export function resolveOptions(options: SampleOptions = {}): ResolvedOptions {
  const o: ResolvedOptions = {
    size: options.size ?? 128,
    classes: options.classes ?? SYNTHETIC_CLASSES,
    minObjects: options.minObjects ?? 1,
    maxObjects: options.maxObjects ?? 4,
    minScale: options.minScale ?? 0.1,
    maxScale: options.maxScale ?? 0.45,
    maxOcclusion: options.maxOcclusion ?? 0.5,
    minClutter: options.minClutter ?? 2,
    maxClutter: options.maxClutter ?? 8,
    noise: options.noise ?? 6,
    masks: options.masks ?? false,
  };
  check(isInt(o.size) && o.size >= 16 && o.size <= 4096, `size must be an integer in [16, 4096], got ${o.size}`);
  check(o.classes.length > 0, 'classes must not be empty');
  for (const c of o.classes) check(isShapeClass(c), `unknown class '${c}' (classes: ${SYNTHETIC_CLASSES.join(', ')})`);
  check(new Set(o.classes).size === o.classes.length, `classes must not repeat, got ${o.classes.join(', ')}`);
  check(isInt(o.minObjects) && o.minObjects >= 0, `minObjects must be an integer >= 0, got ${o.minObjects}`);
  check(isInt(o.maxObjects) && o.maxObjects >= o.minObjects && o.maxObjects <= 64, `maxObjects must be an integer in [minObjects, 64], got ${o.maxObjects}`);
  check(o.minScale > 0 && o.minScale <= o.maxScale && o.maxScale <= 0.9, `scales must satisfy 0 < minScale <= maxScale <= 0.9, got ${o.minScale}, ${o.maxScale}`);
  check(o.minScale * o.size >= 4, `minScale * size must be at least 4 pixels, got ${o.minScale * o.size}`);
  check(o.maxOcclusion >= 0 && o.maxOcclusion < 1, `maxOcclusion must be in [0, 1), got ${o.maxOcclusion}`);
  check(isInt(o.minClutter) && isInt(o.maxClutter) && 0 <= o.minClutter && o.minClutter <= o.maxClutter, `clutter range must be integers 0 <= min <= max, got ${o.minClutter}, ${o.maxClutter}`);
  check(Number.isFinite(o.noise) && o.noise >= 0, `noise must be >= 0, got ${o.noise}`);
  return o;
}
