/**
 * Issue 9, fuzzing the parsers in process: images, .npy, darknet .cfg/.weights, Keras .h5 and
 * .keras, ONNX, class names, targets, anchors and special files, mutated from the fixtures
 * (seeded; structure-aware edits and byte-level damage) and generated with fast-check. Every
 * case must end within the case limit in a valid result or one printable line naming the file,
 * print nothing itself, and keep the parser process under the memory bound.
 *
 * In `pnpm test`: seed 1 and a budget of seconds. `pnpm fuzz` runs it longer (test/fuzz/run.mjs).
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../apps/cli/test/run-cli.js';
import { loadSeeds } from './fixtures.js';
import { fuzzSettings, ParserPool, runFamilies, Tally } from './harness.js';
import { parserFamilies } from './parser-families.js';

const settings = fuzzSettings({ budgetS: 30, maxCases: 400, minCases: 10, caseTimeoutS: 20 });

describe('fuzz: parsers in process', () => {
  const tally = new Tally(settings);
  const pool = new ParserPool(settings.caseTimeoutMs);
  const socketDir = mkdtempSync(join(tmpdir(), 'ys-fuzz-socket-'));
  const socketPath = join(socketDir, 'listening.sock');
  let server: Server;

  beforeAll(async () => {
    ensureBuilt();
    server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });
  afterAll(() => {
    pool.close();
    server?.close();
    rmSync(socketDir, { recursive: true, force: true });
  });

  it('every parser ends in a valid result or one clear line, within time and memory', async () => {
    const started = Date.now();
    const seeds = await loadSeeds();
    await runFamilies(parserFamilies(seeds, pool, settings, socketPath), settings, tally);
    console.log(`${tally.table('fuzz: parsers in process')}\n${Math.round((Date.now() - started) / 1000)} s, ${pool.restarts} parser process restart(s)`);
    tally.save();
    expect(tally.failures.length, `failures:\n${tally.failureReport()}`).toBe(0);
    const cases = [...tally.rows.values()].reduce((s, r) => s + r.cases, 0);
    expect(cases).toBeGreaterThan(0);
  }, settings.budgetMs + 120_000);

  it(`the parser process's peak RSS stays under ${settings.rssLimitMb} MB`, () => {
    const worst = tally.worst();
    expect(worst, 'no case ran').toBeDefined();
    expect(pool.peakRssKb / 1024, `heaviest: ${worst?.family} ${worst?.worst}`).toBeLessThan(settings.rssLimitMb);
  });
});
