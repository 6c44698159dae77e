/** Messages between the page and its compute worker (browser-worker.ts). */
import type { MethodName } from '@yolo-saliency/core';
import type { ComputedMap, ModelComputation } from '../shared/model-computation.js';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

export interface BrowserModelFiles {
  model: NamedBytes;
  weights?: NamedBytes;
  names?: NamedBytes;
}

export interface BrowserTask {
  kind: 'detect' | 'explain';
  /** Same key, same files: the worker keeps the model loaded. */
  modelKey: string;
  model: BrowserModelFiles;
  /** RGBA pixels as the browser decoded them. */
  image: { width: number; height: number; data: Uint8ClampedArray };
  /** 'auto', 'webgpu', 'webgl', 'wasm' or 'cpu'. */
  backend: string;
  target: string;
  methods: MethodName[];
  steps?: number;
  samples?: number;
  noise?: number;
}

/** The same JSON as the server's answer (shared/model-computation.ts), with maps always present. */
export type BrowserResult = ModelComputation & { maps: ComputedMap[] };

export type ToBrowserWorker = { id: number; task: BrowserTask };

export type FromBrowserWorker =
  | { type: 'progress'; id: number; method: string; done: number; total: number }
  | { type: 'result'; id: number; result: BrowserResult }
  | { type: 'error'; id: number; message: string; retire?: boolean };
