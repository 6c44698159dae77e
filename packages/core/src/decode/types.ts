/** A decoded detection. Boxes are in network-input pixels unless mapped back with a letterbox. */
export interface Detection {
  /** [x1, y1, x2, y2] */
  box: [number, number, number, number];
  /** objectness × class probability */
  score: number;
  objectness: number;
  classIndex: number;
  className: string;
  classProbability: number;
  /** Where the detection comes from in the raw heads (what a target differentiates). */
  cell: { scale: number; anchor: number; y: number; x: number };
}

/** How an image was letterboxed into the network input (to map boxes back). */
export interface Letterbox {
  /** Original image size. */
  imageWidth: number;
  imageHeight: number;
  /** Network input size. */
  inputWidth: number;
  inputHeight: number;
  /** Scale applied to the image, and the offset of its top-left corner in the input. */
  scale: number;
  offsetX: number;
  offsetY: number;
}

export interface DecodeOptions {
  /** Minimum score (objectness × class) to keep; default 0.25. */
  scoreThreshold?: number;
  /** IoU above which NMS suppresses a box of the same class; default 0.45. */
  iouThreshold?: number;
  /** Keep at most this many after NMS; default 100. */
  maxDetections?: number;
}
