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

/**
 * How one head's raw values become probabilities, box centres and sizes, with the derivatives
 * the target gradients need. Classic YOLOv3 heads (and darknet's scale_x_y): sigmoid
 * probabilities, centre (sigmoid(t)·s - (s-1)/2 + cell)/grid, size anchor·e^t. Darknet's
 * new_coords=1 heads (Scaled-YOLOv4, YOLOv7) hold logistic outputs already: probabilities as
 * they are, centre (t·s - (s-1)/2 + cell)/grid, size anchor·4t² (yolo_layer.c, get_yolo_box).
 */
export interface HeadDecoding {
  probability(v: number): number;
  probabilityDerivative(v: number): number;
  /** The class logit: the raw value, or the logit of a probability (new_coords). */
  logit(v: number): number;
  logitDerivative(v: number): number;
  centre(t: number, cell: number, grid: number, inputSize: number): number;
  centreDerivative(t: number, grid: number, inputSize: number): number;
  size(t: number, anchor: number): number;
  sizeDerivative(t: number, anchor: number): number;
}

/** Probabilities a logit can be taken of (a float32 logistic saturates to exactly 0 or 1). */
const clampProbability = (v: number) => Math.min(Math.max(v, 1e-7), 1 - 1e-7);

export function headDecoding({ scaleXY, newCoords }: { scaleXY: number; newCoords: boolean }): HeadDecoding {
  if (!newCoords) {
    return {
      probability: sigmoid,
      probabilityDerivative: sigmoidDerivative,
      logit: (v) => v,
      logitDerivative: () => 1,
      centre: (t, cell, grid, inputSize) => boxCentre(t, cell, grid, inputSize, scaleXY),
      centreDerivative: (t, grid, inputSize) => boxCentreDerivative(t, grid, inputSize, scaleXY),
      size: boxSize,
      sizeDerivative: boxSize,
    };
  }
  return {
    probability: (v) => v,
    probabilityDerivative: () => 1,
    logit: (v) => Math.log(clampProbability(v) / (1 - clampProbability(v))),
    logitDerivative: (v) => 1 / (clampProbability(v) * (1 - clampProbability(v))),
    centre: (t, cell, grid, inputSize) => ((t * scaleXY - (scaleXY - 1) / 2 + cell) / grid) * inputSize,
    centreDerivative: (_t, grid, inputSize) => (scaleXY * inputSize) / grid,
    size: (t, anchor) => anchor * 4 * t * t,
    sizeDerivative: (t, anchor) => anchor * 8 * t,
  };
}
