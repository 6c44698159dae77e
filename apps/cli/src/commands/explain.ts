import { join } from 'node:path';
import { explainAll, METHOD_NAMES, parseTarget } from '@yolo-saliency/core';
import type { Colormap, Explanation, LoadedModel, MethodName } from '@yolo-saliency/core';
import { writeImage, writeNpy } from '@yolo-saliency/node';
import { BOUNDS, range } from '../bounds.js';
import type { ParsedArgs } from '../cli-args.js';
import { oneLine, UsageError, wantsStack } from '../cli-errors.js';
import type { Command } from '../command.js';
import { eachImage, isFatal, type ImageFailure } from '../each-image.js';
import { readImageInput, type ReadOptions } from '../image-input.js';
import { detectionJson, modelJson, round, runtimeJson, type DetectionJson } from '../json-summary.js';
import { IMAGE_BYTES_PER_PIXEL, MEMORY_OPTIONS, MemoryBudget } from '../memory-budget.js';
import { chooseModel, MODEL_OPTIONS, RUNTIME_OPTIONS, warnIfUntrained } from '../model-options.js';
import { loadModelRun } from '../model-run.js';
import { prepareOutputFolder } from '../output-folder.js';
import { nameOutputs } from '../output-names.js';
import type { OutputSet } from '../output-set.js';
import { createProgress, type Progress } from '../progress.js';
import { imageBox, rawMapForNpy, renderDetections, renderOverlay, renderPanel } from '../render-outputs.js';
import { readRuntimeChoice } from '../runtime-choice.js';

const COLORMAPS: readonly Colormap[] = ['jet', 'inferno', 'gray'];

interface ExplainSettings {
  methods: MethodName[];
  target: string;
  steps?: number;
  samples?: number;
  noise?: number;
  batchSize?: number;
  colormap: Colormap;
  percentile: number;
  out: string;
  saveRaw: boolean;
}

interface MethodJson {
  method: MethodName;
  milliseconds: number;
  targetValue: number;
  completenessError?: number;
  completeness?: { delta: number; attributionSum: number };
  overlay: string;
  raw?: string;
}

interface ImageJson {
  image: string;
  width: number;
  height: number;
  detections: DetectionJson[];
  target: { spec: string; value: number; detection?: DetectionJson };
  methods: MethodJson[];
  panel: string;
}

