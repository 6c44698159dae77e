/**
 * Issue 9 (hostile input), signals: SIGINT or SIGTERM in a multi-image run left the current
 * image with 4 to 10 of its 11 files and said nothing. Now every image has all of its files or
 * none, one line says what was rolled back and how far the run got, and the exit code is 130
 * (SIGINT) or 143 (SIGTERM). generate-dataset leaves neither a dataset nor its staging folder.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, lines, MAIN, ROOT, SHAPES_MODEL } from './run-cli.js';

const IMAGES = 6;
/** 5 methods x (.png + .npy) + the panel. */
const FILES_PER_IMAGE = 11;

/** Start the CLI; send `signal` once `ready` says so (polled every 20 ms); resolve with the exit. */
function runAndSignal(args: string[], signal: NodeJS.Signals, ready: () => Promise<boolean>): Promise<{ code: number | null; stderr: string; sentAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.stdout.resume();
    const started = Date.now();
    let sentAfterMs = -1;
    const poll = setInterval(async () => {
      if (sentAfterMs >= 0) return;
      if (await ready()) {
        sentAfterMs = Date.now() - started;
        child.kill(signal);
      }
    }, 20);
    const killer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      clearTimeout(killer);
      resolve({ code, stderr, sentAfterMs });
    });
  });
}

/** Files per image stem in `out`, and anything else (temp files, probes). */
async function filesByStem(out: string): Promise<{ counts: Map<string, number>; other: string[] }> {
  const counts = new Map<string, number>();
  const other: string[] = [];
  for (const f of await readdir(out).catch(() => [] as string[])) {
    const m = /^(img\d+)\.[\w-]+\.(png|npy)$/.exec(f);
    if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
    else other.push(f);
  }
  return { counts, other };
}

describe('signals during a multi-image run', () => {
  let dir: string;
  let images: string[];
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-signals-'));
    images = [];
    for (let k = 0; k < IMAGES; k++) {
      images.push(join(dir, `img${k}.png`));
      await copyFile(fixture('images/shapes.png'), images[k]);
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal}: complete file sets only, one line, exit ${code}`, async () => {
      const out = join(dir, `out-${signal}`);
      // Enough IG steps that each image takes a while; the signal comes once the first image is complete
      // and the second has started writing or computing.
      const args = ['explain', ...images, ...SHAPES_MODEL, '--method', 'all', '--save-raw', '--steps', '200', '--samples', '50', '--target', 'raw:scale=0,anchor=0,y=0,x=0,channel=4', '--out', out];
      const r = await runAndSignal(args, signal, async () => ((await filesByStem(out)).counts.get('img0') ?? 0) === FILES_PER_IMAGE);
      expect(r.sentAfterMs).toBeGreaterThan(0);
      expect(r.code).toBe(code);
      const { counts, other } = await filesByStem(out);
      for (const [stem, n] of counts) expect([stem, n]).toEqual([stem, FILES_PER_IMAGE]);
      expect(other).toEqual([]);
      const done = counts.size;
      expect(done).toBeGreaterThanOrEqual(1);
      expect(done).toBeLessThan(IMAGES);
      const said = lines(r.stderr).filter((l) => !/UNTRAINED/.test(l));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(new RegExp(`^interrupted by ${signal}: (img${done}\\.png (rolled back \\(\\d+ file\\(s\\) removed\\)|stopped before writing); )?${done} of ${IMAGES} image\\(s\\) done$`));
    });
  }

  it('SIGTERM in generate-dataset leaves no dataset and no staging folder', async () => {
    const out = join(dir, 'dataset');
    const r = await runAndSignal(['generate-dataset', '--count', '100000', '--size', '256', '--out', out], 'SIGTERM', async () =>
      (await readdir(dir)).some((f) => f.startsWith('.dataset.partial-')),
    );
    expect(r.code).toBe(143);
    expect(lines(r.stderr)).toEqual([`interrupted by SIGTERM: no dataset written to ${out}`]);
    expect((await readdir(dir)).filter((f) => f.includes('dataset'))).toEqual([]);
  });
});
