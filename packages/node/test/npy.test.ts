import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, readNpy, writeNpy } from '../src/index.js';

const fixture = (p: string) => new URL(`../../../fixtures/${p}`, import.meta.url).pathname;

/** A .npy file with an arbitrary header dict, built by hand the way numpy lays it out. */
function npyBytes(dict: string, data: Uint8Array): Uint8Array {
  let header = dict;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), 10);
  bytes.set(data, 10 + header.length);
  return bytes;
}

describe('.npy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ys-npy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips float32 arrays through a file', async () => {
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 0.5 - 3.25);
    const path = join(dir, 'a.npy');
    await writeNpy(path, { dims: [2, 3, 4], data });
    const back = await readNpy(path);
    expect(back.dims).toEqual([2, 3, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    // v1.0 header padded so the data starts at a multiple of 64 bytes.
    const bytes = await readFile(path);
    const headerLength = bytes.readUInt16LE(8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes.length).toBe(10 + headerLength + data.length * 4);
    expect(bytes.subarray(10, 10 + headerLength).toString('latin1')).toBe(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }".padEnd(headerLength - 1, ' ') + '\n',
    );
  });

  it('writes 1-d shapes as a one-element tuple and round-trips empty arrays', () => {
    const one = encodeNpy({ dims: [3], data: new Float32Array([1, 2, 3]) });
    expect(new TextDecoder().decode(one.subarray(10, 64))).toContain("'shape': (3,)");
    expect(decodeNpy(encodeNpy({ dims: [0, 3], data: new Float32Array(0) })).dims).toEqual([0, 3]);
  });

  it('reads the numpy-written fixture byte for byte the way numpy wrote it', async () => {
    const path = fixture('keras/keras-tiny-yolo3-w2-c2.input.npy');
    const array = await readNpy(path);
    expect(array.dims).toEqual([96, 96, 3]);
    expect(array.data.length).toBe(array.dims.reduce((a, b) => a * b, 1));
    // Values are pixels/255: in [0,1] and on the 8-bit grid.
    for (const v of array.data.subarray(0, 500)) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-3);
    }
    // numpy's own float32 writer uses the same layout, so re-encoding gives the same bytes.
    expect(Buffer.from(encodeNpy(array)).equals(await readFile(path))).toBe(true);
  });

  it('reads float64 into float32', () => {
    const f64 = new Float64Array([1.5, -2.25, 1e-3]);
    const bytes = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(f64.buffer));
    const array = decodeNpy(bytes);
    expect(array.dims).toEqual([3]);
    expect(Array.from(array.data)).toEqual(Array.from(Float32Array.from(f64)));
  });

  it('refuses Fortran order, other dtypes, truncated and oversized data, naming the file', async () => {
    const four = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['fortran.npy', npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", four), /fortran\.npy: Fortran-order/],
      ['int.npy', npyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", four), /int\.npy: dtype '<i4' is not supported/],
      ['big.npy', npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", four), /big\.npy: dtype '>f4'/],
      ['short.npy', npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", four), /short\.npy: truncated data: shape \(2, 3\) needs 24 bytes, the file has 16/],
      ['long.npy', npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", four), /long\.npy: 4 unexpected bytes/],
      ['magic.npy', new TextEncoder().encode('hello, not numpy'), /magic\.npy: not a \.npy file/],
      ['empty.npy', new Uint8Array(0), /empty\.npy: empty file/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      await expect(readNpy(path)).rejects.toThrow(message);
    }
    await expect(readNpy(join(dir, 'missing.npy'))).rejects.toThrow(/missing\.npy: file not found/);
    expect(() => encodeNpy({ dims: [2, 2], data: new Float32Array(3) })).toThrow(/do not match/);
  });
});
