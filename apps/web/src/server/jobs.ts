/**
 * The job queue: at most `maxRunningJobs` jobs compute at once (one per compute process), the
 * rest wait and are told their place. The next job to start is the oldest of the session with
 * the fewest jobs running and, among those, the one served longest ago: sessions take turns,
 * so one user's long list never holds up another user's first job.
 */
import { randomUUID } from 'node:crypto';
import type { JobEvent, JobProgress, JobState, JobStatus } from '../shared/api.js';
import type { ComputePool } from './compute-pool.js';
import { TaskError } from './compute-pool.js';
import type { ComputeTask, TaskOutput } from './compute-protocol.js';
import { HttpError } from './http-error.js';

export interface Job<R = unknown> {
  id: string;
  session: string;
  kind: string;
  state: JobState;
  task: ComputeTask;
  progress?: JobProgress;
  result?: R;
  error?: string;
  createdAt: number;
  finishedAt?: number;
  /** Resolves when the job is done, failed or cancelled (never rejects). */
  settled: Promise<void>;
}

interface JobInternal<R> extends Job<R> {
  convert: (output: TaskOutput, id: string) => R;
  listeners: Set<(event: JobEvent) => void>;
  cancel?: () => void;
  markSettled: () => void;
  /** Listed in GET /api/jobs/:id (detect, explain), or internal (model checks). */
  visible: boolean;
}

export interface QueueLimits {
  maxRunningJobs: number;
  maxQueuedJobs: number;
  maxJobsPerSession: number;
  resultTtlMs: number;
  maxResultsPerSession: number;
}

export class JobQueue {
  private readonly jobs = new Map<string, JobInternal<unknown>>();
  private readonly queued: JobInternal<unknown>[] = [];
  private running = 0;
  /** When each session last had a job started (a counter): the least recently served goes next. */
  private readonly lastStart = new Map<string, number>();
  private starts = 0;

  constructor(
    private readonly pool: ComputePool,
    private readonly limits: QueueLimits,
  ) {
    pool.onAvailable = () => {
      this.pump();
      this.announcePositions();
    };
  }

  get counts(): { running: number; queued: number } {
    return { running: this.running, queued: this.queued.length };
  }

  /** Queue a task. Throws HttpError 503 (queue full) or 429 (this session has too many). */
  submit<R>(session: string, kind: string, task: ComputeTask, convert: (output: TaskOutput, id: string) => R, visible = true): Job<R> {
    if (this.queued.length >= this.limits.maxQueuedJobs) throw new HttpError(503, `the server is busy: ${this.queued.length} jobs are waiting; try again shortly`);
    const mine = [...this.jobs.values()].filter((j) => j.session === session && (j.state === 'queued' || j.state === 'running')).length;
    if (mine >= this.limits.maxJobsPerSession) throw new HttpError(429, `you already have ${mine} jobs queued or running; wait for them or cancel some`);
    let markSettled!: () => void;
    const job: JobInternal<R> = {
      id: randomUUID(),
      session,
      kind,
      state: 'queued',
      task,
      createdAt: Date.now(),
      settled: new Promise<void>((r) => (markSettled = r)),
      markSettled,
      convert,
      listeners: new Set(),
      visible,
    };
    this.jobs.set(job.id, job as JobInternal<unknown>);
    this.queued.push(job as JobInternal<unknown>);
    this.pump();
    this.announcePositions();
    this.expire();
    return job;
  }

  get(id: string, session?: string): Job | undefined {
    const job = this.jobs.get(id);
    if (!job || !job.visible) return undefined;
    // Jobs are per session: another session's id is as good as unknown.
    if (session !== undefined && job.session !== session) return undefined;
    return job;
  }

  position(job: Job): number | undefined {
    const at = this.queued.indexOf(job as JobInternal<unknown>);
    return at >= 0 ? at + 1 : undefined;
  }

  status(job: Job): JobStatus {
    const position = this.position(job);
    return {
      id: job.id,
      kind: job.kind as JobStatus['kind'],
      state: job.state,
      ...(position ? { position } : {}),
      ...(job.progress ? { progress: job.progress } : {}),
      ...(job.error ? { error: job.error } : {}),
    };
  }

  /** Events from now on; returns the unsubscribe function. */
  subscribe(job: Job, listener: (event: JobEvent) => void): () => void {
    const internal = job as JobInternal<unknown>;
    internal.listeners.add(listener);
    return () => internal.listeners.delete(listener);
  }

