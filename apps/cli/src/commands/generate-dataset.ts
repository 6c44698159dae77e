import { rmSync } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileError, messageOf, writeImage } from '@yolo-saliency/node';
import { generateSample, sampleSeed, SYNTHETIC_CLASSES } from '@yolo-saliency/synthetic';
import { BOUNDS, range } from '../bounds.js';
import type { Command } from '../command.js';
import { UsageError } from '../cli-errors.js';
import { throwIfInterrupted, withInterruptHandler } from '../interrupt.js';
import { prepareOutputFolder } from '../output-folder.js';

/**
 * The folder is replaced only when it does not exist or is empty: a dataset is never merged
 * into another. Its parent must be a writable folder (created if missing), where the staging
 * folder goes.
 */
async function checkOutFolder(out: string): Promise<boolean> {
  await prepareOutputFolder(dirname(out), `--out ${out}: its folder`);
  const info = await lstat(out).catch(() => undefined);
  if (!info) return false;
  if (!info.isDirectory()) throw fileError(`--out ${out}`, `is ${info.isSymbolicLink() ? 'a symbolic link' : 'a file'}, not a folder`);
  let entries: string[];
  try {
    entries = await readdir(out);
  } catch (error) {
    throw fileError(`--out ${out}`, `cannot read the folder: ${messageOf(error)}`, error);
  }
  if (entries.length > 0) throw new UsageError(`--out ${out}: the folder exists and is not empty`, 'generate-dataset');
  return true;
}

export const generateDatasetCommand: Command = {
  spec: {
    name: 'generate-dataset',
    summary: 'Write synthetic detection images (circles, squares, triangles, crosses) with exact boxes',
    usage: 'generate-dataset --count N [--seed S] [--size PX] --out DIR',
    options: {
      count: { type: 'string', value: 'N', description: `number of images (${range(BOUNDS.count)})` },
      seed: { type: 'string', value: 'S', description: 'dataset seed, an integer (default 0); image k uses a seed derived from (S, k)' },
      size: { type: 'string', value: 'PX', description: `side of the square images in pixels (${range(BOUNDS.generatedSize, 16)}, default 128)` },
      out: { type: 'string', value: 'DIR', description: 'the folder to create (must not exist or be empty)' },
    },
    notes:
      'Writes DIR/images/<k>.png and DIR/labels.json: {"classes": [...], "images": [{"file", "width", "height",\n"seed", "objects": [{"classIndex", "className", "box": [x1, y1, x2, y2]}]}]}, boxes in pixels with x2/y2\nexclusive, tight around the visible pixels. The folder is written beside DIR and renamed into place\nwhen complete, so DIR is either absent or whole (also on SIGINT/SIGTERM: exit 130/143).',
  },
  async run(args) {
    const count = args.number('count', { min: 1, max: BOUNDS.count, integer: true });
    if (count === undefined) throw new UsageError('--count is required', 'generate-dataset');
    const seed = args.number('seed', { min: 0, max: 2 ** 32 - 1, integer: true }) ?? 0;
    const size = args.number('size', { min: 16, max: BOUNDS.generatedSize, integer: true }) ?? 128;
    const out = resolve(args.required('out'));
    const existsEmpty = await checkOutFolder(out);

    // Build in a sibling folder, then rename: an interrupted run never leaves a partial dataset at DIR.
    const staging = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
    const removeStaging = async () => {
      rmSync(staging, { recursive: true, force: true });
      return `no dataset written to ${out}`;
    };
    await withInterruptHandler(removeStaging, async () => {
      try {
        await mkdir(join(staging, 'images'), { recursive: true });
        const images = [];
        for (let k = 0; k < count; k++) {
          throwIfInterrupted();
          const imageSeed = sampleSeed(seed, k);
          const { image, objects } = generateSample(imageSeed, { size });
          const file = `images/${k}.png`;
          await writeImage(join(staging, file), image);
          images.push({ file, width: image.width, height: image.height, seed: imageSeed, objects: objects.map(({ classIndex, className, box }) => ({ classIndex, className, box })) });
        }
        const labels = { generator: '@yolo-saliency/synthetic', seed, size, classes: SYNTHETIC_CLASSES, images };
        await writeFile(join(staging, 'labels.json'), `${JSON.stringify(labels)}\n`);
        throwIfInterrupted();
        if (existsEmpty) await rmdir(out);
        await rename(staging, out);
      } catch (error) {
        await rm(staging, { recursive: true, force: true });
        throw fileError(out, `cannot write the dataset: ${messageOf(error)}`, error);
      }
    });
    process.stdout.write(`wrote ${count} images of ${size}x${size} and labels.json to ${out} (seed ${seed}, classes ${SYNTHETIC_CLASSES.join(', ')})\n`);
    return 0;
  },
};
