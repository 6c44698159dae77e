/**
 * Issue 9 (hostile input), options: every count a loop runs over has a bound named in --help;
 * beyond it, and for unknown backends, the CLI stops at once with exit 2 and one line naming
 * the option (negative values: option-values.test.ts; progress in a pipe: progress.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, expectUsage, fixture, runCli } from './run-cli.js';

describe('hostile option values', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-options-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const image = () => fixture('images/shapes.png');

  it('refuses counts beyond their bounds at once, naming the option and the bound', async () => {
    const out = join(dir, 'out');
    await expectUsage(['explain', image(), '--out', out, '--method', 'integrated-gradients', '--steps', '1e9'], '--steps', /at most 10000, got 1e9/);
    await expectUsage(['explain', image(), '--out', out, '--method', 'integrated-gradients', '--steps', '1000000'], '--steps', /at most 10000/);
    await expectUsage(['explain', image(), '--out', out, '--method', 'smoothgrad', '--samples', '1e9'], '--samples', /at most 10000/);
    await expectUsage(['explain', image(), '--out', out, '--batch', '100000'], '--batch', /at most 1024/);
    await expectUsage(['explain', image(), '--out', out, '--input-size', '1000000'], '--input-size', /at most 8192/);
    await expectUsage(['evaluate', image(), '--steps', '1e6'], '--steps', /at most 1000/);
    await expectUsage(['benchmark', '--repeat', '1e9'], '--repeat', /at most 1000/);
    await expectUsage(['generate-dataset', '--count', '1e9', '--out', join(dir, 'gen')], '--count', /at most 1000000/);
    await expectUsage(['evaluate-detector', '--count', '1e9'], '--count', /at most 1000000/);
  });

  it('names every bound and its default in --help', async () => {
    const explain = (await runCli(['explain', '--help'])).stdout;
    expect(explain).toMatch(/--steps N\s+Integrated Gradients steps \(1\.\.10000, default 20\)/);
    expect(explain).toMatch(/--samples N\s+SmoothGrad samples \(1\.\.10000, default 25\)/);
    expect(explain).toMatch(/--batch B\s+.*\(1\.\.1024, default 8/);
    expect(explain).toMatch(/--input-size N\s+.*at most 8192, and within --max-memory/);
    expect(explain).toMatch(/--max-memory SIZE\s+memory budget.*default \d/);
    expect((await runCli(['evaluate', '--help'])).stdout).toMatch(/--steps N\s+deletion\/insertion steps \(1\.\.1000, default 32\)/);
    expect((await runCli(['benchmark', '--help'])).stdout).toMatch(/--repeat R\s+.*\(1\.\.1000, default 5\)/);
    expect((await runCli(['generate-dataset', '--help'])).stdout).toMatch(/--count N\s+number of images \(1\.\.1000000\)/);
    expect((await runCli(['evaluate-detector', '--help'])).stdout).toMatch(/--count N\s+.*\(1\.\.1000000\)/);
    expect((await runCli(['train', '--help'])).stdout).toMatch(/--steps N\s+optimiser steps \(1\.\.10000000, default 2000\)/);
  });

  it('refuses an unknown backend like an unknown runtime: exit 2, the valid choices named', async () => {
    const out = join(dir, 'out');
    await expectUsage(['explain', image(), '--out', out, '--backend', 'bogus'], '--backend', /one of auto, .*wasm, cpu, cuda, got 'bogus'/);
    await expectUsage(['explain', image(), '--out', out, '--runtime', 'bogus'], '--runtime', /one of auto, tfjs, onnx, got 'bogus'/);
    await expectUsage(['explain', image(), '--out', out, '--runtime', 'tfjs', '--backend', 'cuda'], '--backend', /one of auto, tensorflow-gpu, tensorflow, wasm, cpu for runtime tfjs, got 'cuda'/);
    await expectUsage(['detect', image(), '--out', out, '--runtime', 'onnx', '--backend', 'wasm'], '--backend', /one of auto, cpu, cuda for runtime onnx/);
    await expectUsage(['benchmark', '--runtime', 'tfjs:bogus'], '--backend', /got 'bogus'/);
  });
});
