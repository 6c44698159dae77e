/**
 * A job's files, written where no reader looks and then moved into the output folder: each
 * file is written atomically into `<out>/.yolo-saliency-staging/<job>/`, and once the image's
 * whole set is there, `publish` renames each into `<out>/` (a rename in one file system is
 * atomic). A worker that dies mid-job leaves at most its job's staging folder, which the next
 * attempt of that job (on any worker) removes first; a failed attempt removes its own. So the
 * output folder only ever receives whole sets, and a set published twice (a job retried after
 * a worker lost its lock) is the same bytes renamed over the same names.
 */
import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { OutputWriter } from '../image-explanation.js';

export const STAGING_FOLDER = '.yolo-saliency-staging';

/** Job ids become folder names: keep them plain. */
const safe = (id: string) => id.replace(/[^\w.-]/g, '_').slice(0, 120);

export class StagedOutputs implements OutputWriter {
  private readonly staged: Array<{ staging: string; final: string }> = [];
  readonly folder: string;

  constructor(
    private readonly out: string,
    jobId: string,
  ) {
    this.folder = join(out, STAGING_FOLDER, safe(jobId));
  }

  /** Remove what an earlier attempt of this job left, and make the staging folder. */
  async open(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true });
    // Another job's discard may remove the shared parent between mkdir's two steps: try again.
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(this.folder, { recursive: true });
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
  }

  async write(path: string, writer: (path: string) => Promise<void>): Promise<string> {
    const staging = join(this.folder, basename(path));
    await writer(staging);
    this.staged.push({ staging, final: path });
    return path;
  }

  /** Move every staged file into the output folder; returns the final paths. */
  async publish(): Promise<string[]> {
    for (const { staging, final } of this.staged) await rename(staging, final);
    await this.discard();
    return this.staged.map((s) => s.final);
  }

  /** Remove the staging folder (and the shared parent when it is empty). */
  async discard(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true });
    await rmdir(join(this.out, STAGING_FOLDER)).catch(() => undefined);
  }
}
