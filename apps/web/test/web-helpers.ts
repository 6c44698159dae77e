/**
 * Helpers for the web app's tests: the built server and page (`pnpm test` builds first; a bare
 * `vitest run apps/web` builds here when they are missing), Debian's Chromium, screenshots.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEB = `${ROOT}apps/web/`;
export const fixture = (p: string) => `${ROOT}fixtures/${p}`;
/** Test artefacts (gitignored). */
export const OUT = `${WEB}out/test/`;

export function ensureWebBuilt(): void {
  const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
  if (!existsSync(`${WEB}dist/server/app.js`) || !existsSync(`${WEB}dist/server/compute-worker.js`)) {
    for (const project of ['packages/core', 'packages/runtime-tfjs', 'packages/node', 'apps/web']) {
      if (project === 'apps/web' || !existsSync(`${ROOT}${project}/dist/index.js`)) {
        execFileSync(process.execPath, [tsc, '-p', `${project}/tsconfig.build.json`], { cwd: ROOT, stdio: 'inherit' });
      }
    }
  }
  if (!existsSync(`${WEB}dist/client/index.html`)) {
    execFileSync(process.execPath, [`${WEB}node_modules/vite/bin/vite.js`, 'build', '--logLevel', 'error'], { cwd: WEB, stdio: 'inherit' });
  }
}

/** The built server module (the compute processes run the built code too). */
export async function importServer(): Promise<typeof import('../src/server/app.js')> {
  ensureWebBuilt();
  return import(/* @vite-ignore */ `${WEB}dist/server/app.js`);
}

/** Debian's Chromium (CI installs it), or CHROMIUM_PATH; undefined when there is none. */
export function chromiumPath(): string | undefined {
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Flags for headless Chromium on this machine: no network, WebGL through SwiftShader.
 * (Playwright adds headless mode and a new empty user-data-dir itself.)
 */
export function chromiumArgs(): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
  ];
}

export function screenshotPath(name: string): string {
  mkdirSync(OUT, { recursive: true });
  return `${OUT}${name}.png`;
}
