import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeDetections, DEFAULT_IOU_THRESHOLD, DEFAULT_SCORE_THRESHOLD } from '@yolo-saliency/core';
import { writeFileAtomic, writeImage } from '@yolo-saliency/node';
import { UsageError, wantsStack } from '../cli-errors.js';
import type { Command } from '../command.js';
import { readImageInput } from '../image-input.js';
import { detectionJson, modelJson, runtimeJson, type DetectionJson } from '../json-summary.js';
import { chooseModel, loadIntoRuntime, MODEL_OPTIONS, RUNTIME_OPTIONS, warnIfUntrained } from '../model-options.js';
import { eachImage, type ImageFailure } from '../each-image.js';
import { createProgress } from '../progress.js';
import { imageBox, renderDetections } from '../render-outputs.js';

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
      'score-threshold': { type: 'string', value: 'T', description: `minimum objectness x class probability (default ${DEFAULT_SCORE_THRESHOLD})` },
      'iou-threshold': { type: 'string', value: 'T', description: `NMS IoU threshold (default ${DEFAULT_IOU_THRESHOLD})` },
      out: { type: 'string', value: 'DIR', description: 'output folder: <stem>.detections.png and <stem>.detections.json per image' },
      json: { type: 'boolean', description: 'print one JSON summary on stdout' },
    },
  },
  async run(args) {
    if (args.positionals.length === 0) throw new UsageError('no IMAGE given', 'detect');
    const out = args.required('out');
    const scoreThreshold = args.number('score-threshold', { min: 0, max: 1 }) ?? DEFAULT_SCORE_THRESHOLD;
    const iouThreshold = args.number('iou-threshold', { min: 0, max: 1 }) ?? DEFAULT_IOU_THRESHOLD;
    const choice = await chooseModel(args, 'detect');
    const { model, info } = await loadIntoRuntime(choice.modelFile.graph, choice.inputSize, args.string('runtime') ?? 'auto', args.string('backend'), 'detect');
    const json = args.flag('json');
    warnIfUntrained(choice, json);
    await mkdir(out, { recursive: true });

    const progress = createProgress(args.positionals.length > 1);
    const verbose = args.flag('verbose') || wantsStack(process.argv);
    let outcome: { results: DetectImageJson[]; errors: ImageFailure[] };
    try {
      outcome = await eachImage(args.positionals, progress, verbose, async (path, k, outputs): Promise<DetectImageJson> => {
        progress.start(path, args.positionals.length);
        progress.update(k);
        const prepared = await readImageInput(path, choice.inputSize);
        const { heads } = await model.forward(prepared.input);
        const detections = decodeDetections(model.graph, heads, { scoreThreshold, iouThreshold });
        const boxes = detections.map((d) => detectionJson(d, imageBox(d, prepared)));
        const picturePath = await outputs.write(join(out, `${prepared.stem}.detections.png`), (p) => writeImage(p, renderDetections(prepared, detections)));
        const record = { image: path, width: prepared.picture.width, height: prepared.picture.height, detections: boxes };
        const boxesPath = await outputs.write(join(out, `${prepared.stem}.detections.json`), (p) =>
          writeFileAtomic(p, new TextEncoder().encode(JSON.stringify(record, null, 2) + '\n')),
        );
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
