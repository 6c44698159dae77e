/**
 * A minimal .npy reader for tests: little-endian float32, C order (what the Keras fixture
 * files use). The full reader/writer lives in packages/node.
 */
import { readFileSync } from 'node:fs';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export function parseNpy(bytes: Uint8Array, name = 'array'): NpyArray {
  const magic = String.fromCharCode(...bytes.subarray(1, 6));
  if (bytes[0] !== 0x93 || magic !== 'NUMPY') throw new Error(`${name}: not a .npy file`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr !== '<f4') throw new Error(`${name}: dtype ${descr} is not little-endian float32`);
  if (fortran !== 'False') throw new Error(`${name}: Fortran order is not supported`);
  if (shapeText === undefined) throw new Error(`${name}: no shape in the header`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLength;
  // Copy so the data is aligned whatever the header length.
  const data = new Float32Array(Uint8Array.prototype.slice.call(bytes, start, start + count * 4).buffer);
  if (data.length !== count) throw new Error(`${name}: ${data.length} values for shape (${shape.join(', ')})`);
  return { shape, data };
}

export function readNpy(path: string): NpyArray {
  return parseNpy(new Uint8Array(readFileSync(path)), path);
}
