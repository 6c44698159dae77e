/**
 * Run many inputs (IG steps, SmoothGrad samples) through forward + backward in batches,
 * keeping the same resolved target for all of them.
 */
import type { BackwardRule, TensorData } from '../runtime/types.js';
import { targetValueAndHeadGradients } from '../targets/target-gradients.js';
import type { ExplainContext } from './explain-context.js';

export interface GradientBatchJob {
  /** How many inputs in all. */
  count: number;
  /** Write input number `index` ([H, W, 3]) into `into`. */
  fill(index: number, into: Float32Array): void;
  /** Receive d target / d input ([H, W, 3]) and the target value for input number `index`. */
  consume(index: number, gradient: Float32Array, value: number): void;
  rule?: BackwardRule;
}

export async function runGradientBatches(context: ExplainContext, job: GradientBatchJob): Promise<void> {
  const { model, options } = context;
  const [, h, w, c] = context.input.dims;
  const itemSize = h * w * c;
  for (let start = 0; start < job.count; start += options.batchSize) {
    const n = Math.min(options.batchSize, job.count - start);
    const data = new Float32Array(n * itemSize);
    for (let i = 0; i < n; i++) job.fill(start + i, data.subarray(i * itemSize, (i + 1) * itemSize));
    const batch: TensorData = { dims: [n, h, w, c], data };
    const { heads, tape } = await model.forward(batch, { gradients: true });
    if (!tape) throw new Error(`runtime '${model.info.name}': forward recorded no tape although gradients were asked for`);
    try {
      const { values, gradients } = targetValueAndHeadGradients(model.graph, context.resolved, heads);
      const inputGradient = await model.backward(tape, gradients, { rule: job.rule ?? 'plain' });
      checkGradientDims(inputGradient, batch.dims, model.info.name);
      for (let i = 0; i < n; i++) job.consume(start + i, inputGradient.data.subarray(i * itemSize, (i + 1) * itemSize), values[i]);
    } finally {
      tape.dispose();
    }
    options.onProgress(start + n, job.count);
  }
}

export function checkGradientDims(gradient: TensorData, dims: number[], runtime: string): void {
  if (gradient.dims.join(',') !== dims.join(',') || gradient.data.length !== dims.reduce((a, b) => a * b, 1)) {
    throw new Error(`runtime '${runtime}': backward returned dims [${gradient.dims.join(', ')}], expected [${dims.join(', ')}]`);
  }
}
