/**
 * Computing in the browser: a web worker running the same core algorithms on the tfjs runtime
 * (WebGPU, else WebGL, else wasm, else cpu). The model files and the image never leave the
 * page. Cancelling is terminating this worker (browser-compute.ts makes a new one).
 */
import { resolveRuntime } from '@yolo-saliency/core';
import type { Graph, Image8, LoadedModel } from '@yolo-saliency/core';
import { registerTfjsBrowserRuntime } from '@yolo-saliency/runtime-tfjs/browser';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { computeOnModel, type ModelTask } from '../shared/model-computation.js';
import type { BrowserModelFiles, BrowserTask, FromBrowserWorker, ToBrowserWorker } from './browser-protocol.js';

registerTfjsBrowserRuntime({
  wasmPaths: { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded },
});

const post = (message: FromBrowserWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

/** The model loaded last (one at a time: a page's GPU memory is precious). */
let current: { key: string; model: Promise<LoadedModel> } | undefined;

function extension(name: string): string {
  return /\.[^.]+$/.exec(name)?.[0].toLowerCase() ?? '';
}

/** The same loaders the server uses (@yolo-saliency/core's), chosen by the model file's extension. */
async function loadGraph(files: BrowserModelFiles): Promise<Graph> {
  const { loadDarknet, loadKeras, parseNames } = await import('@yolo-saliency/core/loaders');
  const names = files.names ? parseNames(new TextDecoder().decode(files.names.bytes)) : undefined;
  const ext = extension(files.model.name);
  let graph: Graph;
  if (ext === '.cfg') {
    graph = loadDarknet({
      cfg: new TextDecoder().decode(files.model.bytes),
      cfgName: files.model.name,
      weights: files.weights?.bytes,
      weightsName: files.weights?.name,
      classNames: names,
    }).graph;
    return graph;
  }
  if (ext === '.onnx') {
    const { importOnnx } = await import('@yolo-saliency/core/onnx');
    graph = importOnnx(files.model.bytes, files.model.name).graph;
  } else if (ext === '.h5' || ext === '.hdf5' || ext === '.keras') {
    graph = (await loadKeras(files.model.bytes, files.model.name)).graph;
  } else {
    throw new Error(`${files.model.name}: unknown model format '${ext || '(no extension)'}' (expected .cfg, .h5, .keras, .onnx)`);
  }
  if (names) {
    if (names.length !== graph.classNames.length) throw new Error(`${files.names!.name}: ${names.length} class names, but the model has ${graph.classNames.length} classes`);
    graph = { ...graph, classNames: names };
  }
  return graph;
}

async function loadedModel(files: BrowserModelFiles, key: string, backend: string): Promise<LoadedModel> {
  const fullKey = `${key}\n${backend}`;
  if (current?.key !== fullKey) {
    const previous = current;
    current = {
      key: fullKey,
      model: (async () => {
        if (previous) await previous.model.then((m) => m.dispose(), () => {});
        const graph = await loadGraph(files);
        const options = { inputSize: graph.inputSize, backend: backend === 'auto' ? undefined : backend };
        const { runtime } = await resolveRuntime('tfjs', options);
        return runtime.load(graph, options);
      })(),
    };
    current.model.catch(() => (current = undefined));
  }
  return current.model;
}

async function run(id: number, task: BrowserTask): Promise<void> {
  const started = performance.now();
  const model = await loadedModel(task.model, task.modelKey, task.backend);
  const image: Image8 = { width: task.image.width, height: task.image.height, channels: 4, data: task.image.data };
  const modelTask: ModelTask = task.kind === 'detect' ? { kind: 'detect' } : { kind: 'explain', target: task.target, methods: task.methods, steps: task.steps, samples: task.samples, noise: task.noise };
  const result = await computeOnModel(model, image, modelTask, (done, total, method) => post({ type: 'progress', id, method, done, total }), started);
  const maps = result.maps ?? [];
  // The maps' buffers are transferred to the page, not copied.
  post({ type: 'result', id, result: { ...result, maps } }, maps.map((m) => m.data.buffer as ArrayBuffer));
}

let chain = Promise.resolve();

self.onmessage = (event: MessageEvent<ToBrowserWorker>) => {
  const message = event.data;
  chain = chain.then(async () => {
    try {
      await run(message.id, message.task);
    } catch (error) {
      // After a corrupt HDF5 file this worker reads no more (its heap may be damaged): the page makes a new one.
      const { hdf5ReaderDamagedBy } = await import('@yolo-saliency/core/loaders');
      post({ type: 'error', id: message.id, message: (error instanceof Error ? error.message : String(error)).split('\n')[0], ...(hdf5ReaderDamagedBy() ? { retire: true } : {}) });
    }
  });
};
