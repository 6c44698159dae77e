/**
 * A fixed number of compute processes, each running one task at a time. A process that
 * crashes, overruns its time or ignores a cancel is killed and replaced; the task gets a
 * one-line reason and the server goes on.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ComputeTask, FromCompute, TaskOutput, ToCompute } from './compute-protocol.js';

export class TaskError extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
  ) {
    super(message);
  }
}

interface Running {
  id: number;
  resolve(output: TaskOutput): void;
  reject(error: TaskError): void;
  onProgress?: (method: string, done: number, total: number) => void;
  timer: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  running?: Running;
  /** Killed, waiting for its exit to be replaced: takes no task. */
  dead?: boolean;
}

/** A cancel waits this long for the task to stop between batches, then kills the process. */
const CANCEL_GRACE_MS = 1500;

/** The compiled compute process: beside this file in dist/, or dist/'s when run from src/. */
export function computeWorkerScript(): string {
  const here = fileURLToPath(import.meta.url);
  const script = here.endsWith('.ts') ? fileURLToPath(new URL('../../dist/server/compute-worker.js', import.meta.url)) : here.replace(/compute-pool\.js$/, 'compute-worker.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: build the web app first (pnpm --filter @yolo-saliency/web build)`);
  return script;
}

export class ComputePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  /** Called when a replacement process can take a task (the queue starts its next job). */
  onAvailable?: () => void;

  constructor(
    readonly size: number,
    private readonly options: { timeoutMs: number; log?: (line: string) => void; script?: string },
  ) {
    const script = options.script ?? computeWorkerScript();
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(script));
  }

  private spawn(script: string): Slot {
    // Not the parent's execArgv (a test runner's loaders): a plain Node process.
    // The cores are shared out between the processes, so N jobs at once do not fight for them.
    const threads = String(Math.max(1, Math.floor(availableParallelism() / Math.max(1, this.size))));
    const child = fork(script, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: [],
      env: { ...process.env, YS_COMPUTE_THREADS: threads },
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => this.options.log?.(`compute ${child.pid}: ${text.trimEnd()}`));
    let markReady!: () => void;
    const slot: Slot = { child, ready: new Promise<void>((r) => (markReady = r)) };
    child.on('message', (message: FromCompute) => {
      if (message.type === 'ready') return markReady();
      if (message.type === 'retiring') {
        // It answers its task, then exits: take no new task; 'exit' replaces it.
        slot.dead = true;
        this.options.log?.(`compute ${child.pid} retires: ${message.reason}`);
        return;
      }
      const running = slot.running;
      if (!running || message.id !== running.id) return;
      if (message.type === 'progress') running.onProgress?.(message.method, message.done, message.total);
      else if (message.type === 'result') this.finish(slot, () => running.resolve(message.output));
      else if (message.type === 'error') this.finish(slot, () => running.reject(new TaskError(message.message, !!message.cancelled)));
    });
    child.on('exit', (code, signal) => {
      const running = slot.running;
      if (running) this.finish(slot, () => running.reject(new TaskError(`the compute process stopped (${signal ?? `exit code ${code}`}) before finishing: the model or image may be too large for this server`)));
      if (!this.closed) {
        const index = this.slots.indexOf(slot);
        if (index >= 0) this.slots[index] = this.spawn(script);
        this.onAvailable?.();
      }
    });
    child.on('error', (error) => this.options.log?.(`compute process error: ${error.message}`));
    return slot;
  }

  private finish(slot: Slot, settle: () => void): void {
    const running = slot.running;
    if (!running) return;
    clearTimeout(running.timer);
    clearTimeout(running.killTimer);
    slot.running = undefined;
    settle();
  }

  /** Free processes now. */
  get idle(): number {
    return this.slots.filter((s) => !s.running && !s.dead).length;
  }

  private kill(slot: Slot): void {
    slot.dead = true;
    slot.child.kill('SIGKILL');
  }

  /**
   * Run a task on a free process (the caller makes sure one is free). `cancel()` asks the
   * task to stop and kills its process if it has not within a moment.
   */
  run(task: ComputeTask, onProgress?: (method: string, done: number, total: number) => void): { result: Promise<TaskOutput>; cancel(): void } {
    const slot = this.slots.find((s) => !s.running && !s.dead);
    if (!slot || this.closed) return { result: Promise.reject(new TaskError(this.closed ? 'the server is shutting down' : 'no free compute process')), cancel() {} };
    const id = this.nextId++;
    const result = new Promise<TaskOutput>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (slot.running?.id !== id) return;
        this.kill(slot);
        this.finish(slot, () => reject(new TaskError(`the job took longer than ${Math.round(this.options.timeoutMs / 1000)} s and was stopped`)));
      }, this.options.timeoutMs);
      slot.running = { id, resolve, reject, onProgress, timer };
    });
    void slot.ready.then(() => {
      if (slot.running?.id === id) slot.child.send({ type: 'run', id, task } satisfies ToCompute);
    });
    const cancel = () => {
      const running = slot.running;
      if (running?.id !== id) return;
      if (slot.child.connected) slot.child.send({ type: 'cancel', id } satisfies ToCompute);
      running.killTimer ??= setTimeout(() => {
        if (slot.running?.id !== id) return;
        this.kill(slot);
        this.finish(slot, () => running.reject(new TaskError('cancelled', true)));
      }, CANCEL_GRACE_MS);
    };
    return { result, cancel };
  }

  /** Resident memory of the compute processes in MiB (Linux; undefined elsewhere). */
  async residentMb(): Promise<number | undefined> {
    let total = 0;
    for (const slot of this.slots) {
      try {
        const status = await readFile(`/proc/${slot.child.pid}/status`, 'utf8');
        total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      } catch {
        return undefined;
      }
    }
    return Math.round(total * 10) / 10;
  }

  /** Stop every process (running tasks are rejected). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            if (slot.child.exitCode !== null || slot.child.signalCode !== null) return resolve();
            slot.child.once('exit', () => resolve());
            slot.child.kill('SIGKILL');
          }),
      ),
    );
  }
}
