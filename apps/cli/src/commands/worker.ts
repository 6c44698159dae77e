import { BOUNDS } from '../bounds.js';
import type { Command } from '../command.js';
import { FLEET_OPTIONS, readFleet } from '../fleet/fleet-options.js';
import { runWorker } from '../fleet/worker.js';
import { MEMORY_OPTIONS, MemoryBudget } from '../memory-budget.js';
import { RUNTIME_OPTIONS } from '../model-options.js';
import { readRuntimeChoice } from '../runtime-choice.js';
import { quoted } from '../cli-errors.js';

export const workerCommand: Command = {
  spec: {
    name: 'worker',
    summary: "Take jobs from a fleet's queue and explain them on this machine's best runtime",
    usage: 'worker --redis URL [--runtime auto] [--concurrency N] [options]',
    options: {
      ...FLEET_OPTIONS,
      ...RUNTIME_OPTIONS,
      ...MEMORY_OPTIONS,
      concurrency: { type: 'string', value: 'N', description: 'jobs at once (1..64, default 1); each holds its own image and maps' },
      'lock-seconds': { type: 'string', value: 'S', description: "how long a job stays this worker's without renewal (default 30): a worker that dies gives its job back after this, found by the next stalled-job check" },
      name: { type: 'string', value: 'ID', description: 'this worker in `queue status` (default <host>-<pid>)' },
      threads: { type: 'string', value: 'N', description: "CPU threads for the runtime (default: the runtime's own)" },
      'report-seconds': { type: 'string', value: 'S', description: 'seconds between throughput lines on stdout (default 10, 0: none)' },
    },
    notes: [
      'The runtime is chosen as `doctor` shows (--runtime auto: the first that loads, GPU first). Each job\'s files',
      'are exactly those of `explain --save-raw` for its image, written whole into the folder the job names.',
      'SIGINT/SIGTERM: takes no new job, returns the job in progress to the queue (or finishes it when it is',
      'already writing), leaves the registry; exit 130/143.',
    ].join('\n'),
  },
  async run(args) {
    const fleet = readFleet(args, 'worker');
    const runtime = readRuntimeChoice(args, 'worker');
    const budget = MemoryBudget.read(args, 'worker');
    const concurrency = args.number('concurrency', { integer: true, min: 1, max: 64 }) ?? 1;
    const lockSeconds = args.number('lock-seconds', { min: 1, max: 86400 }) ?? 30;
    const threads = args.number('threads', { integer: true, min: 1, max: 1024 });
    const reportSeconds = args.number('report-seconds', { min: 0, max: BOUNDS.repeat * 60 }) ?? 10;
    const name = args.string('name');
    if (name !== undefined && !/^[\w.@-]{1,100}$/.test(name)) throw new Error(`--name must be 1 to 100 letters, digits, '.', '_', '@' or '-', got ${quoted(name)}`);
    return runWorker({ fleet, runtime, budget, concurrency, lockSeconds, reportSeconds, threads, ...(name ? { name } : {}) });
  },
};
