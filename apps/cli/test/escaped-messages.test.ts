/**
 * Issue 9 (found by the fuzz suite, test/fuzz): an option value is echoed in its error line, and
 * a shell passes any bytes but NUL; control characters in it are escaped, never sent to the
 * terminal ('--iou' given '\f', '--input-size' given '\x02'). A file name is escaped the same
 * way wherever a message names it, '-' is refused as standard input, and a link to a listening
 * socket is one line (it once broke the module loader: Node's JavaScript realpathSync).
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, lines, runCli, SHAPES_MODEL } from './run-cli.js';

describe('error lines escape what they quote', () => {
  it('control characters in an option value', async () => {
    ensureBuilt();
    const r = await runCli(['info', '--model', fixture('shapes/shapes-yolov3-tiny.cfg'), '--input-size', '\x1b[31m\x02\u202e']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(["error: --input-size must be an integer, got '\\x1b[31m\\x02\\u202e' (see 'yolo-saliency info --help')"]);
    expect(r.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202e]/);
  });

  it('a file name with an escape sequence, a line break and a bidi override: the same escaped name in the message', async () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'ys-escaped-'));
    try {
      const weights = join(dir, 'odd\x1b[31m\nname\u202e.weights');
      writeFileSync(weights, 'not what it says');
      const r = await runCli(['detect', fixture('images/shapes.png'), '--model', fixture('shapes/shapes-yolov3-tiny.cfg'), '--weights', weights, '--out', join(dir, 'out')]);
      expect(r.code).toBe(1);
      expect(lines(r.stderr).filter((l) => l.startsWith('error: '))).toEqual([expect.stringMatching(/^error: odd\\x1b\[31m\\x0aname\\u202e\.weights: expected \d+ bytes for shapes-yolov3-tiny\.cfg/)]);
      expect(r.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202e]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("'-' as a file: standard input is not read, and the line says so", async () => {
    ensureBuilt();
    const r = await runCli(['evaluate', '-', fixture('images/shapes.png'), ...SHAPES_MODEL, '--method', 'vanilla']);
    expect(r.code).toBe(1);
    expect(lines(r.stderr).filter((l) => l.startsWith('error: '))).toEqual(["error: -: standard input is not read (give a file path; './-' for a file named -)"]);
  });

  it('a link to a listening socket given as an image: one line, no stack', async () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'ys-socket-'));
    const server = createServer();
    try {
      await new Promise<void>((resolve) => server.listen(join(dir, 'listening.sock'), resolve));
      symlinkSync(join(dir, 'listening.sock'), join(dir, 'special.npy'));
      const r = await runCli(['explain', join(dir, 'special.npy'), ...SHAPES_MODEL, '--method', 'vanilla', '--out', join(dir, 'out')]);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at |Cannot find module/);
      expect(lines(r.stderr).filter((l) => l.startsWith('error: '))).toEqual([expect.stringMatching(/special\.npy: .*(socket|not a readable file)/)]);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a very long argument or option value is quoted cut (found by pnpm fuzz, seed 424242)', async () => {
    ensureBuilt();
    const long = 'x'.repeat(5000);
    for (const args of [['info', long, ...SHAPES_MODEL], ['info', ...SHAPES_MODEL, '--input-size', long], ['info', ...SHAPES_MODEL, `--${long}`]]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      const [line] = lines(r.stderr);
      expect(line).toMatch(/^error: (unexpected argument|--input-size must be an integer, got|unknown option) '(--)?x{10}x*…'/);
      expect(line.length).toBeLessThan(400);
    }
  });
});
