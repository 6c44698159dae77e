/**
 * The per-image work of `explain`, shared by its one-image-at-a-time loop, its streaming run
 * over a folder, and the fleet's worker: compute an image's maps (core's explainBatch: one
 * forward for every method and every image of a batch), then draw and write its files into
 * an OutputSet (`<stem>.<method>.png`, `<stem>.<method>.npy` with --save-raw, `<stem>.panel.png`).
 * One function writes an image's files, whoever computed them, so every path writes the same bytes.
 */
import { join } from 'node:path';
import { explainBatch } from '@yolo-saliency/core';
import type { Explanation, LoadedModel, MethodName } from '@yolo-saliency/core';
import { writeImage, writeNpy } from '@yolo-saliency/node';
import { oneLine } from './cli-errors.js';
import { isFatal } from './each-image.js';
import type { ExplainSettings } from './explain-settings.js';
import { readImageInput, type ImageInput, type ReadOptions } from './image-input.js';
import { detectionJson, round, type DetectionJson } from './json-summary.js';
import type { Progress } from './progress.js';
import { imageBox, rawMapForNpy, renderDetections, renderOverlay, renderPanel } from './render-outputs.js';

export interface MethodJson {
  method: MethodName;
  milliseconds: number;
  targetValue: number;
  completenessError?: number;
  completeness?: { delta: number; attributionSum: number };
  overlay: string;
  raw?: string;
}

export interface ImageJson {
  image: string;
  width: number;
  height: number;
  detections: DetectionJson[];
  target: { spec: string; value: number; detection?: DetectionJson };
  methods: MethodJson[];
  panel: string;
}

/** Where an image's files go: an OutputSet (atomic files, rolled back on failure), or a render thread's stand-in. */
export interface OutputWriter {
  write(path: string, writer: (path: string) => Promise<void>): Promise<string>;
}

/** An image's explanation, or why it has none (the message names the image's file). */
export type ExplainOutcome = { explanation: Explanation; error?: undefined } | { explanation?: undefined; error: Error };

/**
 * Explain prepared images together (one runtime call per batch for vanilla, guided and VBP).
 * A failure that belongs to one image is that image's outcome. A runtime failure of a batch of
 * several images is retried one image at a time, so each image gets its own error; a fatal one
 * (the runtime is unusable, e.g. a wasm abort) is thrown.
 */
export async function explainPrepared(model: LoadedModel, images: readonly ImageInput[], s: ExplainSettings, progress?: Progress): Promise<ExplainOutcome[]> {
  let label = '';
  const onProgress = progress
    ? (done: number, total: number, method: MethodName, image?: number) => {
        const current = `${image === undefined ? (images.length > 1 ? `${images.length} images` : images[0].stem) : images[image].stem} ${method}`;
        if (current !== label) progress.start((label = current), total);
        progress.update(done);
      }
    : undefined;
  const options = { target: s.target, steps: s.steps, samples: s.samples, noise: s.noise, batchSize: s.batchSize, detections: true, ...(onProgress ? { onProgress } : {}) };
  try {
    const settled = await explainBatch(model, images.map((i) => i.input), s.methods, options);
    // IG and SmoothGrad fail per image; a fatal runtime error among them still stops the run.
    for (const o of settled) if (o.status === 'rejected' && isFatal(o.reason)) throw o.reason;
    return settled.map((o, n) => (o.status === 'fulfilled' ? { explanation: o.value } : { error: imageError(images[n].path, o.reason) }));
  } catch (error) {
    if (isFatal(error)) throw error;
    if (images.length === 1) return [{ error: imageError(images[0].path, error) }];
    const outcomes: ExplainOutcome[] = [];
    for (const image of images) outcomes.push(...(await explainPrepared(model, [image], s, progress)));
    return outcomes;
  }
}

function imageError(path: string, error: unknown): Error {
  return new Error(`${path}: ${oneLine(error)}`, { cause: error });
}

/** Draw and write one image's files into `outputs`; returns what --json says about the image. */
export async function writeImageOutputs(prepared: Omit<ImageInput, 'input'>, explanation: Explanation, s: ExplainSettings, outputs: OutputWriter): Promise<ImageJson> {
  const { maps } = explanation;
  const detections = explanation.detections ?? [];
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
    image: prepared.path,
    width: prepared.picture.width,
    height: prepared.picture.height,
    detections: detections.map((d) => detectionJson(d, imageBox(d, prepared))),
    target: {
      spec: s.target,
      value: explanation.targetValue,
      ...(explained ? { detection: detectionJson(explained, imageBox(explained, prepared)) } : {}),
    },
    methods: methodsJson,
    panel: panelPath,
  };
}

/** One image file, start to end: read, explain, write. Throws the image's error (an ImageError), or the runtime's or the writer's. */
export async function explainImageFile(
  path: string,
  model: LoadedModel,
  inputSize: [number, number],
  s: ExplainSettings,
  outputs: OutputWriter,
  read: ReadOptions,
  progress?: Progress,
): Promise<ImageJson> {
  let prepared: ImageInput;
  try {
    prepared = await readImageInput(path, inputSize, read);
  } catch (error) {
    throw new ImageError(error);
  }
  const [outcome] = await explainPrepared(model, [prepared], s, progress);
  if (outcome.error) throw new ImageError(outcome.error);
  return writeImageOutputs(prepared, outcome.explanation, s, outputs);
}

/**
 * A failure that belongs to the image itself (it cannot be read, is over the memory budget, has
 * nothing to explain): trying it again elsewhere gives the same answer. The message is the
 * original's. Failures of the runtime or of writing are not ImageErrors.
 */
export class ImageError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'ImageError';
  }
}
