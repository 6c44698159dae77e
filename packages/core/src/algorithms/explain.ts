/**
 * explain(): one saliency method on one image; explainAll(): several methods sharing one
 * forward of the input and one target resolution.
 */
import type { LoadedModel, TensorData } from '../runtime/types.js';
import { resolveTarget } from '../targets/resolve-target.js';
import { targetValueAndHeadGradients } from '../targets/target-gradients.js';
import type { ExplainContext } from './explain-context.js';
import { checkExplainInput, checkExplainOptions, checkMethod } from './explain-options.js';
import { guidedBackprop } from './guided.js';
import { integratedGradients } from './integrated-gradients.js';
import { smoothGrad } from './smoothgrad.js';
import type { ExplainOptions, MethodName, SaliencyMap } from './types.js';
import { vanillaGradient } from './vanilla.js';
import { visualBackProp } from './visual-backprop.js';

export async function explain(model: LoadedModel, input: TensorData, options: ExplainOptions): Promise<SaliencyMap> {
  const { method, ...rest } = options;
  const [map] = await explainAll(model, input, [method], rest);
  return map;
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
): Promise<SaliencyMap[]> {
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
    const resolved = resolveTarget(checked.target, model.graph, heads, {
      scoreThreshold: checked.scoreThreshold,
      iouThreshold: checked.iouThreshold,
    });
    const { values, gradients } = targetValueAndHeadGradients(model.graph, resolved, heads);
    const context: ExplainContext = { model, input, options: checked, resolved, targetValue: values[0], headGradients: gradients, tape };
    const sharedMs = performance.now() - started;

    const results: SaliencyMap[] = [];
    for (const method of methods) {
      const methodStarted = performance.now();
      const base = { method, targetValue: context.targetValue, detection: resolved.detection };
      if (method === 'integrated-gradients') {
        const ig = await integratedGradients(context);
        results.push({ ...base, ...ig, milliseconds: sharedMs + performance.now() - methodStarted });
      } else {
        const map = await runMethod(method, context);
        results.push({ ...base, map, milliseconds: sharedMs + performance.now() - methodStarted });
      }
    }
    return results;
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
