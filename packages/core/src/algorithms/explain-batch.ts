/**
 * explainBatch(): several images through the runtime together, with the maps explainAll()
 * gives each image alone. One forward of the B images records the tape; each image's target
 * is resolved on its own slice of that forward's heads (so `top`, `det:K`, `class:NAME` pick
 * the image's own detection); the head gradients of every image go back in one backward per
 * rule (vanilla: plain, guided: guided) and VisualBackProp runs once on the batch tape. Images
 * are independent in the network (batch norm is folded at load), so each image's slice of the
 * batch gradient is its own gradient. Integrated Gradients and SmoothGrad already run their
 * steps and samples in batches, and they run per image here, with the image's resolved target
 * from the shared forward, exactly as explainAll runs them.
 */
import { decodeDetections } from '../decode/decode-detections.js';
import { checkFiniteHeads, checkFiniteMap } from '../decode/finite-heads.js';
import type { LoadedModel, Tape, TensorData } from '../runtime/types.js';
import { resolveTarget, type ResolvedTarget } from '../targets/resolve-target.js';
import { targetValueAndHeadGradients } from '../targets/target-gradients.js';
import type { ExplainContext } from './explain-context.js';
import { checkExplainInput, checkExplainOptions, checkMethod, type CheckedOptions } from './explain-options.js';
import { checkGradientDims } from './gradient-batches.js';
import { integratedGradients } from './integrated-gradients.js';
import { smoothGrad } from './smoothgrad.js';
import type { ExplainOptions, Explanation, MethodName, SaliencyMap } from './types.js';

/** One image's outcome: its explanation, or the error explainAll would have thrown for it. */
export type ImageExplanation = { status: 'fulfilled'; value: Explanation } | { status: 'rejected'; reason: Error };

export interface ExplainBatchOptions extends Omit<ExplainOptions, 'method' | 'onProgress'> {
  /** Progress per method; `image` is the index in the batch for the per-image methods (IG, SmoothGrad), absent for batched ones. */
  onProgress?: (done: number, total: number, method: MethodName, image?: number) => void;
}

/** Methods that read the shared forward's tape and run once for the whole batch. */
const BATCHED: ReadonlySet<MethodName> = new Set(['vanilla', 'guided', 'visual-backprop']);

/** What the shared forward found on one image. */
interface ImageTarget {
  resolved: ResolvedTarget;
  value: number;
  /** d F / d raw heads of this image alone ([1, ...] each). */
  headGradients: TensorData[];
  detections?: Explanation['detections'];
}

/**
 * Explain every input ([1, H, W, 3] each) with every method. Returns one outcome per input,
 * in order: a failure that belongs to one image (no detection to explain, non-finite heads or
 * map) rejects that image only. A failure of the runtime itself (a forward or backward that
 * throws) is thrown: it is no image's fault. Each map's `milliseconds` is its share of the
 * batch: (the shared forward + the method's batched call) / B for batched methods, the shared
 * forward / B + its own time for IG and SmoothGrad.
 */
export async function explainBatch(
  model: LoadedModel,
  inputs: readonly TensorData[],
  methods: readonly MethodName[],
  options: ExplainBatchOptions = {},
): Promise<ImageExplanation[]> {
  if (methods.length === 0) throw new Error('explain: no method given');
  if (inputs.length === 0) return [];
  methods.forEach(checkMethod);
  inputs.forEach((input) => checkExplainInput(model, input));
  const { onProgress, ...rest } = options;
  const checked = checkExplainOptions(rest, inputs[0]);
  const count = inputs.length;

  const started = performance.now();
  const record = {
    gradients: methods.some((m) => m === 'vanilla' || m === 'guided'),
    visualBackProp: methods.includes('visual-backprop'),
  };
  const batch = stack(inputs);
  const { heads, tape } = await model.forward(batch, record.gradients || record.visualBackProp ? record : undefined);
  try {
    const targets = inputs.map((_, n) => targetOf(model, imageHeads(heads, n), checked, options.detections === true));
    const sharedMs = (performance.now() - started) / count;

    const maps: Array<SaliencyMap[]> = inputs.map(() => []);
    const failures: Array<Error | undefined> = targets.map((t) => (t instanceof Error ? t : undefined));
    const alive = () => targets.flatMap((t, n) => (failures[n] ? [] : [{ n, target: t as ImageTarget }]));
    for (const method of methods) {
      if (alive().length === 0) break;
      const methodStarted = performance.now();
      if (BATCHED.has(method)) {
        const perImage = await batchedMethod(model, method, tape, heads, targets, failures, count);
        const ms = sharedMs + (performance.now() - methodStarted) / count;
        for (const { n, target } of alive()) {
          try {
            checkFiniteMap(method, perImage[n]);
            maps[n].push({ method, map: perImage[n], targetValue: target.value, detection: target.resolved.detection, milliseconds: ms });
          } catch (error) {
            failures[n] = asError(error);
          }
        }
        onProgress?.(1, 1, method);
        continue;
      }
      for (const { n, target } of alive()) {
        const imageStarted = performance.now();
        const context: ExplainContext = {
          model,
          input: inputs[n],
          options: { ...checked, onProgress: onProgress ? (done, total) => onProgress(done, total, method, n) : () => {} },
          resolved: target.resolved,
          targetValue: target.value,
          headGradients: target.headGradients,
        };
        const base = { method, targetValue: target.value, detection: target.resolved.detection };
        // As in explainAll, a method that throws fails the image; the runtime's own failures
        // surface the same way there, so they are not told apart here either.
        try {
          if (method === 'integrated-gradients') {
            const ig = await integratedGradients(context);
            checkFiniteMap(method, ig.map);
            maps[n].push({ ...base, ...ig, milliseconds: sharedMs + performance.now() - imageStarted });
          } else {
            const map = await smoothGrad(context);
            checkFiniteMap(method, map);
            maps[n].push({ ...base, map, milliseconds: sharedMs + performance.now() - imageStarted });
          }
        } catch (error) {
          failures[n] = asError(error);
        }
      }
    }
    return targets.map((t, n) => {
      const failure = failures[n];
      if (failure) return { status: 'rejected', reason: failure };
      const target = t as ImageTarget;
      const explanation: Explanation = {
        maps: maps[n],
        ...(target.detections ? { detections: target.detections } : {}),
        targetValue: target.value,
        detection: target.resolved.detection,
      };
      return { status: 'fulfilled', value: explanation };
    });
  } finally {
    tape?.dispose();
  }
}

