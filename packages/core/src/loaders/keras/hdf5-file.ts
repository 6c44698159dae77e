/**
 * The only code that touches h5wasm. HDF5 needs a file, so the bytes are written to a file in
 * h5wasm's in-memory Emscripten FS (the same in Node and in a browser), read synchronously,
 * then closed and unlinked. The rest of the loader sees the small `Hdf5Reader` below.
 */
import h5wasm from 'h5wasm';
import { GRAPH_LIMITS } from '../../graph/limits.js';
import { printable } from '../../util/printable.js';

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

/**
 * The corrupt file after which this process's HDF5 reader is no longer trusted. HDF5 reading
 * a malformed file can write outside its buffers (it has a history of such bugs), and inside
 * WebAssembly that silently damages its heap: later reads of good files were seen to fail with
 * "memory access out of bounds", and could as well return wrong weights. So after HDF5 reports
 * a corrupt file, no further HDF5 file is read in this process (a CLI run reads one; a server
 * should parse uploads in a process it can discard, and check this to know when).
 */
let damagedBy: string | undefined;

/** The file whose corruption made this process stop reading HDF5 files, if any. */
export function hdf5ReaderDamagedBy(): string | undefined {
  return damagedBy;
}

/**
 * Tests only (not exported by the package): read on after a corrupt file, to check the
 * messages of many corrupt files in one process; what is read afterwards may be wrong.
 */
export function forgetHdf5DamageForTests(): void {
  damagedBy = undefined;
}

/** The part of an Emscripten FS stream this file swaps: HDF5's stderr (fd 2). */
interface WritableStream {
  stream_ops: { write(stream: unknown, buffer: Uint8Array, offset: number, length: number, ...rest: unknown[]): number };
}

/**
 * HDF5 prints its whole error stack (20-60 lines of `HDF5-DIAG`) on stderr whenever a call
 * fails, before h5wasm returns. While a file is read, fd 2 of the wasm module writes into a
 * string instead, which becomes one line of our error. (h5wasm exposes no way to turn HDF5's
 * automatic printing off; its throwing handler would unwind through HDF5's C code.)
 */
class Hdf5Diagnostics {
  private text = '';
  private readonly stream: WritableStream | undefined;
  private readonly original: WritableStream['stream_ops'] | undefined;

  constructor(fs: unknown) {
    const stream = (fs as { getStream?: (fd: number) => WritableStream | null }).getStream?.(2) ?? undefined;
    this.stream = stream?.stream_ops?.write ? stream : undefined;
    this.original = this.stream?.stream_ops;
    if (this.stream && this.original) {
      const decoder = new TextDecoder();
      this.stream.stream_ops = {
        ...this.original,
        write: (_stream, buffer, offset, length) => {
          if (this.text.length < 1 << 16) this.text += decoder.decode(buffer.subarray(offset, offset + length));
          return length;
        },
      };
    }
  }

