/** Spearman rank correlation with average ranks for ties (Pearson correlation of the ranks). */

/** Ranks 1..n; tied values share the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i];
    meanB += b[i];
  }
  meanA /= n;
  meanB /= n;
  let cov = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - meanA;
    const db = b[i] - meanB;
    cov += da * db;
    varA += da * da;
    varB += db * db;
  }
  // A constant side has no ranking: correlation undefined.
  if (varA === 0 || varB === 0) return Number.NaN;
  return cov / Math.sqrt(varA * varB);
}

/** NaN when either side is constant (no ranking to compare). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`spearman: the two maps have ${a.length} and ${b.length} values; they must match`);
  if (a.length < 2) throw new Error(`spearman: needs at least 2 values, got ${a.length}`);
  for (const side of [a, b]) {
    for (let i = 0; i < side.length; i++) if (Number.isNaN(side[i])) throw new Error(`spearman: value ${i} is NaN`);
  }
  return pearson(averageRanks(a), averageRanks(b));
}
