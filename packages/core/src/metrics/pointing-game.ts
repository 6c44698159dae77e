/**
 * Pointing game (Zhang et al. 2016/2018): a hit when the map's maximum falls inside the
 * explained box enlarged by a tolerance (15 network-input pixels in the original protocol).
 */
import type { TensorData } from '../runtime/types.js';
import { mapDims, reduceChannels } from '../render/reduce-channels.js';

export const POINTING_TOLERANCE = 15;

export interface PointingResult {
  hit: boolean;
  /** The maximum that decided: the first maximum inside the box on a hit, else the first maximum (row-major). */
  argmax: { x: number; y: number };
  /** The reduced (abs-max over channels) map value there. */
  value: number;
  /** How many pixels share the maximum value. */
  ties: number;
}

/**
 * `box` is [x1, y1, x2, y2] in network-input pixels; pixel (x, y) counts at its centre
 * (x + 0.5, y + 0.5). Ties: when several pixels share the maximum, the game is a hit if any
 * of them is inside (a flat map at its maximum everywhere is thus a hit; `ties` reports it).
 */
export function pointingGame(map: TensorData, box: readonly [number, number, number, number], tolerance = POINTING_TOLERANCE): PointingResult {
  const { width } = mapDims(map, 'pointingGame');
  if (!(tolerance >= 0)) throw new Error(`pointingGame: tolerance ${tolerance} must be >= 0 pixels`);
  if (box.length !== 4 || box.some((v) => !Number.isFinite(v))) throw new Error(`pointingGame: box [${box.join(', ')}] must be four finite numbers [x1, y1, x2, y2]`);
  const values = reduceChannels(map, 'abs-max');
  let max = -Infinity;
  for (const v of values) {
    // NaN would lose every comparison silently: a broken map must not score.
    if (Number.isNaN(v) || v === Infinity) throw new Error('pointingGame: the map has no finite maximum (NaN or infinite values)');
    if (v > max) max = v;
  }
  const [x1, y1, x2, y2] = box;
  const inside = (x: number, y: number) =>
    x + 0.5 >= x1 - tolerance && x + 0.5 <= x2 + tolerance && y + 0.5 >= y1 - tolerance && y + 0.5 <= y2 + tolerance;
  let first: { x: number; y: number } | undefined;
  let hitAt: { x: number; y: number } | undefined;
  let ties = 0;
  for (let p = 0; p < values.length; p++) {
    if (values[p] !== max) continue;
    ties++;
    const at = { x: p % width, y: Math.floor(p / width) };
    first ??= at;
    if (!hitAt && inside(at.x, at.y)) hitAt = at;
  }
  return { hit: hitAt !== undefined, argmax: hitAt ?? first!, value: max, ties };
}
