/**
 * Issue 9 (hostile input), outputs: two inputs with the same name from different folders
 * wrote the same files (the first set was lost, stdout listed the paths twice), and an input
 * named shapes.vanilla.png in the output folder was replaced by the output of shapes.png. No
 * output may replace an input and no two inputs share outputs: the later one gets
 * <stem>-2.*, said in one warning line.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, lines, runCli } from './run-cli.js';

const FAST = ['--input-size', '64', '--runtime', 'tfjs', '--backend', 'cpu', '--target', 'raw:scale=0,anchor=0,y=0,x=0,channel=4'];

describe('output names', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-names-'));
    for (const folder of ['a', 'b']) {
      await mkdir(join(dir, folder));
      await copyFile(fixture('images/shapes.png'), join(dir, folder, 'shapes.png'));
    }
    await copyFile(fixture('images/dog.jpg'), join(dir, 'b', 'shapes.jpg'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives inputs with the same name their own outputs, with one warning each', async () => {
    const out = join(dir, 'out-same');
    const inputs = [join(dir, 'a', 'shapes.png'), join(dir, 'b', 'shapes.png'), join(dir, 'b', 'shapes.jpg')];
    const r = await runCli(['explain', ...inputs, ...FAST, '--json', '--out', out]);
    expect(r.code).toBe(0);
    const warnings = lines(r.stderr).filter((l) => l.startsWith('warning: ') && !/UNTRAINED/.test(l));
    expect(warnings).toEqual([
      `warning: ${inputs[1]}: outputs named shapes-2.* (${inputs[0]} writes shapes.* too)`,
      `warning: ${inputs[2]}: outputs named shapes-3.* (${inputs[0]} writes shapes.* too)`,
    ]);
    expect((await readdir(out)).sort()).toEqual(['shapes', 'shapes-2', 'shapes-3'].flatMap((s) => [`${s}.panel.png`, `${s}.vanilla.png`]).sort());
    const summary = JSON.parse(r.stdout);
    const written = summary.images.flatMap((i: { panel: string; methods: Array<{ overlay: string }> }) => [i.panel, ...i.methods.map((m) => m.overlay)]);
    expect(new Set(written).size).toBe(written.length);
  });

  it('never replaces an input in the output folder', async () => {
    const out = join(dir, 'out-input');
    await mkdir(out);
    // An input that is exactly what shapes.png's output would be called.
    const victim = join(out, 'shapes.vanilla.png');
    await copyFile(fixture('images/dog.jpg'), victim);
    const before = await readFile(victim);
    const r = await runCli(['explain', fixture('images/shapes.png'), victim, ...FAST, '--out', out]);
    expect(r.code).toBe(0);
    expect(await readFile(victim)).toEqual(before);
    expect(lines(r.stderr).filter((l) => l.startsWith('warning: ') && !/UNTRAINED/.test(l))).toEqual([
      `warning: ${fixture('images/shapes.png')}: outputs named shapes-2.* (shapes.* would replace the input ${victim})`,
    ]);
    expect((await readdir(out)).sort()).toEqual(['shapes-2.panel.png', 'shapes-2.vanilla.png', 'shapes.vanilla.panel.png', 'shapes.vanilla.png', 'shapes.vanilla.vanilla.png']);
  });

  it('runs a file listed twice once, and detect disambiguates too', async () => {
    const out = join(dir, 'out-detect');
    const twice = join(dir, 'a', 'shapes.png');
    const r = await runCli(['detect', twice, twice, join(dir, 'b', 'shapes.png'), ...FAST.slice(0, 6), '--json', '--out', out]);
    expect(r.code).toBe(0);
    expect(lines(r.stderr).filter((l) => l.startsWith('warning: '))).toEqual([
      `warning: ${twice} is listed more than once; it runs once`,
      `warning: ${join(dir, 'b', 'shapes.png')}: outputs named shapes-2.* (${twice} writes shapes.* too)`,
    ]);
    expect(JSON.parse(r.stdout).images).toHaveLength(2);
    expect((await readdir(out)).sort()).toEqual(['shapes-2.detections.json', 'shapes-2.detections.png', 'shapes.detections.json', 'shapes.detections.png']);
  });
});
