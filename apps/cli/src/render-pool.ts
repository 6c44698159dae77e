/**
 * Threads that draw and write images' files (render-thread.ts) for a streaming run: the write
 * stage of the pipeline, apart from the main thread that decodes and drives the runtime.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Explanation } from '@yolo-saliency/core';
import type { ExplainSettings } from './explain-settings.js';
import type { ImageJson } from './image-explanation.js';
import type { ImageInput } from './image-input.js';
import type { RenderJob, RenderMessage } from './render-thread.js';

interface Pending {
  resolve(result: ImageJson): void;
  reject(error: Error): void;
  /** Files written so far (reported by the thread). */
  files: string[];
  worker: Worker;
}

/**
 * Render threads for this machine: the cores left beside the main thread, 1 to 4, or
 * YOLO_SALIENCY_RENDER_THREADS (0: draw on the main thread).
 */
export function renderThreadCount(): number {
  const env = Number(process.env.YOLO_SALIENCY_RENDER_THREADS);
  if (process.env.YOLO_SALIENCY_RENDER_THREADS && Number.isInteger(env) && env >= 0 && env <= 64) return env;
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export class RenderPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size: number) {
    for (let k = 0; k < size; k++) {
      const worker = new Worker(new URL('./render-thread.js', import.meta.url));
      worker.on('message', (m: RenderMessage) => this.onMessage(m));
      // A thread that dies fails its images and every later one (the pool is then unusable).
      worker.on('error', (error) => this.fail(worker, error));
      worker.on('exit', (code) => this.fail(worker, new Error(`a render thread stopped (exit code ${code})`)));
      this.workers.push(worker);
    }
  }

  /** Draw and write one image's files; `files` lists those written so far. */
  render(prepared: ImageInput, explanation: Explanation, settings: ExplainSettings): { done: Promise<ImageJson>; files: string[] } {
    const files: string[] = [];
    if (this.failure) return { done: Promise.reject(this.failure), files };
    const id = this.nextId++;
    const worker = this.leastBusy();
    const done = new Promise<ImageJson>((resolve, reject) => this.pending.set(id, { resolve, reject, files, worker }));
    // The thread draws on the picture; the network input stays here. Buffers this image owns
    // alone move to the thread instead of being copied (the caller is done with them).
    const { input: _input, ...picture } = prepared;
    const job: RenderJob = { id, prepared: picture, explanation, settings };
    const owned = [picture.picture.data, ...explanation.maps.map((m) => m.map.data)].filter((a) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer).map((a) => a.buffer as ArrayBuffer);
    worker.postMessage(job, [...new Set(owned)]);
    return { done, files };
  }

  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private leastBusy(): Worker {
    const load = new Map(this.workers.map((w) => [w, 0]));
    for (const p of this.pending.values()) load.set(p.worker, (load.get(p.worker) ?? 0) + 1);
    return [...load.entries()].sort((a, b) => a[1] - b[1])[0][0];
  }

  private onMessage(m: RenderMessage): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if ('file' in m) {
      p.files.push(m.file);
      return;
    }
    this.pending.delete(m.id);
    if ('result' in m) p.resolve(m.result as ImageJson);
    else p.reject(Object.assign(new Error(m.error), m.code ? { code: m.code } : {}));
  }

  private fail(worker: Worker, error: Error): void {
    if (!this.workers.includes(worker)) return; // closed on purpose
    this.failure ??= error;
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      p.reject(error);
    }
    this.workers.splice(this.workers.indexOf(worker), 1);
    if (this.workers.length === 0) for (const [id, p] of this.pending) (this.pending.delete(id), p.reject(error));
  }
}
