import { join } from 'node:path';
import { decodeDetections, DEFAULT_IOU_THRESHOLD, DEFAULT_SCORE_THRESHOLD } from '@yolo-saliency/core';
import { fileError, messageOf, writeFileAtomic, writeImage } from '@yolo-saliency/node';
import { UsageError, wantsStack } from '../cli-errors.js';
import type { Command } from '../command.js';
import { eachImage, type ImageFailure } from '../each-image.js';
import { readImageInput, type ReadOptions } from '../image-input.js';
import { detectionJson, modelJson, runtimeJson, type DetectionJson } from '../json-summary.js';
import { IMAGE_BYTES_PER_PIXEL, MEMORY_OPTIONS, MemoryBudget } from '../memory-budget.js';
import { chooseModel, MODEL_OPTIONS, RUNTIME_OPTIONS, warnIfUntrained } from '../model-options.js';
import { loadModelRun } from '../model-run.js';
import { prepareOutputFolder } from '../output-folder.js';
import { nameOutputs } from '../output-names.js';
import { createProgress } from '../progress.js';
import { imageBox, renderDetections } from '../render-outputs.js';
import { readRuntimeChoice } from '../runtime-choice.js';

interface DetectImageJson {
  image: string;
  width: number;
  height: number;
  detections: DetectionJson[];
  picture: string;
  boxes: string;
}

export const detectCommand: Command = {
  spec: {
    name: 'detect',
    summary: 'Run the detector: boxes as JSON (original image pixels) and a picture with the boxes',
    usage: 'detect IMAGE... --out DIR [--model M] [--weights W] [--score-threshold T] [--iou-threshold T] [--json]',
    positionals: true,
    options: {
      ...MODEL_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...MEMORY_OPTIONS,
      'score-threshold': { type: 'string', value: 'T', description: `minimum objectness x class probability (default ${DEFAULT_SCORE_THRESHOLD})` },
      'iou-threshold': { type: 'string', value: 'T', description: `NMS IoU threshold (default ${DEFAULT_IOU_THRESHOLD})` },
      out: { type: 'string', value: 'DIR', description: 'output folder (created if missing): <stem>.detections.png and <stem>.detections.json per image' },
      json: { type: 'boolean', description: 'print one JSON summary on stdout' },
    },
    notes: [
      'Two inputs with the same name, or outputs that would replace an input, get <stem>-2, <stem>-3, ... (with a warning).',
      'Memory: the model run and each image are estimated first and refused above --max-memory.',
      'SIGINT/SIGTERM: the image in progress is rolled back (no partial set of files); exit 130/143.',
    ].join('\n'),
  },
  async run(args) {
    if (args.positionals.length === 0) throw new UsageError('no IMAGE given', 'detect');
    const out = args.required('out');
    const scoreThreshold = args.number('score-threshold', { min: 0, max: 1 }) ?? DEFAULT_SCORE_THRESHOLD;
    const iouThreshold = args.number('iou-threshold', { min: 0, max: 1 }) ?? DEFAULT_IOU_THRESHOLD;
    const runtimeChoice = readRuntimeChoice(args, 'detect');
    const budget = MemoryBudget.read(args, 'detect');
    const outFolder = await prepareOutputFolder(out);
    const choice = await chooseModel(args, 'detect');
    const named = nameOutputs(args.positionals, outFolder, ['.detections.png', '.detections.json'], [choice.modelPath, args.string('weights'), args.string('names')].filter((p): p is string => !!p));
    for (const w of named.warnings) process.stderr.write(`warning: ${w}\n`);
    const { model, info, plan } = await loadModelRun({ choice, runtime: runtimeChoice, budget, batch: 1, batchGiven: false, gradients: false, command: 'detect' });
    const json = args.flag('json');
    warnIfUntrained(choice, json);
    const read: ReadOptions = { memory: { budget, runBytes: plan.bytes, bytesPerPixel: IMAGE_BYTES_PER_PIXEL.detect } };
    const images = named.images;

    const progress = createProgress(images.length > 1);
    const verbose = args.flag('verbose') || wantsStack(process.argv);
    let outcome: { results: DetectImageJson[]; errors: ImageFailure[] };
    try {
      outcome = await eachImage(images.map((i) => i.path), progress, verbose, async (path, k, outputs): Promise<DetectImageJson> => {
        progress.start(path, images.length);
        progress.update(k);
        const prepared = await readImageInput(path, choice.inputSize, { ...read, stem: images[k].stem });
        const { heads } = await model.forward(prepared.input);
        let detections;
        try {
          detections = decodeDetections(model.graph, heads, { scoreThreshold, iouThreshold });
        } catch (error) {
          // Non-finite heads are the model's fault, not the image's: name the model file.
          throw fileError(choice.modelPath, messageOf(error), error);
        }
        const boxes = detections.map((d) => detectionJson(d, imageBox(d, prepared)));
        const picturePath = await outputs.write(join(out, `${prepared.stem}.detections.png`), (p) => writeImage(p, renderDetections(prepared, detections)));
        const record = { image: path, width: prepared.picture.width, height: prepared.picture.height, detections: boxes };
        const boxesPath = await outputs.write(join(out, `${prepared.stem}.detections.json`), async (p) => {
          try {
            await writeFileAtomic(p, new TextEncoder().encode(JSON.stringify(record, null, 2) + '\n'));
          } catch (error) {
            throw fileError(p, `cannot write: ${messageOf(error)}`, error);
          }
        });
        return { ...record, picture: picturePath, boxes: boxesPath };
      });
    } finally {
      progress.done();
      await model.dispose();
    }
    const { results, errors } = outcome;

    if (json) {
      const summary = {
        ...modelJson(choice),
        ...runtimeJson(info),
        inputSize: choice.inputSize,
        scoreThreshold,
        iouThreshold,
        images: results,
        errors,
      };
      process.stdout.write(JSON.stringify(summary) + '\n');
    } else {
      const lines: string[] = [];
      for (const r of results) {
        lines.push(`${r.image}: ${r.detections.length} detection(s) -> ${r.picture}, ${r.boxes}`);
        for (const d of r.detections) lines.push(`  ${d.className.padEnd(16)} ${d.score.toFixed(3)}  [${d.box.map((v) => v.toFixed(1)).join(', ')}]`);
      }
      process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
    }
    return errors.length ? 1 : 0;
  },
};
