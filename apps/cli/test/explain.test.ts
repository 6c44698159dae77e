import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage, readNpy, writeNpy } from '@yolo-saliency/node';
import { ensureBuilt, fixture, runCli } from './run-cli.js';

// The bundled shapes model and yolov3-tiny at 64x64 keep every run short. Both
// have heads 2x2 (stride 32) and 4x4 (stride 16); this raw target exists in each at that size.
const TARGET = 'raw:scale=1,anchor=0,y=2,x=1,channel=4';
const SMALL = ['--input-size', '64', '--target', TARGET, '--runtime', 'tfjs', '--backend', 'cpu'];
/** The bundled photo model: yolov3-tiny with COCO names and seeded (untrained) weights. */
const PHOTO_MODEL = ['--model', fixture('darknet/yolov3-tiny.cfg'), '--names', fixture('darknet/coco.names')];

describe('yolo-saliency explain', () => {
  let out: string;
  beforeAll(async () => {
    ensureBuilt();
    out = await mkdtemp(join(tmpdir(), 'ys-cli-explain-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes overlays, a panel and raw maps, and a JSON summary (bundled trained model)', async () => {
    const methods = 'vanilla,integrated-gradients,visual-backprop';
    const r = await runCli(['explain', fixture('images/dog.jpg'), '--method', methods, '--steps', '4', ...SMALL, '--save-raw', '--json', '--out', out]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ runtime: 'tfjs', backend: 'cpu', weightsSource: 'file', untrained: false, inputSize: [64, 64], target: TARGET });
    expect(typeof summary.device).toBe('string');
    expect(summary.errors).toEqual([]);
    const [image] = summary.images;
    expect(image).toMatchObject({ width: 768, height: 576 });
    expect(Array.isArray(image.detections)).toBe(true);
    expect(Number.isFinite(image.target.value)).toBe(true);
    expect(image.methods.map((m: { method: string }) => m.method)).toEqual(methods.split(','));
    for (const m of image.methods) {
      expect(m.milliseconds).toBeGreaterThan(0);
      expect(m.targetValue).toBeCloseTo(image.target.value, 4);
    }
    const ig = image.methods.find((m: { method: string }) => m.method === 'integrated-gradients');
    expect(Number.isFinite(ig.completenessError)).toBe(true);

    expect((await readdir(out)).sort()).toEqual(
      ['dog.integrated-gradients.npy', 'dog.integrated-gradients.png', 'dog.panel.png', 'dog.vanilla.npy', 'dog.vanilla.png', 'dog.visual-backprop.npy', 'dog.visual-backprop.png'],
    );
    // Overlays are at the photo's size; raw maps at the network size, [H, W, 3], finite, not all zero.
    const overlayMeta = await readImage(join(out, 'dog.vanilla.png'));
    expect([overlayMeta.width, overlayMeta.height]).toEqual([768, 576]);
    for (const method of methods.split(',')) {
      const raw = await readNpy(join(out, `dog.${method}.npy`));
      expect(raw.dims).toEqual([64, 64, 3]);
      expect(raw.data.every(Number.isFinite)).toBe(true);
      expect(raw.data.some((v) => v !== 0)).toBe(true);
    }
    // VBP is one map repeated in the three channels.
    const vbp = await readNpy(join(out, 'dog.visual-backprop.npy'));
    for (let p = 0; p < 64 * 64; p += 97) {
      expect(vbp.data[p * 3 + 1]).toBe(vbp.data[p * 3]);
      expect(vbp.data[p * 3 + 2]).toBe(vbp.data[p * 3]);
    }
    // The panel holds the detections tile and one tile per method: wider than one tile.
    const panelMeta = await readImage(join(out, 'dog.panel.png'));
    expect(panelMeta.width).toBeGreaterThan(2 * 416);
  });

  it('takes a .npy input at the network size as is, and prints a human summary warning of seeded weights', async () => {
    const input = join(out, 'pattern.npy');
    const data = Float32Array.from({ length: 64 * 64 * 3 }, (_, i) => (i % 97) / 96);
    await writeNpy(input, { dims: [64, 64, 3], data });
    const vanillaOut = join(out, 'npy');
    const r = await runCli(['explain', input, '--method', 'vanilla', ...PHOTO_MODEL, ...SMALL, '--save-raw', '--out', vanillaOut]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*UNTRAINED/);
    expect(r.stdout).toMatch(/pattern\.npy: \d+ detection\(s\); target raw:/);
    expect(r.stdout).toContain(join(vanillaOut, 'pattern.vanilla.png'));
    const overlayMeta = await readImage(join(vanillaOut, 'pattern.vanilla.png'));
    expect([overlayMeta.width, overlayMeta.height]).toEqual([64, 64]);
    expect((await readNpy(join(vanillaOut, 'pattern.vanilla.npy'))).dims).toEqual([64, 64, 3]);
  });
});
