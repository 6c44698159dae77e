/**
 * Issue 9, fuzzing the CLI end to end: hostile images, .npy inputs, cfg, weights, .h5, .keras
 * and ONNX models, class names, targets, option values, special files, output folders and
 * signals, each case in its own `yolo-saliency` process (harness.ts's judgeCli: the exit code,
 * one clear `error:` line, no stack, no temporary or half-written files, inputs unchanged).
 * The peak RSS of every case is measured (getrusage in the child) and must stay under the
 * bound: model runs get `--max-memory 1G`, so this also checks the memory budget's estimates.
 *
 * In `pnpm test`: seed 1 and a budget of seconds. `pnpm fuzz` runs it longer (test/fuzz/run.mjs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../apps/cli/test/run-cli.js';
import { cliFamilies } from './cli-families.js';
import { loadSeeds } from './fixtures.js';
import { fuzzSettings, runFamilies, Tally } from './harness.js';

const settings = fuzzSettings({ budgetS: 60, maxCases: 6, minCases: 2, caseTimeoutS: 60 });

describe('fuzz: the CLI on hostile input', () => {
  const tally = new Tally(settings);
  const scratch = mkdtempSync(join(tmpdir(), 'ys-fuzz-cli-'));
  const socketPath = join(scratch, 'listening.sock');
  let server: Server;

  beforeAll(async () => {
    ensureBuilt();
    server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });
  afterAll(() => {
    server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('every run exits 0, 1 or 2 with one clear line, no leftovers and its inputs intact', async () => {
    const started = Date.now();
    const seeds = await loadSeeds();
    await runFamilies(cliFamilies(seeds, settings, scratch, socketPath), settings, tally, settings.concurrency);
    console.log(`${tally.table('fuzz: the CLI')}\n${Math.round((Date.now() - started) / 1000)} s`);
    tally.save();
    expect(tally.failures.length, `failures:\n${tally.failureReport()}`).toBe(0);
  }, settings.budgetMs + 300_000);

  it(`the peak RSS of the heaviest case stays under ${settings.rssLimitMb} MB`, () => {
    const worst = tally.worst();
    expect(worst, 'no case ran').toBeDefined();
    expect(worst!.peakRssMb, `heaviest: ${worst!.family} ${worst!.worst}`).toBeGreaterThan(0);
    expect(worst!.peakRssMb, `heaviest: ${worst!.family} ${worst!.worst}`).toBeLessThan(settings.rssLimitMb);
  });
});
