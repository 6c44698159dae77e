/**
 * Issue 9 (hostile input), memory: a 16000x16000 PNG of a few hundred KB took 3.9 GB and
 * --input-size 8192 took 13 GB before failing; hostile pool and upsample sizes aborted tfjs's
 * wasm heap with a bare "Aborted()". Each is now estimated and refused before anything large is
 * allocated: one line with the estimate, the budget and --max-memory, and the process's peak
 * resident memory stays far below 1.5 GB (measured in the child itself).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUGE_POOL, HUGE_UPSAMPLE, writeBlackPng, writeEditedShapesCfg } from './helpers/hostile-files.js';
import { ensureBuilt, fixture, lines, MAIN, ROOT, type CliResult, SHAPES_MODEL } from './run-cli.js';

const PEAK_RSS = fileURLToPath(new URL('./helpers/peak-rss.cjs', import.meta.url));
const LIMIT_KIB = 1.5 * 2 ** 20;

/** Run the CLI with its own peak RSS recorded; resolves with it in KiB. */
function runMeasured(args: string[], rssFile: string): Promise<CliResult & { peakKib: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', PEAK_RSS, MAIN, ...args], { cwd: ROOT, env: { ...process.env, DEBUG: '', PEAK_RSS_FILE: rssFile }, maxBuffer: 64 << 20, timeout: 120_000 }, async (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      const peakKib = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
      resolve({ code, stdout, stderr, peakKib, ms: Date.now() - started });
    });
  });
}

