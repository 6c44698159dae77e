/**
 * A model loaded into its runtime within the memory budget: the runtime is resolved first (so
 * the backend is known), the run is estimated and refused or its batch lowered before the
 * model is loaded, and a WebAssembly abort while it runs becomes one line naming the model
 * file instead of emscripten's bare "Aborted()" plus a second error naming nothing.
 */
import { resolveRuntime } from '@yolo-saliency/core';
import type { BackwardOptions, Graph, LoadedModel, RecordOptions, RuntimeInfo, Tape, TensorData } from '@yolo-saliency/core';
import { setupRuntimes } from '@yolo-saliency/node';
import { oneLine } from './cli-errors.js';
import { MemoryBudget, planModelRun, WASM_HEAP_BYTES, formatBytes, type RunPlan } from './memory-budget.js';
import type { ModelChoice } from './model-options.js';
import { checkRuntimeChoice, type RuntimeChoice } from './runtime-choice.js';

export interface ModelRunRequest {
  choice: ModelChoice;
  runtime: RuntimeChoice;
  budget: MemoryBudget;
  /** Images per call wanted, and whether --batch gave it (see planModelRun). */
  batch: number;
  batchGiven: boolean;
  batchOption?: number;
  /** Whether the run takes gradients (every saliency method) or only forwards (detect). */
  gradients: boolean;
  command: string;
  threads?: number;
}

export interface ModelRun {
  model: LoadedModel;
  info: RuntimeInfo;
  plan: RunPlan;
  /** Load another graph (e.g. a re-initialised copy) the same way: same runtime, options and guard. */
  load(graph: Graph): Promise<LoadedModel>;
}

/** Resolve the runtime, check the run against the budget, then load the model. */
export async function loadModelRun(r: ModelRunRequest): Promise<ModelRun> {
  await setupRuntimes();
  checkRuntimeChoice(r.runtime.runtime, r.runtime.backend, r.command);
  const { graph } = r.choice.modelFile;
  const options = { inputSize: r.choice.inputSize, backend: r.runtime.backend, ...(r.threads === undefined ? {} : { threads: r.threads }) };
  const { runtime, info } = await resolveRuntime(r.runtime.runtime, options);
  const plan = planModelRun(
    {
      graph,
      inputSize: r.choice.inputSize,
      modelPath: r.choice.modelPath,
      inputSizeGiven: r.choice.inputSizeGiven,
      batch: r.batch,
      batchGiven: r.batchGiven,
      ...(r.batchOption === undefined ? {} : { batchOption: r.batchOption }),
      gradients: r.gradients,
      backend: info.name === 'tfjs' ? info.backend : undefined,
      command: r.command,
    },
    r.budget,
  );
  if (plan.note) process.stderr.write(`note: ${plan.note}\n`);
  const loadOptions = { ...options, ...(plan.maxBatchPerCall === undefined ? {} : { maxBatchPerCall: plan.maxBatchPerCall }) };
  const load = async (g: Graph) => {
    const loaded = await runtime.load(g, loadOptions);
    return loaded.info.name === 'tfjs' && loaded.info.backend === 'wasm' ? guardWasm(loaded, r.choice.modelPath) : loaded;
  };
  const model = await load(graph);
  return { model, info: model.info, plan, load };
}

/** A WebAssembly trap or an emscripten abort: the module's memory is unusable afterwards. */
export function isWasmAbort(error: unknown): boolean {
  if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) return true;
  return error instanceof Error && /^Aborted\(/.test(error.message);
}

/** The one line a wasm abort becomes; `fatal` stops the image loop (eachImage). */
export class RuntimeAbortError extends Error {
  readonly fatal = true;
  constructor(modelPath: string, cause: unknown) {
    const what = oneLine(cause).replace(/\.? ?Build with -sASSERTIONS for more info\.?/, '');
    super(
      `${modelPath}: the tfjs wasm backend aborted while running this model (${what}); it most likely ran out of its ` +
        `${formatBytes(WASM_HEAP_BYTES)} heap: lower --input-size or --batch, or use --backend cpu or --runtime onnx`,
      { cause },
    );
    this.name = 'RuntimeAbortError';
  }
}

/**
 * emscripten prints "Aborted(...)" through console.warn (bound when tfjs creates its module,
 * so it cannot be replaced there) before it throws; the thrown error is reported instead, so
 * the line is dropped from the stream.
 */
const silenced = new WeakSet<object>();
export function silenceEmscriptenAborts(stream: NodeJS.WriteStream = process.stderr): void {
  if (silenced.has(stream)) return;
  silenced.add(stream);
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && /^Aborted\(.*\)\s*$/.test(chunk)) return true;
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

/** The model, with every call's wasm abort turned into a RuntimeAbortError; after one, nothing runs and dispose is a no-op. */
export function guardWasm(model: LoadedModel, modelPath: string): LoadedModel {
  silenceEmscriptenAborts();
  let aborted: RuntimeAbortError | undefined;
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    if (aborted) throw aborted;
    try {
      return await call();
    } catch (error) {
      if (!isWasmAbort(error)) throw error;
      throw (aborted = new RuntimeAbortError(modelPath, error));
    }
  };
  return {
    get graph() {
      return model.graph;
    },
    get inputSize() {
      return model.inputSize;
    },
    get info() {
      return model.info;
    },
    forward: (input: TensorData, record?: RecordOptions) => guard(() => model.forward(input, record)),
    backward: (tape: Tape, headGradients: TensorData[], options: BackwardOptions) => guard(() => model.backward(tape, headGradients, options)),
    visualBackProp: (tape: Tape) => guard(() => model.visualBackProp(tape)),
    dispose: async () => {
      if (aborted) return;
      await model.dispose();
    },
  };
}