export const explainCommand: Command = {
  spec: {
    name: 'explain',
    summary: 'Compute saliency maps for images and write overlays, a panel and (optionally) raw maps',
    usage: 'explain IMAGE... --out DIR [--model M] [--method LIST|all] [--target SPEC] [options]',
    positionals: true,
    options: {
      ...MODEL_OPTIONS,
      method: { type: 'string', value: 'LIST', description: `comma-separated methods or 'all' (${METHOD_NAMES.join(', ')}); default vanilla`, multiple: true },
      target: { type: 'string', value: 'SPEC', description: "what to explain: top (default), det:K, class:NAME[/quantity], raw:scale=S,anchor=A,y=Y,x=X,channel=C, or a sum 'T1+T2'" },
      steps: { type: 'string', value: 'N', description: `Integrated Gradients steps (${range(BOUNDS.steps)}, default 20)` },
      samples: { type: 'string', value: 'N', description: `SmoothGrad samples (${range(BOUNDS.samples)}, default 25)` },
      noise: { type: 'string', value: 'S', description: 'SmoothGrad noise std as a fraction of the input range (default 0.15)' },
      batch: { type: 'string', value: 'B', description: `images per runtime call for IG steps and SmoothGrad samples (${range(BOUNDS.batch)}, default 8, lowered to fit --max-memory)` },
      ...RUNTIME_OPTIONS,
      ...MEMORY_OPTIONS,
      colormap: { type: 'string', value: 'C', description: 'jet (default), inferno or gray' },
      percentile: { type: 'string', value: 'P', description: 'clip the map at this percentile before scaling for display (default 99)' },
      out: { type: 'string', value: 'DIR', description: 'output folder (created if missing; must be writable)' },
      'save-raw': { type: 'boolean', description: 'also write DIR/<stem>.<method>.npy: float32 [H,W,3] at the network input size' },
      json: { type: 'boolean', description: 'print one JSON summary on stdout' },
    },
    notes: [
      'IMAGE is a photo (JPEG, PNG, WebP, ...) or a float32 .npy [H,W,3] in [0,1] at the network size.',
      'Outputs per image: DIR/<stem>.<method>.png (saliency over the photo, explained box drawn),',
      'DIR/<stem>.panel.png (photo with detections + one tile per method). VisualBackProp raw maps',
      'are written as [H,W,3] too (the map repeated in each channel) so every .npy has one shape.',
      'Two inputs with the same name, or outputs that would replace an input, get <stem>-2, <stem>-3, ... (with a warning).',
      'Memory: the model run and each image are estimated first and refused above --max-memory.',
      'SIGINT/SIGTERM: the image in progress is rolled back (no partial set of files); exit 130/143.',
    ].join('\n'),
  },
  async run(args) {
    if (args.positionals.length === 0) throw new UsageError('no IMAGE given', 'explain');
    const settings = readSettings(args);
    const runtimeChoice = readRuntimeChoice(args, 'explain');
    const budget = MemoryBudget.read(args, 'explain');
    const out = await prepareOutputFolder(settings.out);
    const choice = await chooseModel(args, 'explain');
    const json = args.flag('json');
    const named = nameOutputs(args.positionals, out, outputSuffixes(settings), [choice.modelPath, args.string('weights'), args.string('names')].filter((p): p is string => !!p));
    for (const w of named.warnings) process.stderr.write(`warning: ${w}\n`);
    const { model, info, plan } = await loadModelRun({
      choice,
      runtime: runtimeChoice,
      budget,
      batch: wantedBatch(settings),
      batchGiven: settings.batchSize !== undefined,
      ...(settings.batchSize === undefined ? {} : { batchOption: settings.batchSize }),
      gradients: true,
      command: 'explain',
    });
    settings.batchSize = plan.batch;
    warnIfUntrained(choice, json);
    const read: ReadOptions = { memory: { budget, runBytes: plan.bytes, bytesPerPixel: IMAGE_BYTES_PER_PIXEL.explain(settings.methods.length) } };

    const images = named.images;
    const heavy = settings.methods.some((m) => m === 'integrated-gradients' || m === 'smoothgrad');
    const progress = createProgress(images.length > 1 || heavy);
    const verbose = args.flag('verbose') || wantsStack(process.argv);
    let outcome: { results: ImageJson[]; errors: ImageFailure[] };
    try {
      outcome = await eachImage(
        images.map((i) => i.path),
        progress,
        verbose,
        (path, k, outputs) => explainImage(path, model, choice.inputSize, settings, outputs, progress, { ...read, stem: images[k].stem }),
      );
    } finally {
      progress.done();
      await model.dispose();
    }
    const { results, errors } = outcome;

    if (json) {
      const summary = {
        ...modelJson(choice),
        ...runtimeJson(info),
        inputSize: [choice.inputSize[0], choice.inputSize[1]],
        target: settings.target,
        methods: settings.methods,
        out: settings.out,
        images: results,
        errors,
      };
      process.stdout.write(JSON.stringify(summary) + '\n');
    } else {
      printHuman(results, info.name, info.backend, info.device);
    }
    return errors.length ? 1 : 0;
  },
};

/** What explain writes per image after `<stem>`. */
function outputSuffixes(s: ExplainSettings): string[] {
  return [...s.methods.flatMap((m) => [`.${m}.png`, ...(s.saveRaw ? [`.${m}.npy`] : [])]), '.panel.png'];
}

/** Images per runtime call the methods can use: IG runs `steps` inputs, SmoothGrad `samples`, the rest one. */
function wantedBatch(s: ExplainSettings): number {
  const inputs = Math.max(
    1,
    s.methods.includes('integrated-gradients') ? (s.steps ?? 20) : 1,
    s.methods.includes('smoothgrad') ? (s.samples ?? 25) : 1,
  );
  return Math.min(s.batchSize ?? 8, inputs);
}

