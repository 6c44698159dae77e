/**
 * Issue 9 (hostile input), datasets: evaluate-detector opened whatever a labels file named
 * (../../../../etc/passwd was read). Image files must lie inside the dataset folder, by name
 * and, through links, by where they really are: otherwise one line names labels.json and the
 * entry, exit 1, and no file outside is opened.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, lines, runCli } from './run-cli.js';

describe('evaluate-detector dataset paths', () => {
  let dir: string;
  let dataset: string;
  let labels: { classes: string[]; images: Array<{ file: string; width: number; height: number; objects: unknown[] }> };
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-dataset-'));
    dataset = join(dir, 'set');
    const r = await runCli(['generate-dataset', '--count', '2', '--out', dataset]);
    expect(r.code).toBe(0);
    labels = JSON.parse(await readFile(join(dataset, 'labels.json'), 'utf8'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function expectRefused(file: string, problem: RegExp): Promise<void> {
    const edited = { ...labels, images: [labels.images[0], { ...labels.images[1], file }] };
    await writeFile(join(dataset, 'labels.json'), JSON.stringify(edited));
    const started = Date.now();
    const r = await runCli(['evaluate-detector', '--dataset', dataset]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.code).toBe(1);
    const all = lines(r.stderr);
    expect(all).toHaveLength(1);
    expect(all[0]).toContain(`error: ${join(dataset, 'labels.json')}: images[1].file ${JSON.stringify(file)}: `);
    expect(all[0]).toMatch(problem);
  }

  it('refuses entries that climb out of the folder or are absolute', async () => {
    await expectRefused('../../../../etc/passwd', /points outside the dataset folder/);
    await expectRefused('images/../../outside.png', /points outside the dataset folder/);
    await expectRefused('/etc/passwd', /is an absolute path/);
  });

  it('refuses a link inside the folder that leads out of it', async () => {
    await mkdir(join(dir, 'elsewhere'));
    await writeFile(join(dir, 'elsewhere', 'secret.png'), 'not for you');
    await symlink(join(dir, 'elsewhere', 'secret.png'), join(dataset, 'images', 'link.png'));
    await expectRefused('images/link.png', /points outside the dataset folder .*\(it is a link to .*secret\.png\)/);
  });
});
