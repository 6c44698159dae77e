/**
 * Issue 12, one machine: `explain DIR|GLOB` streams a dataset. Its files are those of the
 * one-image-at-a-time loop (byte for byte at --batch 1; with batches, within the runtime's
 * batch tolerance), it resumes (complete images are skipped, a corrupt one fails alone with its
 * reason in the summary), --force recomputes, a pattern selects files in natural order, and a
 * signal leaves only complete sets and no temporary files.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '@yolo-saliency/node';
import { ensureBuilt, fixture, lines, MAIN, ROOT, runCli } from './run-cli.js';

const MODEL = ['--model', fixture('shapes/shapes-yolov3-tiny.cfg'), '--weights', fixture('shapes/shapes-yolov3-tiny.weights'), '--names', fixture('shapes/shapes.names')];
const METHODS = ['vanilla', 'guided', 'visual-backprop'];
const OPTIONS = [...MODEL, '--method', METHODS.join(','), '--save-raw'];
const FILES_PER_IMAGE = METHODS.length * 2 + 1;
const COUNT = 12;

/** Output files by stem (`3.vanilla.png` -> 3), and anything else but the summary. */
async function sets(out: string): Promise<{ counts: Map<string, number>; other: string[] }> {
  const counts = new Map<string, number>();
  const other: string[] = [];
  for (const f of await readdir(out)) {
    const m = /^(.+?)\.(vanilla|guided|visual-backprop|smoothgrad|panel)\.(png|npy)$/.exec(f);
    if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
    else if (f !== 'explain-summary.json') other.push(f);
  }
  return { counts, other };
}

const summaryOf = async (out: string) => JSON.parse(await readFile(join(out, 'explain-summary.json'), 'utf8'));

