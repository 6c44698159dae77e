/** `yolo-saliency train` end to end: the backend is chosen by the trainer (the tfjs runtime's own selection). */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDarknet } from '@yolo-saliency/core/loaders';
import { ensureBuilt, fixture, lines, runCli } from './run-cli.js';

const CFG = fixture('shapes/shapes-yolov3-tiny.cfg');

describe('yolo-saliency train', () => {
  beforeAll(ensureBuilt);

  it('trains two steps on the backend auto picks, says which, and writes weights the loader reads back', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ys-train-')), 'tiny.weights');
    const r = await runCli(['train', '--cfg', CFG, '--out', out, '--steps', '2', '--batch', '2']);
    expect(r.code).toBe(0);
    const used = /training .*shapes-yolov3-tiny\.cfg on tfjs (\S+) \(.+\): 2 steps of 2 images/.exec(r.stderr)?.[1];
    expect(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).toContain(used);
    // Below the fastest backend, a note says why auto fell back (where tfjs-node cannot install: to wasm).
    if (used === 'wasm') expect(r.stderr).toMatch(/note: the tfjs runtime fell back to wasm: @tensorflow\/tfjs-node-gpu is not installed/);
    const log = JSON.parse(readFileSync(`${out}.train.json`, 'utf8'));
    expect(log).toMatchObject({ backend: used, parameters: 889214, settings: { steps: 2, batchSize: 2 } });
    const loaded = loadDarknet({ cfg: readFileSync(CFG, 'utf8'), weights: new Uint8Array(readFileSync(out)) });
    expect(loaded.weightsSource).toBe('file');
    expect(loaded.header?.seen).toBe(4);
  });

  it('refuses a backend that is not installed, with the reason, and writes nothing', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ys-train-')), 'none.weights');
    const r = await runCli(['train', '--cfg', CFG, '--out', out, '--steps', '1', '--backend', 'tensorflow']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(["error: tfjs runtime: backend 'tensorflow' is not available: @tensorflow/tfjs-node is not installed"]);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a FIFO or a device as the cfg or the initial weights at once, naming it (it used to block or read for ever)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ys-train-'));
    const fifo = join(dir, 'pipe.cfg');
    execFileSync('mkfifo', [fifo]);
    const out = join(dir, 'x.weights');
    const started = Date.now();
    const r = await runCli(['train', '--cfg', fifo, '--out', out, '--steps', '1']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`^error: ${fifo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*(FIFO|pipe)`))]);
    const init = await runCli(['train', '--cfg', CFG, '--init', '/dev/zero', '--out', out, '--steps', '1']);
    expect(init.code).toBe(1);
    expect(lines(init.stderr)).toEqual([expect.stringMatching(/^error: \/dev\/zero: .*(device|regular file)/)]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(existsSync(out)).toBe(false);
  });
});
