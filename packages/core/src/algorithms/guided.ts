import type { TensorData } from '../runtime/types.js';
import type { ExplainContext } from './explain-context.js';
import { inputGradient } from './input-gradient.js';

/**
 * Guided backpropagation (Springenberg et al. 2015): the input gradient with the runtime's
 * 'guided' rule at every activation (g_in = max(g_out, 0)·[x > 0]).
 */
export function guidedBackprop(context: ExplainContext): Promise<TensorData> {
  return inputGradient(context, 'guided');
}
