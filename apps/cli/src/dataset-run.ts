/**
 * A dataset run of `explain` (a folder or a pattern among the IMAGEs): resumable and summed up.
 * An image whose complete set of files is already in the output folder is skipped (every file
 * is written atomically and a failed or interrupted image leaves none, so a complete set is a
 * finished image); `--force` recomputes. The run's settings are kept in the summary
 * (`DIR/explain-summary.json`), written when the run starts and again when it ends or is
 * interrupted: a later run with other settings (another target, model, method parameters)
 * recomputes every image instead of keeping maps of the old settings.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MethodName, RuntimeInfo } from '@yolo-saliency/core';
import { writeFileAtomic } from '@yolo-saliency/node';
import type { ImageFailure } from './each-image.js';
import { outputSuffixes, type ExplainSettings } from './explain-settings.js';
import type { ImageJson } from './image-explanation.js';
import { modelJson, round, runtimeJson } from './json-summary.js';
import type { ModelChoice } from './model-options.js';
import type { ModelSpec } from './model-spec.js';
import type { NamedImage } from './output-names.js';

export const SUMMARY_FILE = 'explain-summary.json';

/** What decides an image's files: a run with other values does not trust the files already there. */
export interface RunSettings {
  model: string;
  weights: string | null;
  names: string | null;
  inputSize: [number, number];
  methods: MethodName[];
  target: string;
  steps: number | null;
  samples: number | null;
  noise: number | null;
  colormap: string;
  percentile: number;
  saveRaw: boolean;
}

export function runSettings(choice: ModelChoice, spec: ModelSpec, s: ExplainSettings): RunSettings {
  const { weights, names } = spec;
  return {
    model: resolve(choice.modelPath),
    weights: weights ?? null,
    names: names ?? null,
    inputSize: [choice.inputSize[0], choice.inputSize[1]],
    methods: s.methods,
    target: s.target,
    steps: s.methods.includes('integrated-gradients') ? (s.steps ?? null) : null,
    samples: s.methods.includes('smoothgrad') ? (s.samples ?? null) : null,
    noise: s.methods.includes('smoothgrad') ? (s.noise ?? null) : null,
    colormap: s.colormap,
    percentile: s.percentile,
    saveRaw: s.saveRaw,
  };
}

export interface ResumePlan {
  run: NamedImage[];
  skipped: NamedImage[];
  /** Said on stderr when the folder's files are not trusted (other settings). */
  note?: string;
  /** The earlier runs into this folder with the same settings (kept in the new summary). */
  earlier: EarlierRun[];
}

/**
 * Which images still need computing: those without every file of their set in `out` (all of
 * them with `force`, or when the folder's last summary has other settings).
 */
export async function planResume(images: readonly NamedImage[], out: string, s: ExplainSettings, settings: RunSettings, force: boolean): Promise<ResumePlan> {
  if (force) return { run: [...images], skipped: [], earlier: [] };
  const previous = await readSummary(out);
  const changed = previous?.settings ? differences(previous.settings, settings) : [];
  if (changed.length > 0) {
    return { run: [...images], skipped: [], earlier: [], note: `${join(out, SUMMARY_FILE)} says its files were made with other settings (${changed.join(', ')}): every image is computed again` };
  }
  const earlier = previous ? [...(Array.isArray(previous.earlier) ? previous.earlier : []), runOf(previous)].slice(-MAX_EARLIER) : [];
  const present = new Set(await readdir(out).catch(() => [] as string[]));
  const suffixes = outputSuffixes(s);
  const run: NamedImage[] = [];
  const skipped: NamedImage[] = [];
  for (const image of images) (suffixes.every((x) => present.has(`${image.stem}${x}`)) ? skipped : run).push(image);
  return { run, skipped, earlier };
}

/** Earlier runs kept in a summary. */
const MAX_EARLIER = 20;

/** What a summary says about its own run (its settings, model and history apart). */
export type EarlierRun = Pick<RunSummary, 'status' | 'startedAt' | 'finishedAt' | 'wallSeconds' | 'runtime' | 'backend' | 'device' | 'imagesPerCall' | 'images' | 'maps' | 'mapsPerSecond' | 'methods' | 'failures'>;

