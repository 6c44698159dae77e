/**
 * `yolo-saliency train`: train a darknet cfg on synthetic shapes with the tfjs runtime and
 * save darknet .weights (loadable by every command, and by darknet itself). Checkpoints are
 * written atomically, so an interrupted run leaves the last complete checkpoint, never a
 * half-written file.
 */
import { darknetConvShapes, parseDarknetCfg, readDarknetWeights, type DarknetConvParams } from '@yolo-saliency/core/loaders';
import { fileError, messageOf, readInputFile, writeFileAtomic } from '@yolo-saliency/node';
import { darknetWeightsBytes, trainDetector, type StepReport } from '@yolo-saliency/train';
import type { Command } from '../command.js';
import { UsageError } from '../cli-errors.js';
import { prepareOutputFile } from '../output-folder.js';

const LOG_EVERY = 10;

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function stepLine(r: StepReport, averageMs: number): string {
  const t = r.terms;
  const eta = averageMs * (r.steps - r.step - 1);
  return `step ${r.step + 1}/${r.steps}  loss ${r.loss.toFixed(3)} (xy ${t.xy.toFixed(2)} wh ${t.wh.toFixed(2)} obj ${t.objectness.toFixed(2)} cls ${t.classes.toFixed(2)})  lr ${r.learningRate.toExponential(2)}  ${(averageMs / 1000).toFixed(2)} s/step  eta ${formatDuration(eta)}\n`;
}

export const trainCommand: Command = {
  spec: {
    name: 'train',
    summary: 'Train a small YOLOv3-style darknet cfg on synthetic shapes (tfjs runtime) and save .weights',
    usage: 'train --cfg FILE --out WEIGHTS [--steps N] [--batch N] [--learning-rate LR] [--seed S] [--data-seed S] [--anchor-iou T] [--init WEIGHTS] [--checkpoint-every N] [--backend B]',
    options: {
      cfg: { type: 'string', value: 'FILE', description: 'darknet .cfg to train (square input; [yolo] classes = 4 synthetic classes)' },
      out: { type: 'string', value: 'WEIGHTS', description: 'the .weights file to write (also WEIGHTS.train.json: settings, loss curve, wall time)' },
      steps: { type: 'string', value: 'N', description: 'optimiser steps (1..10000000, default 2000)' },
      batch: { type: 'string', value: 'N', description: 'images per step (1..1024, default 16)' },
      'learning-rate': { type: 'string', value: 'LR', description: 'peak Adam learning rate after warm-up (default 0.002)' },
      seed: { type: 'string', value: 'S', description: 'seed of the initial weights (default 0)' },
      'data-seed': { type: 'string', value: 'S', description: 'seed of the synthetic training images (default 0; evaluate-detector holds out seed 1000003)' },
      'checkpoint-every': { type: 'string', value: 'N', description: 'write WEIGHTS every N steps as well as at the end (default 250)' },
      'anchor-iou': { type: 'string', value: 'T', description: "also assign each object to every anchor whose shape IoU with it exceeds T (darknet's iou_thresh; default 1 = the single best anchor)" },
      init: { type: 'string', value: 'WEIGHTS', description: 'start from these .weights for the same cfg (e.g. to continue a run) instead of random weights' },
      backend: { type: 'string', value: 'B', description: 'tfjs backend: auto (default), tensorflow-gpu, tensorflow, wasm, cpu' },
    },
    notes: 'Every step draws new synthetic images (4 classes: circle, square, triangle, cross) at the cfg size, so the\nrun is reproducible from its seeds and never sees the held-out images. Progress goes to stderr every 10 steps.',
  },
  async run(args) {
    const cfgPath = args.string('cfg');
    if (!cfgPath) throw new UsageError('--cfg is required', 'train');
    const out = args.required('out');
    const steps = args.number('steps', { min: 1, max: 10_000_000, integer: true }) ?? 2000;
    const batchSize = args.number('batch', { min: 1, max: 1024, integer: true }) ?? 16;
    const peak = args.number('learning-rate', { min: 1e-7, max: 1 }) ?? 2e-3;
    const seed = args.number('seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? 0;
    const dataSeed = args.number('data-seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? 0;
    const anchorIouThreshold = args.number('anchor-iou', { min: 0, max: 1 }) ?? 1;
    const checkpointEvery = args.number('checkpoint-every', { min: 1, integer: true }) ?? 250;
    await prepareOutputFile(out);
    await prepareOutputFile(`${out}.train.json`);

    // readInputFile: regular files only (a FIFO or /dev/zero would block or read for ever), size-limited, one-line errors.
    const text = new TextDecoder().decode(await readInputFile(cfgPath, 'cfg'));
    let cfg;
    try {
      cfg = parseDarknetCfg(text, cfgPath);
    } catch (error) {
      throw fileError(cfgPath, messageOf(error), error);
    }
    let initialParams: DarknetConvParams[] | undefined;
    const init = args.string('init');
    if (init) {
      const bytes = await readInputFile(init, 'weights');
      try {
        initialParams = readDarknetWeights(bytes, darknetConvShapes(cfg), { weightsName: init, cfgName: cfgPath }).params;
      } catch (error) {
        throw fileError(init, messageOf(error), error);
      }
    }

    const save = async (bytes: Uint8Array, path: string) => {
      try {
        await writeFileAtomic(path, bytes);
      } catch (error) {
        throw fileError(path, `cannot write: ${messageOf(error)}`, error);
      }
    };
    const result = await trainDetector(cfg, {
      steps,
      batchSize,
      learningRate: peak,
      seed,
      dataSeed,
      initialParams,
      anchorIouThreshold,
      backend: args.string('backend') ?? 'auto',
      onStart: (backend) => {
        for (const note of backend.notes) process.stderr.write(`note: ${note}\n`);
        process.stderr.write(`training ${cfgPath} on tfjs ${backend.backend} (${backend.device}): ${steps} steps of ${batchSize} images\n`);
      },
      onStep: async (report, model) => {
        const done = report.step + 1;
        if (done % LOG_EVERY === 0 || done === steps) process.stderr.write(stepLine(report, report.elapsedMs / done));
        if (done % checkpointEvery === 0 && done < steps) await save(await darknetWeightsBytes(model, done * batchSize), out);
      },
    });
    const wallMs = result.history.at(-1)!.elapsedMs;
    await save(await darknetWeightsBytes(result.model, steps * batchSize), out);
    const log = {
      cfg: cfgPath,
      backend: result.backend.backend,
      settings: { ...result.settings, init: init ?? null },
      parameters: result.model.parameterCount(),
      wallSeconds: Math.round(wallMs / 1000),
      loss: result.history.filter((r) => (r.step + 1) % LOG_EVERY === 0).map((r) => ({ step: r.step + 1, loss: +r.loss.toFixed(4), ...Object.fromEntries(Object.entries(r.terms).map(([k, v]) => [k, +v.toFixed(4)])) })),
    };
    await save(new TextEncoder().encode(`${JSON.stringify(log, null, 1)}\n`), `${out}.train.json`);
    result.model.dispose();
    process.stdout.write(`wrote ${out} (${steps} steps, ${steps * batchSize} images, ${formatDuration(wallMs)}; final loss ${result.history.at(-1)!.loss.toFixed(3)})\n`);
    return 0;
  },
};
