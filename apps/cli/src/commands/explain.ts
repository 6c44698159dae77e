import type { RuntimeInfo } from '@yolo-saliency/core';
import type { ParsedArgs } from '../cli-args.js';
import { UsageError, wantsStack } from '../cli-errors.js';
import type { Command } from '../command.js';
import { planResume, runSettings, SummaryWriter } from '../dataset-run.js';
import { eachImage, type ImageFailure } from '../each-image.js';
import { EXPLAIN_OPTIONS, isPerImageBatched, outputSuffixes, readExplainSettings, wantedBatch, type ExplainSettings } from '../explain-settings.js';
import { streamExplain } from '../explain-stream.js';
import { explainImageFile, type ImageJson } from '../image-explanation.js';
import type { ReadOptions } from '../image-input.js';
import { expandImageArguments } from '../image-sources.js';
import { modelJson, runtimeJson } from '../json-summary.js';
import { IMAGE_BYTES_PER_PIXEL, MEMORY_OPTIONS, MemoryBudget } from '../memory-budget.js';
import { chooseModel, MODEL_OPTIONS, RUNTIME_OPTIONS, warnIfUntrained, type ModelChoice } from '../model-options.js';
import { loadModelRun } from '../model-run.js';
import { modelSpecOf } from '../model-spec.js';
import { prepareOutputFolder } from '../output-folder.js';
import { nameOutputs, type NamedImage } from '../output-names.js';
import { createProgress } from '../progress.js';
import { renderThreadCount } from '../render-pool.js';
import { readRuntimeChoice } from '../runtime-choice.js';

