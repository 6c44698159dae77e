/**
 * explainAll(): several methods on one image, sharing one forward of the input, one target
 * resolution and one decoding of the detections; explain(): one method.
 */
import { decodeDetections } from '../decode/decode-detections.js';
import { checkFiniteHeads, checkFiniteMap } from '../decode/finite-heads.js';
import type { LoadedModel, TensorData } from '../runtime/types.js';
import { resolveTarget } from '../targets/resolve-target.js';
import { targetValueAndHeadGradients } from '../targets/target-gradients.js';
import type { ExplainContext } from './explain-context.js';
import { checkExplainInput, checkExplainOptions, checkMethod } from './explain-options.js';
import { guidedBackprop } from './guided.js';
import { integratedGradients } from './integrated-gradients.js';
import { smoothGrad } from './smoothgrad.js';
import type { ExplainOptions, Explanation, MethodName, SaliencyMap } from './types.js';
import { vanillaGradient } from './vanilla.js';
import { visualBackProp } from './visual-backprop.js';

export async function explain(model: LoadedModel, input: TensorData, options: ExplainOptions): Promise<SaliencyMap> {
  const { method, ...rest } = options;
  const { maps } = await explainAll(model, input, [method], rest);
  return maps[0];
}

/**
 * Every method's `milliseconds` includes the shared first forward (and target resolution),
 * so it is comparable with a single-method explain().
 */
export async function explainAll(
  model: LoadedModel,
  input: TensorData,
  methods: readonly MethodName[],
  options: Omit<ExplainOptions, 'method'> = {},
): Promise<Explanation> {
  if (methods.length === 0) throw new Error('explain: no method given');
  methods.forEach(checkMethod);
  checkExplainInput(model, input);
  const checked = checkExplainOptions(options, input);

  const started = performance.now();
  // The first forward records only what vanilla, guided and VBP will read from its tape.
  const record = {
    gradients: methods.some((m) => m === 'vanilla' || m === 'guided'),
    visualBackProp: methods.includes('visual-backprop'),
  };
  const { heads, tape } = await model.forward(input, record.gradients || record.visualBackProp ? record : undefined);
  try {
    checkFiniteHeads(model.graph, heads);
    const decoding = { scoreThreshold: checked.scoreThreshold, iouThreshold: checked.iouThreshold };
    const resolved = resolveTarget(checked.target, model.graph, heads, decoding);
    const detections = options.detections ? (resolved.detections ?? decodeDetections(model.graph, heads, decoding)) : undefined;
    const { values, gradients } = targetValueAndHeadGradients(model.graph, resolved, heads);
    const sharedMs = performance.now() - started;

    const maps: SaliencyMap[] = [];
    for (const method of methods) {
      const methodStarted = performance.now();
      const report = options.onProgress;
      const context: ExplainContext = {
        model,
        input,
        options: { ...checked, onProgress: report ? (done, total) => report(done, total, method) : () => {} },
        resolved,
        targetValue: values[0],
        headGradients: gradients,
        tape,
      };
      const base = { method, targetValue: values[0], detection: resolved.detection };
      if (method === 'integrated-gradients') {
        const ig = await integratedGradients(context);
        checkFiniteMap(method, ig.map);
        maps.push({ ...base, ...ig, milliseconds: sharedMs + performance.now() - methodStarted });
      } else {
        const map = await runMethod(method, context);
        checkFiniteMap(method, map);
        maps.push({ ...base, map, milliseconds: sharedMs + performance.now() - methodStarted });
      }
    }
    return { maps, ...(detections ? { detections } : {}), targetValue: values[0], detection: resolved.detection };
  } finally {
    tape?.dispose();
  }
}

function runMethod(method: Exclude<MethodName, 'integrated-gradients'>, context: ExplainContext): Promise<TensorData> {
  switch (method) {
    case 'vanilla':
      return vanillaGradient(context);
    case 'guided':
      return guidedBackprop(context);
    case 'smoothgrad':
      return smoothGrad(context);
    case 'visual-backprop':
      return visualBackProp(context);
  }
}
