import { printable } from '@yolo-saliency/core';
import { fileError, fileLabel, messageOf } from './file-errors.js';
import { readInputFile } from './input-file.js';
import { parseNpyHeader, type NpyArray } from './npy-format.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Read a .npy array of little-endian float32 or float64 in C order into float32.
 * `source` is a path or the file's bytes (`name` then names it in messages). A path must be
 * a regular file of at most `maxBytes` (default INPUT_FILE_LIMITS.npy).
 * Other dtypes, Fortran order and truncated or oversized data are errors naming the file.
 */
export async function readNpy(
  source: string | Uint8Array,
  name = typeof source === 'string' ? source : 'array.npy',
  options: { maxBytes?: number } = {},
): Promise<NpyArray> {
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readInputFile(source, 'npy', options);
    } catch (error) {
      // readInputFile names `source`; say `name` when the caller chose another.
      if (name === source) throw error;
      throw fileError(name, messageOf(error).replace(`${fileLabel(source)}: `, ''), error);
    }
  } else {
    bytes = source;
  }
  try {
    return decodeNpy(bytes);
  } catch (error) {
    throw fileError(name, messageOf(error), error);
  }
}

/** Decode .npy bytes (no file name in messages; `readNpy` adds it). */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length === 0) throw new Error('empty file (0 bytes), not a .npy array');
  const header = parseNpyHeader(bytes);
  if (header.fortranOrder) throw new Error('Fortran-order arrays are not supported (save with np.ascontiguousarray)');
  const itemSize = header.descr === '<f4' ? 4 : header.descr === '<f8' ? 8 : 0;
  if (itemSize === 0) {
    throw new Error(`dtype '${printable(header.descr, 40)}' is not supported (little-endian float32 '<f4' or float64 '<f8' only)`);
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  const available = bytes.length - header.dataOffset;
  if (available < count * itemSize) {
    throw new Error(`truncated data: shape (${shapeText(header.shape)}) needs ${count * itemSize} bytes, the file has ${available}`);
  }
  if (available > count * itemSize) {
    throw new Error(`${available - count * itemSize} unexpected bytes after the data of shape (${shapeText(header.shape)})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, count * itemSize);
  const data = new Float32Array(count);
  if (itemSize === 4 && LITTLE_ENDIAN) {
    // Copy through bytes: the data offset need not be 4-aligned in the source buffer.
    new Uint8Array(data.buffer).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  } else if (itemSize === 4) {
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
  } else {
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(i * 8, true);
  }
  return { dims: header.shape, data };
}

/** A shape for messages: a file can declare thousands of dimensions. */
const shapeText = (shape: number[]) => (shape.length > 8 ? `${shape.slice(0, 8).join(', ')}, … ${shape.length} dimensions` : shape.join(', '));
