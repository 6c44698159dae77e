/**
 * `yolo-saliency evaluate`: faithfulness metrics of saliency methods per image (pointing
 * game, deletion/insertion AUC, IG completeness error, model randomisation) and their
 * aggregates over the images.
 */
import { explain, METHOD_NAMES, parseTarget } from '@yolo-saliency/core';
import { completenessError, convsFromTop, deletionCurve, insertionCurve, pointingGame, randomizationCheck } from '@yolo-saliency/core/metrics';
import type { Graph, LoadedModel, MethodName } from '@yolo-saliency/core';
import type { ParsedArgs } from '../cli-args.js';
import { oneLine, UsageError } from '../cli-errors.js';
import type { Command } from '../command.js';
import { withFileName } from '@yolo-saliency/node';
import { BOUNDS, range } from '../bounds.js';
import { isFatal } from '../each-image.js';
import { readImageInput, type ReadOptions } from '../image-input.js';
import { modelJson, runtimeJson } from '../json-summary.js';
import { IMAGE_BYTES_PER_PIXEL, MEMORY_OPTIONS, MemoryBudget } from '../memory-budget.js';
import { chooseModel, MODEL_OPTIONS, RUNTIME_OPTIONS } from '../model-options.js';
import { loadModelRun } from '../model-run.js';
import { createProgress } from '../progress.js';
import { readRuntimeChoice } from '../runtime-choice.js';

/** Inputs per runtime call, for IG steps and for deletion/insertion steps alike (lowered to fit --max-memory). */
const BATCH = 8;

const METRICS = ['pointing', 'deletion', 'insertion', 'completeness', 'randomization'] as const;
type Metric = (typeof METRICS)[number];

interface MethodMetrics {
  method: MethodName;
  pointing?: { hit: boolean; argmax: { x: number; y: number } };
  deletion?: { auc: number; randomAuc: number };
  insertion?: { auc: number; randomAuc: number };
  completenessError?: number;
  /**
   * Spearman at full re-initialisation: of the abs-max maps over the whole image and over the
   * non-zero support, and of the signed maps (Adebayo et al. report both abs and signed).
   */
  randomization?: { spearman: number; supportSpearman: number; signedSpearman: number };
}

interface ImageMetrics {
  image: string;
  target: string;
  targetValue: number;
  methods: MethodMetrics[];
}

interface Settings {
  methods: MethodName[];
  metrics: Metric[];
  target: string;
  steps: number;
  igSteps?: number;
  seed: number;
  batchSize: number;
}

