/**
 * `queue submit`: one job per image. Stems are settled for the output folder across every
 * submission into it (a Redis hash of stem -> image), so two images never share files however
 * they are submitted, and an image keeps its stem when submitted again. An image whose files
 * are all in the folder is skipped (--force: computed again); one that is waiting or in
 * progress is not queued twice; a finished job of an image whose files are missing (or with
 * --force) is replaced by a new one.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { outputSuffixes } from '../explain-settings.js';
import type { ModelSpec } from '../model-spec.js';
import type { NamedImage } from '../output-names.js';
import { fleetKey, KEY_PREFIX, type Fleet } from './fleet-options.js';
import { jobIdFor, jobOptions, JOB_NAME, type ExplainJobData, type JobSettings } from './jobs.js';

export interface SubmitRequest {
  fleet: Fleet;
  client: Redis;
  /** Named within this submission (nameOutputs). */
  images: readonly NamedImage[];
  out: string;
  settings: JobSettings;
  model: ModelSpec;
  digests: Record<string, string>;
  force: boolean;
  attempts: number;
  backoffMs: number;
}

export interface SubmitReport {
  queued: number;
  /** Waiting or in progress already. */
  alreadyQueued: number;
  /** Their files are all in the output folder. */
  skipped: number;
  /** Stems changed because another submission into the folder holds them. */
  renamed: string[];
}

const ACTIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused']);

export async function submitJobs(r: SubmitRequest): Promise<SubmitReport> {
  const named = await claimStems(r.client, r.fleet, r.out, r.images);
  const present = new Set(await readdir(r.out).catch(() => [] as string[]));
  const suffixes = outputSuffixes({ methods: r.settings.methods, saveRaw: true });
  const queue = new Queue<ExplainJobData>(r.fleet.queue, { connection: r.fleet.connection, prefix: KEY_PREFIX });
  const report: SubmitReport = { queued: 0, alreadyQueued: 0, skipped: 0, renamed: named.renamed };
  try {
    const submittedAt = new Date().toISOString();
    const CHUNK = 200;
    for (let start = 0; start < named.images.length; start += CHUNK) {
      const chunk = named.images.slice(start, start + CHUNK);
      const bulk: Array<{ name: string; data: ExplainJobData; opts: ReturnType<typeof jobOptions> }> = [];
      await Promise.all(
        chunk.map(async (image) => {
          if (!r.force && suffixes.every((x) => present.has(`${image.stem}${x}`))) {
            report.skipped++;
            return;
          }
          const jobId = jobIdFor(r.out, image.stem);
          const existing = await Job.fromId(queue, jobId);
          if (existing) {
            const state = await existing.getState();
            if (ACTIVE_STATES.has(state)) {
              report.alreadyQueued++;
              return;
            }
            await existing.remove();
          }
          const data: ExplainJobData = { version: 1, image: image.path, stem: image.stem, out: r.out, settings: r.settings, model: r.model, digests: r.digests, submittedAt };
          bulk.push({ name: JOB_NAME, data, opts: jobOptions(jobId, r.attempts, r.backoffMs) });
        }),
      );
      if (bulk.length) await queue.addBulk(bulk);
      report.queued += bulk.length;
    }
  } finally {
    await queue.close();
  }
  return report;
}

/**
 * Stems for the output folder across submissions: an image already claimed keeps its stem; a
 * stem another image holds moves on to `-2`, `-3`, ... HSETNX makes concurrent submissions
 * safe: a stem lost to one is retried with the next suffix.
 */
async function claimStems(client: Redis, fleet: Fleet, out: string, images: readonly NamedImage[]): Promise<{ images: NamedImage[]; renamed: string[] }> {
  const key = fleetKey(fleet, 'stems', createHash('sha256').update(out).digest('hex').slice(0, 24));
  const claims = new Map(Object.entries(await client.hgetall(key)));
  const byImage = new Map([...claims].map(([stem, image]) => [image, stem]));
  const result: NamedImage[] = [];
  const renamed: string[] = [];
  for (const image of images) {
    const held = byImage.get(image.path);
    if (held) {
      result.push({ path: image.path, stem: held });
      continue;
    }
    const base = basename(image.path, extname(image.path));
    let stem = image.stem;
    for (let k = 2; ; k++) {
      if (!claims.has(stem) && (await client.hsetnx(key, stem, image.path)) === 1) break;
      claims.set(stem, claims.get(stem) ?? (await client.hget(key, stem)) ?? '');
      if (claims.get(stem) === image.path) break;
      stem = `${base}-${k}`;
    }
    claims.set(stem, image.path);
    byImage.set(image.path, stem);
    if (stem !== image.stem) renamed.push(`${image.path}: outputs named ${stem}.* (another image submitted into this folder holds ${image.stem}.*)`);
    result.push({ path: image.path, stem });
  }
  return { images: result, renamed };
}
