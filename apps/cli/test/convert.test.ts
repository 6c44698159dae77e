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

  it('converts the default model, and `info --model out.onnx` shows the same rows', async () => {
    const out = join(dir, 'tiny.onnx');
    const r = await runCli(['convert', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote .*tiny\.onnx \(\d+\.\d MiB, opset 13, input \[N,3,416,416\], heads head0 \[N,255,13,13\] head1 \[N,255,26,26\]\)/);
    expect((await stat(out)).size).toBeGreaterThan(30 << 20);
    // The atomic write leaves no temporary file behind.
    expect(await readdir(dir)).toEqual(['tiny.onnx']);

    const original = JSON.parse((await runCli(['info', '--json', '--input-size', '96'])).stdout);
    const converted = JSON.parse((await runCli(['info', '--json', '--input-size', '96', '--model', out])).stdout);
    expect(converted.layers).toEqual(original.layers);
    expect(converted.heads).toEqual(original.heads);
    expect(converted.classNames).toEqual(original.classNames);
    expect(converted.classNames[0]).toBe('person');
    // Converted from seeded weights: still untrained, and still said so.
    expect(converted.weightsSource).toBe('seeded');
    expect(converted.description).toMatch(/^tiny\.onnx \(onnx, .*UNTRAINED/);
  });

  it('writes the tape outputs with --tape at the given input size', async () => {
    const out = join(dir, 'tape.onnx');
    const r = await runCli(['convert', '--model', fixture('darknet/yolov3-tiny.cfg'), '--input-size', '64', '--tape', '--out', out]);
    expect(r.code).toBe(0);
    // yolov3-tiny: 11 leaky signs, 6 maxpool argmax, 11 means.
    expect(r.stdout).toMatch(/input \[N,3,64,64\], heads head0 \[N,255,2,2\] head1 \[N,255,4,4\], 28 tape outputs\)/);
  });

  it('refuses an --out that is not .onnx and a missing --out', async () => {
    const r = await runCli(['convert', '--out', join(dir, 'model.bin')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*model\.bin: the file name must end in \.onnx/);
    expect((await runCli(['convert'])).stderr).toMatch(/--out is required/);
  });
});
