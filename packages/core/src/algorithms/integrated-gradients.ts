/**
 * Integrated Gradients (Sundararajan et al. 2017, eq. 3), right Riemann sum:
 * IG = (x - x') · (1/m) · Σ_{k=1..m} ∇F(x' + (k/m)(x - x')).
 * Completeness compares Σ IG with F(x) - F(x'), which costs one extra forward of x'.
 */
import type { TensorData } from '../runtime/types.js';
import { targetValueAndHeadGradients } from '../targets/target-gradients.js';
import type { ExplainContext } from './explain-context.js';
import { runGradientBatches } from './gradient-batches.js';

export interface IntegratedGradientsResult {
  map: TensorData;
  completeness: { delta: number; attributionSum: number };
  completenessError: number;
}

export async function integratedGradients(context: ExplainContext): Promise<IntegratedGradientsResult> {
  const { model, input, options } = context;
  const x = input.data;
  const baseline = baselineData(options.baseline, x.length);
  const m = options.steps;
  const gradientSum = new Float64Array(x.length);

  await runGradientBatches(context, {
    count: m,
    fill(index, into) {
      const alpha = (index + 1) / m;
      for (let i = 0; i < into.length; i++) into[i] = baseline[i] + alpha * (x[i] - baseline[i]);
    },
    consume(_index, gradient) {
      for (let i = 0; i < gradient.length; i++) gradientSum[i] += gradient[i];
    },
  });

  const map = new Float32Array(x.length);
  let attributionSum = 0;
  for (let i = 0; i < x.length; i++) {
    const attribution = ((x[i] - baseline[i]) * gradientSum[i]) / m;
    map[i] = attribution;
    attributionSum += attribution;
  }

  const baselineValue = await targetAt(context, baseline);
  const delta = context.targetValue - baselineValue;
  return {
    map: { dims: input.dims.slice(1), data: map },
    completeness: { delta, attributionSum },
    completenessError: Math.abs(attributionSum - delta) / Math.max(Math.abs(delta), 1e-12),
  };
}

function baselineData(baseline: number | TensorData, length: number): Float32Array {
  return typeof baseline === 'number' ? new Float32Array(length).fill(baseline) : baseline.data;
}

/** F at one input (a forward without recording). */
async function targetAt(context: ExplainContext, data: Float32Array): Promise<number> {
  const { heads } = await context.model.forward({ dims: context.input.dims, data });
  return targetValueAndHeadGradients(context.model.graph, context.resolved, heads).values[0];
}
