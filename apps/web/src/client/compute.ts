/**
 * One way for the page to compute, wherever it happens: on the server (a queued job, followed
 * with server-sent events) or in this browser (the compute worker). Both give a Computed:
 * detections, the target, and each method's raw map with its timing and runtime.
 */
import type { MethodName } from '@yolo-saliency/core';
import type { ComputePlace, DetectionJson, JobEvent, JobRequest, JobResult, JobStatus, Letterbox, RuntimeJson } from '../shared/api.js';
import { decodeNpyFloat32, toThreeChannels, type RawMap } from '../shared/raw-map.js';
import type { BrowserTask, FromBrowserWorker } from './browser-protocol.js';

export interface ComputedMap {
  method: MethodName;
  milliseconds: number;
  targetValue: number;
  completenessError?: number;
  raw: RawMap;
}

export interface Computed {
  kind: 'detect' | 'explain';
  where: ComputePlace;
  runtime: RuntimeJson;
  letterbox: Letterbox;
  detections: DetectionJson[];
  target?: { spec: string; value: number; detection?: DetectionJson };
  maps: ComputedMap[];
  milliseconds: number;
  /** The server's job id (for its .npy links). */
  jobId?: string;
}

export interface ComputeStatus {
  where: ComputePlace;
  state: 'queued' | 'running';
  position?: number;
  method?: string;
  done?: number;
  total?: number;
}

export interface Computation {
  done: Promise<Computed>;
  cancel(): void;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export async function apiJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url}: ${response.status} ${response.statusText}`);
  }
  if (!response.ok) throw new Error((body as { error?: string }).error ?? `${response.status} ${response.statusText}`);
  return body as T;
}

export function computeOnServer(request: JobRequest, onStatus: (status: ComputeStatus) => void): Computation {
  let jobId: string | undefined;
  let source: EventSource | undefined;
  let cancelled = false;
  let reject: (error: Error) => void = () => {};
  const done = new Promise<Computed>((resolve, rejectDone) => {
    reject = rejectDone;
    void (async () => {
      const status = await apiJson<JobStatus>('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      jobId = status.id;
      if (cancelled) return void fetch(`/api/jobs/${jobId}`, { method: 'DELETE' });
      onStatus({ where: 'server', state: status.state === 'queued' ? 'queued' : 'running', position: status.position });
      const result = await new Promise<JobResult>((resolveResult, rejectResult) => {
        source = new EventSource(`/api/jobs/${jobId}/events`);
        source.onmessage = (message) => {
          const event = JSON.parse(message.data as string) as JobEvent;
          if (event.type === 'queued') onStatus({ where: 'server', state: 'queued', position: event.position });
          else if (event.type === 'started') onStatus({ where: 'server', state: 'running' });
          else if (event.type === 'progress') onStatus({ where: 'server', state: 'running', method: event.method, done: event.done, total: event.total });
          else {
            source?.close();
            if (event.type === 'done') resolveResult(event.result);
            else if (event.type === 'failed') rejectResult(new Error(event.error));
            else rejectResult(new Cancelled());
          }
        };
        source.onerror = () => {
          // EventSource reconnects by itself after a dropped connection; a closed one is final.
          if (source?.readyState === EventSource.CLOSED) rejectResult(new Error('lost the connection to the server'));
        };
      });
      const maps = await Promise.all(
        (result.maps ?? []).map(async (m): Promise<ComputedMap> => {
          const response = await fetch(m.npy!);
          if (!response.ok) throw new Error(`${m.method}: could not fetch the map (${response.status})`);
          const raw = decodeNpyFloat32(new Uint8Array(await response.arrayBuffer()));
          return { method: m.method, milliseconds: m.milliseconds, targetValue: m.targetValue, completenessError: m.completenessError, raw };
        }),
      );
      resolve({ kind: result.kind, where: 'server', runtime: result.runtime, letterbox: result.letterbox, detections: result.detections, target: result.target, maps, milliseconds: result.milliseconds, jobId });
    })().catch(rejectDone);
  });
  return {
    done,
    cancel() {
      cancelled = true;
      source?.close();
      if (jobId) void fetch(`/api/jobs/${jobId}`, { method: 'DELETE' });
      reject(new Cancelled());
    },
  };
}

/** The page's compute worker; cancelling terminates it and the next task starts a new one. */
let worker: Worker | undefined;
let nextId = 1;

function browserWorker(): Worker {
  worker ??= new Worker(new URL('./browser-worker.ts', import.meta.url), { type: 'module' });
  return worker;
}

export function computeInBrowser(task: BrowserTask, onStatus: (status: ComputeStatus) => void): Computation {
  const id = nextId++;
  const w = browserWorker();
  let reject: (error: Error) => void = () => {};
  const done = new Promise<Computed>((resolve, rejectDone) => {
    reject = rejectDone;
    const listener = (event: MessageEvent<FromBrowserWorker>) => {
      const message = event.data;
      if (message.id !== id) return;
      if (message.type === 'progress') {
        onStatus({ where: 'browser', state: 'running', method: message.method, done: message.done, total: message.total });
        return;
      }
      w.removeEventListener('message', listener);
      if (message.type === 'error') {
        if (message.retire && worker === w) {
          w.terminate();
          worker = undefined;
        }
        return rejectDone(new Error(message.message));
      }
      const r = message.result;
      resolve({
        kind: task.kind,
        where: 'browser',
        runtime: r.runtime,
        letterbox: r.letterbox,
        detections: r.detections,
        target: r.target,
        maps: r.maps.map((m) => ({ method: m.method, milliseconds: m.milliseconds, targetValue: m.targetValue, completenessError: m.completenessError, raw: toThreeChannels({ dims: m.dims, data: m.data }) })),
        milliseconds: r.milliseconds,
      });
    };
    w.addEventListener('message', listener);
    w.onerror = (event) => rejectDone(new Error(`the browser's compute worker failed: ${event.message || 'unknown error'}`));
    onStatus({ where: 'browser', state: 'running' });
    w.postMessage({ id, task });
  });
  return {
    done,
    cancel() {
      if (worker === w) {
        w.terminate();
        worker = undefined;
      }
      reject(new Cancelled());
    },
  };
}
