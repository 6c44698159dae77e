/**
 * The JSON the server and the page exchange, in one place (the route schemas in
 * server/schemas.ts describe the same shapes for validation and OpenAPI).
 */
import type { Letterbox, MethodName, Quantity } from '@yolo-saliency/core';

export type { Letterbox, MethodName, Quantity };

export const QUANTITY_NAMES: readonly Quantity[] = ['score', 'objectness', 'class', 'logit', 'x', 'y', 'w', 'h'];

/** Where a map was computed. */
export type ComputePlace = 'server' | 'browser';

export interface ModelInfo {
  id: string;
  title: string;
  source: 'bundled' | 'upload';
  format: 'darknet' | 'keras' | 'onnx';
  /** False for seeded (untrained) weights: detections are then meaningless. */
  trained: boolean;
  classNames: string[];
  /** [height, width] */
  inputSize: [number, number];
  description: string;
  /** The files this model is made of, by role, with the names the page shows. */
  files: Array<{ role: ModelFileRole; name: string; bytes: number }>;
  /** The bundled image it opens on (bundled models only). */
  image?: string;
}

export type ModelFileRole = 'model' | 'weights' | 'names';

export interface ImageInfo {
  id: string;
  title: string;
  source: 'bundled' | 'upload';
  width: number;
  height: number;
}

export interface CatalogResponse {
  models: ModelInfo[];
  images: ImageInfo[];
  defaultModel: string;
  defaultImage: string;
}

export interface RuntimeChoice {
  /** 'auto' or a runtime name from the server's list. */
  runtime: string;
  /** A backend within that runtime, or 'auto'. */
  backend: string;
}

export interface RuntimesResponse {
  runtimes: Array<{
    name: string;
    available: boolean;
    reason?: string;
    backend?: string;
    device?: string;
    notes: string[];
    backends: Array<{ name: string; available: boolean; reason?: string }>;
  }>;
  auto: { runtime: string; backend: string; device: string } | { error: string };
}

export interface JobRequest {
  kind: 'detect' | 'explain';
  model: string;
  image: string;
  runtime?: string;
  backend?: string;
  /** explain only: */
  target?: string;
  methods?: MethodName[];
  steps?: number;
  samples?: number;
  noise?: number;
  /** Return the maps inside the JSON (base64 float32, little-endian) instead of as .npy links. */
  inlineMaps?: boolean;
}

export interface DetectionJson {
  /** Index in the detection list (what `det:K` names). */
  index: number;
  className: string;
  classIndex: number;
  score: number;
  objectness: number;
  /** [x1, y1, x2, y2] in image pixels. */
  box: [number, number, number, number];
  cell: { scale: number; anchor: number; y: number; x: number };
}

export interface RuntimeJson {
  name: string;
  backend: string;
  device: string;
  threads?: number;
  notes: string[];
}

export interface MapJson {
  method: MethodName;
  milliseconds: number;
  targetValue: number;
  completenessError?: number;
  /** [H, W, C] at the network input size (C = 3, or 1 for VisualBackProp). */
  dims: number[];
  /** Where the raw map is (server results), or the map itself (inlineMaps). */
  npy?: string;
  data?: string;
}

export interface JobResult {
  kind: 'detect' | 'explain';
  where: ComputePlace;
  runtime: RuntimeJson;
  model: string;
  image: string;
  inputSize: [number, number];
  letterbox: Letterbox;
  detections: DetectionJson[];
  /** explain only: */
  target?: { spec: string; value: number; detection?: DetectionJson };
  maps?: MapJson[];
  /** Whole job on the compute side, in ms (model load included when it was not cached). */
  milliseconds: number;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobProgress {
  method?: string;
  done: number;
  total: number;
}

export interface JobStatus {
  id: string;
  kind: 'detect' | 'explain';
  state: JobState;
  /** 1-based place in the queue while queued. */
  position?: number;
  progress?: JobProgress;
  result?: JobResult;
  error?: string;
}

/** Server-sent events of a job (GET /api/jobs/:id/events): one JSON object per `data:` line. */
export type JobEvent =
  | { type: 'queued'; position: number }
  | { type: 'started' }
  | { type: 'progress'; method?: string; done: number; total: number }
  | { type: 'done'; result: JobResult }
  | { type: 'failed'; error: string }
  | { type: 'cancelled' };

export interface ErrorResponse {
  error: string;
}

/** Format a detection target for the page's choice: detection K and a quantity. */
export function detectionTarget(index: number, quantity: Quantity): string {
  return `det:${index}/${quantity}`;
}
