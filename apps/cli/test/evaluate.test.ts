import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, runCli } from './run-cli.js';

beforeAll(ensureBuilt);

/**
 * The bundled photo model (yolov3-tiny, COCO names, seeded weights): its deterministic weights
 * give a `top` detection above 0.25 on the photo, whereas the shapes detector finds nothing
 * there; the metrics are checked for range, not for what the weights learnt.
 */
const PHOTO_MODEL = ['--model', fixture('darknet/yolov3-tiny.cfg'), '--names', fixture('darknet/coco.names')];

describe('yolo-saliency evaluate', () => {
  it('prints every metric in range as JSON', { timeout: 180_000 }, async () => {
    const r = await runCli(['evaluate', fixture('images/dog.jpg'), ...PHOTO_MODEL, '--input-size', '64', '--runtime', 'tfjs', '--backend', 'cpu', '--method', 'vanilla', '--steps', '4', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.inputSize).toEqual([64, 64]);
    expect(summary.errors).toEqual([]);
    const [image] = summary.images;
    const [m] = image.methods;
    expect(m.method).toBe('vanilla');
    expect(typeof m.pointing.hit).toBe('boolean');
    expect(m.pointing.argmax.x).toBeGreaterThanOrEqual(0);
    expect(m.pointing.argmax.x).toBeLessThan(64);
    // Scores are in [0, 1], so are AUCs over the [0, 1] fraction axis.
    for (const auc of [m.deletion.auc, m.deletion.randomAuc, m.insertion.auc, m.insertion.randomAuc]) {
      expect(auc).toBeGreaterThanOrEqual(0);
      expect(auc).toBeLessThanOrEqual(1);
    }
    expect(Math.abs(m.randomization.spearman)).toBeLessThanOrEqual(1);
    expect(m.completenessError).toBeUndefined();
    const [a] = summary.aggregates;
    expect(a.pointingAccuracy).toBe(m.pointing.hit ? 1 : 0);
    expect(a.meanDeletionAuc).toBe(m.deletion.auc);
  });

  it('rejects an unknown metric with one line', async () => {
    const r = await runCli(['evaluate', fixture('images/dog.jpg'), '--metrics', 'pointing,bogus']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--metrics: unknown metric 'bogus'/);
  });
});