  cancel(job: Job): void {
    const internal = job as JobInternal<unknown>;
    if (internal.state === 'queued') {
      this.queued.splice(this.queued.indexOf(internal), 1);
      this.settle(internal, 'cancelled');
      this.announcePositions();
    } else if (internal.state === 'running') {
      internal.cancel?.();
    }
  }

  /** Forget a finished job (its maps go with it); cancels it first when it is not finished. */
  remove(job: Job): void {
    this.cancel(job);
    if (job.state !== 'running') this.jobs.delete(job.id);
    else void job.settled.then(() => this.jobs.delete(job.id));
  }

  /** Drop every job of a session (it expired). */
  removeSession(session: string): void {
    for (const job of [...this.jobs.values()]) if (job.session === session) this.remove(job);
    this.lastStart.delete(session);
  }

  private emit(job: JobInternal<unknown>, event: JobEvent): void {
    for (const listener of job.listeners) listener(event);
  }

  private announcePositions(): void {
    this.queued.forEach((job, k) => this.emit(job, { type: 'queued', position: k + 1 }));
  }

  private next(): JobInternal<unknown> | undefined {
    if (this.queued.length === 0) return undefined;
    const runningBySession = new Map<string, number>();
    for (const job of this.jobs.values()) if (job.state === 'running') runningBySession.set(job.session, (runningBySession.get(job.session) ?? 0) + 1);
    // Fewest running first, then the session served longest ago, then the oldest job.
    const rank = (job: JobInternal<unknown>): [number, number] => [runningBySession.get(job.session) ?? 0, this.lastStart.get(job.session) ?? 0];
    let best = 0;
    for (let k = 1; k < this.queued.length; k++) {
      const [running, served] = rank(this.queued[k]);
      const [bestRunning, bestServed] = rank(this.queued[best]);
      if (running < bestRunning || (running === bestRunning && served < bestServed)) best = k;
    }
    return this.queued.splice(best, 1)[0];
  }

  private pump(): void {
    while (this.running < this.limits.maxRunningJobs && this.pool.idle > 0) {
      const job = this.next();
      if (!job) return;
      this.start(job);
    }
  }

  private start(job: JobInternal<unknown>): void {
    this.running++;
    this.lastStart.set(job.session, ++this.starts);
    job.state = 'running';
    this.emit(job, { type: 'started' });
    const { result, cancel } = this.pool.run(job.task, (method, done, total) => {
      job.progress = { method, done, total };
      this.emit(job, { type: 'progress', method, done, total });
    });
    job.cancel = cancel;
    result.then(
      (output) => {
        try {
          job.result = job.convert(output, job.id);
          this.settle(job, 'done');
        } catch (error) {
          job.error = error instanceof Error ? error.message : String(error);
          this.settle(job, 'failed');
        }
      },
      (error: unknown) => {
        const cancelled = error instanceof TaskError && error.cancelled;
        if (!cancelled) job.error = error instanceof Error ? error.message : String(error);
        this.settle(job, cancelled ? 'cancelled' : 'failed');
      },
    ).finally(() => {
      this.running--;
      this.pump();
      this.announcePositions();
    });
  }

  private settle(job: JobInternal<unknown>, state: 'done' | 'failed' | 'cancelled'): void {
    job.state = state;
    job.finishedAt = Date.now();
    job.cancel = undefined;
    job.task = { type: 'runtimes' }; // drop the request's paths and options
    if (state === 'done') this.emit(job, { type: 'done', result: job.result as never });
    else if (state === 'failed') this.emit(job, { type: 'failed', error: job.error ?? 'failed' });
    else this.emit(job, { type: 'cancelled' });
    job.listeners.clear();
    job.markSettled();
    if (!job.visible) this.jobs.delete(job.id);
  }

  /** Finished jobs go after resultTtlMs, and beyond maxResultsPerSession per session. */
  expire(now = Date.now()): void {
    const finished = new Map<string, JobInternal<unknown>[]>();
    for (const job of this.jobs.values()) {
      if (job.finishedAt === undefined) continue;
      if (now - job.finishedAt > this.limits.resultTtlMs) {
        this.jobs.delete(job.id);
        continue;
      }
      finished.set(job.session, [...(finished.get(job.session) ?? []), job]);
    }
    for (const list of finished.values()) {
      list.sort((a, b) => b.finishedAt! - a.finishedAt!);
      for (const job of list.slice(this.limits.maxResultsPerSession)) this.jobs.delete(job.id);
    }
  }
}
