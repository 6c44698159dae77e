/**
 * The memory budget (--max-memory). A model run (model x input size x batch) and every image
 * (decoding, letterboxing, drawing at its own size) are estimated before anything is
 * allocated, and refused above the budget with the estimate, the budget and how to raise it:
 * without it a 250 KB PNG that declares 16000x16000 pixels took 3.9 GB, and --input-size 8192
 * took 13 GB, before failing or being killed.
 */
import { totalmem } from 'node:os';
import type { Graph } from '@yolo-saliency/core';
import { estimateRunBytes, largestBatchWithin, modelMemory, type ModelMemory, type RunMemoryOptions } from '@yolo-saliency/core/runtime';
import { fileError, messageOf, readImageSize } from '@yolo-saliency/node';
import type { OptionSpec, ParsedArgs } from './cli-args.js';
import { quoted, UsageError } from './cli-errors.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/**
 * The default budget: 4 GiB, or half of this machine's memory where that is less. Fixed rather
 * than a share of the memory so a run refused on one machine is refused on another; 4 GiB
 * takes yolov3 at 608 (one image per call) and photos up to about 80 megapixels.
 */
export function defaultMemoryBudget(): number {
  return Math.min(4 * GiB, Math.floor(totalmem() / 2 / MiB) * MiB);
}

/** Node, sharp and the runtimes' libraries before any model: 290 MB (onnx) to 450 MB (tfjs) measured. */
export const PROCESS_BYTES = 384 * MiB;

/** Emscripten's heap limit in tfjs's wasm backend (getHeapMax): beyond it the backend aborts. */
export const WASM_HEAP_BYTES = 4294901760;

/**
 * tfjs's wasm backend, fitted to its measured heaps: the Emscripten heap only grows, so a run's
 * peak is kept, and a backward's per-layer transients (gradients, padded copies) count in
 * units of the largest layer, on top of a fixed growth step. Heap peaks
 * (packages/runtime-tfjs/scripts/wasm-heap-probe.mjs: vanilla, guided and VBP of one image; IG
 * of 8 steps where named), against this profile's estimate: yolov3 at 416 2632 MiB (estimate
 * 2766) and at 608 3929 (4087), yolov3-tiny at 416 843 (1363) and IG 1698 (1725), the shapes
 * model at 1024 1997 (1999) and at 512 IG 1518 (1726), Yolo-Fastest-1.1-xl at 320 357 and at
 * 1024 3156 (3812), yolov4-tiny at 416 725 (1224). A plain forward (detect): 0.9-2.6 copies of
 * the activations (yolov3 at 608 1283 MiB). Calls hold about 384 MiB of activations
 * (runtime-tfjs picks that itself; it is passed explicitly here so the estimate and the run
 * split batches the same way). The earlier profile, 10 copies of the activations per image,
 * refused yolov3 at 416, which runs in 2.6 GiB.
 */
const WASM_PROFILE = {
  callBytes: 384 * MiB,
  gradients: { callCopies: 1.75, tapeCopies: 0, largestCopies: 25, fixedBytes: 900 * MiB },
  forward: { callCopies: 1.5, tapeCopies: 0, largestCopies: 5, fixedBytes: 128 * MiB },
} as const;

/**
 * Bytes per image pixel, measured on 64-megapixel photos (sharp's decode 3, the letterbox's
 * float copy 12 and its resampling, drawing: a float map, colours and the overlay per method,
 * PNG encoding), with some headroom: detect 16.5 measured, explain 37 (one method) to 42 (all five).
 */
export const IMAGE_BYTES_PER_PIXEL = {
  /** Decode and letterbox only (evaluate, evaluate-detector). */
  read: 18,
  /** Decode, letterbox, draw the boxes, write one PNG (detect). */
  detect: 20,
  /** Decode, letterbox, one overlay per method kept for the panel, the panel (explain). */
  explain: (methods: number) => 38 + 2 * methods,
} as const;

export const MEMORY_OPTIONS: Record<string, OptionSpec> = {
  'max-memory': {
    type: 'string',
    value: 'SIZE',
    description: `memory budget, e.g. 512M, 8G (default ${formatBytes(defaultMemoryBudget())}: 4 GiB or half of this machine's memory if less); a model run or an image estimated above it is refused before it starts`,
  },
};

