import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iou } from '@yolo-saliency/core';
import { readImage } from '@yolo-saliency/node';
import { generateSample, sampleSeed } from '@yolo-saliency/synthetic';
import { HELD_OUT_SEED } from '../src/detection-dataset.js';
import { ensureBuilt, fixture, runCli } from './run-cli.js';

/** fixtures/images/shapes.png is sample 50 of the held-out dataset (fixtures/README.md). */
const SHAPES_SAMPLE = 50;

interface DetectionJson {
  className: string;
  score: number;
  box: [number, number, number, number];
}

describe('the bundled default model on the bundled image', () => {
  let out: string;
  beforeAll(async () => {
    ensureBuilt();
    out = await mkdtemp(join(tmpdir(), 'ys-cli-default-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  const sample = generateSample(sampleSeed(HELD_OUT_SEED, SHAPES_SAMPLE));

  it('the image is the recorded held-out sample, pixel for pixel', async () => {
    const image = await readImage(fixture('images/shapes.png'));
    expect([image.width, image.height, image.channels]).toEqual([128, 128, 3]);
    expect(Buffer.from(image.data).equals(Buffer.from(sample.image.data))).toBe(true);
  });

  it('detect finds every object with the right class at IoU >= 0.5 (needs the trained weights)', async () => {
    const r = await runCli(['detect', fixture('images/shapes.png'), '--runtime', 'tfjs', '--backend', 'cpu', '--json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ weightsSource: 'file', untrained: false, inputSize: [128, 128] });
    expect(summary.model).toMatch(/shapes-yolov3-tiny\.cfg$/);
    const detections: DetectionJson[] = summary.images[0].detections;
    // Per object: its best same-class detection; listed in full when one falls short, to see why.
    const found = sample.objects.map((o) => {
      const same = detections.filter((d) => d.className === o.className);
      const best = Math.max(0, ...same.map((d) => iou(d.box, o.box)));
      return { className: o.className, box: o.box, bestIou: Math.round(best * 100) / 100 };
    });
    const missed = found.filter((f) => f.bestIou < 0.5);
    expect(missed, `detections: ${JSON.stringify(detections)}`).toEqual([]);
  });

  it('--weights without --model go to the bundled cfg (a checkpoint, say), checked against it', async () => {
    const short = join(out, 'short.weights');
    await writeFile(short, new Uint8Array(100));
    const r = await runCli(['info', '--weights', short]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: short\.weights: expected \d+ bytes for shapes-yolov3-tiny\.cfg .*found 100 bytes$/m);
  });
});
