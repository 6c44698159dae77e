/**
 * The progress bar (issue 9): on a terminal it shows the count, the rate and the time left; in
 * a log or a pipe it was silent, so a long run looked hung: now it prints a plain line every few
 * seconds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgress, formatSeconds } from '../src/progress.js';
import { ensureBuilt, fixture, lines, runCli, SHAPES_MODEL } from './run-cli.js';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY, columns: 100, text: '', write: (s: string) => ((stream.text += s), true) };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

describe('progress', () => {
  it('draws the count, rate and time left on a terminal', () => {
    let t = 0;
    const stream = fakeStream(true);
    const p = createProgress(true, stream, { now: () => t });
    p.start('dog.jpg integrated-gradients', 100);
    t = 20_000;
    p.update(40);
    expect(stream.text).toContain('[############..................]  40% 40/100 2.0 it/s eta 30 s dog.jpg integrated-gradients');
    p.done();
    expect(stream.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('prints a plain line every interval when not a terminal, none for short runs', () => {
    let t = 0;
    const stream = fakeStream(false);
    const p = createProgress(true, stream, { now: () => t, intervalSeconds: 5 });
    p.start('dog.jpg integrated-gradients', 100);
    t = 1000;
    p.update(5);
    expect(stream.text).toBe('');
    t = 5000;
    p.update(40);
    t = 6000;
    p.update(45);
    t = 10_000;
    p.update(80);
    p.done();
    expect(stream.text).toBe('dog.jpg integrated-gradients 40/100 (8.0 it/s, eta 8 s)\ndog.jpg integrated-gradients 80/100 (8.0 it/s, eta 3 s)\n');
    expect(formatSeconds(250)).toBe('4 min 10 s');
    expect(formatSeconds(7500)).toBe('2 h 5 min');
  });
});

describe('progress of a CLI run in a pipe', () => {
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'ys-cli-progress-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const image = () => fixture('images/shapes.png');

  it('prints plain progress lines with rate and ETA when stderr is not a terminal', async () => {
    const out = join(dir, 'progress');
    const r = await runCli(
      ['explain', image(), ...SHAPES_MODEL, '--runtime', 'tfjs', '--backend', 'cpu', '--method', 'integrated-gradients', '--steps', '64', '--batch', '2', '--target', 'raw:scale=0,anchor=0,y=0,x=0,channel=4', '--out', out],
      { YOLO_SALIENCY_PROGRESS_SECONDS: '0.2' },
    );
    expect(r.code).toBe(0);
    const progress = lines(r.stderr).filter((l) => l.startsWith('shapes integrated-gradients '));
    expect(progress.length).toBeGreaterThan(0);
    for (const l of progress) expect(l).toMatch(/^shapes integrated-gradients \d+\/64( \(\d+(\.\d)? (it\/s|s\/it), eta \d+ (s|min \d+ s)\))?$/);
    expect(progress.some((l) => /eta/.test(l))).toBe(true);
    // No terminal control codes in a log.
    expect(r.stderr).not.toMatch(/\r|\x1b\[/);
  });
});
