/**
 * `queue bench`: every live worker runs the same benchmark (benchmark-run.ts, between its jobs)
 * and answers; the answers are one table: machine, runtime, backend, device, ms per map per method.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MethodName } from '@yolo-saliency/core';
import { benchAnswers, benchChannel, type BenchAnswer, type BenchRequest } from './bench-protocol.js';
import type { Fleet } from './fleet-options.js';
import { liveWorkers } from './worker-registry.js';

export interface BenchResult {
  /** Workers asked (alive when the request went out). */
  asked: string[];
  answers: BenchAnswer[];
  /** Asked but silent within the time allowed. */
  silent: string[];
}

export async function benchFleet(fleet: Fleet, client: Redis, request: Omit<BenchRequest, 'id'>, timeoutSeconds: number): Promise<BenchResult> {
  const asked = (await liveWorkers(client, fleet)).filter((w) => !w.stopping).map((w) => w.id);
  if (asked.length === 0) return { asked, answers: [], silent: [] };
  const id = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const key = benchAnswers(fleet, id);
  await client.publish(benchChannel(fleet), JSON.stringify({ ...request, id } satisfies BenchRequest));
  const answers: BenchAnswer[] = [];
  const deadline = Date.now() + timeoutSeconds * 1000;
  const blocking = client.duplicate();
  try {
    while (answers.length < asked.length) {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0) break;
      const popped = await blocking.blpop(key, left);
      if (!popped) break;
      try {
        answers.push(JSON.parse(popped[1]) as BenchAnswer);
      } catch {
        // not ours
      }
    }
  } finally {
    blocking.disconnect();
    await client.del(key).catch(() => 0);
  }
  const answered = new Set(answers.map((a) => a.worker));
  return { asked, answers: answers.sort((a, b) => a.worker.localeCompare(b.worker)), silent: asked.filter((w) => !answered.has(w)) };
}

export function formatBench(r: BenchResult, methods: readonly MethodName[]): string {
  if (r.asked.length === 0) return 'no live worker to benchmark\n';
  const head = ['machine', 'worker', 'runtime', 'backend', 'device', 'forward ms', ...methods.map((m) => `${m} ms/map`)];
  const rows = r.answers.map((a) =>
    a.error
      ? [a.host, a.worker, 'failed:', a.error, '', '', ...methods.map(() => '')]
      : [a.host, a.worker, a.runtime ?? '', a.backend ?? '', a.device ?? '', fmt(a.forwardMs), ...methods.map((m) => fmt(a.msPerMap?.[m]))],
  );
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k].length)));
  const lines = [head, ...rows].map((row) => row.map((c, k) => c.padEnd(widths[k])).join('  ').trimEnd());
  if (r.silent.length) lines.push('', `no answer in time from: ${r.silent.join(', ')}`);
  return lines.join('\n') + '\n';
}

const fmt = (v: number | undefined) => (v === undefined ? '' : v.toFixed(1));
