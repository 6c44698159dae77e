import type { TensorData } from '../runtime/types.js';
import type { ExplainContext } from './explain-context.js';

/** VisualBackProp (Bojarski et al. 2016) from the first forward's tape: [H, W, 1] in [0, 1]. */
export async function visualBackProp(context: ExplainContext): Promise<TensorData> {
  const { model, input, tape } = context;
  if (!tape) throw new Error('explain: internal error: the first forward did not record for VisualBackProp');
  const map = await model.visualBackProp(tape);
  const [, h, w] = input.dims;
  if (map.data.length !== h * w || map.dims[0] !== 1 || map.dims[1] !== h || map.dims[2] !== w) {
    throw new Error(`runtime '${model.info.name}': visualBackProp returned dims [${map.dims.join(', ')}], expected [1, ${h}, ${w}]`);
  }
  context.options.onProgress(1, 1);
  return { dims: [h, w, 1], data: map.data };
}
