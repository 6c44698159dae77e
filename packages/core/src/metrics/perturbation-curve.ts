/**
 * Deletion and insertion curves (RISE, Petsiuk et al. 2018). Pixels are ordered by saliency
 * (abs-max over channels); in `steps` equal chunks they are removed from the input
 * (deletion: replaced by the baseline) or revealed on the baseline (insertion). After every
 * step the model runs (the step inputs go through model.forward in batches) and the
 * explained target is read at the SAME cell/anchor/class it was resolved to on the
 * original input.
 *
 * AUC: trapezoidal rule over the fraction of pixels changed, [0, 1], on the raw target value
 * (e.g. the detection score in [0, 1]); not normalised by the starting score, so AUCs of
 * different images are averaged as they are.
 *
 * Baseline: a constant (default 0 = black; 0.5 = mean grey) or a full [1,H,W,3] input, e.g.
 * a blurred copy of the image (RISE uses a blurred copy for insertion).
 */
import type { LoadedModel, TensorData } from '../runtime/types.js';
import { mapDims, reduceChannels } from '../render/reduce-channels.js';
import { resolveTarget } from '../targets/resolve-target.js';
import { targetValueAndHeadGradients } from '../targets/target-gradients.js';
import type { ResolvedTerm } from '../targets/types.js';
import { pixelOrder } from './pixel-order.js';
import type { PixelOrder } from './pixel-order.js';
import { trapezoidAuc } from './trapezoid.js';

export interface PerturbationOptions {
  order?: PixelOrder;
  /** Seed of the 'random' order (default 0). */
  seed?: number;
  /** Equal chunks of pixels (default 32): the curve has steps + 1 points. */
  steps?: number;
  baseline?: number | TensorData;
  /** Step inputs per model.forward call (default 8). */
  batchSize?: number;
  /** Decoding when a detection target is resolved here (defaults as explain()). */
  scoreThreshold?: number;
  iouThreshold?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface PerturbationCurve {
  mode: 'deletion' | 'insertion';
  order: PixelOrder;
  /** Fraction of pixels removed/revealed at each point, 0 .. 1. */
  fractions: number[];
  /** Target value at each point. */
  scores: number[];
  auc: number;
}

/** A target spec (resolved here on the original input) or terms already resolved. */
export type MetricTarget = string | { terms: ResolvedTerm[] };

export const PERTURBATION_DEFAULTS = { order: 'saliency', seed: 0, steps: 32, baseline: 0, batchSize: 8 } as const;

export function deletionCurve(model: LoadedModel, input: TensorData, map: TensorData, target: MetricTarget, options: PerturbationOptions = {}): Promise<PerturbationCurve> {
  return perturbationCurve('deletion', model, input, map, target, options);
}

export function insertionCurve(model: LoadedModel, input: TensorData, map: TensorData, target: MetricTarget, options: PerturbationOptions = {}): Promise<PerturbationCurve> {
  return perturbationCurve('insertion', model, input, map, target, options);
}

export async function deletionAuc(model: LoadedModel, input: TensorData, map: TensorData, target: MetricTarget, options: PerturbationOptions = {}): Promise<number> {
  return (await deletionCurve(model, input, map, target, options)).auc;
}

export async function insertionAuc(model: LoadedModel, input: TensorData, map: TensorData, target: MetricTarget, options: PerturbationOptions = {}): Promise<number> {
  return (await insertionCurve(model, input, map, target, options)).auc;
}

export async function perturbationCurve(
  mode: 'deletion' | 'insertion',
  model: LoadedModel,
  input: TensorData,
  map: TensorData,
  target: MetricTarget,
  options: PerturbationOptions = {},
): Promise<PerturbationCurve> {
  const where = `${mode} metric`;
  const [h, w] = model.inputSize;
  if (input.dims.length !== 4 || input.dims[0] !== 1 || input.dims[1] !== h || input.dims[2] !== w || input.dims[3] !== 3) {
    throw new Error(`${where}: input dims [${input.dims.join(', ')}] must be [1, ${h}, ${w}, 3] (the model's input size)`);
  }
  const dims = mapDims(map, where);
  if (dims.height !== h || dims.width !== w) throw new Error(`${where}: map is ${dims.height}x${dims.width}, the input ${h}x${w}`);
  const steps = options.steps ?? PERTURBATION_DEFAULTS.steps;
  const batchSize = options.batchSize ?? PERTURBATION_DEFAULTS.batchSize;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`${where}: steps ${steps} must be a whole number >= 1`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${where}: batchSize ${batchSize} must be a whole number >= 1`);
  const baseline = baselineData(options.baseline ?? PERTURBATION_DEFAULTS.baseline, input, where);
  const order = options.order ?? PERTURBATION_DEFAULTS.order;
  const pixels = pixelOrder(reduceChannels(map, 'abs-max'), order, options.seed ?? PERTURBATION_DEFAULTS.seed);
  const resolved = typeof target === 'string' ? await resolveOnInput(model, input, target, options) : target;

  // Point k has the first round(k * P / steps) pixels of the order removed (or revealed).
  const total = pixels.length;
  const counts = Array.from({ length: steps + 1 }, (_, k) => Math.round((k * total) / steps));
  const scores: number[] = [];
  const perImage = h * w * 3;
  for (let start = 0; start <= steps; start += batchSize) {
    const count = Math.min(batchSize, steps + 1 - start);
    const batch = new Float32Array(count * perImage);
    for (let b = 0; b < count; b++) {
      const image = batch.subarray(b * perImage, (b + 1) * perImage);
      // Deletion starts from the input and writes the baseline; insertion the other way round.
      const [from, to] = mode === 'deletion' ? [input.data, baseline] : [baseline, input.data];
      image.set(from);
      for (let i = 0; i < counts[start + b]; i++) {
        const at = pixels[i] * 3;
        image[at] = to[at];
        image[at + 1] = to[at + 1];
        image[at + 2] = to[at + 2];
      }
    }
    const { heads, tape } = await model.forward({ dims: [count, h, w, 3], data: batch });
    tape?.dispose();
    scores.push(...targetValueAndHeadGradients(model.graph, resolved, heads).values);
    options.onProgress?.(start + count, steps + 1);
  }
  const fractions = counts.map((c) => c / total);
  return { mode, order, fractions, scores, auc: trapezoidAuc(fractions, scores) };
}

async function resolveOnInput(model: LoadedModel, input: TensorData, target: string, options: PerturbationOptions): Promise<{ terms: ResolvedTerm[] }> {
  const { heads, tape } = await model.forward(input);
  tape?.dispose();
  return resolveTarget(target, model.graph, heads, { scoreThreshold: options.scoreThreshold, iouThreshold: options.iouThreshold });
}

function baselineData(baseline: number | TensorData, input: TensorData, where: string): Float32Array {
  if (typeof baseline === 'number') {
    if (!Number.isFinite(baseline)) throw new Error(`${where}: baseline ${baseline} is not a finite number`);
    return new Float32Array(input.data.length).fill(baseline);
  }
  if (baseline.data.length !== input.data.length) {
    throw new Error(`${where}: baseline dims [${baseline.dims.join(', ')}] must match the input [${input.dims.join(', ')}]`);
  }
  return baseline.data;
}
