import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanAveragePrecision } from '@yolo-saliency/core/metrics';
import { generateSample, sampleSeed, SYNTHETIC_CLASSES } from '@yolo-saliency/synthetic';
import { HELD_OUT_SEED, readDatasetFolder } from '../src/detection-dataset.js';
import { ensureBuilt, fixture, runCli } from './run-cli.js';

describe('yolo-saliency evaluate-detector', () => {
  let dir: string;
  let model: string[];
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-evaldet-'));
    // yolov3-tiny with the four shape classes (filters = 3 anchors x (5 + 4)), seeded weights.
    const cfg = readFileSync(fixture('darknet/yolov3-tiny.cfg'), 'utf8').replace(/classes=80/g, 'classes=4').replace(/filters=255/g, 'filters=27');
    await writeFile(join(dir, 'shapes.cfg'), cfg);
    await writeFile(join(dir, 'shapes.names'), `${SYNTHETIC_CLASSES.join('\n')}\n`);
    model = ['--model', join(dir, 'shapes.cfg'), '--names', join(dir, 'shapes.names'), '--input-size', '64'];
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('scores held-out generated images and reports every class as JSON', async () => {
    const r = await runCli(['evaluate-detector', ...model, '--count', '3', '--size', '64', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.untrained).toBe(true);
    expect(summary.dataset).toEqual({ generated: true, seed: HELD_OUT_SEED, size: 64 });
    expect(summary).toMatchObject({ images: 3, inputSize: [64, 64], iouThreshold: 0.5, scoreThreshold: 0.005, nmsIouThreshold: 0.45, maxDetections: 100 });
    expect(summary.classes.map((c: { className: string }) => c.className)).toEqual([...SYNTHETIC_CLASSES]);
    // The object counts are those of the three generated samples.
    const expected = [0, 0, 0, 0];
    for (let k = 0; k < 3; k++) for (const o of generateSample(sampleSeed(HELD_OUT_SEED, k), { size: 64 }).objects) expected[o.classIndex]++;
    expect(summary.classes.map((c: { groundTruth: number }) => c.groundTruth)).toEqual(expected);
    for (const c of summary.classes) {
      expect(c.detections).toBeLessThanOrEqual(300); // at most 100 per image
      expect(c.truePositives).toBeLessThanOrEqual(Math.min(c.groundTruth, c.detections));
      if (c.groundTruth === 0) expect(c.ap).toBeNull();
      else expect(c.ap).toBeGreaterThanOrEqual(0);
    }
    expect(summary.map).toBeGreaterThanOrEqual(0);
    expect(summary.map).toBeLessThanOrEqual(1);
  });

  it('reads a generate-dataset folder and prints a table', async () => {
    const ds = join(dir, 'ds');
    expect((await runCli(['generate-dataset', '--count', '2', '--size', '64', '--seed', '5', '--out', ds])).code).toBe(0);
    const r = await runCli(['evaluate-detector', ...model, '--dataset', ds]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: shapes\.cfg .*UNTRAINED/);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('2 image(s); AP at IoU 0.5 (all-point interpolated)');
    expect(lines.slice(2, 6).map((l) => l.split(/\s+/)[0])).toEqual([...SYNTHETIC_CLASSES]);
    expect(lines[6]).toMatch(/^mAP@0\.5\s+\d\.\d{3}$/);
  });

  it('gives mAP 1 when the detections are the labelled boxes themselves', async () => {
    const ds = join(dir, 'ds-perfect');
    expect((await runCli(['generate-dataset', '--count', '4', '--size', '64', '--out', ds])).code).toBe(0);
    const dataset = await readDatasetFolder(ds);
    const images = [];
    for (let k = 0; k < dataset.count; k++) {
      const { objects } = await dataset.image(k);
      images.push({ groundTruth: objects, detections: objects.map((o, i) => ({ ...o, score: 1 - i / 10 })) });
    }
    const result = meanAveragePrecision(images, { classCount: dataset.classes.length });
    expect(result.map).toBe(1);
  });

  it('names labels.json when it is missing or malformed, exit 1', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    let r = await runCli(['evaluate-detector', ...model, '--dataset', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`error: ${join(empty, 'labels.json')}: file not found (is this a folder written by generate-dataset?)`);

    const broken = join(dir, 'broken');
    await mkdir(broken);
    await writeFile(join(broken, 'labels.json'), '{"classes": ["circle",');
    r = await runCli(['evaluate-detector', ...model, '--dataset', broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: ${join(broken, 'labels.json')}: not valid JSON \\(`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);

    await writeFile(join(broken, 'labels.json'), JSON.stringify({ classes: [...SYNTHETIC_CLASSES], images: [{ file: 'images/0.png', width: 64, height: 64, objects: [{ classIndex: 4, box: [0, 0, 1, 1] }] }] }));
    r = await runCli(['evaluate-detector', ...model, '--dataset', broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/labels\.json: images\[0\]\.objects\[0\]\.classIndex must be an integer in \[0, 3\], got 4/);
  });

  it('names a missing image file, exit 1', async () => {
    const noImages = join(dir, 'no-images');
    await mkdir(noImages);
    await writeFile(join(noImages, 'labels.json'), JSON.stringify({ classes: [...SYNTHETIC_CLASSES], images: [{ file: 'images/0.png', width: 64, height: 64, objects: [] }] }));
    const r = await runCli(['evaluate-detector', ...model, '--dataset', noImages]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: ${join(noImages, 'images', '0.png')}: file not found$`, 'm'));
  });

  it("refuses a model whose class names differ from the dataset's, naming both", async () => {
    const photoModel = ['--model', fixture('darknet/yolov3-tiny.cfg'), '--names', fixture('darknet/coco.names')];
    const r = await runCli(['evaluate-detector', ...photoModel, '--count', '1', '--size', '64']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the classes of the generated images \(circle, square, triangle, cross\) differ from the class names of the model .*yolov3-tiny\.cfg \(person, bicycle, .*80 in all\)\)/);
  });

  it('needs exactly one of --dataset and --count (usage error, exit 2)', async () => {
    const neither = await runCli(['evaluate-detector', ...model]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/give --dataset DIR or --count N/);
    const both = await runCli(['evaluate-detector', ...model, '--count', '2', '--dataset', dir]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --dataset or --count, not both/);
  });

  it('has --help, and is listed in the tool help', async () => {
    const help = await runCli(['evaluate-detector', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--dataset DIR/);
    expect(help.stdout).toMatch(/--iou T .*default 0\.5/);
    expect((await runCli(['--help'])).stdout).toMatch(/evaluate-detector\s+Detector quality/);
  });
});
