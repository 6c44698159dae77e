/**
 * A compute process (forked by compute-pool.ts). It loads models through @yolo-saliency/node
 * and the runtimes as the CLI does, keeps the last few loaded, and runs one task at a time.
 * It is a process, not a worker thread: onnxruntime-node loads once per process, and a
 * process can be killed (cancel, timeout) or die (a hostile file) without taking the
 * server with it.
 */
import { resolveRuntime } from '@yolo-saliency/core';
import type { LoadedModel } from '@yolo-saliency/core';
import { describeRuntimes, loadModelFile, readImage, runtimeNames, setupRuntimes } from '@yolo-saliency/node';
import type { ModelFile } from '@yolo-saliency/node';
import { hdf5ReaderDamagedBy } from '@yolo-saliency/core/loaders';
import type { RuntimesResponse } from '../shared/api.js';
import { computeOnModel, type ModelTask } from '../shared/model-computation.js';
import type { ComputeTask, FromCompute, InspectedModel, ModelRef, TaskOutput, ToCompute } from './compute-protocol.js';

/** Loaded models kept per process (each holds its weights on the runtime's device). */
const CACHE_SIZE = 3;

class Cancelled extends Error {}

/** CPU threads for the runtime (the pool shares the cores out between its processes). */
const THREADS = Number(process.env.YS_COMPUTE_THREADS) || undefined;

const cancelled = new Set<number>();
const files = new Map<string, Promise<ModelFile>>();
const loaded = new Map<string, Promise<LoadedModel>>();

function send(message: FromCompute): void {
  process.send?.(message);
}

function modelFile(ref: ModelRef): Promise<ModelFile> {
  let file = files.get(ref.key);
  if (!file) {
    file = loadModelFile(ref.files.model, { weights: ref.files.weights, names: ref.files.names });
    files.set(ref.key, file);
    file.catch(() => files.delete(ref.key));
    while (files.size > CACHE_SIZE) files.delete(files.keys().next().value!);
  }
  return file;
}

async function loadedModel(ref: ModelRef, runtimeName: string, backend: string | undefined): Promise<LoadedModel> {
  const key = `${ref.key}\n${runtimeName}\n${backend ?? 'auto'}`;
  let model = loaded.get(key);
  if (!model) {
    model = (async () => {
      const { graph } = await modelFile(ref);
      await setupRuntimes();
      if (!runtimeNames().includes(runtimeName)) throw new Error(`unknown runtime '${runtimeName}' (choose ${runtimeNames().join(', ')})`);
      const options = { inputSize: graph.inputSize, backend: backend === 'auto' ? undefined : backend, ...(THREADS ? { threads: THREADS } : {}) };
      const { runtime } = await resolveRuntime(runtimeName, options);
      return runtime.load(graph, options);
    })();
    loaded.set(key, model);
    model.catch(() => loaded.delete(key));
    while (loaded.size > CACHE_SIZE) {
      const oldest = loaded.keys().next().value!;
      const evicted = loaded.get(oldest)!;
      loaded.delete(oldest);
      evicted.then((m) => m.dispose(), () => {});
    }
  }
  return model;
}

async function run(id: number, task: ComputeTask): Promise<TaskOutput> {
  if (task.type === 'runtimes') {
    const report = await describeRuntimes();
    const out: RuntimesResponse = {
      runtimes: report.runtimes.map((r) => ({
        name: r.name,
        available: r.available,
        ...(r.reason ? { reason: r.reason } : {}),
        ...(r.info ? { backend: r.info.backend, device: r.info.device } : {}),
        notes: r.info?.notes ?? [],
        backends: r.backends.map((b) => ({ name: b.name, available: b.available, ...(b.reason ? { reason: b.reason } : {}) })),
      })),
      auto: report.auto,
    };
    return out;
  }
  if (task.type === 'inspect-model') {
    const file = await modelFile(task.model);
    const source = file.graph.source;
    const format: InspectedModel['format'] = source === 'keras' ? 'keras' : source === 'onnx' ? 'onnx' : 'darknet';
    return {
      format: /\.onnx$/i.test(task.model.files.model) ? 'onnx' : format,
      trained: file.weightsSource === 'file',
      classNames: file.graph.classNames,
      inputSize: file.graph.inputSize,
      description: file.description,
    };
  }

  const started = performance.now();
  const model = await loadedModel(task.model, task.runtime, task.backend);
  const picture = await readImage(task.imagePath);
  const modelTask: ModelTask = task.type === 'detect' ? { kind: 'detect' } : { kind: 'explain', target: task.target, methods: task.methods, steps: task.steps, samples: task.samples, noise: task.noise };
  return computeOnModel(
    model,
    picture,
    modelTask,
    (done, total, method) => {
      // Checked between batches: a cancel that arrives while a batch runs stops at the next.
      if (cancelled.has(id)) throw new Cancelled('cancelled');
      send({ type: 'progress', id, method, done, total });
    },
    started,
  );
}

/** One line for the page: no stack, no file paths of the server. */
function userMessage(error: unknown, task: ComputeTask): string {
  let text = error instanceof Error ? error.message : String(error);
  if ('model' in task) {
    for (const path of Object.values(task.model.files)) if (path) text = text.split(path).join(path.split('/').pop()!);
  }
  if ('imagePath' in task) text = text.split(task.imagePath).join('the image');
  return text.split('\n')[0].slice(0, 500);
}

let queue = Promise.resolve();

process.on('message', (message: ToCompute) => {
  if (message.type === 'cancel') {
    cancelled.add(message.id);
    return;
  }
  const { id, task } = message;
  // One task at a time: the pool sends one, but keep the order if it ever sends more.
  queue = queue.then(async () => {
    let answer: FromCompute;
    try {
      answer = { type: 'result', id, output: await run(id, task) };
    } catch (error) {
      const wasCancelled = error instanceof Cancelled || cancelled.has(id);
      answer = { type: 'error', id, message: wasCancelled ? 'cancelled' : userMessage(error, task), ...(wasCancelled ? { cancelled: true } : {}) };
    } finally {
      cancelled.delete(id);
    }
    // A corrupt HDF5 file may have damaged the reader's heap: no later file is read here.
    const damaged = hdf5ReaderDamagedBy();
    if (damaged) {
      send({ type: 'retiring', reason: `HDF5 reader damaged by ${damaged.split('/').pop()}` });
      process.send?.(answer, () => process.exit(0));
      return;
    }
    send(answer);
  });
});

// The server owns this process: when it goes, so do we.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
