/**
 * Messages between the server and its compute processes. A compute process loads models into
 * a runtime and explains; the server only queues, streams and serves. Paths in these messages
 * are the server's own (bundled files, or files it stored under names it made).
 */
import type { MethodName } from '@yolo-saliency/core';
import type { RuntimesResponse } from '../shared/api.js';
import type { ModelComputation } from '../shared/model-computation.js';

export interface ModelRef {
  /** Cache key: the same key always means the same files. */
  key: string;
  files: { model: string; weights?: string; names?: string };
}

export interface InspectedModel {
  format: 'darknet' | 'keras' | 'onnx';
  trained: boolean;
  classNames: string[];
  inputSize: [number, number];
  description: string;
}

export type ComputeTask =
  | { type: 'runtimes' }
  | { type: 'inspect-model'; model: ModelRef }
  | { type: 'detect'; model: ModelRef; imagePath: string; runtime: string; backend?: string }
  | {
      type: 'explain';
      model: ModelRef;
      imagePath: string;
      runtime: string;
      backend?: string;
      target: string;
      methods: MethodName[];
      steps?: number;
      samples?: number;
      noise?: number;
    };

/** A detect or explain task's answer: the JSON the page reads, the same as the browser's worker gives. */
export type { ComputedMap, ModelComputation as ComputeResult } from '../shared/model-computation.js';

export type TaskOutput = ModelComputation | InspectedModel | RuntimesResponse;

export type ToCompute = { type: 'run'; id: number; task: ComputeTask } | { type: 'cancel'; id: number };

export type FromCompute =
  | { type: 'ready' }
  /** Sent before its last answer by a process that will exit (its HDF5 reader is damaged). */
  | { type: 'retiring'; reason: string }
  | { type: 'progress'; id: number; method: string; done: number; total: number }
  | { type: 'result'; id: number; output: TaskOutput }
  | { type: 'error'; id: number; message: string; cancelled?: boolean };
