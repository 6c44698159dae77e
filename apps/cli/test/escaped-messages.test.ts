/**
 * Issue 9 (found by the fuzz suite, test/fuzz): an option value is echoed in its error line, and
 * a shell passes any bytes but NUL; control characters in it are escaped, never sent to the
 * terminal ('--iou' given '\f', '--input-size' given '\x02').
 */
import { describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, lines, runCli } from './run-cli.js';

describe('error lines escape what they quote', () => {
  it('control characters in an option value', async () => {
    ensureBuilt();
    const r = await runCli(['info', '--model', fixture('shapes/shapes-yolov3-tiny.cfg'), '--input-size', '\x1b[31m\x02\u202e']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(["error: --input-size must be an integer, got '\\x1b[31m\\x02\\u202e' (see 'yolo-saliency info --help')"]);
    expect(r.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202e]/);
  });
});
