/**
 * The server's parts on their own: upload checks by first bytes, client file names, the .npy
 * and base64 forms of raw maps, and the queue's order (fair between sessions) with a fake
 * compute pool.
 */
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '@yolo-saliency/node';
import { HttpError } from '../src/server/http-error.js';
import { JobQueue } from '../src/server/jobs.js';
import type { ComputePool } from '../src/server/compute-pool.js';
import type { TaskOutput } from '../src/server/compute-protocol.js';
import { checkMagic, displayName, extensionOf, imageFormat } from '../src/server/upload-checks.js';
import { base64ToFloat32, cosineSimilarity, decodeNpyFloat32, encodeNpyFloat32, float32ToBase64, toThreeChannels } from '../src/shared/raw-map.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (s: string) => new TextEncoder().encode(s);

describe('upload checks', () => {
  it('accepts each format by its first bytes and refuses the others with the file named', () => {
    const ok: Array<[Parameters<typeof checkMagic>[0], Uint8Array]> = [
      ['image', bytes(0xff, 0xd8, 0xff, 0xe0)],
      ['image', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)],
      ['image', text('RIFF\0\0\0\0WEBPVP8 ')],
      ['image', text('GIF89a')],
      ['h5', bytes(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a)],
      ['keras', bytes(0x50, 0x4b, 0x03, 0x04)],
      ['onnx', bytes(0x08, 0x07, 0x12, 0x04)],
      ['weights', bytes(0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)],
      ['cfg', text('# comment\n[net]\nwidth=416\n')],
      ['names', text('dog\ncat\n')],
    ];
    for (const [kind, head] of ok) expect(() => checkMagic(kind, head, 'f'), kind).not.toThrow();
    const bad: Array<[Parameters<typeof checkMagic>[0], Uint8Array, RegExp]> = [
      ['image', text('<svg xmlns="http://www.w3.org/2000/svg"/>'), /not an image/],
      ['h5', text('PK\u0003\u0004'), /not an HDF5 file/],
      ['keras', bytes(0x89, 0x48, 0x44, 0x46), /zip archive/],
      ['onnx', text('\u0000\u0000'), /not an ONNX model/],
      ['weights', bytes(1, 2, 3), /shorter than its header/],
      ['weights', bytes(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), /no version/],
      ['cfg', text('[convolutional]\nfilters=1\n'), /no \[net\] section/],
      ['cfg', bytes(0x5b, 0x6e, 0x65, 0x74, 0x5d, 0), /binary data/],
      ['names', bytes(0x61, 0, 0x62), /binary data/],
    ];
    for (const [kind, head, message] of bad) {
      let error: unknown;
      try {
        checkMagic(kind, head, 'upload.bin');
      } catch (e) {
        error = e;
      }
      expect(error, kind).toBeInstanceOf(HttpError);
      expect((error as HttpError).statusCode).toBe(415);
      expect((error as HttpError).message).toMatch(/^upload\.bin: /);
      expect((error as HttpError).message, kind).toMatch(message);
    }
    expect(imageFormat(text('hello'))).toBeUndefined();
  });

  it('takes only an extension and a display name from a client file name', () => {
    expect(extensionOf('model.H5')).toBe('.h5');
    expect(extensionOf('../../etc/passwd')).toBe('');
    expect(extensionOf('archive.tar.gz')).toBe('.gz');
    expect(extensionOf('x.h5/..')).toBe('');
    expect(displayName('../../secret/evil name<script>.h5')).toBe('evil name_script_.h5');
    expect(displayName('C:\\Users\\me\\yolo.cfg')).toBe('yolo.cfg');
    expect(displayName('')).toBe('file');
  });
});

