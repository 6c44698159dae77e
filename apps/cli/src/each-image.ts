/**
 * The per-image loop every multi-image command shares: an image that fails rolls back the
 * files it wrote, is reported on one line, and the others still run.
 */
import { oneLine, printError } from './cli-errors.js';
import { OutputSet } from './output-set.js';
import type { Progress } from './progress.js';

export interface ImageFailure {
  image: string;
  error: string;
}

export async function eachImage<T>(
  images: readonly string[],
  progress: Progress,
  verbose: boolean,
  work: (path: string, index: number, outputs: OutputSet) => Promise<T>,
): Promise<{ results: T[]; errors: ImageFailure[] }> {
  const results: T[] = [];
  const errors: ImageFailure[] = [];
  for (const [index, path] of images.entries()) {
    const outputs = new OutputSet();
    try {
      results.push(await work(path, index, outputs));
    } catch (error) {
      await outputs.rollback();
      progress.done();
      errors.push({ image: path, error: oneLine(error) });
      printError(error, verbose);
    }
  }
  return { results, errors };
}
