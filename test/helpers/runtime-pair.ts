/**
 * The differential tests' two runtimes on one graph: the onnx runtime (one thread, so its
 * summation order is fixed) and tfjs on each CPU backend, loaded before a describe block's
 * tests and disposed after them.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Graph, LoadedModel } from '@yolo-saliency/core';
import { createOnnxRuntime } from '@yolo-saliency/runtime-onnx';
import { createTfjsRuntime } from '@yolo-saliency/runtime-tfjs';

export const TFJS_CPU_BACKENDS = ['wasm', 'cpu'] as const;
export type TfjsCpuBackend = (typeof TFJS_CPU_BACKENDS)[number];

export interface RuntimePair {
  onnx: LoadedModel;
  tfjs: Record<TfjsCpuBackend, LoadedModel>;
}

/** Call inside a describe block: the returned object is filled by its beforeAll. */
export function useRuntimePair(graph: Graph, size: number): RuntimePair {
  const pair = { tfjs: {} } as RuntimePair;
  beforeAll(async () => {
    pair.onnx = await createOnnxRuntime().load(graph, { inputSize: [size, size], threads: 1 });
    for (const backend of TFJS_CPU_BACKENDS) pair.tfjs[backend] = await createTfjsRuntime().load(graph, { backend, inputSize: [size, size] });
  });
  afterAll(async () => {
    await pair.onnx?.dispose();
    for (const m of Object.values(pair.tfjs)) await m?.dispose();
  });
  return pair;
}
