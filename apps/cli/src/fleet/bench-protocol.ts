/**
 * `queue bench` asks every live worker to run the same benchmark: it publishes one request on
 * `yolo-saliency:<queue>:bench` and each worker pushes its answer to the request's own list.
 */
import type { MethodName } from '@yolo-saliency/core';
import type { ModelSpec } from '../model-spec.js';
import { fleetKey, type Fleet } from './fleet-options.js';

export interface BenchRequest {
  id: string;
  model: ModelSpec;
  /** The image to time on (the requester's path; a worker without it times a smooth pattern). */
  image: string;
  methods: MethodName[];
  repeat: number;
  warmup: number;
  steps?: number;
  samples?: number;
  batch?: number;
  target: string;
}

export interface BenchAnswer {
  worker: string;
  host: string;
  runtime?: string;
  backend?: string;
  device?: string;
  threads?: number;
  batch?: number;
  forwardMs?: number;
  /** Median milliseconds per map, by method. */
  msPerMap?: Partial<Record<MethodName, number>>;
  error?: string;
}

export const benchChannel = (fleet: Fleet) => fleetKey(fleet, 'bench');
export const benchAnswers = (fleet: Fleet, id: string) => fleetKey(fleet, 'bench', id);