function runOf(s: StoredSummary): EarlierRun {
  const { status, startedAt, finishedAt, wallSeconds, runtime, backend, device, imagesPerCall, images, maps, mapsPerSecond, methods, failures } = s as RunSummary;
  return { status, startedAt, finishedAt, wallSeconds, runtime, backend, device, imagesPerCall, images, maps, mapsPerSecond, methods, failures };
}

function differences(a: Partial<RunSettings>, b: RunSettings): string[] {
  return (Object.keys(b) as Array<keyof RunSettings>).filter((k) => JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k]));
}

type StoredSummary = Partial<Omit<RunSummary, 'settings'>> & { settings?: Partial<RunSettings> };

async function readSummary(out: string): Promise<StoredSummary | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(out, SUMMARY_FILE), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as StoredSummary) : undefined;
  } catch {
    return undefined;
  }
}

export interface MethodSummary {
  /** Maps written in this run. */
  count: number;
  /** Mean milliseconds per map (its share of a batch's shared forward included). */
  msPerMap: number | null;
  /** Images that got no map of this method in this run (each reason is in `failures`). */
  failed: number;
}

export interface RunSummary {
  status: 'running' | 'done' | 'interrupted' | 'stopped';
  startedAt: string;
  finishedAt?: string;
  wallSeconds?: number;
  settings: RunSettings;
  model: string;
  modelDescription: string;
  weightsSource: string;
  runtime: string;
  backend: string;
  device: string;
  threads?: number;
  imagesPerCall: number;
  images: { total: number; computed: number; skipped: number; failed: number };
  maps: number;
  mapsPerSecond: number | null;
  methods: Partial<Record<MethodName, MethodSummary>>;
  failures: Array<{ image: string; reason: string }>;
  /** Earlier runs into this folder with the same settings, oldest first (their images were skipped in this one). */
  earlier: EarlierRun[];
}

/** Writes DIR/explain-summary.json atomically as the run goes. */
export class SummaryWriter {
  private readonly startedAt = new Date();
  private readonly started = performance.now();

  constructor(
    private readonly out: string,
    private readonly base: { settings: RunSettings; choice: ModelChoice; info: RuntimeInfo; imagesPerCall: number; total: number; skipped: number; earlier: EarlierRun[] },
  ) {}

  get path(): string {
    return join(this.out, SUMMARY_FILE);
  }

  summary(status: RunSummary['status'], results: readonly ImageJson[], errors: readonly ImageFailure[]): RunSummary {
    const { settings, choice, info, imagesPerCall, total, skipped, earlier } = this.base;
    const seconds = (performance.now() - this.started) / 1000;
    const methods: Partial<Record<MethodName, MethodSummary>> = {};
    let maps = 0;
    for (const method of settings.methods) {
      const times = results.flatMap((r) => r.methods.filter((m) => m.method === method).map((m) => m.milliseconds));
      maps += times.length;
      methods[method] = { count: times.length, msPerMap: times.length ? round(times.reduce((a, b) => a + b, 0) / times.length, 3) : null, failed: errors.length };
    }
    const { runtime, backend, device, threads } = runtimeJson(info);
    const { model, modelDescription, weightsSource } = modelJson(choice);
    return {
      status,
      startedAt: this.startedAt.toISOString(),
      ...(status === 'running' ? {} : { finishedAt: new Date().toISOString(), wallSeconds: round(seconds, 3) }),
      settings,
      model,
      modelDescription,
      weightsSource,
      runtime,
      backend,
      device,
      ...(threads ? { threads } : {}),
      imagesPerCall,
      images: { total, computed: results.length, skipped, failed: errors.length },
      maps,
      mapsPerSecond: status === 'running' || seconds <= 0 ? null : round(maps / seconds, 3),
      methods,
      failures: errors.map((e) => ({ image: e.image, reason: e.error })),
      earlier,
    };
  }

  async write(status: RunSummary['status'], results: readonly ImageJson[] = [], errors: readonly ImageFailure[] = []): Promise<RunSummary> {
    const summary = this.summary(status, results, errors);
    await writeFileAtomic(this.path, new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`));
    return summary;
  }
}
