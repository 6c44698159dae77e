import { selectPercentile } from './percentile.js';

export interface NormalizeOptions {
  /** Values above this percentile (0 < p ≤ 100) are clipped to 1; default 99. */
  percentile?: number;
  /** Keep the sign: 0 ↦ 0.5, ±(percentile of |v|) ↦ 1 / 0. Default false. */
  signed?: boolean;
}

/**
 * Map saliency values to [0, 1] for display, clipping at a high percentile first so that a
 * few extreme pixels do not squeeze everything else into the lowest colours.
 *
 * - unsigned: (v − min) / (p-th percentile − min), clipped to [0, 1]
 * - signed: 0.5 + 0.5 · v / (p-th percentile of |v|), clipped to [0, 1]
 *
 * Statistics use the finite values only; NaN ↦ 0, +Inf ↦ 1, −Inf ↦ 0. A constant map (no
 * information) maps to all zeros. When the percentile coincides with the bottom of the range
 * (a map that is almost all one value), the maximum is used instead, so the few differing
 * pixels stay visible.
 */
export function normalizeForDisplay(values: ArrayLike<number>, options: NormalizeOptions = {}): Float32Array {
  const { percentile = 99, signed = false } = options;
  if (!(percentile > 0 && percentile <= 100)) throw new Error(`normalizeForDisplay: percentile must be in (0, 100], got ${percentile}`);
  const out = new Float32Array(values.length);
  const finite = finiteValues(values);
  if (finite.length > 0) {
    let min = Infinity;
    let max = -Infinity;
    for (const v of finite) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min !== max) {
      if (signed) fillSigned(values, out, finite, percentile);
      else fillUnsigned(values, out, finite, min, max, percentile);
    }
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) out[i] = v === Infinity ? 1 : 0;
  }
  return out;
}

/**
 * The finite values as float64 (so the statistics are exact for float32 input). Percentiles
 * are selected, not sorted for (linear time: a map's sort was the larger part of drawing it).
 */
function finiteValues(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) n++;
  const finite = new Float64Array(n);
  for (let i = 0, j = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite[j++] = values[i];
  return finite;
}

function fillUnsigned(values: ArrayLike<number>, out: Float32Array, finite: Float64Array, low: number, max: number, percentile: number): void {
  let high = selectPercentile(finite, percentile);
  if (high <= low) high = max;
  const span = high - low;
  for (let i = 0; i < values.length; i++) out[i] = clamp01((values[i] - low) / span);
}

function fillSigned(values: ArrayLike<number>, out: Float32Array, finite: Float64Array, percentile: number): void {
  const magnitudes = finite.map(Math.abs);
  let largest = 0;
  for (const m of magnitudes) if (m > largest) largest = m;
  let high = selectPercentile(magnitudes, percentile);
  if (high <= 0) high = largest;
  for (let i = 0; i < values.length; i++) out[i] = clamp01(0.5 + (0.5 * values[i]) / high);
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
