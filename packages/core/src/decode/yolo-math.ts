/**
 * The YOLOv3 box formulas, in one place so that decoding and the target gradients can never
 * disagree. Anchors are in network-input pixels (darknet divides by the network size and
 * multiplies back, which is the same thing).
 */

/** Logistic function, written to stay finite for large |v|. */
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** d sigmoid / dv = s(1 - s). */
export function sigmoidDerivative(v: number): number {
  const s = sigmoid(v);
  return s * (1 - s);
}

/**
 * Box centre along one axis in input pixels:
 * (sigmoid(t)·s - (s-1)/2 + cell) / grid · inputSize, with s = scale_x_y.
 */
export function boxCentre(t: number, cell: number, grid: number, inputSize: number, scaleXY: number): number {
  return ((sigmoid(t) * scaleXY - (scaleXY - 1) / 2 + cell) / grid) * inputSize;
}

/** d boxCentre / dt. */
export function boxCentreDerivative(t: number, grid: number, inputSize: number, scaleXY: number): number {
  return (sigmoidDerivative(t) * scaleXY * inputSize) / grid;
}

/** Box size along one axis in input pixels: anchor·exp(t) (also its own derivative). */
export function boxSize(t: number, anchor: number): number {
  return anchor * Math.exp(t);
}
