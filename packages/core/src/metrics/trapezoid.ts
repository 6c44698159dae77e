/** Area under a sampled curve by the trapezoidal rule. */
export function trapezoidAuc(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  if (xs.length !== ys.length) throw new Error(`trapezoidAuc: ${xs.length} x values but ${ys.length} y values`);
  let area = 0;
  for (let i = 1; i < xs.length; i++) {
    if (!(xs[i] >= xs[i - 1])) throw new Error(`trapezoidAuc: x values must be increasing (x[${i}] = ${xs[i]} after ${xs[i - 1]})`);
    area += ((xs[i] - xs[i - 1]) * (ys[i] + ys[i - 1])) / 2;
  }
  return area;
}
