/**
 * A fleet worker: takes jobs from the queue (BullMQ) and explains each job's image on this
 * machine's own runtime (`--runtime auto` picks it the way `doctor` shows), writing exactly the
 * files `explain --save-raw` writes for that image, through the same per-image code
 * (explainImageFile). Files are staged and published whole (staged-outputs.ts).
 *
 * Failures: an image that cannot be explained (unreadable, over the budget, nothing to
 * explain) fails at once with its reason (BullMQ's UnrecoverableError: another machine would
 * say the same); anything else (a model file that differs here, a folder it cannot write, a
 * runtime that broke) is retried with exponential backoff, up to the job's attempts. A worker
 * that dies holds its job's lock no longer: once the lock expires, a live worker's stalled-job
 * check puts the job back in the queue and another worker takes it.
 *
 * SIGINT/SIGTERM: no new job is taken; a job in progress is returned to the queue at its next
 * step (before computing, between IG or SmoothGrad batches, before publishing its files), or
 * finishes when it is already publishing; then the worker leaves the registry and exits.
 */
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Worker, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { RuntimeInfo } from '@yolo-saliency/core';
import { resolveRuntime } from '@yolo-saliency/core';
import { setupRuntimes } from '@yolo-saliency/node';
import { benchmarkInput, benchmarkRuntime } from '../benchmark-run.js';
import { oneLine } from '../cli-errors.js';
import { isFatal } from '../each-image.js';
import { wantedBatch, type ExplainSettings } from '../explain-settings.js';
import { explainImageFile, ImageError } from '../image-explanation.js';
import type { ReadOptions } from '../image-input.js';
import { interruption, withInterruptHandler, type HandledSignal } from '../interrupt.js';
import { IMAGE_BYTES_PER_PIXEL, type MemoryBudget } from '../memory-budget.js';
import { loadModelRun, type ModelRun } from '../model-run.js';
import { chooseModelOf, specFiles } from '../model-spec.js';
import { prepareOutputFolder } from '../output-folder.js';
import type { Progress } from '../progress.js';
import type { RuntimeChoice } from '../runtime-choice.js';
import { benchAnswers, benchChannel, type BenchAnswer, type BenchRequest } from './bench-protocol.js';
import { clientOptions, connectOnce, KEY_PREFIX, unreachable, type Fleet } from './fleet-options.js';
import { digestsOf, type ExplainJobData, type ExplainJobResult } from './jobs.js';
import { StagedOutputs } from './staged-outputs.js';
import { HEARTBEAT_MS, publishWorker, removeWorker, type WorkerReport } from './worker-registry.js';

export interface WorkerOptions {
  fleet: Fleet;
  runtime: RuntimeChoice;
  budget: MemoryBudget;
  concurrency: number;
  /** How long a job's lock lasts without renewal; also the stalled-job check's period. */
  lockSeconds: number;
  name?: string;
  threads?: number;
  /** Seconds between throughput lines on stdout (0: none). */
  reportSeconds: number;
}

/** How many times a job may be found stalled (its worker gone) and put back before it fails. */
export const MAX_STALLED_COUNT = 2;

/** A model loaded for jobs of one model and batch, shared by the jobs that use it. */
interface LoadedEntry {
  run: ModelRun;
  inputSize: [number, number];
  batch: number;
  runBytes: number;
  users: number;
  broken: boolean;
}

/** At most this many models stay loaded (the least recently used one not in use goes first). */
const MODELS_KEPT = 2;

class ModelCache {
  private readonly entries = new Map<string, Promise<LoadedEntry>>();

  constructor(private readonly o: WorkerOptions) {}

