/**
 * Labelled images for measuring a detector: a folder written by `generate-dataset`
 * (labels.json + images/), or held-out synthetic images generated in memory. Images are
 * produced one at a time, so a large set never sits in memory.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Image8 } from '@yolo-saliency/core';
import type { GroundTruthBox } from '@yolo-saliency/core/metrics';
import { fileError, messageOf, readImage, withFileName } from '@yolo-saliency/node';
import { generateSample, sampleSeed, SYNTHETIC_CLASSES } from '@yolo-saliency/synthetic';
import { BOUNDS } from './bounds.js';

export interface LabelledImage {
  /** The file (dataset) or `seed <n>` (generated): what an error or a report names. */
  name: string;
  image: Image8;
  objects: GroundTruthBox[];
}

export interface DetectionDataset {
  /** Where the class list comes from, for messages: the labels file or 'the generated images'. */
  source: string;
  classes: readonly string[];
  count: number;
  /** Image k (0 <= k < count), decoded or generated on demand. */
  image(k: number): Promise<LabelledImage>;
  /** Where the images come from, for the JSON summary. */
  describe: { folder: string } | { generated: true; seed: number; size: number };
  /** Called with an image file's path before it is decoded (e.g. to check its size against a memory budget). */
  beforeRead?: (path: string) => Promise<void>;
}

/**
 * The default seed of held-out images. Training sets come from `generate-dataset` seeds 0, 1,
 * ...; a distant seed keeps the evaluation images out of them (image seeds are 32-bit hashes
 * of (seed, k), so an overlap is as unlikely as a hash collision).
 */
export const HELD_OUT_SEED = 1_000_003;

export function generatedDataset(count: number, seed: number, size: number): DetectionDataset {
  return {
    source: 'the generated images',
    classes: SYNTHETIC_CLASSES,
    count,
    describe: { generated: true, seed, size },
    async image(k) {
      const imageSeed = sampleSeed(seed, k);
      const { image, objects } = generateSample(imageSeed, { size });
      return { name: `seed ${imageSeed} (image ${k})`, image, objects: objects.map(({ classIndex, box }) => ({ classIndex, box })) };
    },
  };
}

/** labels.json of a million images (generate-dataset's largest) is about 200 MiB. */
const MAX_LABELS_BYTES = 512 * 2 ** 20;
/** As many images as generate-dataset writes at most. */
const MAX_IMAGES = BOUNDS.count;

interface LabelsEntry {
  file: string;
  width: number;
  height: number;
  objects: GroundTruthBox[];
}

