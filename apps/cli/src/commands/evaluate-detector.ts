/**
 * `yolo-saliency evaluate-detector`: how well the detector itself works: AP per class and
 * mAP at an IoU threshold, on a generated dataset folder or on held-out synthetic images.
 */
import { decodeDetections, DEFAULT_IOU_THRESHOLD, DEFAULT_MAX_DETECTIONS, letterboxImage } from '@yolo-saliency/core';
import { DEFAULT_AP_IOU_THRESHOLD, meanAveragePrecision } from '@yolo-saliency/core/metrics';
import { concatBatches } from '@yolo-saliency/core/runtime';
import type { LoadedModel, PreparedInput } from '@yolo-saliency/core';
import type { ImageBoxes, MeanAveragePrecision } from '@yolo-saliency/core/metrics';
import type { ParsedArgs } from '../cli-args.js';
import { oneLine, UsageError } from '../cli-errors.js';
import type { Command } from '../command.js';
import { BOUNDS, range } from '../bounds.js';
import { generatedDataset, HELD_OUT_SEED, readDatasetFolder, type DetectionDataset } from '../detection-dataset.js';
import { modelJson, round, runtimeJson } from '../json-summary.js';
import { checkImageFits, formatBytes, IMAGE_BYTES_PER_PIXEL, MEMORY_OPTIONS, MemoryBudget } from '../memory-budget.js';
import { SHAPES_MODEL_ID } from '@yolo-saliency/node';
import { chooseModel, MODEL_OPTIONS, RUNTIME_OPTIONS, warnIfUntrained } from '../model-options.js';
import { loadModelRun } from '../model-run.js';
import { createProgress, type Progress } from '../progress.js';
import { readRuntimeChoice } from '../runtime-choice.js';

/** Low, so the precision/recall curve reaches far into recall (mAP protocols keep nearly every box). */
const EVAL_SCORE_THRESHOLD = 0.005;
/** Images per forward call (lowered to fit --max-memory). */
const BATCH = 8;

export const evaluateDetectorCommand: Command = {
  spec: {
    name: 'evaluate-detector',
    summary: 'Detector quality: AP per class and mAP@IoU on a generated dataset or held-out synthetic images',
    usage: 'evaluate-detector [--model M] (--dataset DIR | --count N [--seed S] [--size PX]) [--iou T] [--score-threshold T] [--runtime R] [--json]',
    options: {
      ...MODEL_OPTIONS,
      model: { ...MODEL_OPTIONS.model, description: 'model: darknet .cfg, Keras .h5 or .keras, or .onnx (default: the bundled shapes detector, trained on synthetic shapes: fixtures/shapes/)' },
      names: { ...MODEL_OPTIONS.names, description: 'class names file, one per line (default with the bundled shapes detector: fixtures/shapes/shapes.names)' },
      dataset: { type: 'string', value: 'DIR', description: 'a folder written by generate-dataset (DIR/labels.json, DIR/images/)' },
      count: { type: 'string', value: 'N', description: `or: generate N held-out synthetic images in memory (${range(BOUNDS.count)})` },
      seed: { type: 'string', value: 'S', description: `seed of the generated images (default ${HELD_OUT_SEED}, apart from training seeds 0, 1, ...)` },
      size: { type: 'string', value: 'PX', description: `side of the generated images in pixels (${range(BOUNDS.generatedSize, 40)}, default 128)` },
      iou: { type: 'string', value: 'T', description: `IoU at which a detection matches an object (default ${DEFAULT_AP_IOU_THRESHOLD})` },
      'score-threshold': { type: 'string', value: 'T', description: `lowest detection score kept (default ${EVAL_SCORE_THRESHOLD})` },
      ...RUNTIME_OPTIONS,
      ...MEMORY_OPTIONS,
      json: { type: 'boolean', description: 'print one JSON summary on stdout' },
    },
    notes: [
      `Images per forward call: ${BATCH}, lowered to fit --max-memory. A dataset's image files must lie inside its folder.`,
      `Detections as in \`detect\` (NMS IoU ${DEFAULT_IOU_THRESHOLD}, at most ${DEFAULT_MAX_DETECTIONS} per image), but kept down to a score of`,
      `${EVAL_SCORE_THRESHOLD} so the precision/recall curve is complete; boxes are compared in image pixels.`,
      'Matching (COCO-style): by score over all images, each detection takes the unmatched object of its class',
      'with the highest IoU if that IoU >= --iou; the rest (duplicates included) are false positives.',
      'AP: all-point interpolated area under the precision envelope (PASCAL VOC 2010+). mAP: the mean AP over',
      "the classes that have at least one object. The dataset's classes must equal the model's class names.",
    ].join('\n'),
  },
  async run(args) {
    const runtimeChoice = readRuntimeChoice(args, 'evaluate-detector');
    const budget = MemoryBudget.read(args, 'evaluate-detector');
    const dataset = await chooseDataset(args);
    const iouThreshold = args.number('iou', { min: 0, max: 1 }) ?? DEFAULT_AP_IOU_THRESHOLD;
    if (iouThreshold === 0) throw new UsageError('--iou must be above 0', 'evaluate-detector');
    const scoreThreshold = args.number('score-threshold', { min: 0, max: 1 }) ?? EVAL_SCORE_THRESHOLD;
    const json = args.flag('json');
    // The data is synthetic shapes: the bundled shapes detector is the default here.
    const choice = await chooseModel(args, 'evaluate-detector', SHAPES_MODEL_ID);
    checkClasses(dataset, choice.modelFile.graph.classNames, choice.modelPath);
    const { model, info, plan } = await loadModelRun({ choice, runtime: runtimeChoice, budget, batch: BATCH, batchGiven: false, gradients: false, command: 'evaluate-detector' });
    warnIfUntrained(choice, json);
    if ('generated' in dataset.describe) {
      const { size } = dataset.describe;
      const need = size * size * IMAGE_BYTES_PER_PIXEL.read;
      if (plan.bytes + need > budget.bytes) {
        await model.dispose();
        throw new UsageError(`--size ${size}: generated images of ${size}x${size} need about ${formatBytes(need)} beside the model (${formatBytes(plan.bytes)}), over ${budget.describe()}; lower --size or raise --max-memory`, 'evaluate-detector');
      }
    }
    // Images are decoded one at a time (a batch keeps only their letterboxed inputs).
    dataset.beforeRead = (path) => checkImageFits(path, IMAGE_BYTES_PER_PIXEL.read, budget, plan.bytes);

    const progress = createProgress(true);
    let images: ImageBoxes[];
    const started = performance.now();
    try {
      images = await detectAll(model, dataset, choice.inputSize, scoreThreshold, progress, plan.batch);
    } finally {
      progress.done();
      await model.dispose();
    }
    const seconds = (performance.now() - started) / 1000;
    const result = meanAveragePrecision(images, { iouThreshold, classCount: dataset.classes.length });

    if (json) {
      const summary = {
        ...modelJson(choice),
        ...runtimeJson(info),
        inputSize: choice.inputSize,
        dataset: dataset.describe,
        images: images.length,
        iouThreshold,
        scoreThreshold,
        nmsIouThreshold: DEFAULT_IOU_THRESHOLD,
        maxDetections: DEFAULT_MAX_DETECTIONS,
        map: Number.isNaN(result.map) ? null : result.map,
        classes: result.classes.map((c) => ({ className: dataset.classes[c.classIndex], ...c, ap: c.ap ?? null })),
        seconds: round(seconds, 3),
      };
      process.stdout.write(JSON.stringify(summary) + '\n');
    } else {
      printTable(result, dataset, images.length);
    }
    return 0;
  },
};

