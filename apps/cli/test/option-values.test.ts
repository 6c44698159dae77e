/**
 * Negative option values (issue 9): node:util's parseArgs read the -5 of `--steps -5` as an
 * option ("--steps does not take a value"); the value now reaches the option's own check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, expectUsage, fixture } from './run-cli.js';

describe('negative option values', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-negative-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const image = () => fixture('images/shapes.png');

  it('reads a negative value as a value and says what is wrong with it', async () => {
    const out = join(dir, 'out');
    await expectUsage(['explain', image(), '--out', out, '--steps', '-5'], '--steps', /--steps must be at least 1, got -5/);
    await expectUsage(['explain', image(), '--out', out, '--noise', '-0.5'], '--noise', /--noise must be at least 0, got -0\.5/);
    await expectUsage(['detect', image(), '--out', out, '--score-threshold', '-1'], '--score-threshold', /at least 0, got -1/);
    // A non-number starting with '-' is still read as a missing value, with the way to pass one.
    await expectUsage(['explain', image(), '--out', out, '--target', '-x'], '--target', /needs a value.*--target=-/);
  });
});
