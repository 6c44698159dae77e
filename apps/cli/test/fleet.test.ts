/**
 * Issue 12, the fleet: a real Redis on loopback, three workers, 33 images (32 generated and a
 * corrupt one). One worker is killed with SIGKILL while it writes a job's files. Every image
 * ends done exactly once with the very bytes a single-machine `explain` of it writes, no
 * partial file is left, the corrupt image fails alone with its reason and without retries, and
 * `queue status` agrees with the disk. Then `queue bench` gets a row from each live worker, and
 * SIGTERM returns a job in progress to the queue.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PREFIX } from '../src/fleet/fleet-options.js';
import { jobIdFor } from '../src/fleet/jobs.js';
import { STAGING_FOLDER } from '../src/fleet/staged-outputs.js';
import { ensureBuilt, fixture, lines, MAIN, ROOT, runCli } from './run-cli.js';

const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ?? (spawnSync('which', ['redis-server'], { encoding: 'utf8' }).stdout.trim() || undefined);
if (!REDIS_SERVER) console.warn('fleet tests skipped: redis-server is not installed (CI installs Debian\'s redis-server with apt-get in .ci/run)');

const MODEL = ['--model', fixture('shapes/shapes-yolov3-tiny.cfg'), '--weights', fixture('shapes/shapes-yolov3-tiny.weights'), '--names', fixture('shapes/shapes.names')];
const METHODS = ['vanilla', 'guided', 'visual-backprop', 'integrated-gradients'];
const EXPLAIN = [...MODEL, '--method', METHODS.join(','), '--steps', '16'];
const FILES_PER_IMAGE = METHODS.length * 2 + 1;
const GOOD = 32;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once Redis answers PING on the port. */
async function waitForRedis(port: number): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 10_000; ) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
      socket.on('data', (d) => (socket.destroy(), resolve(d.toString().startsWith('+PONG'))));
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}

interface Running {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const running: Running = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout!.on('data', (b) => (running.stdout += b));
  child.stderr!.on('data', (b) => (running.stderr += b));
  return running;
}

/** Output files by stem, and anything else in the folder (hidden entries included). */
async function filesByStem(out: string): Promise<{ counts: Map<string, number>; other: string[] }> {
  const counts = new Map<string, number>();
  const other: string[] = [];
  for (const f of await readdir(out)) {
    const m = /^(.+?)\.(vanilla|guided|visual-backprop|integrated-gradients|panel)\.(png|npy)$/.exec(f);
    if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
    else other.push(f);
  }
  return { counts, other };
}

