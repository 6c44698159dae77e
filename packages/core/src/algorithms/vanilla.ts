import type { TensorData } from '../runtime/types.js';
import type { ExplainContext } from './explain-context.js';
import { inputGradient } from './input-gradient.js';

/** Vanilla gradient (Simonyan et al. 2014): d target / d input, plain backward. */
export function vanillaGradient(context: ExplainContext): Promise<TensorData> {
  return inputGradient(context, 'plain');
}
