/** The onnx Runtime (onnxruntime-node forward + native addon backward) and its registration. */
import { checkInputSize, inferShapes, registerRuntime } from '@yolo-saliency/core';
import type { Graph, LoadOptions, LoadedModel, Runtime, RuntimeInfo } from '@yolo-saliency/core';
import { createNativeModel, type NativeDevice } from '@yolo-saliency/native';
import { buildSummary } from './backends.js';
import { maxImagesPerCall } from './batch-chunks.js';
import { loadDependencies, type Dependencies } from './dependencies.js';
import { OnnxLoadedModel } from './model.js';
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

function cpuDevice(deps: Dependencies, threads: number): string {
  return `CPU (${deps.buildInfo.cpu.featuresUsed}, ${threads} thread${threads === 1 ? '' : 's'})`;
}

function threadsOption(deps: Dependencies, options: LoadOptions | undefined): number {
  const threads = options?.threads ?? deps.buildInfo.threads;
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`onnx runtime: threads must be a positive integer, got ${threads}`);
  return threads;
}

/** What the runtime will use, before any model is loaded. */
function describe(deps: Dependencies, options: LoadOptions | undefined): RuntimeInfo {
  const device = deviceOption(options);
  const threads = threadsOption(deps, options);
  const cuda = deps.buildInfo.cuda;
  const gpus = deps.addon.deviceCount();
  const notes: string[] = [buildSummary(deps)];
  if (device === 'cuda' && gpus === 0) {
    throw new Error(
      `onnx runtime: device 'cuda' was asked for, but ${cuda.compiled ? `no CUDA device is usable here (driver: ${cuda.driverVersion || 'none'})` : 'the native addon was built without CUDA'}`,
    );
  }
  const onGpu = device !== 'cpu' && gpus > 0;
  if (device === 'auto' && !onGpu) notes.push(cuda.compiled ? 'no CUDA device is usable here: the addon computes on the CPU' : 'the native addon was built without CUDA: it computes on the CPU');
  return {
    name: ONNX_RUNTIME_NAME,
    backend: onGpu ? 'onnxruntime-cuda' : 'onnxruntime-cpu',
    device: onGpu ? 'GPU 0' : cpuDevice(deps, threads),
    threads,
    notes,
  };
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
      const planned = describe(deps, options);
      const inputSize = options?.inputSize ?? graph.inputSize;
      checkInputSize(graph, inputSize);
      const maxBatch = options?.maxBatchPerCall;
      if (maxBatch !== undefined && !(Number.isInteger(maxBatch) && maxBatch >= 1)) {
        throw new Error(`onnx runtime: maxBatchPerCall must be a positive integer, got ${maxBatch}`);
      }
      const threads = planned.threads ?? 1;
      // The addon decides the device ('auto' falls back to the CPU with a note); ORT follows it.
      const native = createNativeModel(graph, { inputSize, device: deviceOption(options), threads });
      const onGpu = native.device.startsWith('cuda');
      // The addon's own note on why 'auto' stayed on the CPU says more than ours: it replaces it.
      const notes = native.deviceNote ? [buildSummary(deps), native.deviceNote] : [...planned.notes];
      const info: RuntimeInfo = {
        name: ONNX_RUNTIME_NAME,
        backend: onGpu ? 'onnxruntime-cuda' : 'onnxruntime-cpu',
        device: onGpu ? `GPU ${native.device.slice('cuda:'.length)}` : cpuDevice(deps, native.threads),
        threads: native.threads,
        notes,
      };
      const sessions = new SessionSet(deps.ort, graph, inputSize, {
        threads,
        providers: onGpu ? ['cuda', 'cpu'] : ['cpu'],
        onFallback: (note) => {
          info.notes.push(note);
          info.backend = 'onnxruntime-cpu';
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
      return new OnnxLoadedModel(deps.ort, sessions, native, inputSize, info, maxBatch ?? maxImagesPerCall(inferShapes(graph, inputSize)));
    },
  };
}

/** Make the onnx runtime available to core's `resolveRuntime` ('onnx', or 'auto' ahead of tfjs). */
export function registerOnnxRuntime(priority = 20): void {
  registerRuntime(ONNX_RUNTIME_NAME, priority, createOnnxRuntime);
}
