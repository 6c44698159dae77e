// The OIHW <-> HWIO permutation on a filter whose every dimension differs.
import { describe, expect, it } from 'vitest';
import { hwioToOihw, oihwToHwio } from '../src/graph/index.js';

describe('filter layout', () => {
  const shape = [2, 3, 4, 5] as const; // kh, kw, in, out
  const hwio = Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, k) => k);

  it('moves element [y, x, c, o] of HWIO to [o, c, y, x] of OIHW', () => {
    const oihw = hwioToOihw(hwio, shape);
    // HWIO [1, 2, 3, 4] = ((1*3 + 2)*4 + 3)*5 + 4 = 119; OIHW [4, 3, 1, 2] = ((4*4 + 3)*2 + 1)*3 + 2 = 119.
    expect(oihw[((4 * 4 + 3) * 2 + 1) * 3 + 2]).toBe(119);
    expect(oihw[0]).toBe(0);
    expect(oihw[1]).toBe(20); // OIHW [0, 0, 0, 1] = HWIO [0, 1, 0, 0] = (1*4)*5
  });

  it('oihwToHwio inverts it', () => {
    expect(oihwToHwio(hwioToOihw(hwio, shape), shape)).toEqual(hwio);
  });
});
