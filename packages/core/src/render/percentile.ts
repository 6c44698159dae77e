/**
 * The p-th percentile (0..100) of ascending-sorted values, interpolating linearly between
 * the two nearest ranks (numpy's default 'linear' method).
 */
export function sortedPercentile(sorted: Float32Array | Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('percentile: no values');
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}
