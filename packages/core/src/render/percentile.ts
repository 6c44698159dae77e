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

/**
 * The same p-th percentile of unsorted values, in linear time: the two ranks it interpolates
 * between are found by selection (Hoare's, median-of-three pivots) instead of a full sort, so
 * the result is the very number sortedPercentile gives on the sorted values. Reorders `values`.
 */
export function selectPercentile(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 0) throw new Error('percentile: no values');
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const low = selectRank(values, lo);
  if (lo + 1 >= n) return low;
  // After selection everything past lo is >= values[lo]: the next rank is their minimum.
  let next = Infinity;
  for (let i = lo + 1; i < n; i++) if (values[i] < next) next = values[i];
  return low + (next - low) * (rank - lo);
}

/** The k-th smallest (0-based) of `a`, leaving it at a[k], smaller ones before and larger after. */
function selectRank(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    // Median of three as the pivot: sorted data and runs of equal values stay linear.
    if (a[mid] < a[left]) swap(a, mid, left);
    if (a[right] < a[left]) swap(a, right, left);
    if (a[right] < a[mid]) swap(a, right, mid);
    const pivot = a[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