export const evaluateCommand: Command = {
  spec: {
    name: 'evaluate',
    summary: 'Faithfulness metrics of saliency methods: pointing game, deletion/insertion AUC, IG completeness, randomisation',
    usage: 'evaluate IMAGE... [--model M] [--method LIST] [--target SPEC] [--metrics LIST] [--steps N] [--runtime R] [--json]',
    positionals: true,
    options: {
      ...MODEL_OPTIONS,
      method: { type: 'string', value: 'LIST', description: `comma-separated methods or 'all' (${METHOD_NAMES.join(', ')}); default vanilla`, multiple: true },
      target: { type: 'string', value: 'SPEC', description: 'what to explain (default top); see `explain --help`' },
      metrics: { type: 'string', value: 'LIST', description: `comma-separated (${METRICS.join(', ')}); default all` },
      steps: { type: 'string', value: 'N', description: `deletion/insertion steps (${range(BOUNDS.curveSteps)}, default 32)` },
      'ig-steps': { type: 'string', value: 'N', description: `Integrated Gradients steps (${range(BOUNDS.steps)}, default 20)` },
      seed: { type: 'string', value: 'S', description: 'seed of the random-order baseline and of re-initialised weights (default 0)' },
      ...RUNTIME_OPTIONS,
      ...MEMORY_OPTIONS,
      json: { type: 'boolean', description: 'print one JSON summary on stdout' },
    },
    notes: [
      `Inputs per runtime call: ${BATCH} (IG steps, deletion/insertion steps), lowered to fit --max-memory.`,
      'pointing: the abs-max map maximum lies in the explained box enlarged by 15 px (ties: any maximum inside).',
      'deletion/insertion: trapezoid AUC of the explained score over the fraction of pixels removed (set to 0)',
      'or revealed on a black image, most salient first; randomAuc is the same with a seeded random order.',
      'randomization: Spearman between the maps of the model and of the model with every conv re-initialised',
      '(same output logits); supportSpearman counts only pixels where either map is non-zero; signedSpearman',
      'compares the signed maps, channels kept (rho sign).',
    ].join('\n'),
  },
  async run(args) {
    if (args.positionals.length === 0) throw new UsageError('no IMAGE given', 'evaluate');
    const settings = readSettings(args);
    const runtimeChoice = readRuntimeChoice(args, 'evaluate');
    const budget = MemoryBudget.read(args, 'evaluate');
    const choice = await chooseModel(args, 'evaluate');
    const { model, info, plan, load } = await loadModelRun({ choice, runtime: runtimeChoice, budget, batch: BATCH, batchGiven: false, gradients: true, command: 'evaluate' });
    settings.batchSize = plan.batch;
    const read: ReadOptions = { memory: { budget, runBytes: plan.bytes, bytesPerPixel: IMAGE_BYTES_PER_PIXEL.read } };
    const progress = createProgress(true);
    const results: ImageMetrics[] = [];
    const errors: Array<{ image: string; error: string }> = [];
    try {
      for (const [i, path] of args.positionals.entries()) {
        progress.start(`${path} (${i + 1}/${args.positionals.length})`, args.positionals.length);
        progress.update(i);
        try {
          results.push(await evaluateImage(path, model, load, choice.inputSize, settings, read));
        } catch (error) {
          if (isFatal(error)) throw error;
          const named = withFileName(error, path);
          errors.push({ image: path, error: oneLine(named) });
          process.stderr.write(`error: ${oneLine(named)}\n`);
        }
      }
    } finally {
      progress.done();
      await model.dispose();
    }
    const aggregates = aggregate(results, settings.methods);
    if (args.flag('json')) {
      const summary = { ...modelJson(choice), ...runtimeJson(info), inputSize: choice.inputSize, target: settings.target, metrics: settings.metrics, steps: settings.steps, images: results, aggregates, errors };
      process.stdout.write(JSON.stringify(summary) + '\n');
    } else {
      printTable(aggregates, results.length);
    }
    return errors.length ? 1 : 0;
  },
};

function readSettings(args: ParsedArgs): Settings {
  const listed = args.list('method') ?? ['vanilla'];
  const methods = listed.includes('all') ? [...METHOD_NAMES] : listed;
  for (const m of methods) {
    if (!(METHOD_NAMES as readonly string[]).includes(m)) throw new UsageError(`unknown method '${m}' (choose from ${METHOD_NAMES.join(', ')}, or all)`, 'evaluate');
  }
  const metrics = (args.string('metrics') ?? METRICS.join(',')).split(',').map((m) => m.trim()).filter((m) => m !== '');
  for (const m of metrics) {
    if (!(METRICS as readonly string[]).includes(m)) throw new UsageError(`--metrics: unknown metric '${m}' (choose from ${METRICS.join(', ')})`, 'evaluate');
  }
  const target = args.string('target') ?? 'top';
  try {
    parseTarget(target);
  } catch (error) {
    throw new UsageError(`--target: ${oneLine(error)}`, 'evaluate');
  }
  return {
    methods: [...new Set(methods)] as MethodName[],
    metrics: metrics as Metric[],
    target,
    steps: args.number('steps', { integer: true, min: 1, max: BOUNDS.curveSteps }) ?? 32,
    igSteps: args.number('ig-steps', { integer: true, min: 1, max: BOUNDS.steps }),
    seed: args.number('seed', { integer: true, min: 0 }) ?? 0,
    batchSize: BATCH,
  };
}