  async acquire(d: ExplainJobData): Promise<LoadedEntry> {
    const key = JSON.stringify([d.model, d.digests, wantedBatch(d.settings), d.settings.batchSize ?? null]);
    let pending = this.entries.get(key);
    if (pending) {
      const ready = await pending.catch(() => undefined);
      if (!ready || ready.broken) {
        this.entries.delete(key);
        pending = undefined;
        if (ready && ready.users === 0) await ready.run.model.dispose();
      }
    }
    if (!pending) {
      pending = this.load(d);
      this.entries.set(key, pending);
      pending.catch(() => this.entries.delete(key));
    } else {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, pending);
    }
    const entry = await pending;
    entry.users++;
    await this.evict();
    return entry;
  }

  release(entry: LoadedEntry): void {
    entry.users--;
  }

  private async load(d: ExplainJobData): Promise<LoadedEntry> {
    // The model must be the very files that were submitted: another copy would give other maps.
    const local = await digestsOf(specFiles(d.model)).catch((error: unknown) => {
      throw new Error(`the model's files cannot be read on this worker: ${oneLine(error)}`);
    });
    for (const [file, digest] of Object.entries(d.digests)) {
      if (local[file] !== digest) throw new Error(`${file}: differs on this worker from the submitted file (sha256 ${local[file]?.slice(0, 12)}... here, ${digest.slice(0, 12)}... submitted)`);
    }
    const choice = await chooseModelOf(d.model, 'worker');
    const run = await loadModelRun({
      choice,
      runtime: this.o.runtime,
      budget: this.o.budget,
      batch: wantedBatch(d.settings),
      batchGiven: d.settings.batchSize !== undefined,
      ...(d.settings.batchSize === undefined ? {} : { batchOption: d.settings.batchSize }),
      gradients: true,
      command: 'worker',
      threads: this.o.threads,
    });
    return { run, inputSize: choice.inputSize, batch: run.plan.batch, runBytes: run.plan.bytes, users: 0, broken: false };
  }

  private async evict(): Promise<void> {
    for (const [key, pending] of this.entries) {
      if (this.entries.size <= MODELS_KEPT) return;
      const entry = await pending.catch(() => undefined);
      if (entry && entry.users > 0) continue;
      this.entries.delete(key);
      await entry?.run.model.dispose();
    }
  }

  async disposeAll(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const p of all) await (await p.catch(() => undefined))?.run.model.dispose();
  }
}

/** Thrown at a job's next step once the worker is stopping: the job goes back to the queue. */
class JobReturned extends Error {}