  /** The most specific message of the error stack: the deepest `#NNN: ... in f(): message`. */
  get problem(): string | undefined {
    const messages = [...this.text.matchAll(/#\d+: .* in [\w.]+\(\): (.*)$/gm)].map((m) => m[1].trim());
    return messages.length ? messages[messages.length - 1] : this.text.trim() ? this.text.trim().split('\n').pop() : undefined;
  }

  restore(): void {
    if (this.stream && this.original) this.stream.stream_ops = this.original;
  }
}

/**
 * Largest dataset read, in float32 values: a corrupt or hostile file can declare a dataset far
 * bigger than itself (HDF5 datasets may be compressed); Keras writes them uncompressed.
 */
function datasetLimit(fileBytes: number): number {
  return Math.min(GRAPH_LIMITS.parameters, Math.max(16 << 20, 4 * fileBytes));
}

/**
 * Open `bytes` as HDF5, run `read` on it, and always release the in-memory file. A file HDF5
 * finds corrupt, anywhere during the read, is one error: `<file>: corrupt HDF5 file (HDF5:
 * <its most specific message>)`, however the read went on after it.
 */
export async function readHdf5<T>(bytes: Uint8Array, fileName: string, read: (file: Hdf5Reader) => T): Promise<T> {
  const at = hdf5SignatureOffset(bytes);
  if (at < 0) throw new Error(`${fileName}: not an HDF5 file (no HDF5 signature)`);
  const eof = storedEndOfFile(bytes, at);
  if (eof !== undefined && at + eof > bytes.length) {
    throw new Error(`${fileName}: truncated HDF5 file (${bytes.length} bytes, its header says ${at + eof})`);
  }

  if (damagedBy !== undefined) {
    throw new Error(`${fileName}: not read: the HDF5 reader of this process may be damaged by the corrupt file ${damagedBy} read before it; read this file in a new process`);
  }
  const { FS } = await h5wasm.ready;
  const path = `/yolo-saliency-${++fileCounter}.h5`;
  FS.writeFile(path, bytes);
  const diagnostics = new Hdf5Diagnostics(FS);
  const corrupt = (detail?: string) => {
    damagedBy ??= fileName;
    // A corrupt size field makes HDF5 fail to allocate its buffer: say what that means for the file.
    const tooLarge = detail && /memory allocation failed for (.+)/i.exec(detail);
    const why = tooLarge ? `a size in it is too large to allocate: HDF5's ${printable(tooLarge[1])}` : detail ? `HDF5: ${printable(detail)}` : undefined;
    return new Error(`${fileName}: corrupt HDF5 file${why ? ` (${why})` : ''}`);
  };
  const limit = datasetLimit(bytes.length);
  let file: InstanceType<typeof h5wasm.File> | undefined;
  let result: T;
  try {
    try {
      file = new h5wasm.File(path, 'r');
    } catch (error) {
      throw corrupt(diagnostics.problem ?? messageOf(error));
    }
    if (file.file_id < 0n) throw corrupt(diagnostics.problem ?? 'the file could not be opened');
    const root = file;
    // h5wasm throws plain messages ("error - name not defined!") where HDF5 fails: that is corruption.
    const guarded = <R>(what: string, run: () => R): R => {
      try {
        return run();
      } catch (error) {
        if (error instanceof Error && error.message.startsWith(`${fileName}:`)) throw error;
        throw corrupt(diagnostics.problem ?? `${what}: ${messageOf(error)}`);
      }
    };
    const reader: Hdf5Reader = {
      attr: (objectPath, name) =>
        guarded(`reading attribute '${name}' of '${objectPath}'`, () => {
          const obj = objectPath === '' || objectPath === '/' ? root : root.get(objectPath);
          if (!obj || !('attrs' in obj)) return undefined;
          const attrs = obj.attrs;
          return name in attrs ? attrs[name].value : undefined;
        }),
      keys: (groupPath) =>
        guarded(`listing '${groupPath}'`, () => {
          const group = groupPath === '' || groupPath === '/' ? root : root.get(groupPath);
          return group instanceof h5wasm.Group ? group.keys() : [];
        }),
      dataset: (datasetPath) =>
        guarded(`reading dataset '${datasetPath}'`, () => {
          const ds = root.get(datasetPath);
          if (!(ds instanceof h5wasm.Dataset)) return undefined;
          const shape = ds.shape ?? [];
          const count = shape.reduce((a, b) => a * b, 1);
          if (!(count <= limit)) {
            throw new Error(`${fileName}: dataset '${printable(datasetPath)}' declares ${shape.join('x')} values, more than a ${bytes.length}-byte file can hold; the file is corrupt`);
          }
          const data = toFloat32(ds.value);
          if (!data) throw new Error(`${fileName}: dataset '${printable(datasetPath)}' is not a supported numeric type (${JSON.stringify(ds.dtype)})`);
          return { shape: ds.shape ?? [data.length], data };
        }),
    };
    try {
      result = read(reader);
    } catch (error) {
      // A follow-on error ("has 0 stored variables", "config is not valid JSON") hides the real one.
      if (diagnostics.problem) throw corrupt(diagnostics.problem);
      throw error;
    }
  } finally {
    try {
      if (file && file.file_id >= 0n) file.close();
    } catch {
      // Closing a corrupt file can fail too; the error already thrown (or below) says why.
    }
    diagnostics.restore();
    FS.unlink(path);
  }
  // HDF5 reported an error, yet every read returned something: part of the file is unreadable.
  if (diagnostics.problem) throw corrupt(diagnostics.problem);
  return result;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim();
}