async function evaluateImage(path: string, model: LoadedModel, load: (g: Graph) => Promise<LoadedModel>, inputSize: [number, number], s: Settings, read: ReadOptions): Promise<ImageMetrics> {
  const { input } = await readImageInput(path, inputSize, read);
  const want = (m: Metric) => s.metrics.includes(m);
  const methods: MethodMetrics[] = [];
  let targetValue = Number.NaN;
  for (const method of s.methods) {
    const result = await explain(model, input, { method, target: s.target, steps: s.igSteps, batchSize: s.batchSize });
    targetValue = result.targetValue;
    const row: MethodMetrics = { method };
    if (want('pointing') && result.detection) {
      const p = pointingGame(result.map, result.detection.box);
      row.pointing = { hit: p.hit, argmax: p.argmax };
    }
    for (const mode of ['deletion', 'insertion'] as const) {
      if (!want(mode)) continue;
      const curve = mode === 'deletion' ? deletionCurve : insertionCurve;
      const options = { steps: s.steps, seed: s.seed, batchSize: s.batchSize };
      const ordered = await curve(model, input, result.map, s.target, options);
      const random = await curve(model, input, result.map, s.target, { ...options, order: 'random' });
      row[mode] = { auc: ordered.auc, randomAuc: random.auc };
    }
    if (want('completeness')) {
      const error = completenessError(result);
      if (error !== undefined) row.completenessError = error;
    }
    if (want('randomization')) {
      const convs = convsFromTop(model.graph).length;
      const check = await randomizationCheck(model.graph, input, load, { method, target: s.target, schedule: [convs], seed: s.seed, explainOptions: { steps: s.igSteps, batchSize: s.batchSize } });
      row.randomization = { spearman: check.full!, supportSpearman: check.fullSupport!, signedSpearman: check.fullSigned! };
    }
    methods.push(row);
  }
  return { image: path, target: s.target, targetValue, methods };
}

interface Aggregate {
  method: MethodName;
  pointingAccuracy?: number;
  meanDeletionAuc?: number;
  meanDeletionRandomAuc?: number;
  meanInsertionAuc?: number;
  meanInsertionRandomAuc?: number;
  meanCompletenessError?: number;
  meanSpearmanFull?: number;
  meanSupportSpearmanFull?: number;
  meanSignedSpearmanFull?: number;
}

/** Mean of the defined, non-NaN values; undefined when there are none. */
function mean(values: Array<number | undefined>): number | undefined {
  const kept = values.filter((v): v is number => v !== undefined && !Number.isNaN(v));
  return kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : undefined;
}

function aggregate(results: ImageMetrics[], methods: MethodName[]): Aggregate[] {
  return methods.map((method) => {
    const rows = results.map((r) => r.methods.find((m) => m.method === method)!).filter(Boolean);
    const a: Aggregate = {
      method,
      pointingAccuracy: mean(rows.map((r) => (r.pointing ? Number(r.pointing.hit) : undefined))),
      meanDeletionAuc: mean(rows.map((r) => r.deletion?.auc)),
      meanDeletionRandomAuc: mean(rows.map((r) => r.deletion?.randomAuc)),
      meanInsertionAuc: mean(rows.map((r) => r.insertion?.auc)),
      meanInsertionRandomAuc: mean(rows.map((r) => r.insertion?.randomAuc)),
      meanCompletenessError: mean(rows.map((r) => r.completenessError)),
      meanSpearmanFull: mean(rows.map((r) => r.randomization?.spearman)),
      meanSupportSpearmanFull: mean(rows.map((r) => r.randomization?.supportSpearman)),
      meanSignedSpearmanFull: mean(rows.map((r) => r.randomization?.signedSpearman)),
    };
    return Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as unknown as Aggregate;
  });
}

function printTable(aggregates: Aggregate[], images: number): void {
  const cell = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(3)).padStart(10);
  const lines = [
    `${images} image(s); means over images (deletion: lower is better; insertion: higher; rand = random-order baseline)`,
    `${'method'.padEnd(22)}${'pointing'.padStart(10)}${'deletion'.padStart(10)}${'del rand'.padStart(10)}${'insertion'.padStart(10)}${'ins rand'.padStart(10)}${'IG compl'.padStart(10)}${'rho full'.padStart(10)}${'rho supp'.padStart(10)}${'rho sign'.padStart(10)}`,
    ...aggregates.map(
      (a) =>
        `${a.method.padEnd(22)}${cell(a.pointingAccuracy)}${cell(a.meanDeletionAuc)}${cell(a.meanDeletionRandomAuc)}${cell(a.meanInsertionAuc)}${cell(a.meanInsertionRandomAuc)}${cell(a.meanCompletenessError)}${cell(a.meanSpearmanFull)}${cell(a.meanSupportSpearmanFull)}${cell(a.meanSignedSpearmanFull)}`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
