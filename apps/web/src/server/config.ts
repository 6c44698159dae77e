/** The server's limits and settings: every one has a default and can be set by the caller. */
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WebConfig {
  /** Compute processes, i.e. jobs that run at once; the rest wait in the queue. */
  maxRunningJobs: number;
  /** Jobs that may wait; beyond that a new job is refused with 503. */
  maxQueuedJobs: number;
  /** Jobs one session may have queued or running; beyond that 429. */
  maxJobsPerSession: number;
  /** A job running longer is stopped (its compute process is restarted). */
  jobTimeoutMs: number;
  /** Upload limits, in bytes: a model file (.weights, .h5, .keras, .onnx), a .cfg or .names, an image. */
  maxModelFileBytes: number;
  maxTextFileBytes: number;
  maxImageBytes: number;
  /** An image larger than this many pixels is refused. */
  maxImagePixels: number;
  /** A session's uploads and results are deleted after this long without a request. */
  sessionTtlMs: number;
  /** A finished job's maps are kept this long for downloads. */
  resultTtlMs: number;
  /** At most this many finished jobs kept per session (the oldest go first). */
  maxResultsPerSession: number;
  /** Where sessions keep their uploads (a fresh folder inside it per server). */
  dataDir: string;
  /** The built page (vite's output); absent: the API alone. */
  clientDir?: string;
  /** Log requests (pino); off in tests. */
  logger: boolean;
}

export function defaultConfig(): WebConfig {
  return {
    maxRunningJobs: Math.max(1, Math.min(2, cpus().length)),
    maxQueuedJobs: 64,
    maxJobsPerSession: 24,
    jobTimeoutMs: 10 * 60_000,
    maxModelFileBytes: 300 * 2 ** 20,
    maxTextFileBytes: 1 * 2 ** 20,
    maxImageBytes: 20 * 2 ** 20,
    maxImagePixels: 40_000_000,
    sessionTtlMs: 30 * 60_000,
    resultTtlMs: 15 * 60_000,
    maxResultsPerSession: 16,
    dataDir: join(tmpdir(), 'yolo-saliency-web'),
    logger: false,
  };
}
