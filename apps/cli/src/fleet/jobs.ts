/**
 * One job per image: the image, the stem its files are named by, the output folder, and what
 * to compute and draw (explain's settings) with which model (its files, and their digests so a
 * worker whose copy differs refuses rather than computing other maps). The runtime is not in
 * the job: each worker computes on its own best runtime.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { JobsOptions } from 'bullmq';
import type { ExplainSettings } from '../explain-settings.js';
import type { ModelSpec } from '../model-spec.js';

export const JOB_NAME = 'explain';

export type JobSettings = Omit<ExplainSettings, 'out'>;

export interface ExplainJobData {
  version: 1;
  /** Absolute path, readable by every worker (a shared mount). */
  image: string;
  stem: string;
  /** Absolute path of the output folder, writable by every worker. */
  out: string;
  settings: JobSettings;
  model: ModelSpec;
  /** sha256 of each model file, by path. */
  digests: Record<string, string>;
  submittedAt: string;
}

export interface ExplainJobResult {
  image: string;
  stem: string;
  files: string[];
  worker: string;
  host: string;
  runtime: string;
  backend: string;
  device: string;
  /** Wall time of the job on the worker. */
  milliseconds: number;
  methods: Array<{ method: string; milliseconds: number }>;
}

/** What every job is given: retries with exponential backoff; finished jobs are kept (status counts them). */
export function jobOptions(jobId: string, attempts: number, backoffMs: number): JobsOptions {
  return { jobId, attempts, backoff: { type: 'exponential', delay: backoffMs }, removeOnComplete: false, removeOnFail: false };
}

/**
 * A job's id: the stem (readable in `queue status`) and a hash of the output folder and stem,
 * so one image of one folder is one job however often it is submitted. BullMQ ids must not
 * contain ':' nor be plain integers.
 */
export function jobIdFor(out: string, stem: string): string {
  const hash = createHash('sha256').update(`${out}\0${stem}`).digest('hex').slice(0, 16);
  return `${stem.replace(/[^\w.-]/g, '_').slice(0, 80)}-${hash}`;
}

/** sha256 of a file, streamed. */
export function fileDigest(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export async function digestsOf(files: readonly string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(files.map(async (f) => [f, await fileDigest(f)] as const));
  return Object.fromEntries(entries);
}
