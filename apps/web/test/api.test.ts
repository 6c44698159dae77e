/**
 * The web API on a real server (port 0, compute processes on this machine's runtimes): the
 * default model, detect and explain jobs with streamed progress, raw maps, uploads good and
 * bad, limits, the queue, cancel, sessions expiring, headers, and the OpenAPI document.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '@yolo-saliency/node';
import type { CatalogResponse, JobResult, JobStatus, ModelInfo } from '../src/shared/api.js';
import { decodeNpyFloat32 } from '../src/shared/raw-map.js';
import { fixture, importServer, ROOT } from './web-helpers.js';

type WebServer = Awaited<ReturnType<Awaited<ReturnType<typeof importServer>>['startServer']>>;

interface Client {
  cookie?: string;
  request(path: string, init?: RequestInit): Promise<Response>;
  json<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
}

/** A client that keeps its session cookie, like a browser. */
function client(base: string): Client {
  const c: Client = {
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (c.cookie) headers.set('cookie', c.cookie);
      const response = await fetch(base + path, { ...init, headers });
      const set = response.headers.get('set-cookie');
      if (set) c.cookie = set.split(';')[0];
      return response;
    },
    async json<T>(path: string, init?: RequestInit) {
      const response = await c.request(path, init);
      return { status: response.status, body: (await response.json()) as T };
    },
  };
  return c;
}

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function form(files: Array<[string, Uint8Array | string]>, field = 'files'): FormData {
  const f = new FormData();
  for (const [name, bytes] of files) f.append(field, new Blob([bytes as BlobPart]), name);
  return f;
}

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** No stack trace, no server path in an error body. */
function expectCleanError(body: { error?: string }): void {
  expect(typeof body.error).toBe('string');
  expect(body.error).not.toMatch(/\n\s+at |\.ts:\d|\.js:\d/);
  expect(body.error).not.toContain(ROOT);
}