/** Bytes for people: 512 MiB, 3.9 GiB. */
export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(bytes >= 100 * GiB ? 0 : 1)} GiB`;
  return `${Math.max(1, Math.round(bytes / MiB))} MiB`;
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: MiB, g: GiB, t: 2 ** 40 };

/** '4G', '4GB', '4GiB', '512m', '1.5g', '1073741824' (bytes); binary units. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const bytes = Math.round(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  return Number.isFinite(bytes) ? bytes : undefined;
}

export class MemoryBudget {
  constructor(
    /** The budget in bytes, for the whole process. */
    readonly bytes: number,
    /** Whether --max-memory was given (messages then do not say "default"). */
    readonly given: boolean,
  ) {}

  /** --max-memory, checked: at least the process itself. */
  static read(args: ParsedArgs, command: string): MemoryBudget {
    const text = args.string('max-memory');
    if (text === undefined) return new MemoryBudget(defaultMemoryBudget(), false);
    const bytes = parseSize(text);
    if (bytes === undefined) throw new UsageError(`--max-memory must be a size such as 512M or 8G, got ${quoted(text)}`, command);
    if (bytes < PROCESS_BYTES) throw new UsageError(`--max-memory must be at least ${formatBytes(PROCESS_BYTES)} (what the process takes before any model), got ${text}`, command);
    return new MemoryBudget(bytes, true);
  }

  /** "the memory budget of 4.0 GiB (--max-memory)". */
  describe(): string {
    return `the memory budget of ${formatBytes(this.bytes)}${this.given ? ' (--max-memory)' : ''}`;
  }
}

export interface RunPlanRequest {
  graph: Graph;
  inputSize: [number, number];
  /** The model file, named when the model itself is too large at its own size. */
  modelPath: string;
  /** Whether --input-size was given: then it is the option to name. */
  inputSizeGiven: boolean;
  /** Images per call wanted (IG steps and SmoothGrad samples run in batches; 1 for the rest). */
  batch: number;
  /** Whether --batch was given: a given batch is refused, a default one is lowered to what fits. */
  batchGiven: boolean;
  /** The --batch value as given, when `batch` is less (a batch larger than the steps it serves). */
  batchOption?: number;
  gradients: boolean;
  /** The backend that will run it: tfjs's wasm also has a heap limit. */
  backend?: string;
  command: string;
}

export interface RunPlan {
  /** The batch to run: the one asked for, or a default lowered to fit. */
  batch: number;
  /** Estimated peak bytes of the process with the model running (images not included). */
  bytes: number;
  /** Images per runtime call to load the model with (set where the estimate depends on it). */
  maxBatchPerCall?: number;
  /** Said on stderr when the default batch was lowered. */
  note?: string;
}

/** The estimate's settings for a backend (all but the batch). */
function runOptions(memory: ModelMemory, gradients: boolean, backend: string | undefined): Omit<RunMemoryOptions, 'batch'> {
  if (backend !== 'wasm') return { gradients };
  const copies = gradients ? WASM_PROFILE.gradients : WASM_PROFILE.forward;
  const imagesPerCall = Math.max(1, Math.floor(WASM_PROFILE.callBytes / (3 * memory.activationBytes)));
  return { gradients, imagesPerCall, ...copies };
}

/**
 * Check that the model fits the budget at its input size and batch, before it is loaded.
 * Refusals: the model at one image (its file, or --input-size when given), a given --batch
 * (with the largest that fits); a default batch is lowered instead.
 */
export function planModelRun(r: RunPlanRequest, budget: MemoryBudget): RunPlan {
  let memory: ModelMemory;
  try {
    memory = modelMemory(r.graph, r.inputSize);
  } catch (error) {
    throw fileError(r.modelPath, messageOf(error), error);
  }
  const wasm = r.backend === 'wasm';
  const heapBound = wasm && WASM_HEAP_BYTES < budget.bytes - PROCESS_BYTES;
  const room = heapBound ? WASM_HEAP_BYTES : budget.bytes - PROCESS_BYTES;
  const limit = heapBound ? `the WebAssembly heap limit of ${formatBytes(WASM_HEAP_BYTES)} (tfjs wasm)` : budget.describe();
  const raise = heapBound ? 'use --backend cpu or --runtime onnx' : 'raise --max-memory';
  const options = runOptions(memory, r.gradients, r.backend);
  const estimate = (batch: number) => estimateRunBytes(memory, { ...options, batch }) + PROCESS_BYTES;
  const fits = largestBatchWithin(memory, { ...options, batch: r.batch }, room);
  const perCall = options.imagesPerCall === undefined ? {} : { maxBatchPerCall: options.imagesPerCall };
  const [h, w] = r.inputSize;
  const at = `${r.modelPath} at ${h}x${w}`;
  if (fits === 0) {
    const why = `needs about ${formatBytes(estimate(1))} for one image (${biggest(memory)}), over ${limit}`;
    if (r.inputSizeGiven) throw new UsageError(`--input-size ${h}: the model ${at} ${why}; lower --input-size or ${raise}`, r.command);
    throw fileError(r.modelPath, `at its input size ${h}x${w} ${why}; pass a smaller --input-size or ${raise}`);
  }
  if (fits >= r.batch) return { batch: r.batch, bytes: estimate(r.batch), ...perCall };
  const wanted = formatBytes(estimate(r.batch));
  if (r.batchGiven) {
    throw new UsageError(`--batch ${r.batchOption ?? r.batch}: ${at} needs about ${wanted} for ${r.batch} images per call, over ${limit}; use --batch ${fits} or less, or ${raise}`, r.command);
  }
  return {
    batch: fits,
    bytes: estimate(fits),
    ...perCall,
    note: `images per call lowered from ${r.batch} to ${fits}: ${r.batch} would need about ${wanted} with ${at}, over ${limit}`,
  };
}

/** The layer that makes the model large, in words. */
function biggest(memory: ModelMemory): string {
  const pad = memory.largestPadding;
  if (pad && memory.paddingBytes > memory.activationBytes) return `layer '${pad.name}' (${pad.kind}) pads its input to ${pad.shape.join('x')}`;
  const { name, kind, shape } = memory.largest;
  return `the largest layer, '${name}' (${kind}), outputs ${shape.join('x')} per image`;
}

/**
 * Refuse an image whose decoding and drawing would not fit in what the model leaves of the
 * budget, from the size its header declares (before decoding). Images sharp cannot size pass:
 * reading them reports what is wrong.
 */
export async function checkImageFits(path: string, bytesPerPixel: number, budget: MemoryBudget, runBytes: number): Promise<void> {
  const size = await readImageSize(path);
  if (!size) return;
  const need = size.width * size.height * bytesPerPixel;
  if (runBytes + need <= budget.bytes) return;
  const megapixels = (size.width * size.height) / 1e6;
  throw fileError(
    path,
    `${size.width}x${size.height} pixels (${megapixels.toFixed(megapixels < 10 ? 1 : 0)} megapixels) need about ${formatBytes(need)} to read and draw, ` +
      `which with the model (${formatBytes(runBytes)}) is over ${budget.describe()}; use a smaller image or raise --max-memory`,
  );
}
