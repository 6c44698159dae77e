import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '@yolo-saliency/node';
import { generateSample, sampleSeed } from '@yolo-saliency/synthetic';
import { ensureBuilt, runCli } from './run-cli.js';

describe('yolo-saliency generate-dataset', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-dataset-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes 5 images at 64 px and labels whose boxes lie in the images', async () => {
    const out = join(dir, 'ds');
    const r = await runCli(['generate-dataset', '--count', '5', '--size', '64', '--seed', '9', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote 5 images of 64x64 and labels\.json to .*ds \(seed 9/);
    expect((await readdir(out)).sort()).toEqual(['images', 'labels.json']);
    expect((await readdir(join(out, 'images'))).sort()).toEqual(['0.png', '1.png', '2.png', '3.png', '4.png']);
    // The staging folder is gone.
    expect(await readdir(dir)).toEqual(['ds']);

    const labels = JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8'));
    expect(labels.classes).toEqual(['circle', 'square', 'triangle', 'cross']);
    expect(labels.images).toHaveLength(5);
    for (const [k, entry] of labels.images.entries()) {
      expect(entry.file).toBe(`images/${k}.png`);
      expect(entry.objects.length).toBeGreaterThanOrEqual(1);
      for (const o of entry.objects) {
        expect(labels.classes[o.classIndex]).toBe(o.className);
        const [x1, y1, x2, y2] = o.box;
        expect(0 <= x1 && x1 < x2 && x2 <= 64 && 0 <= y1 && y1 < y2 && y2 <= 64).toBe(true);
      }
      // The PNG holds exactly the pixels the library generates for that image's seed.
      const image = await readImage(join(out, entry.file));
      expect([image.width, image.height, image.channels]).toEqual([64, 64, 3]);
      const expected = generateSample(sampleSeed(9, k), { size: 64 });
      expect(entry.seed).toBe(sampleSeed(9, k));
      expect(Buffer.from(expected.image.data).equals(Buffer.from(image.data))).toBe(true);
      expect(entry.objects.map((o: { box: number[] }) => o.box)).toEqual(expected.objects.map((o) => o.box));
    }
  });

  it('refuses a bad --count or --size, and a non-empty --out, with one line', async () => {
    const bad = await runCli(['generate-dataset', '--count', '0', '--out', join(dir, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("error: --count must be at least 1, got 0 (see 'yolo-saliency generate-dataset --help')\n");
    const frac = await runCli(['generate-dataset', '--count', '2.5', '--out', join(dir, 'x')]);
    expect(frac.stderr).toMatch(/^error: --count must be an integer, got '2\.5'/);
    const size = await runCli(['generate-dataset', '--count', '1', '--size', '8', '--out', join(dir, 'x')]);
    expect(size.code).toBe(2);
    expect(size.stderr).toMatch(/^error: --size must be at least 16, got 8/);
    const full = join(dir, 'full');
    await mkdir(full);
    await writeFile(join(full, 'keep.txt'), 'x');
    const taken = await runCli(['generate-dataset', '--count', '1', '--out', full]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/--out .*full: the folder exists and is not empty/);
    expect(await readdir(full)).toEqual(['keep.txt']);
  });
});
