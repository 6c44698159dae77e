/**
 * Reading a file a user named, safely: the path must be a regular file (after following
 * links), and no more than a limit per kind of file is read. A symlink to /dev/urandom named
 * `x.onnx`, /dev/zero named `x.npy` or a FIFO would otherwise be read forever or block forever;
 * a huge file would be read whole before any parser could refuse it.
 *
 * The file is opened with O_NONBLOCK (so opening a FIFO returns at once) and checked with
 * fstat on the open handle (so the check and the read see the same file).
 */
import { constants, statSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { fileError, messageOf, namesFileFirst } from './file-errors.js';

export type InputFileKind = 'cfg' | 'names' | 'npy' | 'model' | 'weights';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * The largest file read for each kind, in bytes. Text files (.cfg, .names) are tiny in
 * practice; model, weights and .npy files get generous limits that a caller may raise
 * (`readInputFile`'s `maxBytes`, `loadModelFile`'s `limits`, `readNpy`'s `maxBytes`).
 */
export const INPUT_FILE_LIMITS: Readonly<Record<InputFileKind, number>> = Object.freeze({
  /** darknet .cfg text */
  cfg: 1 * MiB,
  /** class names, one per line */
  names: 1 * MiB,
  /** a preprocessed input array (a 4096x4096x3 float64 array is 384 MiB) */
  npy: 512 * MiB,
  /** .onnx, .h5 and .keras models (darknet's yolov3 is 240 MiB) */
  model: 1 * GiB,
  /** darknet .weights */
  weights: 1 * GiB,
});

/** What each kind is called in messages. */
const KIND_NAMES: Record<InputFileKind, string> = {
  cfg: '.cfg files',
  names: 'class names files',
  npy: '.npy arrays',
  model: 'model files',
  weights: '.weights files',
};

/** A file over its limit: the error carries the kind and limit, so an app can say how to raise it. */
export interface FileTooLargeError extends Error {
  code: 'FILE_TOO_LARGE';
  kind: InputFileKind;
  size: number;
  limit: number;
}

export function isFileTooLargeError(error: unknown): error is FileTooLargeError {
  return error instanceof Error && (error as Partial<FileTooLargeError>).code === 'FILE_TOO_LARGE';
}

/** Bytes for people: 1 MiB, 6.6 GiB, 512 bytes. */
export function formatBytes(bytes: number): string {
  if (bytes < KiB) return `${bytes} bytes`;
  const [unit, size] = bytes >= GiB ? ['GiB', GiB] : bytes >= MiB ? ['MiB', MiB] : ['KiB', KiB];
  const value = bytes / size;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/** What a non-regular file is, in words. */
function specialFileKind(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Throws a one-line error naming `path` unless it is a regular file. */
export function checkRegularFile(path: string, info: Stats): void {
  if (info.isFile()) return;
  const kind = specialFileKind(info);
  throw fileError(path, kind === 'a folder' ? 'is a folder, not a file' : `is ${kind}, not a regular file`);
}

/** The open/stat errors a user can cause, as one line naming the file. */
export function openError(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const problem: Record<string, string> = {
    ENOENT: 'file not found',
    ENOTDIR: 'file not found (a part of the path is not a folder)',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'is a folder, not a file',
    ELOOP: 'too many levels of symbolic links',
    ENAMETOOLONG: 'the file name is too long',
    ENXIO: 'is not a readable file (no such device)',
  };
  // open() answers ENXIO for a socket (or a link to one): name what the file is.
  if (code === 'ENXIO') {
    const info = (() => {
      try {
        return statSync(path);
      } catch {
        return undefined;
      }
    })();
    if (info && !info.isFile()) return fileError(path, `is ${specialFileKind(info)}, not a regular file`, error);
  }
  // Many tools read '-' as standard input; this one reads files only, and says so.
  if (code === 'ENOENT' && path === '-') return fileError(path, 'standard input is not read (give a file path; \'./-\' for a file named -)', error);
  return fileError(path, (code && problem[code]) || messageOf(error).replace(/^\w+: /, ''), error);
}

export interface ReadInputFileOptions {
  /** Read at most this many bytes (default: INPUT_FILE_LIMITS[kind]). */
  maxBytes?: number;
}

/**
 * Read a whole file the user named as `kind`. Errors are one line naming the file: not found,
 * a folder, a FIFO or device, empty, or over the size limit (a FileTooLargeError).
 */
export async function readInputFile(path: string, kind: InputFileKind, options: ReadInputFileOptions = {}): Promise<Uint8Array> {
  const limit = options.maxBytes ?? INPUT_FILE_LIMITS[kind];
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. (0 where absent.)
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw openError(path, error);
  }
  try {
    let info: Stats;
    try {
      info = await handle.stat();
    } catch (error) {
      throw openError(path, error);
    }
    checkRegularFile(path, info);
    if (info.size === 0) throw fileError(path, 'empty file (0 bytes)');
    if (info.size > limit) {
      const error = fileError(path, `is ${formatBytes(info.size)}, over the ${formatBytes(limit)} limit for ${KIND_NAMES[kind]}`) as FileTooLargeError;
      Object.assign(error, { code: 'FILE_TOO_LARGE', kind, size: info.size, limit });
      throw error;
    }
    // Read what fstat promised and no more: a file that grows meanwhile is read up to its size then.
    const bytes = new Uint8Array(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled === 0) throw fileError(path, 'empty file (0 bytes)');
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } catch (error) {
    if (error instanceof Error && namesFileFirst(error.message, path)) throw error;
    throw openError(path, error);
  } finally {
    await handle.close().catch(() => {});
  }
}