function expectOneLine(r: CliResult & { ms: number }, code: number, ...patterns: RegExp[]): void {
  expect(r.ms).toBeLessThan(5000);
  expect(r.code).toBe(code);
  const errorLines = lines(r.stderr).filter((l) => /error|abort/i.test(l));
  expect(errorLines).toHaveLength(1);
  for (const p of patterns) expect(errorLines[0]).toMatch(p);
  expect(r.stderr).not.toMatch(/\n\s+at |Aborted\(/);
}

describe('memory budget', () => {
  let dir: string;
  let huge: string;
  const peaks: Record<string, number> = {};
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-memory-'));
    huge = join(dir, 'huge.png');
    await writeBlackPng(huge, 16000, 16000);
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    // The measured peaks, for the record (the test logs them).
    console.log(`peak RSS (MiB): ${Object.entries(peaks).map(([k, v]) => `${k} ${Math.round(v / 1024)}`).join(', ')}`);
  });

  it('refuses a 16000x16000 PNG before decoding it, naming the image, the estimate and the budget', async () => {
    expect((await readFile(huge)).length).toBeLessThan(1 << 20);
    const out = join(dir, 'out-huge');
    const r = await runMeasured(['explain', huge, fixture('images/shapes.png'), ...SHAPES_MODEL, '--out', out, '--json'], join(dir, 'rss-huge'));
    expectOneLine(r, 1, /^error: .*huge\.png: 16000x16000 pixels \(256 megapixels\) need about [\d.]+ GiB/, /over the memory budget of [\d.]+ GiB/, /--max-memory/);
    peaks['explain huge.png'] = r.peakKib;
    expect(r.peakKib).toBeLessThan(LIMIT_KIB);
    // The other image still ran.
    expect(JSON.parse(r.stdout).images.map((i: { image: string }) => i.image)).toEqual([fixture('images/shapes.png')]);
    expect((await readdir(out)).sort()).toEqual(['shapes.panel.png', 'shapes.vanilla.png']);

    const detect = await runMeasured(['detect', huge, ...SHAPES_MODEL, '--out', out], join(dir, 'rss-detect'));
    expectOneLine(detect, 1, /huge\.png: 16000x16000 pixels/, /--max-memory/);
    peaks['detect huge.png'] = detect.peakKib;
    expect(detect.peakKib).toBeLessThan(LIMIT_KIB);
    const evaluate = await runMeasured(['evaluate', huge, ...SHAPES_MODEL, '--metrics', 'pointing'], join(dir, 'rss-evaluate'));
    expectOneLine(evaluate, 1, /huge\.png: 16000x16000 pixels/);
    expect(evaluate.peakKib).toBeLessThan(LIMIT_KIB);
  });

  it('refuses --input-size 8192 before loading the model: exit 2 naming the option, the estimate and --max-memory', async () => {
    const r = await runMeasured(['explain', fixture('images/shapes.png'), ...SHAPES_MODEL, '--input-size', '8192', '--out', join(dir, 'out-8192')], join(dir, 'rss-8192'));
    expectOneLine(r, 2, /^error: --input-size 8192: .*shapes-yolov3-tiny\.cfg at 8192x8192 needs about [\d.]+ GiB for one image/, /over the memory budget/, /lower --input-size or raise --max-memory/);
    peaks['explain --input-size 8192'] = r.peakKib;
    expect(r.peakKib).toBeLessThan(LIMIT_KIB);
    // The same size for a plain forward, and on wasm.
    const worst = await runMeasured(['detect', fixture('images/shapes.png'), ...SHAPES_MODEL, '--input-size', '8192', '--out', join(dir, 'out-8192')], join(dir, 'rss-8192d'));
    expectOneLine(worst, 2, /--input-size 8192: .* needs about [\d.]+ GiB for one image/);
    peaks['detect --input-size 8192'] = worst.peakKib;
    expect(worst.peakKib).toBeLessThan(LIMIT_KIB);
    const wasm = await runMeasured(['explain', fixture('images/shapes.png'), ...SHAPES_MODEL, '--input-size', '8192', '--runtime', 'tfjs', '--backend', 'wasm', '--out', join(dir, 'out-8192')], join(dir, 'rss-8192w'));
    expectOneLine(wasm, 2, /--input-size 8192: /);
    peaks['explain --input-size 8192 (wasm)'] = wasm.peakKib;
    expect(worst.peakKib).toBeLessThan(LIMIT_KIB);
  });

  it('refuses hostile pool and upsample sizes with one line naming the cfg, on tfjs wasm too', async () => {
    const pool = join(dir, 'pool.cfg');
    await writeEditedShapesCfg(pool, HUGE_POOL.from, HUGE_POOL.to);
    const up = join(dir, 'up.cfg');
    await writeEditedShapesCfg(up, HUGE_UPSAMPLE.from, HUGE_UPSAMPLE.to);
    for (const runtime of [['--runtime', 'tfjs', '--backend', 'wasm'], []]) {
      // An upsample within the model limits (16x) that makes every later layer huge: the estimate refuses it.
      const r = await runMeasured(['explain', fixture('images/shapes.png'), '--model', up, ...runtime, '--out', join(dir, 'out-cfg')], join(dir, 'rss-cfg'));
      expectOneLine(r, 1, new RegExp(`^error: ${up.replace(/[.]/g, '\\.')}: at its input size 128x128 needs about [\\d.]+ GiB for one image`), /'conv_2' \(conv\), outputs 2048x2048x16/);
      expect(r.peakKib).toBeLessThan(LIMIT_KIB);
      // A 6000-pixel pool window: refused by the model's limits or by the estimate, either way one line naming the cfg.
      const p = await runMeasured(['explain', fixture('images/shapes.png'), '--model', pool, ...runtime, '--out', join(dir, 'out-cfg')], join(dir, 'rss-cfg'));
      expectOneLine(p, 1, /^error: \S*pool\.cfg(:\d+)?: .*(maxpool|6000)/);
      expect(p.peakKib).toBeLessThan(LIMIT_KIB);
    }
    // Above the WebAssembly heap, raising the budget does not help on wasm: the line says what does.
    const r = await runMeasured(['explain', fixture('images/shapes.png'), '--model', up, '--runtime', 'tfjs', '--backend', 'wasm', '--max-memory', '16G', '--out', join(dir, 'out-cfg')], join(dir, 'rss-cfg'));
    expectOneLine(r, 1, /over the WebAssembly heap limit of 4\.0 GiB/, /use --backend cpu or --runtime onnx/);
  });

  it('refuses a given --batch that does not fit, lowers the default one, and checks --max-memory', async (ctx) => {
    const model = ['--model', fixture('darknet/yolov3-tiny.cfg'), '--method', 'integrated-gradients', '--target', 'raw:scale=0,anchor=0,y=0,x=0,channel=4'];
    const given = await runMeasured(['explain', fixture('images/shapes.png'), ...model, '--batch', '64', '--steps', '64', '--max-memory', '1G', '--out', join(dir, 'out-b')], join(dir, 'rss-b'));
    expectOneLine(given, 2, /^error: --batch 64: .*yolov3-tiny\.cfg at 416x416 needs about [\d.]+ GiB for 64 images per call, over the memory budget of 1\.0 GiB \(--max-memory\); use --batch \d+ or less, or raise --max-memory/);
    const bad = await runMeasured(['explain', fixture('images/shapes.png'), ...SHAPES_MODEL, '--max-memory', 'lots', '--out', join(dir, 'out-b')], join(dir, 'rss-b'));
    expectOneLine(bad, 2, /--max-memory must be a size such as 512M or 8G, got 'lots'/);
    const small = await runMeasured(['explain', fixture('images/shapes.png'), ...SHAPES_MODEL, '--max-memory', '100M', '--out', join(dir, 'out-b')], join(dir, 'rss-b'));
    expectOneLine(small, 2, /--max-memory must be at least 384 MiB/);
    // The lowered default batch needs onnx (yolov3-tiny on tfjs's cpu backend takes minutes).
    const doctor = JSON.parse((await runMeasured(['doctor', '--json'], join(dir, 'rss-doctor'))).stdout);
    if (!doctor.runtimes.find((x: { name: string }) => x.name === 'onnx')?.available) ctx.skip();
    const lowered = await runMeasured(['explain', fixture('images/shapes.png'), ...model, '--steps', '4', '--max-memory', '700M', '--runtime', 'onnx', '--out', join(dir, 'out-b')], join(dir, 'rss-b'));
    expect(lowered.code).toBe(0);
    expect(lines(lowered.stderr).filter((l) => l.startsWith('note: '))).toEqual([expect.stringMatching(/^note: images per call lowered from 4 to [1-3]: 4 would need about [\d.]+ (MiB|GiB) with .*yolov3-tiny\.cfg at 416x416, over the memory budget of 700 MiB \(--max-memory\)$/)]);
    expect(lowered.peakKib).toBeLessThan(700 * 1024);
  });
});
