import type { BackwardRule, TensorData } from '../runtime/types.js';
import type { ExplainContext } from './explain-context.js';
import { checkGradientDims } from './gradient-batches.js';

/** d target / d input at the input itself, from the first forward's tape. Returns [H, W, 3]. */
export async function inputGradient(context: ExplainContext, rule: BackwardRule): Promise<TensorData> {
  const { model, input, tape } = context;
  if (!tape) throw new Error('explain: internal error: the first forward did not record gradients');
  const gradient = await model.backward(tape, context.headGradients, { rule });
  checkGradientDims(gradient, input.dims, model.info.name);
  context.options.onProgress(1, 1);
  return { dims: input.dims.slice(1), data: gradient.data };
}