describe('web API', () => {
  let server: WebServer;
  let base: string;

  beforeAll(async () => {
    const { startServer } = await importServer();
    server = await startServer({ port: 0, maxRunningJobs: 2, maxImageBytes: 2 * 2 ** 20 });
    base = server.url!;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('opens on the bundled default model and image, with security headers and a session cookie', async () => {
    const c = client(base);
    const response = await c.request('/api/catalog');
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(c.cookie).toMatch(/^ys_session=/);
    const catalog = (await response.json()) as CatalogResponse;
    const { DEFAULT_MODEL_ID, DEFAULT_IMAGE_ID } = await import('@yolo-saliency/node');
    expect(catalog.defaultModel).toBe(DEFAULT_MODEL_ID);
    expect(catalog.defaultImage).toBe(DEFAULT_IMAGE_ID);
    expect(catalog.models.map((m) => m.id)).toContain(DEFAULT_MODEL_ID);
    expect(catalog.images.map((i) => i.id)).toContain(DEFAULT_IMAGE_ID);
    const page = await fetch(base + '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
  });

  it('lists the runtimes as doctor does, with what auto picks', async () => {
    const { body } = await client(base).json<{ runtimes: Array<{ name: string; available: boolean }>; auto: { runtime?: string } }>('/api/runtimes');
    expect(body.runtimes.map((r) => r.name)).toEqual(expect.arrayContaining(['tfjs', 'onnx']));
    expect(body.runtimes.find((r) => r.name === 'tfjs')?.available).toBe(true);
    expect(typeof body.auto.runtime).toBe('string');
  });

  it('detects on the default, then explains a detection with progress events and .npy maps', async () => {
    const c = client(base);
    const { body: catalog } = await c.json<CatalogResponse>('/api/catalog');
    const detect = await c.json<JobStatus>('/api/jobs', post({ kind: 'detect', model: catalog.defaultModel, image: catalog.defaultImage }));
    expect(detect.status).toBe(202);
    const detected = await c.json<JobStatus>(`/api/jobs/${detect.body.id}?wait=60`);
    expect(detected.body.state).toBe('done');
    const detections = detected.body.result!.detections;
    expect(detections.length).toBeGreaterThan(0);
    expect(detected.body.result!.where).toBe('server');

    const explain = await c.json<JobStatus>('/api/jobs', post({ kind: 'explain', model: catalog.defaultModel, image: catalog.defaultImage, target: 'det:0/score', methods: ['vanilla', 'integrated-gradients', 'visual-backprop'], steps: 8, runtime: 'tfjs', backend: 'wasm' }));
    expect(explain.status).toBe(202);
    // Server-sent events: progress of the IG steps, then the result.
    const events = await c.request(`/api/jobs/${explain.body.id}/events`);
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const text = await events.text();
    const parsed = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
    const progress = parsed.filter((e) => e.type === 'progress' && e.method === 'integrated-gradients');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ done: 8, total: 8 });
    const done = parsed.at(-1) as { type: string; result: JobResult };
    expect(done.type).toBe('done');
    expect(done.result.runtime).toMatchObject({ name: 'tfjs', backend: 'wasm' });
    expect(done.result.target!.detection!.index).toBe(0);
    expect(done.result.maps!.map((m) => m.method)).toEqual(['vanilla', 'integrated-gradients', 'visual-backprop']);
    for (const map of done.result.maps!) {
      const response = await c.request(map.npy!);
      expect(response.status).toBe(200);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const ours = decodeNpyFloat32(bytes);
      const reference = decodeNpy(bytes);
      const inputSize = catalog.models.find((m) => m.id === catalog.defaultModel)!.inputSize;
      expect(ours.dims).toEqual([...inputSize, 3]);
      expect(reference.dims).toEqual([...inputSize, 3]);
      expect(Array.from(ours.data.subarray(0, 64))).toEqual(Array.from(reference.data.subarray(0, 64)));
      expect(ours.data.some((v) => v !== 0)).toBe(true);
    }
    // Another session cannot see this job.
    expect((await client(base).json(`/api/jobs/${explain.body.id}`)).status).toBe(404);
  });

  it('uploads a Keras .h5 and explains with it; a bad upload gets a clear message and the server keeps serving', async () => {
    const c = client(base);
    const h5 = readFileSync(fixture('keras/keras-tiny-yolo3-w2-c2.h5'));
    const upload = await c.json<ModelInfo>('/api/models', { method: 'POST', body: form([['tiny.h5', h5]]) });
    expect(upload.status).toBe(200);
    expect(upload.body).toMatchObject({ source: 'upload', format: 'keras', trained: true });
    const image = await c.json<{ id: string; width: number }>('/api/images', { method: 'POST', body: form([['dog.jpg', readFileSync(fixture('images/dog.jpg'))]], 'image') });
    expect(image.status).toBe(200);
    expect(image.body.width).toBe(768);
    const result = await c.json<JobResult>('/api/explain', post({ kind: 'explain', model: upload.body.id, image: image.body.id, target: 'raw:scale=0,anchor=0,y=1,x=1,channel=4', methods: ['vanilla'] }));
    expect(result.status).toBe(200);
    expect(result.body.maps![0].dims.slice(0, 2)).toEqual(upload.body.inputSize);

    const bad: Array<[string, Array<[string, Uint8Array | string]>, number, RegExp]> = [
      ['a text file as .h5', [['model.h5', 'hello, I am not HDF5']], 415, /model\.h5: not an HDF5 file/],
      ['a truncated .h5', [['half.h5', h5.subarray(0, h5.length >> 1)]], 400, /half\.h5: .*truncated/],
      ['a .cfg without [net]', [['x.cfg', '[convolutional]\nfilters=3\n']], 415, /x\.cfg: not a darknet \.cfg/],
      ['a cfg with weights of the wrong size', [['y.cfg', readFileSync(fixture('darknet/yolov3-tiny.cfg'))], ['y.weights', new Uint8Array(64)]], 400, /y\.weights/],
      ['an unknown extension', [['model.pt', 'x']], 415, /model\.pt: not a model file/],
      ['weights alone', [['w.weights', new Uint8Array(64)]], 400, /no model file/],
    ];
    for (const [what, files, status, message] of bad) {
      const r = await c.json<{ error: string }>('/api/models', { method: 'POST', body: form(files) });
      expect(r.status, what).toBe(status);
      expect(r.body.error, what).toMatch(message);
      expectCleanError(r.body);
    }
    const notImage = await c.json<{ error: string }>('/api/images', { method: 'POST', body: form([['photo.jpg', 'not a jpeg at all']], 'image') });
    expect(notImage.status).toBe(415);
    expect(notImage.body.error).toMatch(/photo\.jpg: not an image/);
    const truncated = readFileSync(fixture('images/dog.jpg')).subarray(0, 2000);
    const broken = await c.json<{ error: string }>('/api/images', { method: 'POST', body: form([['cut.jpg', truncated]], 'image') });
    expect(broken.status).toBe(415);
    expectCleanError(broken.body);
    // A small PNG that declares 10000x10000 pixels: refused from its header, nothing decoded.
    const { encodePng } = await import('@yolo-saliency/node');
    const tiny = Buffer.from(await encodePng({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) }));
    tiny.writeUInt32BE(10000, 16);
    tiny.writeUInt32BE(10000, 20);
    tiny.writeUInt32BE(crc32(tiny.subarray(12, 29)), 29); // IHDR's CRC, so the header reads as valid
    const huge = await c.json<{ error: string }>('/api/images', { method: 'POST', body: form([['huge.png', tiny]], 'image') });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatch(/huge\.png: 10000×10000 pixels, more than the 40,000,000 limit/);
    const big = await c.json<{ error: string }>('/api/images', { method: 'POST', body: form([['big.png', Uint8Array.from({ length: 3 * 2 ** 20 }, (_, i) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a][i] ?? 7)]], 'image') });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/big\.png: larger than the 2 MB limit/);
    // Still serving.
    expect((await c.json('/api/health')).status).toBe(200);
    // Nothing of the failed uploads is left: the good model's two files, the good image.
    const dir = `${server.config.dataDir}`;
    const folders = await readdir(dir);
    const mine = [];
    for (const f of folders) for (const s of await readdir(`${dir}/${f}`).catch(() => [])) mine.push(...(await readdir(`${dir}/${f}/${s}`).catch(() => [])));
    expect(mine.filter((n) => n.startsWith(upload.body.id) || n.startsWith(image.body.id)).length).toBe(2);
  });

  it('replaces a compute process whose HDF5 reader a corrupt file may have damaged', async () => {
    const c = client(base);
    const h5 = readFileSync(fixture('keras/keras-tiny-yolo3-w2-c2.h5'));
    // Four bytes flipped in the object headers (as core's own hostile-file test does): HDF5 reports corruption.
    const bad = Uint8Array.from(h5);
    let state = (12345 + 11) >>> 0;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let j = 0; j < 4; j++) bad[Math.floor(next() * Math.min(8192, h5.length))] ^= 0xff;
    const refused = await c.json<{ error: string }>('/api/models', { method: 'POST', body: form([['bad.h5', bad]]) });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/^bad\.h5: corrupt HDF5 file/);
    // Good files afterwards load, whichever process takes them.
    for (let k = 0; k < 3; k++) {
      const good = await c.json<ModelInfo>('/api/models', { method: 'POST', body: form([[`good${k}.h5`, h5]]) });
      expect(good.status, JSON.stringify(good.body)).toBe(200);
    }
  });

  it('never lets a client-given path or id reach the file system', async () => {
    const c = client(base);
    for (const path of ['/api/images/..%2F..%2Fetc%2Fpasswd', '/api/images/../../etc/passwd', '/api/models/shapes/files/..%2Fweights', '/api/models/..%2Fshapes/files/model']) {
      const r = await c.request(path);
      expect([400, 404]).toContain(r.status);
      const body = (await r.json()) as { error: string };
      expectCleanError(body);
    }
    const r = await c.json<{ error: string }>('/api/jobs', post({ kind: 'detect', model: '../../etc/passwd', image: 'shapes' }));
    expect(r.status).toBe(400);
    const upload = await c.json<ModelInfo>('/api/models', { method: 'POST', body: form([['../../../../tmp/evil.h5', readFileSync(fixture('keras/keras-tiny-yolo3-w2-c2.h5'))]]) });
    expect(upload.status).toBe(200);
    expect(upload.body.files[0].name).toBe('evil.h5');
    expect(existsSync('/tmp/evil.h5')).toBe(false);
  });

  it('refuses bad requests with one-line messages and no stack traces', async () => {
    const c = client(base);
    const cases: Array<[RequestInit, RegExp]> = [
      [{ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }, /json|JSON/],
      [post({ kind: 'explain', model: 'shapes', image: 'shapes', methods: ['gradcam'] }), /invalid request/],
      [post({ kind: 'explain', model: 'shapes', image: 'shapes', target: 'det:x/score' }), /target/],
      [post({ kind: 'explain', model: 'shapes', image: 'shapes', target: 'class:dog' }), /no class 'dog'/],
      [post({ kind: 'explain', model: 'shapes', image: 'shapes', runtime: 'cuda-magic' }), /unknown runtime/],
      [post({ kind: 'explain', model: 'nope', image: 'shapes' }), /no model 'nope'/],
    ];
    for (const [init, message] of cases) {
      const r = await c.json<{ error: string }>('/api/jobs', init);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.body.error).toMatch(message);
      expectCleanError(r.body);
    }
    // A target outside the model's heads fails in the compute process: a message, not a crash.
    const failed = await c.json<{ error: string }>('/api/explain', post({ kind: 'explain', model: 'shapes', image: 'shapes', target: 'raw:scale=7,anchor=0,y=0,x=0,channel=4' }));
    expect(failed.status).toBe(422);
    expect(failed.body.error).toMatch(/scale/);
    expectCleanError(failed.body);
  });

  it('queues beyond the running limit, shows places, and cancels a long job without blocking the next', async () => {
    const c = client(base);
    const long = { kind: 'explain', model: 'shapes', image: 'shapes', methods: ['integrated-gradients'], steps: 512, runtime: 'tfjs', backend: 'cpu' };
    const jobs = [];
    for (let k = 0; k < 4; k++) jobs.push((await c.json<JobStatus>('/api/jobs', post(long))).body);
    expect(jobs.slice(0, 2).map((j) => j.state)).toEqual(['running', 'running']);
    expect(jobs.slice(2).map((j) => [j.state, j.position])).toEqual([
      ['queued', 1],
      ['queued', 2],
    ]);
    // Another user's short job waits for a process, then runs: cancelling frees them at once.
    const other = client(base);
    const quick = await other.json<JobStatus>('/api/jobs', post({ kind: 'detect', model: 'shapes', image: 'shapes' }));
    expect(quick.body.state).toBe('queued');
    const started = Date.now();
    for (const job of jobs) expect((await c.json<JobStatus>(`/api/jobs/${job.id}`, { method: 'DELETE' })).body.state).toBe('cancelled');
    const done = await other.json<JobStatus>(`/api/jobs/${quick.body.id}?wait=30`);
    expect(done.body.state).toBe('done');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(server.queue.counts).toEqual({ running: 0, queued: 0 });
  });

  it('serves its OpenAPI document, generated from the route schemas and identical to docs/', async () => {
    const { body } = await client(base).json<{ openapi: string; paths: Record<string, unknown> }>('/api/openapi.json');
    expect(body.openapi).toMatch(/^3\./);
    for (const path of ['/api/catalog', '/api/models', '/api/images', '/api/jobs', '/api/jobs/{id}', '/api/jobs/{id}/events', '/api/jobs/{id}/maps/{method}', '/api/explain', '/api/runtimes', '/api/health']) {
      expect(Object.keys(body.paths)).toContain(path);
    }
    const committed = JSON.parse(await readFile(`${ROOT}docs/web-api.openapi.json`, 'utf8'));
    expect(body, 'docs/web-api.openapi.json is stale: run pnpm --filter @yolo-saliency/web openapi').toEqual(committed);
  });
});

describe('web sessions', () => {
  it("deletes a session's uploads after the time limit", async () => {
    const { startServer } = await importServer();
    const server = await startServer({ port: 0, maxRunningJobs: 1, sessionTtlMs: 1500 });
    try {
      const c = client(server.url!);
      const image = await c.json<{ id: string }>('/api/images', { method: 'POST', body: form([['shapes.png', readFileSync(fixture('images/shapes.png'))]], 'image') });
      expect(image.status).toBe(200);
      expect((await c.request(`/api/images/${image.body.id}`)).status).toBe(200);
      const folder = `${server.config.dataDir}`;
      const before = (await readdir(folder, { recursive: true })).filter((n) => String(n).includes(image.body.id));
      expect(before.length).toBe(1);
      await new Promise((r) => setTimeout(r, 3000));
      const after = (await readdir(folder, { recursive: true })).filter((n) => String(n).includes(image.body.id));
      expect(after).toEqual([]);
      const gone = await c.json<{ error: string }>(`/api/images/${image.body.id}`);
      expect(gone.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
