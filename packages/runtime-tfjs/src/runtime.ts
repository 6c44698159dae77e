/** The tfjs Runtime and its registration in core's registry. */
import * as tf from '@tensorflow/tfjs-core';
import { checkInputSize, registerRuntime } from '@yolo-saliency/core';
import { checkMaxBatchPerCall } from '@yolo-saliency/core/runtime';
import type { Graph, LoadOptions, LoadedModel, Runtime, RuntimeInfo } from '@yolo-saliency/core';
import { selectTfjsBackend } from './backends.js';
import { makeExecutionPlan } from './execution-plan.js';
import { TfjsLoadedModel } from './model.js';
import { uploadWeights } from './weights.js';

export const TFJS_RUNTIME_NAME = 'tfjs';

async function resolve(options?: LoadOptions): Promise<{ info: RuntimeInfo; tfjsName: string }> {
  const selected = await selectTfjsBackend(options?.backend ?? 'auto', options?.threads);
  return {
    tfjsName: selected.tfjsName,
    info: { name: TFJS_RUNTIME_NAME, backend: selected.name, device: selected.device, threads: selected.threads, notes: selected.notes },
  };
}

export function createTfjsRuntime(): Runtime {
  return {
    name: TFJS_RUNTIME_NAME,
    async init(options?: LoadOptions): Promise<RuntimeInfo> {
      return (await resolve(options)).info;
    },
    async load(graph: Graph, options?: LoadOptions): Promise<LoadedModel> {
      const { info, tfjsName } = await resolve(options);
      const inputSize = options?.inputSize ?? graph.inputSize;
      checkInputSize(graph, inputSize);
      const plan = makeExecutionPlan(graph, inputSize);
      // Weights live on the backend active now (the one just selected).
      if (tf.getBackend() !== tfjsName) await tf.setBackend(tfjsName);
      const maxBatch = checkMaxBatchPerCall(options?.maxBatchPerCall, 'tfjs');
      return new TfjsLoadedModel(plan, uploadWeights(graph), info, tfjsName, maxBatch);
    },
  };
}

/** Make the tfjs runtime available to core's `resolveRuntime` ('tfjs' or 'auto'). */
export function registerTfjsRuntime(priority = 10): void {
  registerRuntime(TFJS_RUNTIME_NAME, priority, createTfjsRuntime);
}
