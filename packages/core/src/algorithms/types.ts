import type { TensorData } from '../runtime/types.js';
import type { Detection } from '../decode/types.js';

export type MethodName = 'vanilla' | 'integrated-gradients' | 'guided' | 'visual-backprop' | 'smoothgrad';

export const METHOD_NAMES: readonly MethodName[] = [
  'vanilla',
  'integrated-gradients',
  'guided',
  'visual-backprop',
  'smoothgrad',
];

export interface ExplainOptions {
  method: MethodName;
  /** A TargetSpec or its string form (see targets/types.ts). Default 'top'. */
  target?: string;
  /** IG steps m (default 20). */
  steps?: number;
  /** IG baseline: a constant value (default 0) or a full [1,H,W,3] input. */
  baseline?: number | TensorData;
  /** SmoothGrad samples (default 25) and noise std as a fraction of the input range (default 0.15). */
  samples?: number;
  noise?: number;
  /** Images per runtime call for IG steps and SmoothGrad samples (default 8). */
  batchSize?: number;
  /** Seed for SmoothGrad noise (default 0). */
  seed?: number;
  /** Progress of the method being computed (IG steps, SmoothGrad samples; 1 of 1 for the others). */
  onProgress?: (done: number, total: number, method: MethodName) => void;
  /** Detection targets: minimum score (default 0.25) and NMS IoU (default 0.45) when decoding. */
  scoreThreshold?: number;
  iouThreshold?: number;
  /**
   * explainAll: also return every detection on the input (default false: decoding a model
   * with many candidates, such as untrained weights, can cost more than a backward pass).
   */
  detections?: boolean;
}

/** Everything explainAll() finds on one image: the maps, and what they explain. */
export interface Explanation {
  /** One per method asked for, in that order. */
  maps: SaliencyMap[];
  /**
   * With `detections: true` in the options: every detection on the input (after NMS, at the
   * options' score and IoU thresholds), from the shared forward.
   */
  detections?: Detection[];
  /** Value of the target on the input. */
  targetValue: number;
  /** The detection the target names, when it names one. */
  detection?: Detection;
}

export interface SaliencyMap {
  method: MethodName;
  /** [H, W, 3] attribution per input channel (gradient methods) or [H, W, 1] (VBP). */
  map: TensorData;
  /** Value of the target on the input. */
  targetValue: number;
  /** The detection explained, when the target names one. */
  detection?: Detection;
  /** IG only: |sum(IG) - (F(x) - F(x'))| / max(|F(x) - F(x')|, eps). */
  completenessError?: number;
  /** IG only: F(x) - F(x') and sum(IG). */
  completeness?: { delta: number; attributionSum: number };
  milliseconds: number;
}
