/**
 * The only code that touches h5wasm. HDF5 needs a file, so the bytes are written to a file in
 * h5wasm's in-memory Emscripten FS (the same in Node and in a browser), read synchronously,
 * then closed and unlinked. The rest of the loader sees the small `Hdf5Reader` below.
 */
import h5wasm from 'h5wasm';

/** A weight array as stored: C order, float32. */
export interface StoredArray {
  shape: number[];
  data: Float32Array;
}

/** Read-only view of an open HDF5 file, by absolute-or-relative path inside it. */
export interface Hdf5Reader {
  /** Attribute value, or undefined when the object or the attribute does not exist. */
  attr(path: string, name: string): unknown;
  /** Names of a group's members; [] when the group does not exist. */
  keys(path: string): string[];
  /** A numeric dataset as float32, or undefined when it does not exist. */
  dataset(path: string): StoredArray | undefined;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Offset of the HDF5 signature (0, or 512, 1024, ... after a user block), or -1. */
export function hdf5SignatureOffset(bytes: Uint8Array): number {
  for (let at = 0; at + 8 <= bytes.length; at = at === 0 ? 512 : at * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b)) return at;
  }
  return -1;
}

function readUint(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[at + i];
  return v;
}

/**
 * The end-of-file address the superblock records (relative to the superblock's base), or
 * undefined when the superblock version is unknown. Checked before opening because HDF5 on
 * a truncated file prints a long diagnostic and fails without a usable message.
 */
function storedEndOfFile(bytes: Uint8Array, at: number): number | undefined {
  const version = bytes[at + 8];
  if (version === 0 || version === 1) {
    const offsets = bytes[at + 13];
    const fixed = at + 24 + (version === 1 ? 4 : 0); // then base, free-space, EOF addresses
    return fixed + 3 * offsets <= bytes.length ? readUint(bytes, fixed + 2 * offsets, offsets) : undefined;
  }
  if (version === 2 || version === 3) {
    const offsets = bytes[at + 9];
    const fixed = at + 12; // then base, extension, EOF addresses
    return fixed + 3 * offsets <= bytes.length ? readUint(bytes, fixed + 2 * offsets, offsets) : undefined;
  }
  return undefined;
}

function toFloat32(value: unknown): Float32Array | undefined {
  if (value instanceof Float32Array) return value;
  if (value instanceof Float64Array || value instanceof Int32Array || value instanceof Uint8Array || value instanceof Int16Array) {
    return Float32Array.from(value);
  }
  return undefined;
}

let fileCounter = 0;

/** Open `bytes` as HDF5, run `read` on it, and always release the in-memory file. */
export async function readHdf5<T>(bytes: Uint8Array, fileName: string, read: (file: Hdf5Reader) => T): Promise<T> {
  const at = hdf5SignatureOffset(bytes);
  if (at < 0) throw new Error(`${fileName}: not an HDF5 file (no HDF5 signature)`);
  const eof = storedEndOfFile(bytes, at);
  if (eof !== undefined && at + eof > bytes.length) {
    throw new Error(`${fileName}: truncated HDF5 file (${bytes.length} bytes, its header says ${at + eof})`);
  }

  const { FS } = await h5wasm.ready;
  const path = `/yolo-saliency-${++fileCounter}.h5`;
  FS.writeFile(path, bytes);
  let file: InstanceType<typeof h5wasm.File> | undefined;
  try {
    file = new h5wasm.File(path, 'r');
    if (file.file_id < 0n) throw new Error(`${fileName}: HDF5 could not open the file (corrupt or truncated)`);
    const root = file;
    const reader: Hdf5Reader = {
      attr(objectPath, name) {
        const obj = objectPath === '' || objectPath === '/' ? root : root.get(objectPath);
        if (!obj || !('attrs' in obj)) return undefined;
        const attrs = obj.attrs;
        return name in attrs ? attrs[name].value : undefined;
      },
      keys(groupPath) {
        const group = groupPath === '' || groupPath === '/' ? root : root.get(groupPath);
        return group instanceof h5wasm.Group ? group.keys() : [];
      },
      dataset(datasetPath) {
        const ds = root.get(datasetPath);
        if (!(ds instanceof h5wasm.Dataset)) return undefined;
        const data = toFloat32(ds.value);
        if (!data) throw new Error(`${fileName}: dataset '${datasetPath}' is not a supported numeric type (${JSON.stringify(ds.dtype)})`);
        return { shape: ds.shape ?? [data.length], data };
      },
    };
    return read(reader);
  } finally {
    if (file && file.file_id >= 0n) file.close();
    FS.unlink(path);
  }
}
