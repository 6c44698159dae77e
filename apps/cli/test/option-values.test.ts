/**
 * Negative option values (issue 9): node:util's parseArgs read the -5 of `--steps -5` as an
 * option ("--steps does not take a value"); the value now reaches the option's own check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, fixture, lines, runCli } from './run-cli.js';

/** Exit 2 within 5 s, one `error:` line naming `option`, no stack. */
async function expectUsage(args: string[], option: string, pattern: RegExp): Promise<void> {
  const started = Date.now();
  const r = await runCli(args);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(r.code).toBe(2);
  const errorLines = lines(r.stderr).filter((l) => /error/i.test(l));
  expect(errorLines).toHaveLength(1);
  expect(errorLines[0]).toMatch(/^error: /);
  expect(errorLines[0]).toContain(option);
  expect(errorLines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

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