function chooseDataset(args: ParsedArgs): Promise<DetectionDataset> | DetectionDataset {
  const dir = args.string('dataset');
  const count = args.number('count', { min: 1, max: BOUNDS.count, integer: true });
  if (dir !== undefined) {
    if (count !== undefined) throw new UsageError('give either --dataset or --count, not both', 'evaluate-detector');
    for (const option of ['seed', 'size']) {
      if (args.string(option) !== undefined) throw new UsageError(`--${option} applies to generated images (--count), not to --dataset`, 'evaluate-detector');
    }
    return readDatasetFolder(dir);
  }
  if (count === undefined) throw new UsageError('give --dataset DIR or --count N', 'evaluate-detector');
  const seed = args.number('seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? HELD_OUT_SEED;
  const size = args.number('size', { min: 40, max: BOUNDS.generatedSize, integer: true }) ?? 128;
  return generatedDataset(count, seed, size);
}

/** Class indices of the labels must mean the model's classes: compare the names, in order. */
function checkClasses(dataset: DetectionDataset, modelClasses: readonly string[], modelPath: string): void {
  const same = dataset.classes.length === modelClasses.length && dataset.classes.every((c, i) => c === modelClasses[i]);
  if (same) return;
  const list = (names: readonly string[]) => (names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')}, ... (${names.length} in all)`);
  throw new Error(`the classes of ${dataset.source} (${list(dataset.classes)}) differ from the class names of the model ${modelPath} (${list(modelClasses)}); pass --names or another model`);
}

/** Forward the images in batches and decode each one's boxes into image pixels. */
async function detectAll(model: LoadedModel, dataset: DetectionDataset, inputSize: [number, number], scoreThreshold: number, progress: Progress, batchSize: number): Promise<ImageBoxes[]> {
  const results: ImageBoxes[] = [];
  progress.start('images', dataset.count);
  for (let start = 0; start < dataset.count; start += batchSize) {
    const batch = [];
    for (let k = start; k < Math.min(dataset.count, start + batchSize); k++) {
      const labelled = await dataset.image(k);
      let prepared: PreparedInput;
      try {
        prepared = letterboxImage(labelled.image, inputSize);
      } catch (error) {
        throw new Error(`${labelled.name}: ${oneLine(error)}`, { cause: error });
      }
      batch.push({ ...prepared, objects: labelled.objects });
    }
    const { heads } = await model.forward(concatBatches(batch.map((b) => b.input)));
    batch.forEach((b, batchIndex) => {
      const detections = decodeDetections(model.graph, heads, { batchIndex, scoreThreshold, iouThreshold: DEFAULT_IOU_THRESHOLD, letterbox: b.letterbox });
      results.push({ groundTruth: b.objects, detections: detections.map(({ classIndex, score, box }) => ({ classIndex, score, box })) });
    });
    progress.update(results.length);
  }
  return results;
}

function printTable(result: MeanAveragePrecision, dataset: DetectionDataset, images: number): void {
  const width = Math.max(8, ...dataset.classes.map((c) => c.length)) + 2;
  const ap = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(3));
  const lines = [
    `${images} image(s); AP at IoU ${result.iouThreshold} (all-point interpolated)`,
    `${'class'.padEnd(width)}${'AP'.padStart(8)}${'objects'.padStart(10)}${'detections'.padStart(12)}${'matched'.padStart(10)}`,
    ...result.classes.map((c) => `${dataset.classes[c.classIndex].padEnd(width)}${ap(c.ap).padStart(8)}${String(c.groundTruth).padStart(10)}${String(c.detections).padStart(12)}${String(c.truePositives).padStart(10)}`),
    `${`mAP@${result.iouThreshold}`.padEnd(width)}${ap(result.map).padStart(8)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
