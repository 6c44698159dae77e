import { describe, expect, it, beforeAll } from 'vitest';
import { loadModelFile, readImage } from '@yolo-saliency/node';
import { ensureBuilt, fixture, lines, runCli } from './run-cli.js';

describe('yolo-saliency info, doctor, benchmark, help', () => {
  beforeAll(() => ensureBuilt());

  it('info prints one table row per layer of the bundled model', async () => {
    const r = await runCli(['info', '--input-size', '96']);
    expect(r.code).toBe(0);
    const { graph } = await loadModelFile(fixture('yolo-fastest/yolo-fastest-1.1-xl.cfg'));
    const out = lines(r.stdout);
    const rules = out.flatMap((l, k) => (/^-+$/.test(l) ? [k] : []));
    expect(rules).toHaveLength(2);
    const rows = out.slice(rules[0] + 1, rules[1]);
    expect(rows).toHaveLength(graph.nodes.length);
    expect(rows[0]).toMatch(/^\s*0\s+\S+\s+input\s+96x96x3/);
    expect(r.stdout).toMatch(/trained weights from file/);
    expect(r.stdout).not.toMatch(/UNTRAINED/);
    // The heads at 96: 3x3 (stride 32) and 6x6 (stride 16), 3 anchors x (5 + 80 classes) channels.
    expect(r.stdout).toMatch(/3x3x255/);
    expect(r.stdout).toMatch(/6x6x255/);
    // A darknet model also as darknet lists it: one row per cfg block, and the .weights size it expects.
    expect(r.stdout).toMatch(/As darknet lists the cfg's layers:/);
    expect(r.stdout).toMatch(/^\s+7\s+dropout \(identity at inference\)\s+48 x 48 x 8$/m);
    expect(r.stdout).toMatch(/\.weights size: 3,693,964 bytes/);
  });

  it('doctor lists tfjs and what auto picks', async () => {
    const r = await runCli(['doctor']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+tfjs: available/m);
    expect(r.stdout).toMatch(/^\s+cpu\s+available/m);
    const json = JSON.parse((await runCli(['doctor', '--json'])).stdout);
    expect(json.runtimes.find((x: { name: string }) => x.name === 'tfjs').available).toBe(true);
    // onnx is ahead of tfjs under auto wherever onnxruntime-node and the native addon load.
    const onnx = json.runtimes.find((x: { name: string }) => x.name === 'onnx');
    const auto = onnx.available ? 'onnx' : 'tfjs';
    expect(r.stdout).toMatch(new RegExp(`^auto picks: ${auto} \\(`, 'm'));
    expect(r.stdout).toMatch(/^\s+onnx: (available \(default backend onnxruntime-(cpu|cuda) on |unavailable)/m);
    expect(json.auto.runtime).toBe(auto);
    expect(json.machine.cpu.cores).toBeGreaterThan(0);
  });

  it('benchmark --json prints one parseable line per runtime and method', async () => {
    const r = await runCli(['benchmark', '--input-size', '64', '--runtime', 'tfjs', '--backend', 'cpu', '--method', 'vanilla,visual-backprop', '--batch', '2', '--repeat', '1', '--warmup', '0', '--json']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const records = lines(r.stdout).map((l) => JSON.parse(l));
    expect(records.map((x) => x.method)).toEqual(['vanilla', 'visual-backprop']);
    for (const x of records) {
      expect(x).toMatchObject({ runtime: 'tfjs', backend: 'cpu', inputSize: 64, batch: 2 });
      expect(typeof x.device).toBe('string');
      for (const key of ['msPerMap', 'mapsPerSecond', 'forwardMs', 'peakRssMb']) expect(x[key]).toBeGreaterThan(0);
      expect(x.mapsPerSecond).toBeCloseTo(1000 / x.msPerMap, 0);
    }
  });

  it('detect writes boxes in original image pixels and a picture', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const out = await mkdtemp(join(tmpdir(), 'ys-cli-detect-'));
    try {
      // Threshold 0 keeps the best candidates (after NMS) even on a photo the shapes model was not made for.
      const r = await runCli(['detect', fixture('images/dog.jpg'), '--input-size', '64', '--backend', 'cpu', '--score-threshold', '0', '--json', '--out', out]);
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      const [image] = summary.images;
      expect(image.detections.length).toBeGreaterThan(0);
      for (const d of image.detections) {
        const [x1, y1, x2, y2] = d.box;
        expect(0 <= x1 && x1 <= x2 && x2 <= 768).toBe(true);
        expect(0 <= y1 && y1 <= y2 && y2 <= 576).toBe(true);
        expect(d.score).toBeGreaterThanOrEqual(0);
      }
      const file = JSON.parse(await readFile(join(out, 'dog.detections.json'), 'utf8'));
      expect(file.detections).toEqual(image.detections);
      expect((await readImage(join(out, 'dog.detections.png'))).width).toBe(768);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('prints help for the tool and for each command', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    for (const name of ['explain', 'detect', 'info', 'doctor', 'benchmark']) expect(main.stdout).toContain(name);
    const explain = await runCli(['explain', '--help']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/--save-raw/);
    expect(explain.stdout).toMatch(/--target SPEC/);
  });
});