export async function runWorker(o: WorkerOptions): Promise<number> {
  const id = o.name ?? `${hostname()}-${process.pid}`;
  const host = hostname();
  // Redis first: a wrong URL is one line before anything loads.
  const client = await connectOnce(o.fleet);
  client.disconnect();

  await setupRuntimes();
  const { info } = await resolveRuntime(o.runtime.runtime, { backend: o.runtime.backend, ...(o.threads ? { threads: o.threads } : {}) });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`worker ${id} on ${host}: runtime ${describe(info)}, concurrency ${o.concurrency}, queue ${o.fleet.queue} at ${o.fleet.shown}`);

  const registry = new Redis(clientOptions(o.fleet, { maxRetriesPerRequest: 3 }));
  const subscriber = new Redis(clientOptions(o.fleet));
  let redisProblem = '';
  const onRedisError = (error: Error) => {
    const text = oneLine(unreachable(o.fleet, error));
    if (text !== redisProblem) process.stderr.write(`warning: ${(redisProblem = text)}\n`);
  };
  registry.on('error', onRedisError);
  subscriber.on('error', onRedisError);

  const models = new ModelCache(o);
  const startedAt = new Date();
  const stats = { completed: 0, failed: 0, maps: 0 };
  const recent: Array<{ at: number; maps: number }> = [];
  const active = new Set<string>();
  let stopping = false;
  let returned = 0;

  const rate = () => {
    const now = Date.now();
    while (recent.length && now - recent[0].at > 60_000) recent.shift();
    const span = Math.min(60, Math.max(1, (now - startedAt.getTime()) / 1000));
    return Math.round((recent.reduce((n, r) => n + r.maps, 0) / span) * 1000) / 1000;
  };
  const report = (): WorkerReport => ({
    id,
    host,
    pid: process.pid,
    runtime: info.name,
    backend: info.backend,
    device: info.device,
    ...(info.threads ? { threads: info.threads } : {}),
    concurrency: o.concurrency,
    startedAt: startedAt.toISOString(),
    ...stats,
    mapsPerSecond: rate(),
    active: [...active],
    ...(stopping ? { stopping: true } : {}),
  });
  const heartbeat = () => publishWorker(registry, o.fleet, report()).catch(() => undefined);

  const processor = async (job: Job<ExplainJobData, ExplainJobResult>, token?: string, signal?: AbortSignal): Promise<ExplainJobResult> => {
    const started = performance.now();
    const d = job.data;
    const jobId = job.id ?? d.stem;
    active.add(jobId);
    const checkpoint = () => {
      if (stopping || signal?.aborted) throw new JobReturned();
    };
    let entry: LoadedEntry | undefined;
    let staged: StagedOutputs | undefined;
    try {
      if (d?.version !== 1) throw new UnrecoverableError(`job ${jobId}: not a job this worker knows (version ${String(d?.version)})`);
      checkpoint();
      await checkSharedPaths(d);
      entry = await models.acquire(d);
      checkpoint();
      const settings: ExplainSettings = { ...d.settings, out: d.out, saveRaw: true, batchSize: entry.batch };
      const read: ReadOptions = {
        stem: d.stem,
        memory: { budget: o.budget, runBytes: entry.runBytes, bytesPerPixel: IMAGE_BYTES_PER_PIXEL.explain(settings.methods.length) },
      };
      // The runtime reports progress between IG and SmoothGrad batches: a stop returns the job there.
      const progress: Progress = { start: checkpoint, update: checkpoint, done() {} };
      staged = new StagedOutputs(d.out, jobId);
      await staged.open();
      let image;
      try {
        image = await explainImageFile(d.image, entry.run.model, entry.inputSize, settings, staged, read, progress);
      } catch (error) {
        if (stopping || signal?.aborted) throw new JobReturned();
        if (isFatal(error)) {
          entry.broken = true;
          throw error;
        }
        if (error instanceof ImageError) throw new UnrecoverableError(oneLine(error));
        throw error;
      }
      checkpoint();
      const files = await staged.publish();
      staged = undefined;
      const result: ExplainJobResult = {
        image: d.image,
        stem: d.stem,
        files,
        worker: id,
        host,
        runtime: info.name,
        backend: info.backend,
        device: info.device,
        milliseconds: Math.round(performance.now() - started),
        methods: image.methods.map((m) => ({ method: m.method, milliseconds: m.milliseconds })),
      };
      return result;
    } catch (error) {
      await staged?.discard();
      if (error instanceof JobReturned) {
        // Back to the queue without counting an attempt; another worker (or this one, restarted) takes it.
        await job.moveToWait(token);
        returned++;
        throw new WaitingError();
      }
      throw error;
    } finally {
      if (entry) models.release(entry);
      active.delete(jobId);
    }
  };

  const worker = new Worker<ExplainJobData, ExplainJobResult>(o.fleet.queue, processor, {
    connection: o.fleet.connection,
    prefix: KEY_PREFIX,
    name: id,
    concurrency: o.concurrency,
    lockDuration: o.lockSeconds * 1000,
    stalledInterval: o.lockSeconds * 1000,
    maxStalledCount: MAX_STALLED_COUNT,
    drainDelay: 2,
    autorun: false,
  });
  worker.on('error', (error) => onRedisError(error));
  worker.on('completed', (job, result) => {
    stats.completed++;
    const maps = result?.methods?.length ?? 0;
    stats.maps += maps;
    recent.push({ at: Date.now(), maps });
  });
  worker.on('failed', (job, error) => {
    if (!job || error instanceof WaitingError || error?.name === 'WaitingError') return;
    const final = error instanceof UnrecoverableError || error?.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) stats.failed++;
    const attempts = `attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1}`;
    process.stderr.write(`${final ? 'error' : 'warning'}: ${job.data?.image ?? job.id}: ${oneLine(error)} (${attempts}${final ? '' : ', retried later'})\n`);
  });

  // Fleet benchmarks: between jobs, the same benchmark as every other worker.
  let benching: Promise<void> = Promise.resolve();
  await subscriber.subscribe(benchChannel(o.fleet)).catch((error: unknown) => onRedisError(error as Error));
  subscriber.on('message', (_channel: string, text: string) => {
    let request: BenchRequest;
    try {
      request = JSON.parse(text) as BenchRequest;
    } catch {
      return;
    }
    benching = benching.then(() => runBench(request));
  });
  const runBench = async (request: BenchRequest): Promise<void> => {
    if (stopping) return;
    let answer: BenchAnswer = { worker: id, host };
    await worker.pause();
    try {
      const choice = await chooseModelOf(request.model, 'worker');
      const input = await benchmarkInput(request.image, choice.inputSize);
      const lines = await benchmarkRuntime({ choice, input, runtime: o.runtime, budget: o.budget, methods: request.methods, batch: request.batch, repeat: request.repeat, warmup: request.warmup, steps: request.steps, samples: request.samples, target: request.target, threads: o.threads, command: 'worker' });
      const first = lines[0];
      answer = {
        ...answer,
        runtime: first?.runtime,
        backend: first?.backend,
        device: first?.device,
        ...(first?.threads ? { threads: first.threads } : {}),
        batch: first?.batch,
        forwardMs: first?.forwardMs,
        msPerMap: Object.fromEntries(lines.map((l) => [l.method, l.msPerMap])),
      };
    } catch (error) {
      answer.error = oneLine(error);
    } finally {
      if (!stopping) worker.resume();
    }
    const key = benchAnswers(o.fleet, request.id);
    await registry.multi().rpush(key, JSON.stringify(answer)).expire(key, 600).exec().catch(() => undefined);
    say(`bench ${request.id}: ${answer.error ? `failed: ${answer.error}` : Object.entries(answer.msPerMap ?? {}).map(([m, ms]) => `${m} ${ms} ms/map`).join(', ')}`);
  };

  await heartbeat();
  const beat = setInterval(() => void heartbeat(), HEARTBEAT_MS);
  let lastLine = { completed: 0, failed: 0 };
  const lines =
    o.reportSeconds > 0
      ? setInterval(() => {
          if (stats.completed === lastLine.completed && stats.failed === lastLine.failed) return;
          lastLine = { ...stats };
          say(`worker ${id}: ${stats.completed} image(s) done, ${stats.failed} failed, ${stats.maps} maps; ${rate()} maps/s over the last minute`);
        }, o.reportSeconds * 1000)
      : undefined;

  const shutdown = async (signal: HandledSignal): Promise<string> => {
    stopping = true;
    clearInterval(beat);
    if (lines) clearInterval(lines);
    const held = active.size;
    worker.cancelAllJobs(signal);
    await worker.close();
    await benching.catch(() => undefined);
    await removeWorker(registry, o.fleet, id).catch(() => undefined);
    registry.disconnect();
    subscriber.disconnect();
    await models.disposeAll();
    const back = returned ? `${returned} job(s) returned to the queue` : held ? 'its job(s) finished' : 'no job in progress';
    return `worker ${id} stopped: ${stats.completed} image(s) done, ${stats.failed} failed; ${back}`;
  };

  // Only a signal closes the worker (run() also returns while a benchmark pauses it).
  const closed = new Promise<void>((resolve) => worker.once('closed', () => resolve()));
  return withInterruptHandler(shutdown, async () => {
    worker.run().catch((error: unknown) => onRedisError(error as Error));
    await closed;
    return interruption() ? 0 : 1;
  });
}

/**
 * The job's folder and image must be the submitter's, seen through a shared mount. Missing
 * here is this machine's problem, not the image's: a retryable error (another worker, or this
 * one once the share is mounted, can do the job), and the folder is never created here (the
 * files would land on this machine's own disk).
 */
async function checkSharedPaths(d: ExplainJobData): Promise<void> {
  const folder = await stat(d.out).catch(() => undefined);
  if (!folder?.isDirectory()) throw new Error(`${d.out}: the output folder is not there on this worker (is the shared folder mounted?)`);
  await prepareOutputFolder(d.out);
  if (!(await stat(d.image).catch(() => undefined))) throw new Error(`${d.image}: not found on this worker (is the shared folder mounted?)`);
}

function describe(info: RuntimeInfo): string {
  return `${info.name} (${info.backend} on ${info.device}${info.threads ? `, ${info.threads} thread(s)` : ''})`;
}

