/**
 * Issue 9 (hostile input), output locations: --out under /proc spun forever (Node's recursive
 * mkdir loops there); a file, a dangling link, a link loop or a path through a file gave raw
 * EEXIST/ENOENT/ELOOP/ENOTDIR text. Each now ends within 5 s with exit 1 and one line naming
 * the path and the problem in words, before any model is loaded.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, lines, runCli } from './run-cli.js';

const RAW_CODES = /\b(EEXIST|ENOENT|ELOOP|ENOTDIR|EACCES|EPERM|EROFS)\b/;

async function expectOutError(args: string[], path: string, problem: RegExp): Promise<void> {
  const started = Date.now();
  const r = await runCli(args);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(r.code).toBe(1);
  const all = lines(r.stderr);
  expect(all).toHaveLength(1);
  expect(all[0]).toMatch(/^error: --out /);
  expect(all[0]).toContain(path);
  expect(all[0]).toMatch(problem);
  expect(all[0]).not.toMatch(RAW_CODES);
}

describe('bad --out locations', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-out-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const explain = (out: string) => ['explain', fixture('images/shapes.png'), '--out', out];

  it.skipIf(!existsSync('/proc/self'))('refuses a folder under /proc at once instead of spinning', async () => {
    await expectOutError(explain('/proc/yolo-out'), '/proc/yolo-out', /cannot create \/proc\/yolo-out: .*(special file system|not permitted|permission denied)/);
    await expectOutError(explain('/proc/yolo-out/deeper'), '/proc/yolo-out', /cannot create/);
    await expectOutError(['detect', fixture('images/shapes.png'), '--out', '/proc/yolo-out'], '/proc/yolo-out', /cannot create/);
    await expectOutError(['generate-dataset', '--count', '1', '--out', '/proc/yolo-out/set'], '/proc/yolo-out', /cannot create/);
    await expectOutError(['convert', '--out', '/proc/yolo-out/model.onnx'], '/proc/yolo-out', /cannot create/);
  });

  it('names a file, a dangling link, a link loop and a path through a file', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    await expectOutError(explain(file), file, /is a file, not a folder/);
    await expectOutError(explain(join(file, 'sub')), file, /cannot create it: .*a-file is a file, not a folder/);
    const dangling = join(dir, 'dangling');
    await symlink(join(dir, 'nowhere'), dangling);
    await expectOutError(explain(dangling), dangling, /is a symbolic link to .*nowhere, which does not exist/);
    const loop = join(dir, 'loop');
    await symlink(loop, loop);
    await expectOutError(explain(loop), loop, /loop of (symbolic )?links/);
    await expectOutError(['detect', fixture('images/shapes.png'), '--out', file], file, /is a file, not a folder/);
    await expectOutError(['generate-dataset', '--count', '1', '--out', file], file, /is a file, not a folder/);
    await expectOutError(['convert', '--out', join(file, 'm.onnx')], file, /a-file is a file, not a folder/);
    expect((await readdir(dir)).sort()).toEqual(['a-file', 'dangling', 'loop']);
  });

  it('creates missing folders one at a time and writes there', async () => {
    const out = join(dir, 'new', 'deeper', 'out');
    const r = await runCli([...explain(out), '--input-size', '64', '--runtime', 'tfjs', '--backend', 'cpu', '--target', 'raw:scale=0,anchor=0,y=0,x=0,channel=4']);
    expect(r.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['shapes.panel.png', 'shapes.vanilla.png']);
  });

  it.skipIf(process.getuid?.() === 0)('says permission denied for a folder it cannot write in', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked, { mode: 0o555 });
    await expectOutError(explain(join(locked, 'out')), locked, /permission denied/);
  });
});