function readSettings(args: ParsedArgs): ExplainSettings {
  const out = args.required('out');
  const listed = args.list('method') ?? ['vanilla'];
  const methods = listed.includes('all') ? [...METHOD_NAMES] : listed;
  for (const m of methods) {
    if (!(METHOD_NAMES as readonly string[]).includes(m)) {
      throw new UsageError(`unknown method '${m}' (choose from ${METHOD_NAMES.join(', ')}, or all)`, 'explain');
    }
  }
  const target = args.string('target') ?? 'top';
  try {
    parseTarget(target);
  } catch (error) {
    throw new UsageError(`--target: ${oneLine(error)}`, 'explain');
  }
  return {
    methods: [...new Set(methods)] as MethodName[],
    target,
    steps: args.number('steps', { integer: true, min: 1, max: BOUNDS.steps }),
    samples: args.number('samples', { integer: true, min: 1, max: BOUNDS.samples }),
    noise: args.number('noise', { min: 0 }),
    batchSize: args.number('batch', { integer: true, min: 1, max: BOUNDS.batch }),
    colormap: args.choice('colormap', COLORMAPS) ?? 'jet',
    percentile: args.number('percentile', { min: 1e-9, max: 100 }) ?? 99,
    out,
    saveRaw: args.flag('save-raw'),
  };
}

async function explainImage(
  path: string,
  model: LoadedModel,
  inputSize: [number, number],
  s: ExplainSettings,
  outputs: OutputSet,
  progress: Progress,
  read: ReadOptions,
): Promise<ImageJson> {
  const prepared = await readImageInput(path, inputSize, read);
  // One forward, one target resolution and one decoding for every method and the panel.
  let label = '';
  let explanation: Explanation;
  try {
    explanation = await explainAll(model, prepared.input, s.methods, {
      target: s.target,
      steps: s.steps,
      samples: s.samples,
      noise: s.noise,
      batchSize: s.batchSize,
      detections: true,
      onProgress: (done, total, method) => {
        const current = `${prepared.stem} ${method}`;
        if (current !== label) progress.start((label = current), total);
        progress.update(done);
      },
    });
  } catch (error) {
    if (isFatal(error)) throw error;
    throw new Error(`${path}: ${oneLine(error)}`, { cause: error });
  }
  const { maps } = explanation;
  const detections = explanation.detections ?? [];
  const detectionsJson = detections.map((d) => detectionJson(d, imageBox(d, prepared)));

  const methodsJson: MethodJson[] = [];
  const tiles = [];
  for (const map of maps) {
    const picture = renderOverlay(map, prepared, s.colormap, s.percentile);
    tiles.push({ image: picture, label: map.method });
    const overlayPath = await outputs.write(join(s.out, `${prepared.stem}.${map.method}.png`), (p) => writeImage(p, picture));
    let rawPath: string | undefined;
    if (s.saveRaw) {
      rawPath = await outputs.write(join(s.out, `${prepared.stem}.${map.method}.npy`), (p) => writeNpy(p, rawMapForNpy(map)));
    }
    methodsJson.push({
      method: map.method,
      milliseconds: round(map.milliseconds, 3),
      targetValue: map.targetValue,
      ...(map.completenessError !== undefined ? { completenessError: map.completenessError } : {}),
      ...(map.completeness ? { completeness: map.completeness } : {}),
      overlay: overlayPath,
      ...(rawPath ? { raw: rawPath } : {}),
    });
  }
  const withBoxes = renderDetections(prepared, detections);
  const panel = renderPanel({ image: withBoxes, label: 'detections' }, tiles);
  const panelPath = await outputs.write(join(s.out, `${prepared.stem}.panel.png`), (p) => writeImage(p, panel));
  const explained = explanation.detection;
  return {
    image: path,
    width: prepared.picture.width,
    height: prepared.picture.height,
    detections: detectionsJson,
    target: {
      spec: s.target,
      value: explanation.targetValue,
      ...(explained ? { detection: detectionJson(explained, imageBox(explained, prepared)) } : {}),
    },
    methods: methodsJson,
    panel: panelPath,
  };
}

function printHuman(results: ImageJson[], runtime: string, backend: string, device: string): void {
  const lines = [`runtime ${runtime} (${backend} on ${device})`];
  for (const r of results) {
    lines.push(`${r.image}: ${r.detections.length} detection(s); target ${r.target.spec} = ${r.target.value.toPrecision(6)}`);
    for (const m of r.methods) {
      const ig = m.completenessError !== undefined ? `, completeness error ${(m.completenessError * 100).toFixed(2)}%` : '';
      lines.push(`  ${m.method.padEnd(21)} ${m.milliseconds.toFixed(0).padStart(7)} ms${ig}  ${m.overlay}${m.raw ? `  ${m.raw}` : ''}`);
    }
    lines.push(`  panel                 ${r.panel}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

