/**
 * One runtime's benchmark: the model loaded within the budget, the median plain forward, then
 * the median time of one explain() per method. `benchmark` prints its lines; a fleet worker
 * runs the same for `queue bench`.
 */
import { existsSync } from 'node:fs';
import { explain, letterboxImage } from '@yolo-saliency/core';
import type { MethodName, TensorData } from '@yolo-saliency/core';
import { readImage } from '@yolo-saliency/node';
import { round } from './json-summary.js';
import type { MemoryBudget } from './memory-budget.js';
import type { ModelChoice } from './model-options.js';
import { loadModelRun } from './model-run.js';
import type { RuntimeChoice } from './runtime-choice.js';
import { medianMs, peakRssMb } from './timing.js';

export interface BenchmarkRequest {
  choice: ModelChoice;
  input: TensorData;
  runtime: RuntimeChoice;
  budget: MemoryBudget;
  methods: readonly MethodName[];
  /** --batch as given (default 8, within the budget). */
  batch?: number;
  repeat: number;
  warmup: number;
  steps?: number;
  samples?: number;
  target: string;
  threads?: number;
  command: string;
}

export interface BenchmarkLine {
  runtime: string;
  device: string;
  backend: string;
  method: MethodName;
  inputSize: number | [number, number];
  batch: number;
  msPerMap: number;
  mapsPerSecond: number;
  forwardMs: number;
  peakRssMb: number;
  repeat: number;
  warmup: number;
  steps?: number;
  samples?: number;
  threads?: number;
  weightsSource: string;
}

/** Time every method on one runtime; `onLine` gets each line as soon as it is measured. */
export async function benchmarkRuntime(r: BenchmarkRequest, onLine: (line: BenchmarkLine) => void = () => {}): Promise<BenchmarkLine[]> {
  const [height, width] = r.choice.inputSize;
  const { model, info, plan } = await loadModelRun({
    choice: r.choice,
    runtime: r.runtime,
    budget: r.budget,
    batch: r.batch ?? 8,
    batchGiven: r.batch !== undefined,
    gradients: true,
    command: r.command,
    threads: r.threads,
  });
  const batch = plan.batch;
  const lines: BenchmarkLine[] = [];
  try {
    const forwardMs = await medianMs(() => model.forward(r.input), r.warmup, r.repeat);
    for (const method of r.methods) {
      const run = () => explain(model, r.input, { method, target: r.target, batchSize: batch, steps: r.steps, samples: r.samples });
      const msPerMap = await medianMs(run, r.warmup, r.repeat);
      const line: BenchmarkLine = {
        runtime: info.name,
        device: info.device,
        backend: info.backend,
        method,
        inputSize: width === height ? width : [height, width],
        batch,
        msPerMap: round(msPerMap, 3),
        mapsPerSecond: round(1000 / msPerMap, 3),
        forwardMs: round(forwardMs, 3),
        peakRssMb: peakRssMb(),
        repeat: r.repeat,
        warmup: r.warmup,
        ...(method === 'integrated-gradients' ? { steps: r.steps ?? 20 } : {}),
        ...(method === 'smoothgrad' ? { samples: r.samples ?? 25 } : {}),
        ...(info.threads ? { threads: info.threads } : {}),
        weightsSource: r.choice.modelFile.weightsSource,
      };
      lines.push(line);
      onLine(line);
    }
  } finally {
    await model.dispose();
  }
  return lines;
}

/**
 * A bundled image of the kind the model was made for, letterboxed to the input size (a smooth
 * pattern if it is missing). Timings hardly depend on it; the image keeps the maps meaningful.
 */
export async function benchmarkInput(image: string, inputSize: [number, number]): Promise<TensorData> {
  if (existsSync(image)) return letterboxImage(await readImage(image), inputSize).input;
  const [h, w] = inputSize;
  const data = new Float32Array(h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = 0.5 + 0.5 * Math.sin(i * 0.01);
  return { dims: [1, h, w, 3], data };
}
