/**
 * The per-image loop every multi-image command shares: an image that fails rolls back the
 * files it wrote, is reported on one line, and the others still run. A fatal error (the
 * runtime itself broke) rolls back and stops the loop. A signal (SIGINT, SIGTERM) rolls back
 * the image in progress and says how far the run got.
 */
import { basename } from 'node:path';
import { oneLine, printError } from './cli-errors.js';
import { interruption, withInterruptHandler } from './interrupt.js';
import { OutputSet } from './output-set.js';
import type { Progress } from './progress.js';

export interface ImageFailure {
  image: string;
  error: string;
}

/** An error after which no further image can run (e.g. an aborted WebAssembly runtime). */
export function isFatal(error: unknown): boolean {
  return error instanceof Error && (error as { fatal?: boolean }).fatal === true;
}

export async function eachImage<T>(
  images: readonly string[],
  progress: Progress,
  verbose: boolean,
  work: (path: string, index: number, outputs: OutputSet) => Promise<T>,
): Promise<{ results: T[]; errors: ImageFailure[] }> {
  const results: T[] = [];
  const errors: ImageFailure[] = [];
  let current: { path: string; outputs: OutputSet } | undefined;

  const onSignal = async () => {
    progress.done();
    const finished = `${results.length + errors.length} of ${images.length} image(s) done`;
    if (!current) return finished;
    const { path, outputs } = current;
    await outputs.close();
    const wrote = outputs.files.length;
    await outputs.rollback();
    return `${basename(path)} ${wrote ? `rolled back (${wrote} file(s) removed)` : 'stopped before writing'}; ${finished}`;
  };

  await withInterruptHandler(onSignal, async () => {
    for (const [index, path] of images.entries()) {
      const outputs = new OutputSet();
      current = { path, outputs };
      try {
        const result = await work(path, index, outputs);
        current = undefined;
        results.push(result);
      } catch (error) {
        current = undefined;
        // After a signal the handler rolls back, reports and exits; a step refused meanwhile is no failure to print.
        if (interruption()) await new Promise(() => {});
        await outputs.rollback();
        progress.done();
        if (isFatal(error)) throw error;
        errors.push({ image: path, error: oneLine(error) });
        printError(error, verbose);
      }
    }
  });
  return { results, errors };
}