/** The target on one image's heads, as explainAll resolves it; an Error when the image has none. */
function targetOf(model: LoadedModel, heads: TensorData[], checked: CheckedOptions, withDetections: boolean): ImageTarget | Error {
  try {
    checkFiniteHeads(model.graph, heads);
    const decoding = { scoreThreshold: checked.scoreThreshold, iouThreshold: checked.iouThreshold };
    const resolved = resolveTarget(checked.target, model.graph, heads, decoding);
    const detections = withDetections ? (resolved.detections ?? decodeDetections(model.graph, heads, decoding)) : undefined;
    const { values, gradients } = targetValueAndHeadGradients(model.graph, resolved, heads);
    return { resolved, value: values[0], headGradients: gradients, ...(detections ? { detections } : {}) };
  } catch (error) {
    return asError(error);
  }
}

/**
 * vanilla, guided or VisualBackProp for the whole batch from the shared tape, split per image
 * ([H, W, 3], or [H, W, 1] for VBP). Images that failed get zero head gradients: they add
 * nothing to the others' gradients.
 */
async function batchedMethod(
  model: LoadedModel,
  method: MethodName,
  tape: Tape | undefined,
  heads: TensorData[],
  targets: ReadonlyArray<ImageTarget | Error>,
  failures: ReadonlyArray<Error | undefined>,
  count: number,
): Promise<TensorData[]> {
  if (!tape) throw new Error('explain: internal error: the first forward did not record');
  const [h, w] = model.inputSize;
  if (method === 'visual-backprop') {
    const map = await model.visualBackProp(tape);
    if (map.data.length !== count * h * w || map.dims[0] !== count || map.dims[1] !== h || map.dims[2] !== w) {
      throw new Error(`runtime '${model.info.name}': visualBackProp returned dims [${map.dims.join(', ')}], expected [${count}, ${h}, ${w}]`);
    }
    return Array.from({ length: count }, (_, n) => ({ dims: [h, w, 1], data: map.data.slice(n * h * w, (n + 1) * h * w) }));
  }
  const gradients = heads.map((head) => ({ dims: [...head.dims], data: new Float32Array(head.data.length) }));
  targets.forEach((t, n) => {
    if (failures[n] || t instanceof Error) return;
    t.headGradients.forEach((g, k) => gradients[k].data.set(g.data, n * g.data.length));
  });
  const dims = [count, h, w, 3];
  const gradient = await model.backward(tape, gradients, { rule: method === 'guided' ? 'guided' : 'plain' });
  checkGradientDims(gradient, dims, model.info.name);
  const per = h * w * 3;
  return Array.from({ length: count }, (_, n) => ({ dims: [h, w, 3], data: gradient.data.slice(n * per, (n + 1) * per) }));
}

/** [1, H, W, 3] inputs as one [B, H, W, 3] batch. */
function stack(inputs: readonly TensorData[]): TensorData {
  if (inputs.length === 1) return inputs[0];
  const per = inputs[0].data.length;
  const data = new Float32Array(per * inputs.length);
  inputs.forEach((input, n) => data.set(input.data, n * per));
  return { dims: [inputs.length, ...inputs[0].dims.slice(1)], data };
}

/** Image n's heads as a batch of one (copies, so nothing holds the whole batch's buffers). */
function imageHeads(heads: readonly TensorData[], n: number): TensorData[] {
  return heads.map((head) => {
    const per = head.data.length / head.dims[0];
    return { dims: [1, ...head.dims.slice(1)], data: head.data.slice(n * per, (n + 1) * per) };
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
