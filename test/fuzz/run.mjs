#!/usr/bin/env node
/**
 * `pnpm fuzz`: the fuzz suite (test/fuzz) for longer than `pnpm test` gives it, then one table
 * of cases and outcomes per family.
 *
 *   pnpm fuzz                                   # a new random seed, 10 minutes, parsers and CLI
 *   pnpm fuzz --seed 7 --budget 3600 --cases 100000
 *   pnpm fuzz --families onnx,cli-onnx --seed 7 --case 123        # rerun one case
 *   pnpm fuzz --only parsers                    # or: --only cli
 *
 * Flags (or the environment variables they set): --seed (FUZZ_SEED), --budget seconds per test
 * file (FUZZ_BUDGET_S; the parser and CLI files run side by side), --cases per family
 * (FUZZ_CASES), --families (FUZZ_FAMILIES), --case (FUZZ_CASE), --timeout seconds per case
 * (FUZZ_TIMEOUT_S), --rss-limit MB (FUZZ_RSS_LIMIT_MB), --concurrency CLI cases at once
 * (FUZZ_CONCURRENCY), --cli another build's apps/cli/dist/main.js (FUZZ_CLI). Failing inputs
 * are kept in out/fuzz/failures/. Exit code: vitest's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const FLAGS = {
  seed: 'FUZZ_SEED',
  budget: 'FUZZ_BUDGET_S',
  cases: 'FUZZ_CASES',
  families: 'FUZZ_FAMILIES',
  case: 'FUZZ_CASE',
  timeout: 'FUZZ_TIMEOUT_S',
  'rss-limit': 'FUZZ_RSS_LIMIT_MB',
  concurrency: 'FUZZ_CONCURRENCY',
  cli: 'FUZZ_CLI',
};

const env = { ...process.env };
let only;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].replace(/^--/, '').split('=', 2);
  if (flag === 'help' || flag === 'h') {
    process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0].replace(/^#!.*\n\/\*\*\n?/, '').replace(/^ \* ?/gm, ''));
    process.exit(0);
  }
  const value = inline ?? args[++i];
  if (value === undefined) {
    process.stderr.write(`error: --${flag} needs a value (see 'pnpm fuzz --help')\n`);
    process.exit(2);
  }
  if (flag === 'only') {
    if (!['parsers', 'cli'].includes(value)) {
      process.stderr.write(`error: --only must be parsers or cli, got '${value}'\n`);
      process.exit(2);
    }
    only = value;
  } else if (FLAGS[flag]) {
    env[FLAGS[flag]] = value;
  } else {
    process.stderr.write(`error: unknown option '--${flag}' (see 'pnpm fuzz --help')\n`);
    process.exit(2);
  }
}
env.FUZZ_SEED ??= String(Math.floor(Math.random() * 2 ** 31));
env.FUZZ_BUDGET_S ??= '600';
env.FUZZ_CASES ??= '1000000';
env.FUZZ_LONG = '1';
mkdirSync(`${root}out/fuzz`, { recursive: true });
const summary = `${root}out/fuzz/summary-${env.FUZZ_SEED}.jsonl`;
rmSync(summary, { force: true });
env.FUZZ_SUMMARY = summary;

const files = only ? [`test/fuzz/${only}.test.ts`] : ['test/fuzz/parsers.test.ts', 'test/fuzz/cli.test.ts'];
process.stdout.write(`fuzz: seed ${env.FUZZ_SEED}, ${env.FUZZ_BUDGET_S} s per file, at most ${env.FUZZ_CASES} cases per family${env.FUZZ_FAMILIES ? `, families ${env.FUZZ_FAMILIES}` : ''}\n`);
const started = Date.now();
const vitest = spawnSync(process.execPath, [`${root}node_modules/vitest/vitest.mjs`, 'run', ...files, '--reporter=dot'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });

// One table of every family's tally.
const rows = [];
const failures = [];
if (existsSync(summary)) {
  for (const line of readFileSync(summary, 'utf8').split('\n').filter(Boolean)) {
    const entry = JSON.parse(line);
    if (entry.failure) failures.push(entry.failure);
    else rows.push(entry);
  }
}
const head = ['family', 'mode', 'cases', 'accepted', 'exit 1 / rejected', 'exit 2', '130/143', 'failures', 'max ms', 'peak RSS MB'];
const body = rows.map((r) => [r.family, r.mode, r.cases, r.accepted, r.rejected, r.usage, r.interrupted, r.failed, Math.round(r.maxMs), Math.round(r.peakRssMb)].map(String));
const sum = (i) => String(body.reduce((s, r) => s + Number(r[i]), 0));
const all = [head, ...body, ['total', '', sum(2), sum(3), sum(4), sum(5), sum(6), sum(7), String(Math.max(0, ...body.map((r) => Number(r[8])))), String(Math.max(0, ...body.map((r) => Number(r[9]))))]];
const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
const format = (r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
process.stdout.write(`\nfuzz summary (seed ${env.FUZZ_SEED}, ${Math.round((Date.now() - started) / 1000)} s)\n${all.map(format).join('\n')}\n`);
const heaviest = [...rows].sort((a, b) => b.peakRssMb - a.peakRssMb)[0];
if (heaviest) process.stdout.write(`heaviest case: ${heaviest.family} ${heaviest.worst} (${Math.round(heaviest.peakRssMb)} MB)\n`);
for (const f of failures.slice(0, 30)) {
  process.stdout.write(`FAILED ${f.family}#${f.index} (pnpm fuzz --seed ${env.FUZZ_SEED} --families ${f.family} --case ${f.index}): ${f.failure}\n    case: ${f.what}${f.kept ? `\n    inputs: ${f.kept}` : ''}\n`);
}
if (failures.length > 30) process.stdout.write(`... and ${failures.length - 30} more failures (${summary})\n`);
process.exit(vitest.status ?? 1);