async function until<T>(what: string, seconds: number, check: () => Promise<T | undefined | false>): Promise<T> {
  for (const started = Date.now(); Date.now() - started < seconds * 1000; ) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!REDIS_SERVER)('a fleet on Redis: queue submit, workers, queue status, queue bench', () => {
  let dir: string;
  let redis: ChildProcess;
  let url: string;
  let queue: Queue;
  const workers = new Map<string, Running>();

  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-fleet-'));
    const port = await freePort();
    redis = spawn(REDIS_SERVER!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitForRedis(port);
    url = `redis://127.0.0.1:${port}`;
    queue = new Queue('explain', { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, prefix: KEY_PREFIX });
    const r = await runCli(['generate-dataset', '--count', String(GOOD), '--seed', '11', '--size', '128', '--out', join(dir, 'data')]);
    expect(r.code, r.stderr).toBe(0);
    await writeFile(join(dir, 'data', 'images', 'corrupt.png'), Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(300, 3)]));
  });

  afterAll(async () => {
    for (const w of workers.values()) w.child.kill('SIGKILL');
    await queue?.close();
    redis?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('three workers, one killed with SIGKILL mid-write: every image done exactly once, the bytes of explain, no partial file', async () => {
    const out = join(dir, 'out');
    const submitted = await runCli(['queue', 'submit', join(dir, 'data', 'images'), '--redis', url, ...EXPLAIN, '--out', out, '--json']);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({ images: GOOD + 1, queued: GOOD + 1, alreadyQueued: 0, skipped: 0 });
    // Submitting again queues nothing twice.
    const again = await runCli(['queue', 'submit', join(dir, 'data', 'images'), '--redis', url, ...EXPLAIN, '--out', out, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ queued: 0, alreadyQueued: GOOD + 1 });

    for (const name of ['w1', 'w2', 'w3']) workers.set(name, start(['worker', '--redis', url, '--name', name, '--lock-seconds', '2', '--report-seconds', '0']));

    // Kill w1 while it holds a job whose files are being written into its staging folder.
    const killed = await until('w1 writing a job', 60, async () => {
      const active = await queue.getActive();
      for (const job of active) {
        if (job?.processedBy !== 'w1' || !job.id) continue;
        const staged = await readdir(join(out, STAGING_FOLDER, job.id)).catch(() => [] as string[]);
        if (staged.length > 0) {
          workers.get('w1')!.child.kill('SIGKILL');
          return { id: job.id, staged: staged.length };
        }
      }
      return undefined;
    });
    expect(await workers.get('w1')!.exit).toBe(null);
    workers.delete('w1');

    const status = await until('every job finished', 120, async () => {
      const r = await runCli(['queue', 'status', '--redis', url, '--json']);
      const s = JSON.parse(r.stdout);
      return s.completed + s.failed === GOOD + 1 && s.active === 0 && s.waiting === 0 && s.delayed === 0 ? s : undefined;
    });
    expect(status).toMatchObject({ waiting: 0, active: 0, completed: GOOD, failed: 1 });

    // The killed job: started at least twice (w1, then another worker after its lock expired), done once, by another worker.
    const job = await Job.fromId(queue, killed.id);
    expect(await job!.getState()).toBe('completed');
    expect(job!.attemptsStarted).toBeGreaterThanOrEqual(2);
    expect(job!.returnvalue.worker).not.toBe('w1');

    // Exactly once: one completed job per good image, each with its own stem, all finished by live workers' hands.
    const completed = await queue.getCompleted(0, -1);
    expect(completed).toHaveLength(GOOD);
    const stems = completed.map((j) => j.returnvalue.stem).sort();
    expect(new Set(stems).size).toBe(GOOD);
    expect(stems).toEqual(Array.from({ length: GOOD }, (_, k) => String(k)).sort());
    expect(completed.every((j) => j.id === jobIdFor(out, j.returnvalue.stem) && j.returnvalue.files.length === FILES_PER_IMAGE)).toBe(true);

    // The corrupt image failed at once (no retries) with its reason; the others were not stopped by it.
    const [failed] = await queue.getFailed(0, -1);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/corrupt\.png: /);
    expect(status.failures).toEqual([{ image: join(dir, 'data', 'images', 'corrupt.png'), reason: failed.failedReason, attempts: 1 }]);

    // The disk: whole sets only, nothing staged or temporary left, and as many as status says.
    const { counts, other } = await filesByStem(out);
    expect(other).toEqual([]);
    expect([...counts.values()].every((n) => n === FILES_PER_IMAGE)).toBe(true);
    expect(counts.size).toBe(status.completed);

    // Live workers report their runtime and rate; the killed one drops out once its heartbeat expires.
    const alive = await until('w1 gone from the registry', 10, async () => {
      const s = JSON.parse((await runCli(['queue', 'status', '--redis', url, '--json'])).stdout);
      return s.workers.some((w: { id: string }) => w.id === 'w1') ? undefined : s.workers;
    });
    expect(alive.map((w: { id: string }) => w.id).sort()).toEqual(['w2', 'w3']);
    const runtime = alive[0].runtime;
    for (const w of alive) {
      expect(w).toMatchObject({ runtime, host: expect.any(String), device: expect.any(String), concurrency: 1 });
      expect(w.mapsPerSecond).toBeGreaterThanOrEqual(0);
    }

    // The same images on one machine (one image at a time, the same runtime): the same bytes.
    const ref = join(dir, 'ref');
    const images = Array.from({ length: GOOD }, (_, k) => join(dir, 'data', 'images', `${k}.png`));
    const single = await runCli(['explain', ...images, ...EXPLAIN, '--runtime', runtime, '--save-raw', '--out', ref]);
    expect(single.code, single.stderr).toBe(0);
    const refFiles = (await readdir(ref)).sort();
    expect(refFiles).toHaveLength(GOOD * FILES_PER_IMAGE);
    for (const f of refFiles) expect(Buffer.compare(await readFile(join(out, f)), await readFile(join(ref, f))), f).toBe(0);
  });

  it('queue bench: one row per live worker with its runtime, device and ms per map', async () => {
    const r = await runCli(['queue', 'bench', '--redis', url, ...MODEL, '--method', 'vanilla,guided', '--repeat', '1', '--warmup', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.asked.sort()).toEqual(['w2', 'w3']);
    expect(result.silent).toEqual([]);
    for (const a of result.answers) {
      expect(a).toMatchObject({ runtime: expect.any(String), backend: expect.any(String), device: expect.any(String), host: expect.any(String) });
      expect(a.msPerMap.vanilla).toBeGreaterThan(0);
      expect(a.msPerMap.guided).toBeGreaterThan(0);
    }
    const table = await runCli(['queue', 'bench', '--redis', url, ...MODEL, '--method', 'vanilla', '--repeat', '1', '--warmup', '0']);
    expect(lines(table.stdout)[0]).toMatch(/^machine\s+worker\s+runtime\s+backend\s+device\s+forward ms\s+vanilla ms\/map$/);
    expect(lines(table.stdout)).toHaveLength(3);
  });

  it('SIGTERM returns the job in progress to the queue (no attempt counted, no file) and the worker leaves', async () => {
    const out = join(dir, 'long');
    const image = join(dir, 'data', 'images', '0.png');
    const r = await runCli(['queue', 'submit', image, '--redis', url, ...MODEL, '--method', 'integrated-gradients', '--steps', '5000', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const id = jobIdFor(out, '0');
    for (const round of [1, 2]) {
      const holder = await until('a worker on the long job', 60, async () => {
        const job = await Job.fromId(queue, id);
        return (await job?.getState()) === 'active' && job?.processedBy && workers.has(job.processedBy) ? job.processedBy : undefined;
      });
      const w = workers.get(holder)!;
      const sent = Date.now();
      w.child.kill('SIGTERM');
      expect(await w.exit).toBe(143);
      expect(Date.now() - sent).toBeLessThan(5000);
      workers.delete(holder);
      expect(lines(w.stderr).at(-1)).toMatch(new RegExp(`^interrupted by SIGTERM: worker ${holder} stopped: .*1 job\\(s\\) returned to the queue$`));
      const job = await Job.fromId(queue, id);
      expect(['waiting', 'active']).toContain(await job!.getState());
      expect(job!.attemptsMade).toBe(0);
      expect(round).toBeLessThanOrEqual(2);
    }
    const { counts, other } = await filesByStem(out);
    expect(counts.size).toBe(0);
    expect(other).toEqual([]);
    const status = JSON.parse((await runCli(['queue', 'status', '--redis', url, '--json'])).stdout);
    expect(status.workers).toEqual([]);
    expect(status.waiting).toBe(1);
  });

  it('queue submit refuses a file that is not there (workers would not find it either); queue clean --all empties a queue', async () => {
    const out = join(dir, 'other');
    const present = join(dir, 'data', 'images', '1.png');
    const absent = join(dir, 'data', 'images', 'absent.png');
    const r = await runCli(['queue', 'submit', present, absent, '--redis', url, '--queue', 'other', ...MODEL, '--out', out, '--json']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([`error: ${absent}: not found; not queued`]);
    expect(JSON.parse(r.stdout)).toMatchObject({ queue: 'other', images: 1, queued: 1 });
    const cleaned = await runCli(['queue', 'clean', '--redis', url, '--queue', 'other', '--all']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    const status = JSON.parse((await runCli(['queue', 'status', '--redis', url, '--queue', 'other', '--json'])).stdout);
    expect(status).toMatchObject({ queue: 'other', waiting: 0, active: 0, completed: 0, failed: 0 });
  });
});
