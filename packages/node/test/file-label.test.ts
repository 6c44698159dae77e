import { describe, expect, it } from 'vitest';
import { fileError, fileLabel } from '../src/file-errors.js';

describe('fileLabel: a path as messages show it', () => {
  it('escapes control characters and shows a path of up to 1024 characters whole', () => {
    expect(fileLabel('/data/odd\x1b[31m\nname\u202e.png')).toBe('/data/odd\\x1b[31m\\x0aname\\u202e.png');
    const long = `/data/${'d'.repeat(1000)}/x.png`;
    expect(long.length).toBeLessThanOrEqual(1024);
    expect(fileLabel(long)).toBe(long);
  });

  it('keeps the first and last 400 characters of a longer path, so the problem still fits the line (found by pnpm fuzz, seed 777)', () => {
    const long = `${'x'.repeat(5000)}.png`;
    const label = fileLabel(long);
    expect(label).toBe(`${'x'.repeat(400)}…${'x'.repeat(396)}.png`);
    expect(fileError(long, 'file not found').message.endsWith(': file not found')).toBe(true);
  });

  it('cuts after escaping: a long name of control characters stays within the same bound', () => {
    const label = fileLabel('\x1b'.repeat(3000));
    expect(Array.from(label)).toHaveLength(801);
    expect(label).not.toMatch(/[\x00-\x1f]/);
  });
});
