import { rm } from 'node:fs/promises';
import { interruption, InterruptedError } from './interrupt.js';

/**
 * The files written for one image. Each file is written atomically; if the image fails
 * part-way or the run is interrupted, `rollback` removes the ones already written, so no half
 * set of outputs remains. After `close` (a signal arrived) no further file is started.
 */
export class OutputSet {
  readonly files: string[] = [];
  private pending: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Run a writer for `path` and remember the path once it exists. */
  async write(path: string, writer: (path: string) => Promise<void>): Promise<string> {
    const signal = interruption();
    if (this.closed || signal) throw new InterruptedError(signal ?? 'SIGINT');
    const done = writer(path).then(() => {
      this.files.push(path);
    });
    this.pending = done.catch(() => {});
    await done;
    return path;
  }

  /** Start no more files and wait for the one being written, so `rollback` sees every file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pending;
  }

  async rollback(): Promise<void> {
    await Promise.all(this.files.map((f) => rm(f, { force: true })));
    this.files.length = 0;
  }
}
