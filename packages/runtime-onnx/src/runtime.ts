/** The onnx Runtime (onnxruntime-node forward + native addon backward) and its registration. */
import { checkInputSize, registerRuntime } from '@yolo-saliency/core';
import { inferShapes } from '@yolo-saliency/core/graph';
import { checkMaxBatchPerCall } from '@yolo-saliency/core/runtime';
import type { Graph, LoadOptions, LoadedModel, Runtime, RuntimeInfo } from '@yolo-saliency/core';
import type { NativeDevice } from '@yolo-saliency/native';
import { buildSummary } from './backends.js';
import { defaultMaxBatchPerCall } from './batch-chunks.js';
import { loadDependencies, type Dependencies } from './dependencies.js';
import { OnnxLoadedModel } from './model.js';
import { createNativeModel } from './native-model.js';
import { SessionSet } from './sessions.js';

export const ONNX_RUNTIME_NAME = 'onnx';

/** LoadOptions.backend values: where the addon (and, with it, ORT) computes. */
export const ONNX_BACKENDS = ['auto', 'cpu', 'cuda'] as const;

function deviceOption(options: LoadOptions | undefined): NativeDevice {
  const backend = options?.backend ?? 'auto';
  if (!(ONNX_BACKENDS as readonly string[]).includes(backend)) {
    throw new Error(`onnx runtime: unknown backend '${backend}' (auto, cpu or cuda)`);
  }
  return backend as NativeDevice;
}

function threadsOption(deps: Dependencies, options: LoadOptions | undefined): number {
  const threads = options?.threads ?? deps.buildInfo.threads;
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`onnx runtime: threads must be a positive integer, got ${threads}`);
  return threads;
}

/** RuntimeInfo for an addon device ('cpu' or 'cuda:<n>'), its note, and the threads. */
function info(deps: Dependencies, device: string, note: string, threads: number, codePath = deps.buildInfo.cpu.codePath): RuntimeInfo {
  const onGpu = device.startsWith('cuda');
  return {
    name: ONNX_RUNTIME_NAME,
    backend: onGpu ? 'onnxruntime-cuda' : 'onnxruntime-cpu',
    device: onGpu ? `GPU ${device.slice('cuda:'.length)}` : `CPU (${codePath}, ${threads} thread${threads === 1 ? '' : 's'})`,
    threads,
    notes: note ? [buildSummary(deps), note] : [buildSummary(deps)],
  };
}

/** What the runtime will use, before any model is loaded: the addon decides the device. */
function describe(deps: Dependencies, options: LoadOptions | undefined): RuntimeInfo {
  const choice = deps.addon.selectDevice(deviceOption(options));
  if (!choice.ok) throw new Error(`onnx runtime: ${choice.reason}`);
  return info(deps, choice.device, choice.note, threadsOption(deps, options));
}

export function createOnnxRuntime(): Runtime {
  return {
    name: ONNX_RUNTIME_NAME,
    async init(options?: LoadOptions): Promise<RuntimeInfo> {
      // core's registry keeps the first init's outcome for the process: only a missing
      // dependency may fail it. A backend that cannot be used here is refused by load().
      return describe(await loadDependencies(), { threads: options?.threads });
    },
    async load(graph: Graph, options?: LoadOptions): Promise<LoadedModel> {
      const deps = await loadDependencies();
      const device = deviceOption(options);
      const threads = threadsOption(deps, options);
      const inputSize = options?.inputSize ?? graph.inputSize;
      checkInputSize(graph, inputSize);
      const maxBatch = checkMaxBatchPerCall(options?.maxBatchPerCall, 'onnx');
      // The addon alone decides the device ('auto' falls back to the CPU with its note); ORT follows it.
      let native;
      try {
        native = createNativeModel(deps.addon, graph, { inputSize, device, threads });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`onnx runtime: ${message.replace(/^createModel: /, '')}`);
      }
      const loaded = info(deps, native.device, native.deviceNote, native.threads, native.cpuCodePath ?? undefined);
      const onGpu = native.device.startsWith('cuda');
      const sessions = new SessionSet(deps.ort, graph, inputSize, {
        threads,
        providers: onGpu ? ['cuda', 'cpu'] : ['cpu'],
        onFallback: (note) => {
          loaded.notes.push(note);
          loaded.backend = 'onnxruntime-cpu';
        },
      });
      try {
        // The plain session now: a model ONNX Runtime refuses fails at load, not at the first forward.
        await sessions.get('plain');
      } catch (error) {
        native.dispose();
        await sessions.release();
        throw new Error(`onnx runtime: onnxruntime could not load the exported model: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
      }
      return new OnnxLoadedModel(deps.ort, sessions, native, inputSize, loaded, maxBatch ?? defaultMaxBatchPerCall(inferShapes(graph, inputSize)));
    },
  };
}

/** Make the onnx runtime available to core's `resolveRuntime` ('onnx', or 'auto' ahead of tfjs). */
export function registerOnnxRuntime(priority = 20): void {
  registerRuntime(ONNX_RUNTIME_NAME, priority, createOnnxRuntime);
}
