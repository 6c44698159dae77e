/**
 * What `explain` computes and draws for every image (methods, target, method parameters,
 * display), read once from the options. `queue submit` reads the same options and sends them
 * with every job, so a worker computes and draws exactly what `explain` would.
 */
import { METHOD_NAMES, parseTarget } from '@yolo-saliency/core';
import type { Colormap, MethodName } from '@yolo-saliency/core';
import { BOUNDS, range } from './bounds.js';
import type { OptionSpec, ParsedArgs } from './cli-args.js';
import { oneLine, UsageError } from './cli-errors.js';

export const COLORMAPS: readonly Colormap[] = ['jet', 'inferno', 'gray'];

export interface ExplainSettings {
  methods: MethodName[];
  target: string;
  steps?: number;
  samples?: number;
  noise?: number;
  /** Images per runtime call: IG steps, SmoothGrad samples, and images of a dataset run. */
  batchSize?: number;
  colormap: Colormap;
  percentile: number;
  /** The output folder, absolute once prepared. */
  out: string;
  saveRaw: boolean;
}

/** The options that choose what is computed and drawn (explain, queue submit). */
export const EXPLAIN_OPTIONS: Record<string, OptionSpec> = {
  method: { type: 'string', value: 'LIST', description: `comma-separated methods or 'all' (${METHOD_NAMES.join(', ')}); default vanilla`, multiple: true },
  target: { type: 'string', value: 'SPEC', description: "what to explain: top (default), det:K, class:NAME[/quantity], raw:scale=S,anchor=A,y=Y,x=X,channel=C, or a sum 'T1+T2'" },
  steps: { type: 'string', value: 'N', description: `Integrated Gradients steps (${range(BOUNDS.steps)}, default 20)` },
  samples: { type: 'string', value: 'N', description: `SmoothGrad samples (${range(BOUNDS.samples)}, default 25)` },
  noise: { type: 'string', value: 'S', description: 'SmoothGrad noise std as a fraction of the input range (default 0.15)' },
  batch: { type: 'string', value: 'B', description: `images per runtime call: IG steps, SmoothGrad samples, and the images of a folder (${range(BOUNDS.batch)}, default 8, lowered to fit --max-memory)` },
  colormap: { type: 'string', value: 'C', description: 'jet (default), inferno or gray' },
  percentile: { type: 'string', value: 'P', description: 'clip the map at this percentile before scaling for display (default 99)' },
};

export function readExplainSettings(args: ParsedArgs, command: string): ExplainSettings {
  const out = args.required('out');
  const listed = args.list('method') ?? ['vanilla'];
  const methods = listed.includes('all') ? [...METHOD_NAMES] : listed;
  for (const m of methods) {
    if (!(METHOD_NAMES as readonly string[]).includes(m)) {
      throw new UsageError(`unknown method '${m}' (choose from ${METHOD_NAMES.join(', ')}, or all)`, command);
    }
  }
  const target = args.string('target') ?? 'top';
  try {
    parseTarget(target);
  } catch (error) {
    throw new UsageError(`--target: ${oneLine(error)}`, command);
  }
  return {
    methods: [...new Set(methods)] as MethodName[],
    target,
    steps: args.number('steps', { integer: true, min: 1, max: BOUNDS.steps }),
    samples: args.number('samples', { integer: true, min: 1, max: BOUNDS.samples }),
    noise: args.number('noise', { min: 0 }),
    batchSize: args.number('batch', { integer: true, min: 1, max: BOUNDS.batch }),
    colormap: args.choice('colormap', COLORMAPS) ?? 'jet',
    percentile: args.number('percentile', { min: 1e-9, max: 100 }) ?? 99,
    out,
    saveRaw: args.flag('save-raw'),
  };
}

/** What explain writes per image after `<stem>`. */
export function outputSuffixes(s: Pick<ExplainSettings, 'methods' | 'saveRaw'>): string[] {
  return [...s.methods.flatMap((m) => [`.${m}.png`, ...(s.saveRaw ? [`.${m}.npy`] : [])]), '.panel.png'];
}

/** Whether a method runs its own batches per image (IG steps, SmoothGrad samples). */
export const isPerImageBatched = (m: MethodName) => m === 'integrated-gradients' || m === 'smoothgrad';

/**
 * Images per runtime call the run can use: IG runs `steps` inputs, SmoothGrad `samples`, a
 * batch of `images` one each (vanilla, guided and VBP of a folder run together).
 */
export function wantedBatch(s: Pick<ExplainSettings, 'methods' | 'steps' | 'samples' | 'batchSize'>, images = 1): number {
  const inputs = Math.max(
    1,
    images,
    s.methods.includes('integrated-gradients') ? (s.steps ?? 20) : 1,
    s.methods.includes('smoothgrad') ? (s.samples ?? 25) : 1,
  );
  return Math.min(s.batchSize ?? 8, inputs);
}
