import { rm } from 'node:fs/promises';

/**
 * The files written for one image. Each file is written atomically; if the image fails
 * part-way, `rollback` removes the ones already written, so no half set of outputs remains.
 */
export class OutputSet {
  readonly files: string[] = [];

  /** Run a writer for `path` and remember the path once it exists. */
  async write(path: string, writer: (path: string) => Promise<void>): Promise<string> {
    await writer(path);
    this.files.push(path);
    return path;
  }

  async rollback(): Promise<void> {
    await Promise.all(this.files.map((f) => rm(f, { force: true })));
    this.files.length = 0;
  }
}
