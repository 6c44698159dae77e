/**
 * `queue submit|status|bench|clean`: a thin layer over fleet/ (BullMQ on Redis). Workers
 * (`yolo-saliency worker`) take the jobs.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { METHOD_NAMES } from '@yolo-saliency/core';
import type { MethodName } from '@yolo-saliency/core';
import { Queue } from 'bullmq';
import { BOUNDS, range } from '../bounds.js';
import { UsageError } from '../cli-errors.js';
import type { Command } from '../command.js';
import { DEFAULT_IMAGE } from '../default-model.js';
import { EXPLAIN_OPTIONS, outputSuffixes, readExplainSettings } from '../explain-settings.js';
import { benchFleet, formatBench } from '../fleet/bench.js';
import { connectOnce, FLEET_OPTIONS, fleetKey, KEY_PREFIX, readFleet } from '../fleet/fleet-options.js';
import { digestsOf } from '../fleet/jobs.js';
import { formatStatus, queueStatus } from '../fleet/status.js';
import { submitJobs } from '../fleet/submit.js';
import { expandImageArguments } from '../image-sources.js';
import { chooseModel, MODEL_OPTIONS } from '../model-options.js';
import { modelSpecOf, specFiles } from '../model-spec.js';
import { prepareOutputFolder } from '../output-folder.js';
import { nameOutputs } from '../output-names.js';
import { DEFAULT_BENCH_TARGET } from './benchmark.js';

const submitCommand: Command = {
  spec: {
    name: 'queue submit',
    summary: 'Queue one job per image (with the methods and options) for the workers of a fleet',
    usage: 'queue submit IMAGE|DIR|GLOB... --redis URL --out DIR [--model M] [--method LIST|all] [--target SPEC] [options]',
    positionals: true,
    options: {
      ...FLEET_OPTIONS,
      ...MODEL_OPTIONS,
      ...EXPLAIN_OPTIONS,
      out: { type: 'string', value: 'DIR', description: 'output folder every worker can write (a shared mount); created if missing' },
      force: { type: 'boolean', description: 'queue images whose files are already in DIR too (they are computed again)' },
      attempts: { type: 'string', value: 'N', description: 'tries per job before it fails (1..100, default 3); an image that cannot be explained fails at once' },
      'backoff-seconds': { type: 'string', value: 'S', description: 'wait before the first retry, doubled for each next one (default 2)' },
      json: { type: 'boolean', description: 'print one JSON object' },
    },
    notes: [
      'Every worker writes exactly the files `explain --save-raw` writes for its image: DIR/<stem>.<method>.png,',
      'DIR/<stem>.<method>.npy and DIR/<stem>.panel.png. Images, the model files and DIR are named by absolute',
      'path: every worker must see them at the same paths (a shared mount). Workers check the model files against',
      'their sha256 here. An image already waiting or in progress is not queued twice.',
    ].join('\n'),
  },
  async run(args) {
    if (args.positionals.length === 0) throw new UsageError('no IMAGE given', 'queue submit');
    const fleet = readFleet(args, 'queue submit');
    const settings = readExplainSettings(args, 'queue submit');
    settings.saveRaw = true;
    const attempts = args.number('attempts', { integer: true, min: 1, max: 100 }) ?? 3;
    const backoffSeconds = args.number('backoff-seconds', { min: 0, max: 3600 }) ?? 2;
    const out = await prepareOutputFolder(settings.out);
    const sources = await expandImageArguments(args.positionals, out, 'queue submit');
    const choice = await chooseModel(args, 'queue submit');
    const model = modelSpecOf(args, choice);
    // Workers read the images by these paths: a file missing here is an error now, not a failed job later.
    const images: string[] = [];
    let missing = 0;
    for (const path of sources.images.map((p) => resolve(p))) {
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) images.push(path);
      else {
        missing++;
        process.stderr.write(`error: ${path}: ${info ? 'not a file' : 'not found'}; not queued\n`);
      }
    }
    const named = nameOutputs(images, out, outputSuffixes(settings), specFiles(model));
    for (const w of named.warnings) process.stderr.write(`warning: ${w}\n`);
    const digests = await digestsOf(specFiles(model));
    const client = await connectOnce(fleet);
    try {
      const { out: _out, ...jobSettings } = settings;
      const report = await submitJobs({ fleet, client, images: named.images, out, settings: jobSettings, model, digests, force: args.flag('force'), attempts, backoffMs: backoffSeconds * 1000 });
      for (const w of report.renamed) process.stderr.write(`warning: ${w}\n`);
      if (args.flag('json')) {
        process.stdout.write(JSON.stringify({ queue: fleet.queue, redis: fleet.shown, out, images: named.images.length, queued: report.queued, alreadyQueued: report.alreadyQueued, skipped: report.skipped }) + '\n');
      } else {
        const extra = [report.alreadyQueued ? `${report.alreadyQueued} already queued` : '', report.skipped ? `${report.skipped} skipped (their files are in ${out})` : ''].filter(Boolean);
        process.stdout.write(`queued ${report.queued} job(s) on ${fleet.queue} at ${fleet.shown}${extra.length ? ` (${extra.join(', ')})` : ''}; outputs in ${out}\n`);
      }
    } finally {
      client.disconnect();
    }
    return missing ? 1 : 0;
  },
};

const statusCommand: Command = {
  spec: {
    name: 'queue status',
    summary: 'Waiting, active, completed and failed jobs, and every live worker with its runtime and rate',
    usage: 'queue status --redis URL [--queue NAME] [--json]',
    options: { ...FLEET_OPTIONS, json: { type: 'boolean', description: 'print one JSON object: waiting, active, delayed, completed, failed, workers, failures' } },
  },
  async run(args) {
    const fleet = readFleet(args, 'queue status');
    const client = await connectOnce(fleet);
    try {
      const status = await queueStatus(fleet, client);
      process.stdout.write(args.flag('json') ? JSON.stringify(status) + '\n' : formatStatus(status));
    } finally {
      client.disconnect();
    }
    return 0;
  },
};

const benchCommand: Command = {
  spec: {
    name: 'queue bench',
    summary: 'Have every live worker run the same benchmark; print one table (machine, runtime, device, ms per map)',
    usage: 'queue bench --redis URL [--model M] [--method LIST] [--repeat R] [--json]',
    options: {
      ...FLEET_OPTIONS,
      ...MODEL_OPTIONS,
      method: { type: 'string', value: 'LIST', description: 'comma-separated methods or all (default all)', multiple: true },
      repeat: { type: 'string', value: 'R', description: `timed runs; the median is reported (${range(BOUNDS.repeat)}, default 3)` },
      warmup: { type: 'string', value: 'W', description: `untimed runs first (${range(BOUNDS.warmup, 0)}, default 1)` },
      steps: EXPLAIN_OPTIONS.steps,
      samples: EXPLAIN_OPTIONS.samples,
      batch: EXPLAIN_OPTIONS.batch,
      target: { type: 'string', value: 'SPEC', description: `target (default ${DEFAULT_BENCH_TARGET}, valid for any model)` },
      timeout: { type: 'string', value: 'S', description: 'seconds to wait for the answers (default 300)' },
      json: { type: 'boolean', description: 'print one JSON object' },
    },
    notes: 'Each worker finishes its jobs in progress, runs the benchmark on its own runtime, then takes jobs again.\nThe model files must be at the same paths on every worker (a shared mount).',
  },
  async run(args) {
    const fleet = readFleet(args, 'queue bench');
    const listed = args.list('method') ?? ['all'];
    const methods = (listed.includes('all') ? [...METHOD_NAMES] : listed) as MethodName[];
    for (const m of methods) if (!(METHOD_NAMES as readonly string[]).includes(m)) throw new UsageError(`unknown method '${m}'`, 'queue bench');
    const repeat = args.number('repeat', { integer: true, min: 1, max: BOUNDS.repeat }) ?? 3;
    const warmup = args.number('warmup', { integer: true, min: 0, max: BOUNDS.warmup }) ?? 1;
    const steps = args.number('steps', { integer: true, min: 1, max: BOUNDS.steps });
    const samples = args.number('samples', { integer: true, min: 1, max: BOUNDS.samples });
    const batch = args.number('batch', { integer: true, min: 1, max: BOUNDS.batch });
    const timeout = args.number('timeout', { min: 1, max: 86400 }) ?? 300;
    const choice = await chooseModel(args, 'queue bench');
    const model = modelSpecOf(args, choice);
    const client = await connectOnce(fleet);
    try {
      const request = { model, image: DEFAULT_IMAGE, methods, repeat, warmup, steps, samples, batch, target: args.string('target') ?? DEFAULT_BENCH_TARGET };
      const result = await benchFleet(fleet, client, request, timeout);
      process.stdout.write(args.flag('json') ? JSON.stringify({ queue: fleet.queue, model: model.model, methods, ...result }) + '\n' : formatBench(result, methods));
      return result.asked.length > 0 && result.silent.length === 0 && result.answers.every((a) => !a.error) ? 0 : 1;
    } finally {
      client.disconnect();
    }
  },
};

const cleanCommand: Command = {
  spec: {
    name: 'queue clean',
    summary: 'Remove finished jobs (completed and failed), or with --all the whole queue',
    usage: 'queue clean --redis URL [--queue NAME] [--all]',
    options: { ...FLEET_OPTIONS, all: { type: 'boolean', description: 'remove every job, waiting ones too, and the stems claimed in output folders' } },
  },
  async run(args) {
    const fleet = readFleet(args, 'queue clean');
    const client = await connectOnce(fleet);
    const queue = new Queue(fleet.queue, { connection: fleet.connection, prefix: KEY_PREFIX });
    try {
      if (args.flag('all')) {
        await queue.obliterate({ force: true });
        const stems = await client.keys(fleetKey(fleet, 'stems', '*'));
        if (stems.length) await client.del(...stems);
        process.stdout.write(`removed the queue ${fleet.queue} and its jobs\n`);
      } else {
        const completed = await queue.clean(0, 0, 'completed');
        const failed = await queue.clean(0, 0, 'failed');
        process.stdout.write(`removed ${completed.length} completed and ${failed.length} failed job(s)\n`);
      }
    } finally {
      await queue.close();
      client.disconnect();
    }
    return 0;
  },
};

export const queueCommand: Command = {
  spec: {
    name: 'queue',
    summary: 'A fleet on Redis (BullMQ): submit images, see the queue and its workers, benchmark the workers',
    usage: 'queue <submit|status|bench|clean> --redis URL [options]',
    options: {},
    notes: 'Workers: `yolo-saliency worker --redis URL` on each machine.',
  },
  subcommands: [submitCommand, statusCommand, benchCommand, cleanCommand],
  async run() {
    return 2;
  },
};
