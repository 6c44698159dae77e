// The committed trained weights, checked on held-out generated images (never retrained here):
// detection quality through evaluate-detector, and the faithfulness metrics through evaluate.
// The full figures (500 and 200 images) are in README and scripts/evaluate-bundled-detector.sh.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, SHAPES_MODEL } from './run-cli.js';

// Measured: mAP 0.936 on these 48 images (0.882 on 500); vanilla pointing 6/6, deletion AUC
// 0.044 against 0.073 in random order. The floors leave room for backend rounding only.
const MAP_FLOOR = 0.85;
const POINTING_FLOOR = 5 / 6;

describe('the bundled trained detector on held-out images', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-bundled-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reaches mAP@0.5 >= MAP_FLOOR on 48 held-out images', async () => {
    const r = await runCli(['evaluate-detector', '--count', '48', '--runtime', 'tfjs', '--backend', 'wasm', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.untrained).toBe(false);
    expect(summary.map).toBeGreaterThanOrEqual(MAP_FLOOR);
  });

  it('vanilla gradients point into the explained box and delete faster than random order', async () => {
    const data = join(dir, 'heldout');
    expect((await runCli(['generate-dataset', '--count', '6', '--seed', '1000003', '--out', data])).code).toBe(0);
    const images = [0, 1, 2, 3, 4, 5].map((k) => join(data, 'images', `${k}.png`));
    const r = await runCli(['evaluate', ...images, ...SHAPES_MODEL, '--method', 'vanilla', '--metrics', 'pointing,deletion', '--runtime', 'tfjs', '--backend', 'wasm', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [vanilla] = JSON.parse(r.stdout).aggregates;
    expect(vanilla.pointingAccuracy).toBeGreaterThanOrEqual(POINTING_FLOOR);
    expect(vanilla.meanDeletionAuc).toBeLessThan(vanilla.meanDeletionRandomAuc);
  });
});
