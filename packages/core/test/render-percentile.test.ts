/**
 * normalizeForDisplay selects its percentile in linear time instead of sorting the map: the
 * result must be exactly what the sorted statistics gave (numpy's 'linear' percentile), on maps
 * with ties, runs of zeros, signs, non-finite values and every percentile.
 */
import { describe, expect, it } from 'vitest';
import { normalizeForDisplay } from '../src/render/normalize.js';
import { selectPercentile, sortedPercentile } from '../src/render/percentile.js';
import { createSeededRandom } from '../src/util/random.js';

/** The sorting implementation normalizeForDisplay had, kept here as the reference. */
function sortedReference(values: Float32Array, percentile: number, signed: boolean): Float32Array {
  const out = new Float32Array(values.length);
  const finite = Float64Array.from(Array.from(values).filter(Number.isFinite)).sort();
  const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  if (finite.length > 0 && finite[0] !== finite[finite.length - 1]) {
    if (signed) {
      const magnitudes = finite.map(Math.abs).sort();
      let high = sortedPercentile(magnitudes, percentile);
      if (high <= 0) high = magnitudes[magnitudes.length - 1];
      for (let i = 0; i < values.length; i++) out[i] = clamp(0.5 + (0.5 * values[i]) / high);
    } else {
      const low = finite[0];
      let high = sortedPercentile(finite, percentile);
      if (high <= low) high = finite[finite.length - 1];
      for (let i = 0; i < values.length; i++) out[i] = clamp((values[i] - low) / (high - low));
    }
  }
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) out[i] = values[i] === Infinity ? 1 : 0;
  return out;
}

function maps(): Array<{ name: string; values: Float32Array }> {
  const r = createSeededRandom(5);
  const n = 4099;
  const gauss = Float32Array.from({ length: n }, () => r.normal());
  const mostlyZero = Float32Array.from({ length: n }, () => (r.uniform() < 0.97 ? 0 : r.normal()));
  const fewValues = Float32Array.from({ length: n }, () => Math.floor(r.uniform() * 4) - 1);
  const sortedUp = Float32Array.from({ length: n }, (_, i) => i / n);
  const sortedDown = Float32Array.from({ length: n }, (_, i) => -i);
  const withBad = Float32Array.from(gauss, (v, i) => (i % 97 === 0 ? NaN : i % 89 === 0 ? Infinity : i % 83 === 0 ? -Infinity : v));
  return [
    { name: 'gaussian', values: gauss },
    { name: 'mostly zero', values: mostlyZero },
    { name: 'four values', values: fewValues },
    { name: 'ascending', values: sortedUp },
    { name: 'descending', values: sortedDown },
    { name: 'with NaN and infinities', values: withBad },
    { name: 'one value', values: new Float32Array([3]) },
    { name: 'two values', values: new Float32Array([1, -1]) },
    { name: 'constant', values: new Float32Array(50).fill(2) },
  ];
}

describe('percentile by selection', () => {
  it('selectPercentile equals sortedPercentile on the sorted values', () => {
    const r = createSeededRandom(9);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(r.uniform() * 300);
      const ties = r.uniform() < 0.5;
      const data = Float64Array.from({ length: n }, () => (ties ? Math.floor(r.uniform() * 5) : r.normal()));
      const p = trial % 10 === 0 ? 100 : r.uniform() * 100;
      const sorted = Float64Array.from(data).sort();
      expect(selectPercentile(Float64Array.from(data), p)).toBe(sortedPercentile(sorted, p));
    }
  });

  for (const { name, values } of maps()) {
    it(`normalizeForDisplay is unchanged: ${name}`, () => {
      for (const percentile of [1, 50, 99, 99.9, 100]) {
        for (const signed of [false, true]) {
          expect(Array.from(normalizeForDisplay(values, { percentile, signed }))).toEqual(Array.from(sortedReference(values, percentile, signed)));
        }
      }
    });
  }
});
