/**
 * docs/input-limits.md writes every limit as `` `NAME.key` = value ``: each one must equal the
 * constant in the code, and every key of the documented constants must be on the page, so the
 * page cannot drift from the code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GRAPH_LIMITS } from '@yolo-saliency/core/graph';
import { CFG_OPTION_RANGES } from '@yolo-saliency/core/loaders';
import { INPUT_FILE_LIMITS } from '@yolo-saliency/node';
import { BOUNDS } from '../apps/cli/src/bounds.js';
import { IMAGE_BYTES_PER_PIXEL, PROCESS_BYTES, WASM_HEAP_BYTES } from '../apps/cli/src/memory-budget.js';

const page = readFileSync(fileURLToPath(new URL('../docs/input-limits.md', import.meta.url)), 'utf8');

const UNITS: Record<string, number> = { bytes: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30 };

/** `1 MiB`, `4294901760`, `>0..65536`, `0..128` as numbers (a range as [min, max]; `>0` is the smallest positive number). */
function parseValue(text: string): number | [number, number] {
  const range = /^(>0|-?[\d.]+)\.\.(-?[\d.]+)$/.exec(text);
  if (range) return [range[1] === '>0' ? Number.MIN_VALUE : Number(range[1]), Number(range[2])];
  const size = /^([\d.]+) (bytes|KiB|MiB|GiB)$/.exec(text);
  if (size) return Number(size[1]) * UNITS[size[2]];
  return Number(text);
}

/** Every `` `NAME.key` = value `` on the page (value: a number, a range, or a number and a unit). */
function documented(): Array<{ name: string; key: string; value: number | [number, number]; text: string }> {
  const found = [];
  for (const m of page.matchAll(/`([A-Z_]+)\.([\w.]+)` = (>0\.\.[\d.]+|-?[\d.]+\.\.-?[\d.]+|[\d.]+ (?:bytes|KiB|MiB|GiB)|\d+)/g)) {
    found.push({ name: m[1], key: m[2], value: parseValue(m[3]), text: m[0] });
  }
  return found;
}

const CONSTANTS: Record<string, Record<string, unknown>> = {
  GRAPH_LIMITS,
  CFG_OPTION_RANGES,
  INPUT_FILE_LIMITS,
  BOUNDS,
  IMAGE_BYTES_PER_PIXEL,
};

describe('docs/input-limits.md', () => {
  it('every documented limit equals the constant in the code', () => {
    const entries = documented();
    expect(entries.length).toBeGreaterThan(50);
    for (const { name, key, value, text } of entries) {
      const table = CONSTANTS[name];
      expect(table, `${text}: ${name} is not a constant this test knows`).toBeDefined();
      expect(Object.hasOwn(table, key), `${text}: ${name} has no key '${key}'`).toBe(true);
      expect(value, text).toEqual(table[key]);
    }
  });

  it('every key of GRAPH_LIMITS, CFG_OPTION_RANGES, INPUT_FILE_LIMITS and BOUNDS is on the page', () => {
    const seen = new Set(documented().map((e) => `${e.name}.${e.key}`));
    for (const name of ['GRAPH_LIMITS', 'CFG_OPTION_RANGES', 'INPUT_FILE_LIMITS', 'BOUNDS']) {
      for (const key of Object.keys(CONSTANTS[name])) expect(seen.has(`${name}.${key}`), `${name}.${key} is not documented`).toBe(true);
    }
  });

  it('the memory budget figures are the code\'s', () => {
    expect(page).toContain(`\`PROCESS_BYTES\` = ${PROCESS_BYTES / 2 ** 20} MiB`);
    expect(page).toContain(`\`WASM_HEAP_BYTES\` = ${WASM_HEAP_BYTES} bytes`);
    expect(page).toMatch(/38 \+ 2\s+per method for explain/);
    expect(IMAGE_BYTES_PER_PIXEL.explain(1)).toBe(38 + 2);
  });
});