/** Read DIR/labels.json and check every field the evaluation uses; images are read later. */
export async function readDatasetFolder(dir: string): Promise<DetectionDataset> {
  const labelsPath = join(dir, 'labels.json');
  let text: string;
  try {
    // A link to /dev/zero or a FIFO would be read forever, a huge file whole: check what it is first.
    const info = await stat(labelsPath);
    if (!info.isFile()) throw fileError(labelsPath, 'is not a regular file');
    if (info.size > MAX_LABELS_BYTES) throw fileError(labelsPath, `is ${Math.round(info.size / 2 ** 20)} MiB, over the ${MAX_LABELS_BYTES / 2 ** 20} MiB limit for labels files`);
    text = await readFile(labelsPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (messageOf(error).startsWith(`${labelsPath}:`)) throw error;
    throw fileError(labelsPath, code === 'ENOENT' ? 'file not found (is this a folder written by generate-dataset?)' : messageOf(error), error);
  }
  let labels: unknown;
  try {
    labels = JSON.parse(text);
  } catch (error) {
    throw fileError(labelsPath, `not valid JSON (${messageOf(error)})`, error);
  }
  const { classes, entries } = checkLabels(labels, (problem) => fileError(labelsPath, problem));
  entries.forEach((entry, i) => checkInside(dir, entry.file, (problem) => fileError(labelsPath, `images[${i}].file ${JSON.stringify(entry.file)}: ${problem}`)));
  const realDir = await realpath(dir).catch(() => resolve(dir));
  const dataset: DetectionDataset = {
    source: labelsPath,
    classes,
    count: entries.length,
    describe: { folder: dir },
    async image(k) {
      const entry = entries[k];
      const path = join(dir, entry.file);
      // A link inside the folder may still lead out of it: check where the file really is.
      const real = await realpath(path).catch(() => undefined);
      if (real !== undefined) checkInside(realDir, relative(realDir, real), (problem) => fileError(labelsPath, `images[${k}].file ${JSON.stringify(entry.file)}: ${problem} (it is a link to ${real})`));
      await dataset.beforeRead?.(path);
      let image: Image8;
      try {
        image = await readImage(path);
      } catch (error) {
        throw withFileName(error, path);
      }
      // Boxes are in the labelled image's pixels: a resized image would be scored against the wrong places.
      if (image.width !== entry.width || image.height !== entry.height) {
        throw fileError(path, `is ${image.width}x${image.height}, but ${labelsPath} says ${entry.width}x${entry.height}`);
      }
      return { name: path, image, objects: entry.objects };
    },
  };
  return dataset;
}

/**
 * A labels file names images relative to its folder and must not reach outside it: an entry
 * such as ../../../../etc/passwd would otherwise be opened (and its bytes reported).
 */
function checkInside(dir: string, file: string, problem: (text: string) => Error): void {
  if (isAbsolute(file)) throw problem(`is an absolute path; image files must be inside the dataset folder ${dir}`);
  const rel = relative(resolve(dir), resolve(dir, file));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw problem(`points outside the dataset folder ${dir}`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInteger = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

function checkLabels(labels: unknown, problem: (text: string) => Error): { classes: string[]; entries: LabelsEntry[] } {
  if (!isRecord(labels)) throw problem('expected a JSON object with "classes" and "images"');
  const { classes, images } = labels;
  if (!Array.isArray(classes) || classes.length === 0 || !classes.every((c) => typeof c === 'string' && c !== '')) {
    throw problem('"classes" must be a non-empty list of class names');
  }
  if (!Array.isArray(images) || images.length === 0) throw problem('"images" must be a non-empty list');
  if (images.length > MAX_IMAGES) throw problem(`lists ${images.length} images, more than the ${MAX_IMAGES} a dataset may have`);
  const entries = images.map((entry: unknown, i): LabelsEntry => {
    const at = `images[${i}]`;
    if (!isRecord(entry)) throw problem(`${at} must be an object`);
    const { file, width, height, objects } = entry;
    if (typeof file !== 'string' || file === '') throw problem(`${at}.file must be a file name`);
    if (!isPositiveInteger(width) || !isPositiveInteger(height)) throw problem(`${at}: width and height must be positive integers`);
    if (!Array.isArray(objects)) throw problem(`${at}.objects must be a list`);
    return {
      file,
      width,
      height,
      objects: objects.map((o: unknown, j): GroundTruthBox => {
        const where = `${at}.objects[${j}]`;
        if (!isRecord(o)) throw problem(`${where} must be an object`);
        const { classIndex, box } = o;
        if (!Number.isInteger(classIndex) || (classIndex as number) < 0 || (classIndex as number) >= classes.length) {
          throw problem(`${where}.classIndex must be an integer in [0, ${classes.length - 1}], got ${JSON.stringify(classIndex)}`);
        }
        if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => typeof v === 'number' && Number.isFinite(v)) || box[2] < box[0] || box[3] < box[1]) {
          throw problem(`${where}.box must be [x1, y1, x2, y2] with x1 <= x2 and y1 <= y2, got ${JSON.stringify(box)}`);
        }
        return { classIndex: classIndex as number, box: box as [number, number, number, number] };
      }),
    };
  });
  return { classes: classes as string[], entries };
}
