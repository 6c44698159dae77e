/**
 * Model randomisation sanity check (Adebayo et al. 2018), cascading from the top: the conv
 * layers are re-initialised one cut point after another from the output side down, each
 * randomised model is loaded into the same runtime (through `load`), the method explains the
 * same output, and its map is compared with the original model's by Spearman rank correlation
 * (after abs-max channel reduction; average ranks for ties). A faithful method's maps should
 * decorrelate as more layers are randomised.
 *
 * The same output: the target is resolved once on the original model; detection terms then
 * become raw-head terms at that cell/anchor, on the pre-sigmoid logits (objectness channel 4
 * for objectness, class logit 5+c for class/logit, both summed for score). Adebayo et al.
 * explain pre-softmax logits too, and this keeps the target defined when a randomised model
 * no longer detects anything.
 */
import { explain } from '../algorithms/explain.js';
import type { ExplainOptions, MethodName } from '../algorithms/types.js';
import type { Graph } from '../graph/types.js';
import { reduceChannels } from '../render/reduce-channels.js';
import type { LoadedModel, TensorData } from '../runtime/types.js';
import { resolveTarget } from '../targets/resolve-target.js';
import { formatTarget } from '../targets/parse-target.js';
import type { ResolvedTerm, TargetSpec } from '../targets/types.js';
import { randomizeConvs, convsFromTop } from './randomize-graph.js';
import { spearman } from './spearman.js';

export interface RandomizationOptions {
  method: MethodName;
  /** Target on the original model (default 'top'). */
  target?: string;
  /** How many convs (from the top) are re-initialised at each point; default every k from 1 to all. */
  schedule?: number[];
  seed?: number;
  /** Extra explain() options (IG steps, SmoothGrad samples, batch size, ...). */
  explainOptions?: Omit<ExplainOptions, 'method' | 'target'>;
  onProgress?: (done: number, total: number) => void;
}

export interface RandomizationPoint {
  /** Convs re-initialised, counted from the top. */
  k: number;
  /** The lowest re-initialised layer (the cut point). */
  layerName: string;
  /** Spearman of the abs-max reduced maps; NaN when a map is constant. */
  spearman: number;
  /** Spearman of the signed per-value maps (channels kept), for sign-aware comparison. */
  signedSpearman: number;
  /**
   * Spearman of the reduced maps over the pixels where either map is non-zero. A detection
   * cell sees only its receptive field: outside it both maps are exactly 0 whatever the
   * weights, and those tied zeros alone push the whole-image correlation towards 1.
   */
  supportSpearman: number;
}

export interface RandomizationResult {
  method: MethodName;
  /** The raw-logit target both models explain. */
  target: string;
  curve: RandomizationPoint[];
  /** spearman, supportSpearman and signedSpearman at full re-initialisation (every conv). */
  full?: number;
  fullSupport?: number;
  fullSigned?: number;
}

export async function randomizationCheck(
  graph: Graph,
  input: TensorData,
  load: (graph: Graph) => Promise<LoadedModel>,
  options: RandomizationOptions,
): Promise<RandomizationResult> {
  const convs = convsFromTop(graph);
  if (convs.length === 0) throw new Error('randomization check: the graph has no conv layers to re-initialise');
  const schedule = options.schedule ?? convs.map((_, i) => i + 1);
  for (const k of schedule) {
    if (!Number.isInteger(k) || k < 0 || k > convs.length) throw new Error(`randomization check: schedule entry ${k} must be a whole number 0..${convs.length} (convs in the model)`);
  }
  const total = schedule.length + 1;
  let done = 0;
  const mapOf = async (g: Graph, target: string): Promise<TensorData> => {
    const model = await load(g);
    try {
      const result = await explain(model, input, { ...options.explainOptions, method: options.method, target });
      options.onProgress?.(++done, total);
      return result.map;
    } finally {
      await model.dispose();
    }
  };

  const original = await load(graph);
  let target: string;
  try {
    const { heads, tape } = await original.forward(input);
    tape?.dispose();
    const resolved = resolveTarget(options.target ?? 'top', graph, heads, {
      scoreThreshold: options.explainOptions?.scoreThreshold,
      iouThreshold: options.explainOptions?.iouThreshold,
    });
    target = logitTarget(resolved.terms);
  } finally {
    await original.dispose();
  }
  const reference = await mapOf(graph, target);
  const referenceReduced = reduceChannels(reference, 'abs-max');

  const curve: RandomizationPoint[] = [];
  for (const k of schedule) {
    const map = await mapOf(randomizeConvs(graph, convs.slice(0, k), options.seed ?? 0), target);
    const reduced = reduceChannels(map, 'abs-max');
    curve.push({
      k,
      layerName: k === 0 ? '(none)' : graph.nodes[convs[k - 1]].name,
      spearman: spearman(referenceReduced, reduced),
      signedSpearman: spearman(reference.data, map.data),
      supportSpearman: supportSpearman(referenceReduced, reduced),
    });
  }
  const full = curve.find((p) => p.k === convs.length);
  return { method: options.method, target, curve, full: full?.spearman, fullSupport: full?.supportSpearman, fullSigned: full?.signedSpearman };
}

/** Spearman over the pixels where either map is non-zero (NaN when fewer than 2). */
function supportSpearman(a: Float32Array, b: Float32Array): number {
  const keep: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== 0 || b[i] !== 0) keep.push(i);
  if (keep.length < 2) return Number.NaN;
  return spearman(keep.map((i) => a[i]), keep.map((i) => b[i]));
}

/** Resolved terms as raw-head terms on the logits behind each quantity (see the file comment). */
export function logitTarget(terms: readonly ResolvedTerm[]): string {
  const spec: TargetSpec = { terms: [] };
  for (const t of terms) {
    const at = { kind: 'raw' as const, scale: t.scale, anchor: t.anchor, y: t.y, x: t.x };
    switch (t.quantity) {
      case 'raw':
        spec.terms.push({ ...at, channel: t.channel });
        break;
      case 'objectness':
        spec.terms.push({ ...at, channel: 4 });
        break;
      case 'class':
      case 'logit':
        spec.terms.push({ ...at, channel: 5 + t.channel });
        break;
      case 'score':
        spec.terms.push({ ...at, channel: 4 }, { ...at, channel: 5 + t.channel });
        break;
      default:
        // Box quantities are already functions of single raw channels 0-3.
        spec.terms.push({ ...at, channel: ['x', 'y', 'w', 'h'].indexOf(t.quantity) });
    }
  }
  return formatTarget(spec);
}