export const explainCommand: Command = {
  spec: {
    name: 'explain',
    summary: 'Compute saliency maps for images and write overlays, a panel and (optionally) raw maps',
    usage: 'explain IMAGE|DIR|GLOB... --out DIR [--model M] [--method LIST|all] [--target SPEC] [options]',
    positionals: true,
    options: {
      ...MODEL_OPTIONS,
      ...EXPLAIN_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...MEMORY_OPTIONS,
      out: { type: 'string', value: 'DIR', description: 'output folder (created if missing; must be writable)' },
      'save-raw': { type: 'boolean', description: 'also write DIR/<stem>.<method>.npy: float32 [H,W,3] at the network input size' },
      json: { type: 'boolean', description: 'print one JSON summary on stdout' },
      force: { type: 'boolean', description: 'with a folder or a pattern: compute images whose files are already in DIR again' },
    },
    notes: [
      'IMAGE is a photo (JPEG, PNG, WebP, ...) or a float32 .npy [H,W,3] in [0,1] at the network size.',
      'Outputs per image: DIR/<stem>.<method>.png (saliency over the photo, explained box drawn),',
      'DIR/<stem>.panel.png (photo with detections + one tile per method). VisualBackProp raw maps',
      'are written as [H,W,3] too (the map repeated in each channel) so every .npy has one shape.',
      'Two inputs with the same name, or outputs that would replace an input, get <stem>-2, <stem>-3, ... (with a warning).',
      'Memory: the model run and each image are estimated first and refused above --max-memory.',
      'SIGINT/SIGTERM: the image in progress is rolled back (no partial set of files); exit 130/143.',
      '',
      "DIR or GLOB (a folder's image files, sub-folders included; a quoted pattern such as 'data/**/*.png'):",
      'a dataset run. It streams (decoding ahead, --batch images per runtime call, writing behind),',
      'skips images whose files are all in --out already (--force computes them again), shows the rate',
      'and the time left, and writes DIR/explain-summary.json (per method: maps, ms per map; failures).',
    ].join('\n'),
  },
  async run(args) {
    if (args.positionals.length === 0) throw new UsageError('no IMAGE given', 'explain');
    const settings = readExplainSettings(args, 'explain');
    const runtimeChoice = readRuntimeChoice(args, 'explain');
    const budget = MemoryBudget.read(args, 'explain');
    const out = await prepareOutputFolder(settings.out);
    const sources = await expandImageArguments(args.positionals, out, 'explain');
    const choice = await chooseModel(args, 'explain');
    const json = args.flag('json');
    const named = nameOutputs(sources.images, out, outputSuffixes(settings), [choice.modelPath, args.string('weights'), args.string('names')].filter((p): p is string => !!p));
    for (const w of named.warnings) process.stderr.write(`warning: ${w}\n`);
    const run = sources.dataset ? await planDataset(args, named.images, out, settings, choice) : undefined;
    const { model, info, plan } = await loadModelRun({
      choice,
      runtime: runtimeChoice,
      budget,
      batch: wantedBatch(settings, run ? run.images.length : 1),
      batchGiven: settings.batchSize !== undefined,
      ...(settings.batchSize === undefined ? {} : { batchOption: settings.batchSize }),
      gradients: true,
      command: 'explain',
    });
    settings.batchSize = plan.batch;
    warnIfUntrained(choice, json);
    const read: ReadOptions = { memory: { budget, runBytes: plan.bytes, bytesPerPixel: IMAGE_BYTES_PER_PIXEL.explain(settings.methods.length) } };
    const verbose = args.flag('verbose') || wantsStack(process.argv);

    let outcome: { results: ImageJson[]; errors: ImageFailure[] };
    let finish: ((o: typeof outcome) => Promise<void>) | undefined;
    try {
      if (run) {
        const summary = new SummaryWriter(out, { settings: run.settings, choice, info, imagesPerCall: plan.batch, total: named.images.length, skipped: run.skipped.length, earlier: run.earlier });
        // Nothing to compute: the folder and its summary stay as they are.
        if (run.images.length > 0) await summary.write('running');
        const progress = createProgress(true);
        const skippedNote = run.skipped.length ? `${run.skipped.length} image(s) skipped (complete in ${settings.out})` : undefined;
        outcome = await streamExplain({
          images: run.images,
          model,
          inputSize: choice.inputSize,
          settings,
          read,
          imagesPerCall: plan.batch,
          progress,
          verbose,
          label: `explain ${settings.methods.length} method(s)`,
          removeOnFailure: outputSuffixes(settings),
          renderThreads: renderThreadCount(),
          onInterrupt: async ({ results, errors }) => {
            await summary.write('interrupted', results, errors).catch(() => undefined);
            return skippedNote;
          },
        });
        finish = async (o) => {
          if (run.images.length === 0) {
            if (!json) process.stdout.write(`nothing to do: all ${run.skipped.length} image(s) have their files in ${settings.out} (--force computes them again)\n`);
            return;
          }
          const written = await summary.write('done', o.results, o.errors);
          if (!json) printDatasetHuman(written, summary.path, run.skipped.length, info);
        };
      } else {
        const images = named.images;
        const heavy = settings.methods.some(isPerImageBatched);
        const progress = createProgress(images.length > 1 || heavy);
        try {
          outcome = await eachImage(
            images.map((i) => i.path),
            progress,
            verbose,
            (path, k, outputs) => explainImageFile(path, model, choice.inputSize, settings, outputs, { ...read, stem: images[k].stem }, progress),
          );
        } finally {
          progress.done();
        }
      }
    } finally {
      await model.dispose();
    }
    const { results, errors } = outcome;
    await finish?.(outcome);

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
        ...(run ? { skipped: run.skipped.map((i) => i.path), imagesPerCall: plan.batch } : {}),
      };
      process.stdout.write(JSON.stringify(summary) + '\n');
    } else if (!run) {
      printHuman(results, info.name, info.backend, info.device);
    }
    return errors.length ? 1 : 0;
  },
};

/** The images of a dataset run still to compute, and the settings its summary records. */
async function planDataset(args: ParsedArgs, images: NamedImage[], out: string, settings: ExplainSettings, choice: ModelChoice) {
  const recorded = runSettings(choice, modelSpecOf(args, choice), settings);
  const plan = await planResume(images, out, settings, recorded, args.flag('force'));
  if (plan.note) process.stderr.write(`note: ${plan.note}\n`);
  return { images: plan.run, skipped: plan.skipped, earlier: plan.earlier, settings: recorded };
}

function printDatasetHuman(s: ReturnType<SummaryWriter['summary']>, path: string, skipped: number, info: RuntimeInfo): void {
  const lines = [
    `runtime ${info.name} (${info.backend} on ${info.device}), ${s.imagesPerCall} image(s) per call`,
    `${s.images.computed} image(s) explained, ${skipped} skipped (already complete), ${s.images.failed} failed, in ${(s.wallSeconds ?? 0).toFixed(1)} s: ${s.maps} map(s), ${s.mapsPerSecond ?? 0} maps/s`,
  ];
  for (const [method, m] of Object.entries(s.methods)) {
    if (m) lines.push(`  ${method.padEnd(21)} ${String(m.count).padStart(6)} map(s) ${m.msPerMap === null ? '' : `${m.msPerMap.toFixed(1).padStart(9)} ms/map`}`);
  }
  lines.push(`summary ${path}`);
  process.stdout.write(lines.join('\n') + '\n');
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

