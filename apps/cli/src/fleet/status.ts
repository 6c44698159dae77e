/** `queue status`: the queue's counts (BullMQ's), the live workers (their heartbeats) and the latest failures. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { KEY_PREFIX, type Fleet } from './fleet-options.js';
import type { ExplainJobData } from './jobs.js';
import { liveWorkers, type WorkerReport } from './worker-registry.js';

export interface QueueStatus {
  queue: string;
  redis: string;
  /** Waiting for a worker (BullMQ's wait and prioritized). */
  waiting: number;
  active: number;
  /** Failed attempts waiting for their retry (exponential backoff). */
  delayed: number;
  completed: number;
  failed: number;
  workers: WorkerReport[];
  /** The latest failed jobs (at most 20): the image and why. */
  failures: Array<{ image: string; reason: string; attempts: number }>;
}

export async function queueStatus(fleet: Fleet, client: Redis): Promise<QueueStatus> {
  const queue = new Queue<ExplainJobData>(fleet.queue, { connection: fleet.connection, prefix: KEY_PREFIX });
  try {
    const counts = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    const failed = await queue.getFailed(0, 19);
    return {
      queue: fleet.queue,
      redis: fleet.shown,
      waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      workers: await liveWorkers(client, fleet),
      failures: failed.filter(Boolean).map((job) => ({ image: job.data?.image ?? String(job.id), reason: job.failedReason ?? '', attempts: job.attemptsMade })),
    };
  } finally {
    await queue.close();
  }
}

export function formatStatus(s: QueueStatus): string {
  const lines = [
    `queue ${s.queue} at ${s.redis}`,
    `  waiting ${s.waiting}, active ${s.active}, retrying ${s.delayed}, completed ${s.completed}, failed ${s.failed}`,
    '',
    s.workers.length ? 'workers:' : 'workers: none alive',
  ];
  const rows = s.workers.map((w) => [w.id, `${w.runtime}/${w.backend}`, w.device, String(w.concurrency), String(w.completed), String(w.failed), `${w.mapsPerSecond}`, w.stopping ? 'stopping' : w.active.length ? `busy (${w.active.length})` : 'idle']);
  if (rows.length) {
    const head = ['worker', 'runtime', 'device', 'jobs at once', 'done', 'failed', 'maps/s (1 min)', 'now'];
    const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
    for (const row of [head, ...rows]) lines.push(`  ${row.map((c, k) => c.padEnd(widths[k])).join('  ').trimEnd()}`);
  }
  if (s.failures.length) {
    lines.push('', 'latest failures:');
    for (const f of s.failures) lines.push(`  ${f.image}: ${f.reason} (${f.attempts} attempt(s))`);
  }
  return lines.join('\n') + '\n';
}
