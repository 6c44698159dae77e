import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, runCli } from './run-cli.js';

describe('yolo-saliency convert', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-convert-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('converts the default model (Yolo-Fastest-1.1-xl), and `info --model out.onnx` shows the same rows', async () => {
    const out = join(dir, 'fastest.onnx');
    const r = await runCli(['convert', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // 3 anchors x (5 + 80 classes) = 255 channels, at strides 32 and 16 of 320.
    expect(r.stdout).toMatch(/wrote .*fastest\.onnx \(\d+\.\d MiB, opset 13, input \[N,3,320,320\], heads head0 \[N,255,10,10\] head1 \[N,255,20,20\]\)/);
    // The atomic write leaves no temporary file behind.
    expect(await readdir(dir)).toEqual(['fastest.onnx']);

    const original = JSON.parse((await runCli(['info', '--json'])).stdout);
    const converted = JSON.parse((await runCli(['info', '--json', '--model', out])).stdout);
    expect(converted.layers).toEqual(original.layers);
    expect(converted.heads).toEqual(original.heads);
    expect(converted.classNames).toHaveLength(80);
    expect(converted.classNames.slice(0, 3)).toEqual(['person', 'bicycle', 'car']);
    expect(converted.weightsSource).toBe('file');
    // Every weight travels as float32.
    const parameters = original.layers.reduce((sum: number, l: { parameters: number }) => sum + l.parameters, 0);
    expect((await stat(out)).size).toBeGreaterThan(4 * parameters);
  });

  it('writes the tape outputs with --tape at the given input size, and a seeded model stays untrained', async () => {
    const out = join(dir, 'tape.onnx');
    const r = await runCli(['convert', '--model', fixture('darknet/yolov3-tiny.cfg'), '--names', fixture('darknet/coco.names'), '--input-size', '64', '--tape', '--out', out]);
    expect(r.code).toBe(0);
    // yolov3-tiny: 11 leaky signs, 6 maxpool argmax, 11 means.
    expect(r.stdout).toMatch(/input \[N,3,64,64\], heads head0 \[N,255,2,2\] head1 \[N,255,4,4\], 28 tape outputs\)/);
    const converted = JSON.parse((await runCli(['info', '--json', '--model', out])).stdout);
    expect(converted.classNames[0]).toBe('person');
    // Converted from seeded weights: still untrained, and still said so.
    expect(converted.weightsSource).toBe('seeded');
    expect(converted.description).toMatch(/^tape\.onnx \(onnx, .*UNTRAINED/);
  });

  it('refuses an --out that is not .onnx and a missing --out', async () => {
    const r = await runCli(['convert', '--out', join(dir, 'model.bin')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*model\.bin: the file name must end in \.onnx/);
    expect((await runCli(['convert'])).stderr).toMatch(/--out is required/);
  });
});
