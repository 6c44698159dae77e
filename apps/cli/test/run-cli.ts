/** Helpers for the end-to-end tests: build the CLI when dist is missing, then spawn it. */
import { execFile, execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MAIN = `${ROOT}apps/cli/dist/main.js`;
export const fixture = (p: string) => `${ROOT}fixtures/${p}`;

/** The small trained shapes detector (128 px): for tests that need a fast model, not the default. */
export const SHAPES_MODEL = ['--model', fixture('shapes/shapes-yolov3-tiny.cfg'), '--weights', fixture('shapes/shapes-yolov3-tiny.weights'), '--names', fixture('shapes/shapes.names')];

/** `pnpm test` builds first (turbo); a bare `vitest run` of this folder builds here if needed. */
export function ensureBuilt(): void {
  if (existsSync(MAIN)) return;
  for (const project of ['packages/core', 'packages/synthetic', 'packages/runtime-tfjs', 'packages/node', 'packages/train', 'apps/cli']) {
    execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${project}/tsconfig.build.json`], { cwd: ROOT, stdio: 'inherit' });
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: ROOT, env: { ...process.env, DEBUG: '', ...env }, maxBuffer: 64 << 20, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Non-empty lines of a text. */
export const lines = (text: string) => text.split('\n').filter((l) => l.trim().length > 0);

/** Exit 2 within 5 s, one `error:` line naming `option`, no stack. */
export async function expectUsage(args: string[], option: string, pattern: RegExp): Promise<void> {
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
