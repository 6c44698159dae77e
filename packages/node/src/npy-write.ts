import { writeFileAtomic } from './atomic-write.js';
import { fileError, messageOf } from './file-errors.js';
import { formatNpyHeader, type NpyArray } from './npy-format.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encode a float32 array as .npy (format 1.0, '<f4', C order). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const count = array.dims.reduce((a, b) => a * b, 1);
  if (array.dims.some((d) => !Number.isInteger(d) || d < 0) || count !== array.data.length) {
    throw new Error(`dims [${array.dims.join(', ')}] do not match ${array.data.length} values`);
  }
  const header = formatNpyHeader(array.dims);
  const bytes = new Uint8Array(header.length + count * 4);
  bytes.set(header, 0);
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(array.data.buffer, array.data.byteOffset, count * 4), header.length);
  } else {
    const view = new DataView(bytes.buffer, header.length);
    for (let i = 0; i < count; i++) view.setFloat32(i * 4, array.data[i], true);
  }
  return bytes;
}

/** Write a float32 .npy file atomically. */
export async function writeNpy(path: string, array: NpyArray): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = encodeNpy(array);
  } catch (error) {
    throw fileError(path, (error as Error).message, error);
  }
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    throw fileError(path, `cannot write: ${messageOf(error)}`, error);
  }
}
