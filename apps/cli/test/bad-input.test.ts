import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, lines, runCli } from './run-cli.js';

const SMALL = ['--input-size', '64', '--runtime', 'tfjs', '--backend', 'cpu', '--method', 'vanilla'];
const TARGET = ['--target', 'raw:scale=1,anchor=0,y=2,x=1,channel=4'];

/** Exit 1, one `error:` line on stderr that names `file`, no stack trace. */
function expectOneLineError(r: { code: number; stderr: string }, file: string): void {
  expect(r.code).toBe(1);
  // stderr may also carry the untrained-weights warning and tfjs's own banner; exactly one error line.
  const errorLines = lines(r.stderr).filter((l) => /error/i.test(l));
  expect(errorLines).toHaveLength(1);
  expect(errorLines[0]).toMatch(/^error: /);
  expect(errorLines[0]).toContain(file);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('yolo-saliency explain on bad input', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-bad-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fails a non-image and a zero-byte image alone, leaving nothing for them, while a good image completes', async () => {
    const text = join(dir, 'photo.txt');
    await writeFile(text, 'not a picture\n');
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, '');
    const out = join(dir, 'out-images');
    const r = await runCli(['explain', text, fixture('images/dog.jpg'), empty, ...SMALL, ...TARGET, '--save-raw', '--out', out]);
    expect(r.code).toBe(1);
    const errorLines = lines(r.stderr).filter((l) => l.startsWith('error:'));
    expect(errorLines).toHaveLength(2);
    expect(errorLines[0]).toMatch(/^error: .*photo\.txt: not an image \(JPEG, PNG, WebP, GIF or TIFF expected\)$/);
    expect(errorLines[1]).toMatch(/^error: .*empty\.jpg: empty file/);
    expect((await readdir(out)).sort()).toEqual(['dog.panel.png', 'dog.vanilla.npy', 'dog.vanilla.png']);
  });

  it('fails a raw target outside the heads with one line and no outputs', async () => {
    const out = join(dir, 'out-target');
    const r = await runCli(['explain', fixture('images/dog.jpg'), ...SMALL, '--target', 'raw:scale=7,anchor=0,y=0,x=0,channel=4', '--out', out]);
    expectOneLineError(r, 'dog.jpg');
    expect(r.stderr).toMatch(/scale/);
    expect(await readdir(out)).toEqual([]);
  });

  it('fails a truncated .h5 with one line naming it', async () => {
    const half = join(dir, 'half.h5');
    const bytes = await readFile(fixture('keras/keras-yolo3-w2-c3.h5'));
    await writeFile(half, bytes.subarray(0, bytes.length >> 1));
    const r = await runCli(['explain', fixture('images/dog.jpg'), '--model', half, ...SMALL, ...TARGET, '--out', join(dir, 'out-h5')]);
    expectOneLineError(r, 'half.h5');
  });

  it('fails a cfg with an unknown block with one line naming it', async () => {
    const cfg = join(dir, 'odd.cfg');
    await writeFile(cfg, (await readFile(fixture('darknet/yolov3-tiny.cfg'), 'utf8')).replace('[maxpool]', '[teleport]'));
    const r = await runCli(['explain', fixture('images/dog.jpg'), '--model', cfg, ...SMALL, ...TARGET, '--out', join(dir, 'out-cfg')]);
    expectOneLineError(r, 'odd.cfg');
    expect(r.stderr).toContain('teleport');
  });

  it('shows the stack trace only with --verbose', async () => {
    const r = await runCli(['explain', join(dir, 'nothing.png'), ...SMALL, ...TARGET, '--out', join(dir, 'out-v'), '--verbose']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nothing\.png: file not found/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('exits 2 on usage errors', async () => {
    const unknown = await runCli(['explain', fixture('images/dog.jpg'), '--out', dir, '--colour', 'red']);
    expect(unknown.code).toBe(2);
    expect(lines(unknown.stderr)).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^error: unknown option '--colour'/);
    const noOut = await runCli(['explain', fixture('images/dog.jpg')]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/--out is required/);
    const badSteps = await runCli(['explain', fixture('images/dog.jpg'), '--out', dir, '--steps', 'many']);
    expect(badSteps.code).toBe(2);
    expect(badSteps.stderr).toMatch(/--steps must be an integer/);
    const badMethod = await runCli(['explain', fixture('images/dog.jpg'), '--out', dir, '--method', 'gradcam']);
    expect(badMethod.code).toBe(2);
    const noCommand = await runCli(['frobnicate']);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
