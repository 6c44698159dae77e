/**
 * A bounded load test on loopback: the server in its own process, 20 connections sending
 * explain requests (all methods, the small default model) with autocannon, every answer
 * checked against a reference, nothing lost, and the server's memory back near where it
 * started. Latency percentiles, throughput and memory go to the log and to
 * apps/web/out/test/load-test.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import autocannon from 'autocannon';
import { METHOD_NAMES } from '@yolo-saliency/core';
import type { JobResult } from '../src/shared/api.js';
import { base64ToFloat32, cosineSimilarity } from '../src/shared/raw-map.js';
import { ensureWebBuilt, OUT, WEB } from './web-helpers.js';

const CONNECTIONS = 20;
const REQUESTS = 40;

interface Health {
  jobs: { running: number; queued: number };
  memory: { rssMb: number; heapUsedMb: number; computeRssMb?: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

describe('web server under load', () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    ensureWebBuilt();
    child = spawn(process.execPath, [`${WEB}dist/server/main.js`, '--port', '0', '--jobs', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /(http:\/\/[^/\s]+)\//.exec(text);
        if (match) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
    });
  });

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  const health = async (): Promise<Health> => (await fetch(`${url}/api/health`)).json() as Promise<Health>;
  const body = JSON.stringify({ kind: 'explain', model: 'shapes', image: 'shapes', target: 'det:0/score', methods: [...METHOD_NAMES], inlineMaps: true });
  const explain = async (): Promise<JobResult> => (await fetch(`${url}/api/explain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json() as Promise<JobResult>;

  it(`answers ${REQUESTS} explain requests from ${CONNECTIONS} connections, all with the right maps, and gives its memory back`, async () => {
    // Warm up both compute processes (model loaded), then take the reference answer.
    await Promise.all([explain(), explain()]);
    const reference = await explain();
    expect(reference.maps!.map((m) => m.method)).toEqual([...METHOD_NAMES]);
    const referenceMaps = new Map(reference.maps!.map((m) => [m.method, base64ToFloat32(m.data!)]));
    await new Promise((r) => setTimeout(r, 1000));
    const before = await health();

    const latencies: number[] = [];
    const problems: string[] = [];
    let checked = 0;
    const started = performance.now();
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      amount: REQUESTS,
      timeout: 60,
      requests: [
        {
          method: 'POST',
          path: '/api/explain',
          headers: { 'content-type': 'application/json' },
          body,
          setupRequest: (request, context) => {
            (context as { sent?: number }).sent = performance.now();
            return request;
          },
          onResponse: (status, responseBody, context) => {
            latencies.push(performance.now() - ((context as { sent?: number }).sent ?? started));
            if (status !== 200) return void problems.push(`status ${status}: ${responseBody.slice(0, 200)}`);
            const answer = JSON.parse(responseBody) as JobResult;
            if (Math.abs(answer.target!.value - reference.target!.value) > 1e-5) problems.push(`target value ${answer.target!.value} against ${reference.target!.value}`);
            for (const method of METHOD_NAMES) {
              const map = answer.maps?.find((m) => m.method === method);
              if (!map) return void problems.push(`no ${method} map`);
              const cosine = cosineSimilarity(base64ToFloat32(map.data!), referenceMaps.get(method)!);
              if (!(cosine >= 0.9999)) problems.push(`${method}: cosine ${cosine} to the reference`);
            }
            checked++;
          },
        },
      ],
    });
    const seconds = (performance.now() - started) / 1000;

    // Let the server settle, then read its memory again.
    await new Promise((r) => setTimeout(r, 2000));
    const after = await health();
    latencies.sort((a, b) => a - b);
    const report = {
      connections: CONNECTIONS,
      requests: REQUESTS,
      methods: METHOD_NAMES,
      answered: checked,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      latencyMs: { p50: Math.round(percentile(latencies, 50)), p95: Math.round(percentile(latencies, 95)), p99: Math.round(percentile(latencies, 99)), max: Math.round(latencies.at(-1) ?? 0) },
      requestsPerSecond: Math.round((checked / seconds) * 100) / 100,
      seconds: Math.round(seconds * 10) / 10,
      memoryMb: { before: before.memory, after: after.memory },
    };
    console.log(`load test: ${JSON.stringify(report)}`);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(`${OUT}load-test.json`, JSON.stringify(report, null, 2) + '\n');

    expect(problems).toEqual([]);
    expect(checked).toBe(REQUESTS);
    expect(latencies.length).toBe(REQUESTS);
    expect(result.errors + result.timeouts + result.non2xx).toBe(0);
    expect(after.jobs).toEqual({ running: 0, queued: 0 });
    // Nothing kept per request: the server's own memory returns near its level before the load.
    expect(after.memory.rssMb).toBeLessThan(before.memory.rssMb + 40);
    if (before.memory.computeRssMb !== undefined && after.memory.computeRssMb !== undefined) {
      expect(after.memory.computeRssMb).toBeLessThan(before.memory.computeRssMb * 1.25 + 50);
    }
  }, 180_000);
});
