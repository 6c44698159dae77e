import type { LoadedModel, Tape, TensorData } from '../runtime/types.js';
import type { ResolvedTarget } from '../targets/resolve-target.js';
import type { CheckedOptions } from './explain-options.js';

/**
 * What every method shares for one image: the target resolved once on the input, its
 * value there, and the tape and head gradients of that first forward (when some method
 * asked the forward to record).
 */
export interface ExplainContext {
  model: LoadedModel;
  /** [1, H, W, 3] */
  input: TensorData;
  options: CheckedOptions;
  resolved: ResolvedTarget;
  /** F(x): the target on the unperturbed input. */
  targetValue: number;
  /** d F / d raw heads at the input. */
  headGradients: TensorData[];
  /** Tape of the first forward; recorded for gradients and/or VBP as the methods need. */
  tape?: Tape;
}
