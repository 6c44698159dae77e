/** Checks of explain() arguments, with the defaults filled in. */
import type { LoadedModel, TensorData } from '../runtime/types.js';
import { METHOD_NAMES } from './types.js';
import type { ExplainOptions, MethodName } from './types.js';

export interface CheckedOptions {
  target: string;
  steps: number;
  baseline: number | TensorData;
  samples: number;
  noise: number;
  batchSize: number;
  seed: number;
  scoreThreshold: number;
  iouThreshold: number;
  onProgress: (done: number, total: number) => void;
}

export const EXPLAIN_DEFAULTS = { target: 'top', steps: 20, baseline: 0, samples: 25, noise: 0.15, batchSize: 8, seed: 0, scoreThreshold: 0.25, iouThreshold: 0.45 } as const;

export function checkMethod(method: unknown): MethodName {
  if (!(METHOD_NAMES as readonly unknown[]).includes(method)) {
    throw new Error(`explain: unknown method '${String(method)}'; use one of ${METHOD_NAMES.join(', ')}`);
  }
  return method as MethodName;
}

export function checkExplainOptions(options: Omit<ExplainOptions, 'method'>, input: TensorData): CheckedOptions {
  const o = { ...EXPLAIN_DEFAULTS, ...definedOnly(options) };
  const integer = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new Error(`explain: ${name} must be an integer >= ${min}, got ${v}`);
  };
  integer('steps', o.steps, 1);
  integer('samples', o.samples, 1);
  integer('batchSize', o.batchSize, 1);
  if (!Number.isFinite(o.noise) || o.noise < 0) throw new Error(`explain: noise must be a number >= 0, got ${o.noise}`);
  if (!Number.isFinite(o.seed)) throw new Error(`explain: seed must be a finite number, got ${o.seed}`);
  if (!(o.scoreThreshold >= 0 && o.scoreThreshold <= 1)) throw new Error(`explain: scoreThreshold must be in [0, 1], got ${o.scoreThreshold}`);
  if (!(o.iouThreshold >= 0 && o.iouThreshold <= 1)) throw new Error(`explain: iouThreshold must be in [0, 1], got ${o.iouThreshold}`);
  if (typeof o.baseline === 'number') {
    if (!Number.isFinite(o.baseline)) throw new Error(`explain: baseline must be a finite number or a tensor, got ${o.baseline}`);
  } else if (o.baseline.dims.join(',') !== input.dims.join(',') || o.baseline.data.length !== input.data.length) {
    throw new Error(`explain: baseline dims [${o.baseline.dims.join(', ')}] differ from the input's [${input.dims.join(', ')}]`);
  }
  // Each method gets its own progress callback (explain.ts); this one reports nothing.
  return { ...o, onProgress: () => {} };
}

/** The input must be one image at the size the model was loaded for. */
export function checkExplainInput(model: LoadedModel, input: TensorData): void {
  const [h, w] = model.inputSize;
  const d = input.dims;
  if (d.length !== 4 || d[0] !== 1 || d[1] !== h || d[2] !== w || d[3] !== 3) {
    throw new Error(`explain: input must be [1, ${h}, ${w}, 3] (one RGB image at the model's input size ${h}x${w}), got [${d.join(', ')}]`);
  }
  if (input.data.length !== h * w * 3) throw new Error(`explain: input has ${input.data.length} values for dims [${d.join(', ')}]`);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
