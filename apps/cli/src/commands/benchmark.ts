import { METHOD_NAMES } from '@yolo-saliency/core';
import type { MethodName } from '@yolo-saliency/core';
import { runtimeNames } from '@yolo-saliency/node';
import { benchmarkInput, benchmarkRuntime } from '../benchmark-run.js';
import { BOUNDS, range } from '../bounds.js';
import { UsageError } from '../cli-errors.js';
import type { Command } from '../command.js';
import { DEFAULT_IMAGE } from '../default-model.js';
import { MEMORY_OPTIONS, MemoryBudget } from '../memory-budget.js';
import { chooseModel, MODEL_OPTIONS, RUNTIME_OPTIONS } from '../model-options.js';
import { checkRuntimeChoice, type RuntimeChoice } from '../runtime-choice.js';

/** A target every YOLO model has, so the benchmark never depends on what the weights detect. */
export const DEFAULT_BENCH_TARGET = 'raw:scale=0,anchor=0,y=0,x=0,channel=4';

export const benchmarkCommand: Command = {
  spec: {
    name: 'benchmark',
    summary: 'Time each saliency method per runtime: one JSON line per (runtime, method)',
    usage: 'benchmark [--model M] [--weights W] --input-size N --runtime LIST --method LIST [--batch B] [--repeat R] [--warmup W] --json',
    options: {
      ...MODEL_OPTIONS,
      runtime: { type: 'string', value: 'LIST', description: `comma-separated runtimes (${runtimeNames().join(', ')}), each optionally with a backend (tfjs:wasm,tfjs:cpu) to compare them in one run; default auto`, multiple: true },
      backend: RUNTIME_OPTIONS.backend,
      method: { type: 'string', value: 'LIST', description: `comma-separated methods or all (default all)`, multiple: true },
      batch: { type: 'string', value: 'B', description: `images per runtime call for IG steps and SmoothGrad samples (${range(BOUNDS.batch)}, default 8; within --max-memory)` },
      repeat: { type: 'string', value: 'R', description: `timed runs; the median is reported (${range(BOUNDS.repeat)}, default 5)` },
      warmup: { type: 'string', value: 'W', description: `untimed runs first (${range(BOUNDS.warmup, 0)}, default 1)` },
      steps: { type: 'string', value: 'N', description: `Integrated Gradients steps (${range(BOUNDS.steps)}, default 20)` },
      samples: { type: 'string', value: 'N', description: `SmoothGrad samples (${range(BOUNDS.samples)}, default 25)` },
      target: { type: 'string', value: 'SPEC', description: `target (default ${DEFAULT_BENCH_TARGET}, valid for any model)` },
      threads: { type: 'string', value: 'N', description: 'CPU threads for every runtime (default: each runtime\'s own; tfjs wasm runs 1 in Node whatever is asked)' },
      ...MEMORY_OPTIONS,
      json: { type: 'boolean', description: 'print JSON lines (otherwise a table)' },
    },
    notes: [
      'msPerMap: median milliseconds of one explain() of one image (its forward included);',
      'mapsPerSecond = 1000 / msPerMap; forwardMs: median plain forward of one image on that runtime',
      '(so msPerMap / forwardMs is each method\'s cost in forwards);',
      'peakRssMb: peak resident memory of the process so far. The input is the bundled photo dog.jpg,',
      'letterboxed to the input size.',
    ].join('\n'),
  },
  async run(args) {
    const runtimes = args.list('runtime') ?? ['auto'];
    const listed = args.list('method') ?? ['all'];
    const methods = (listed.includes('all') ? [...METHOD_NAMES] : listed) as MethodName[];
    for (const m of methods) {
      if (!(METHOD_NAMES as readonly string[]).includes(m)) throw new UsageError(`unknown method '${m}'`, 'benchmark');
    }
    const batchGiven = args.number('batch', { integer: true, min: 1, max: BOUNDS.batch });
    const repeat = args.number('repeat', { integer: true, min: 1, max: BOUNDS.repeat }) ?? 5;
    const warmup = args.number('warmup', { integer: true, min: 0, max: BOUNDS.warmup }) ?? 1;
    const steps = args.number('steps', { integer: true, min: 1, max: BOUNDS.steps });
    const samples = args.number('samples', { integer: true, min: 1, max: BOUNDS.samples });
    const target = args.string('target') ?? DEFAULT_BENCH_TARGET;
    const json = args.flag('json');
    const threads = args.number('threads', { integer: true, min: 1, max: 1024 });
    const budget = MemoryBudget.read(args, 'benchmark');
    // 'tfjs:cpu' pins a backend for this entry, so several backends compare side by side.
    const entries: RuntimeChoice[] = runtimes.map((entry) => {
      const [runtimeName, entryBackend] = entry.split(':');
      return checkRuntimeChoice(runtimeName, entryBackend || args.string('backend'), 'benchmark');
    });

    const choice = await chooseModel(args, 'benchmark');
    const input = await benchmarkInput(DEFAULT_IMAGE, choice.inputSize);
    if (!json) process.stderr.write(`model: ${choice.modelFile.description}\n`);

    for (const runtime of entries) {
      await benchmarkRuntime({ choice, input, runtime, budget, methods, batch: batchGiven, repeat, warmup, steps, samples, target, threads, command: 'benchmark' }, (line) =>
        process.stdout.write(
          json
            ? JSON.stringify(line) + '\n'
            : `${line.runtime}/${line.backend} ${line.method.padEnd(21)} ${line.msPerMap.toFixed(1).padStart(9)} ms/map  ${line.mapsPerSecond.toFixed(2).padStart(8)} maps/s  forward ${line.forwardMs.toFixed(1)} ms  peak ${line.peakRssMb} MB\n`,
        ),
      );
    }
    return 0;
  },
};