describe('raw maps', () => {
  it('writes .npy as @yolo-saliency/node does, reads both, and repeats one channel into three', () => {
    const map = { dims: [2, 3, 1], data: Float32Array.from([1, -2, 3.5, 0, 1e-8, -7]) };
    const three = toThreeChannels(map);
    expect(three.dims).toEqual([2, 3, 3]);
    expect(Array.from(three.data.subarray(0, 6))).toEqual([1, 1, 1, -2, -2, -2]);
    const ours = encodeNpyFloat32(three);
    expect(Array.from(ours)).toEqual(Array.from(encodeNpy(three)));
    expect(decodeNpyFloat32(ours)).toEqual(three);
    expect(() => decodeNpyFloat32(text('not npy'))).toThrow(/not a \.npy/);
    expect(base64ToFloat32(float32ToBase64(map.data))).toEqual(map.data);
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
  });
});

/** A pool whose tasks finish when the test says so. */
function fakePool(size: number) {
  const running: Array<{ resolve: (o: TaskOutput) => void; task: unknown }> = [];
  const pool = {
    onAvailable: undefined as (() => void) | undefined,
    get idle() {
      return size - running.length;
    },
    run(task: unknown) {
      let resolve!: (o: TaskOutput) => void;
      const result = new Promise<TaskOutput>((r) => (resolve = r));
      const entry = { resolve, task };
      running.push(entry);
      void result.then(() => running.splice(running.indexOf(entry), 1));
      return { result, cancel() {} };
    },
  };
  return { pool: pool as unknown as ComputePool, running };
}

const limits = { maxRunningJobs: 1, maxQueuedJobs: 4, maxJobsPerSession: 3, resultTtlMs: 60_000, maxResultsPerSession: 2 };
const task = { type: 'runtimes' } as const;

describe('job queue', () => {
  it("runs N at once, tells places, and starts another session's job before a busy session's next", async () => {
    const { pool, running } = fakePool(1);
    const queue = new JobQueue(pool, limits);
    const a1 = queue.submit('a', 'detect', task, (o) => o);
    const a2 = queue.submit('a', 'detect', task, (o) => o);
    const a3 = queue.submit('a', 'detect', task, (o) => o);
    const b1 = queue.submit('b', 'detect', task, (o) => o);
    expect([a1, a2, a3, b1].map((j) => j.state)).toEqual(['running', 'queued', 'queued', 'queued']);
    expect([a2, a3, b1].map((j) => queue.position(j))).toEqual([1, 2, 3]);
    // Session a's own limit, then the queue's.
    expect(() => queue.submit('a', 'detect', task, (o) => o)).toThrow(/already have 3 jobs/);
    const c1 = queue.submit('c', 'detect', task, (o) => o);
    expect(queue.position(c1)).toBe(4);
    expect(() => queue.submit('c', 'detect', task, (o) => o)).toThrow(/busy/);
    const events: string[] = [];
    queue.subscribe(b1, (e) => events.push(e.type));
    running[0].resolve({} as TaskOutput);
    await a1.settled;
    await new Promise((r) => setTimeout(r, 0));
    // b has nothing running, a has: b's first job goes before a's second (and before c's, younger).
    expect(b1.state).toBe('running');
    expect(events).toContain('started');
    expect([a2, a3].map((j) => queue.position(j))).toEqual([1, 2]);
    // Then c (never served), then a again: sessions take turns.
    running[0].resolve({} as TaskOutput);
    await b1.settled;
    await new Promise((r) => setTimeout(r, 0));
    expect([a2.state, c1.state]).toEqual(['queued', 'running']);
    queue.cancel(a3);
    expect(a3.state).toBe('cancelled');
    expect(queue.counts).toEqual({ running: 1, queued: 1 });
  });

  it('keeps finished results per session up to a limit, and forgets expired ones', async () => {
    const { pool, running } = fakePool(3);
    const queue = new JobQueue(pool, { ...limits, maxRunningJobs: 3 });
    const jobs = [0, 1, 2].map(() => queue.submit('a', 'explain', task, (o) => o));
    for (const r of [...running]) r.resolve({} as TaskOutput);
    await Promise.all(jobs.map((j) => j.settled));
    queue.expire();
    expect(jobs.filter((j) => queue.get(j.id, 'a')).length).toBe(2);
    expect(queue.get(jobs[0].id, 'b')).toBeUndefined();
    queue.expire(Date.now() + 120_000);
    expect(jobs.filter((j) => queue.get(j.id, 'a')).length).toBe(0);
  });
});