describe('explain over a folder (dataset run)', () => {
  let dir: string;
  let data: string;
  let images: string[];
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-dataset-'));
    data = join(dir, 'data');
    const r = await runCli(['generate-dataset', '--count', String(COUNT), '--seed', '3', '--size', '128', '--out', data]);
    expect(r.code, r.stderr).toBe(0);
    images = Array.from({ length: COUNT }, (_, k) => join(data, 'images', `${k}.png`));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every image\'s files and a summary; --batch 1 gives the bytes of the one-image loop, batches the same maps', async () => {
    const out = join(dir, 'out');
    const r = await runCli(['explain', data, ...OPTIONS, '--batch', '4', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.images.map((i: { image: string }) => i.image)).toEqual(images);
    expect(json.skipped).toEqual([]);
    expect(json.imagesPerCall).toBe(4);
    const { counts, other } = await sets(out);
    expect(other).toEqual([]);
    expect([...counts.keys()].sort()).toEqual(images.map((_, k) => String(k)).sort());
    expect([...counts.values()].every((n) => n === FILES_PER_IMAGE)).toBe(true);

    const summary = await summaryOf(out);
    expect(summary).toMatchObject({ status: 'done', imagesPerCall: 4, images: { total: COUNT, computed: COUNT, skipped: 0, failed: 0 }, maps: COUNT * METHODS.length, failures: [], earlier: [] });
    expect(summary.settings).toMatchObject({ methods: METHODS, target: 'top', saveRaw: true, inputSize: [128, 128] });
    for (const method of METHODS) {
      expect(summary.methods[method].count).toBe(COUNT);
      expect(summary.methods[method].msPerMap).toBeGreaterThan(0);
    }
    expect(summary.mapsPerSecond).toBeGreaterThan(0);

    // The old loop (files listed) and the stream at one image per call write the same bytes.
    const loop = join(dir, 'loop');
    const one = join(dir, 'one');
    const runtime = ['--runtime', json.runtime];
    expect((await runCli(['explain', ...images, ...OPTIONS, ...runtime, '--out', loop])).code).toBe(0);
    expect((await runCli(['explain', data, ...OPTIONS, ...runtime, '--batch', '1', '--out', one])).code).toBe(0);
    const loopFiles = (await readdir(loop)).sort();
    expect(loopFiles).toHaveLength(COUNT * FILES_PER_IMAGE);
    for (const f of loopFiles) expect(Buffer.compare(await readFile(join(one, f)), await readFile(join(loop, f))), f).toBe(0);
    // Batched: vanilla and guided are the same bits; VBP within ONNX Runtime's batch rounding (tfjs: the same bits).
    for (const f of loopFiles.filter((f) => f.endsWith('.npy'))) {
      const [a, b] = [await readNpy(join(out, f)), await readNpy(join(loop, f))];
      let diff = 0;
      for (let i = 0; i < a.data.length; i++) diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
      expect(diff, f).toBeLessThanOrEqual(f.includes('visual-backprop') && json.runtime === 'onnx' ? 1e-6 : 0);
    }
  });

  it('resumes: complete images are skipped, an incomplete one recomputed, a corrupt one fails alone with its reason; --force recomputes all', async () => {
    const out = join(dir, 'resume');
    expect((await runCli(['explain', data, ...OPTIONS, '--out', out])).code).toBe(0);
    await unlink(join(out, '3.guided.npy'));
    // The same folder plus a corrupt PNG.
    const corrupt = join(data, 'images', 'corrupt.png');
    await writeFile(corrupt, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]));
    try {
      const r = await runCli(['explain', data, ...OPTIONS, '--json', '--out', out]);
      expect(r.code).toBe(1);
      const errors = lines(r.stderr).filter((l) => l.startsWith('error:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('corrupt.png');
      const json = JSON.parse(r.stdout);
      expect(json.images.map((i: { image: string }) => i.image)).toEqual([images[3]]);
      expect(json.skipped).toHaveLength(COUNT - 1);
      const summary = await summaryOf(out);
      expect(summary.images).toEqual({ total: COUNT + 1, computed: 1, skipped: COUNT - 1, failed: 1 });
      expect(summary.failures).toHaveLength(1);
      expect(summary.failures[0].image).toBe(corrupt);
      expect(summary.failures[0].reason).toMatch(/corrupt\.png: /);
      expect(summary.earlier).toHaveLength(1);
      expect(summary.earlier[0].images.computed).toBe(COUNT);
      const { counts, other } = await sets(out);
      expect(other).toEqual([]);
      expect(counts.get('corrupt')).toBeUndefined();
      expect(counts.get('3')).toBe(FILES_PER_IMAGE);
    } finally {
      await unlink(corrupt);
    }
    const again = await runCli(['explain', data, ...OPTIONS, '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^nothing to do: all 12 image\(s\) have their files/);
    const forced = await runCli(['explain', data, ...OPTIONS, '--force', '--json', '--out', out]);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).images).toHaveLength(COUNT);
    // Other settings: the folder's files are not trusted.
    const other = await runCli(['explain', data, ...MODEL, '--method', METHODS.join(','), '--save-raw', '--target', 'raw:scale=0,anchor=0,y=0,x=0,channel=4', '--json', '--out', out]);
    expect(other.stderr).toMatch(/note: .*other settings \(target\): every image is computed again/);
    expect(JSON.parse(other.stdout).images).toHaveLength(COUNT);
  });

  it('takes a quoted pattern, in natural order, and leaves the output folder out', async () => {
    const out = join(data, 'images', 'out');
    const r = await runCli(['explain', join(data, 'images', '1*.png'), ...OPTIONS, '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).images.map((i: { image: string }) => i.image)).toEqual([1, 10, 11].map((k) => images[k]));
    // Again, the folder itself: its outputs (in images/out) are not inputs.
    const again = await runCli(['explain', join(data, 'images'), ...OPTIONS, '--json', '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).skipped).toHaveLength(3);
    expect(JSON.parse(again.stdout).images).toHaveLength(COUNT - 3);
    await rm(out, { recursive: true });
    const none = await runCli(['explain', join(dir, 'nothing', '*.png'), ...OPTIONS, '--out', join(dir, 'none')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/the pattern matches no image file/);
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} mid-run: complete sets only, no temporary files, exit ${code}, the summary says so`, async () => {
      const many = join(dir, `many-${signal}`);
      for (let k = 0; k < 48; k++) await copyFile(images[k % COUNT], join(await ensureDir(many), `m${k}.png`));
      const out = join(dir, `sig-${signal}`);
      const child = spawn(process.execPath, [MAIN, 'explain', many, ...OPTIONS, '--method', 'vanilla,guided,visual-backprop,smoothgrad', '--samples', '16', '--batch', '2', '--out', out], {
        cwd: ROOT,
        env: { ...process.env, DEBUG: '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (b) => (stderr += b));
      const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
      // Signal once some images are complete and more are on their way.
      for (const started = Date.now(); Date.now() - started < 60_000; ) {
        const done = (await sets(out).catch(() => ({ counts: new Map() }))).counts;
        if ([...done.values()].filter((n) => n === 9).length >= 2) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill(signal);
      expect(await exit).toBe(code);
      const { counts, other } = await sets(out);
      expect(other).toEqual([]);
      for (const [stem, n] of counts) expect([stem, n]).toEqual([stem, 9]);
      expect(counts.size).toBeLessThan(48);
      const said = lines(stderr);
      expect(said.at(-1)).toMatch(new RegExp(`^interrupted by ${signal}: (.+ (rolled back \\(\\d+ file\\(s\\) removed\\)|stopped before writing); )?${counts.size} of 48 image\\(s\\) done$`));
      expect((await summaryOf(out)).status).toBe('interrupted');
    });
  }
});

async function ensureDir(path: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path, { recursive: true });
  return path;
}
