/**
 * Upper bounds on every count a user sets that a loop runs over, so no option value runs for
 * days or allocates without end. Each is named in its option's --help with the default. Counts
 * that cost memory (--batch, --input-size, image pixels) are checked against --max-memory too
 * (memory-budget.ts), which is the bound to raise; these fixed ones are far beyond any useful
 * value and cannot be raised.
 */
import { GRAPH_LIMITS } from '@yolo-saliency/core/graph';

export const BOUNDS = {
  /** Integrated Gradients steps: the Riemann sum's error is far below float32 rounding long before. */
  steps: 10_000,
  /** SmoothGrad samples: the mean's noise falls as 1/sqrt(samples); 10,000 is 100x below one sample's. */
  samples: 10_000,
  /** Images per runtime call. */
  batch: 1024,
  /** Network input side in pixels: the largest a model file may declare (core's GRAPH_LIMITS). */
  inputSize: GRAPH_LIMITS.inputSize,
  /** Deletion/insertion steps of `evaluate`. */
  curveSteps: 1000,
  /** Timed and warm-up runs of `benchmark`. */
  repeat: 1000,
  warmup: 100,
  /** Images of generate-dataset and evaluate-detector. */
  count: 1_000_000,
  /** Side of generated images in pixels. */
  generatedSize: 4096,
} as const;

/** " (1..10000)" for help texts. */
export const range = (max: number, min = 1) => `${min}..${max}`;
