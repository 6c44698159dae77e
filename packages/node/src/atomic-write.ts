import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { messageOf } from './file-errors.js';

/** Characters of the destination's name kept in the temporary name (for people who see it). */
const TEMP_NAME_PREFIX = 32;

/**
 * The temporary file's name: hidden, in the same folder, and short whatever the destination's
 * name is (a file system allows 255 bytes per name; a 240-character destination must work).
 * A prefix of the destination's name says whose it is; the pid and random part make it unique.
 */
export function temporaryName(path: string): string {
  const prefix = Array.from(basename(path)).slice(0, TEMP_NAME_PREFIX).join('');
  return join(dirname(path), `.${prefix}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Write a file so that readers see either nothing or the whole file: the bytes go to a
 * temporary file in the same folder (same file system, so the rename is atomic) which is then
 * renamed over the destination. On failure the temporary file is removed and the error says
 * what went wrong in words ("permission denied", "the file name is too long ..."), keeping
 * its errno `code`, without any path: the caller names the file (`${path}: cannot write: ...`).
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = temporaryName(path);
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw writeError(path, error);
  }
}

/** What went wrong, in words, without the temporary name (which the user did not choose). */
function writeError(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const problem: Record<string, string> = {
    ENAMETOOLONG: `the file name is too long (${Buffer.byteLength(basename(path))} bytes; file systems allow 255)`,
    ENOENT: 'its folder does not exist',
    ENOTDIR: 'a part of its folder path is not a folder',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a folder',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'the file system is read-only',
  };
  const text = (code && problem[code]) || messageOf(error).replace(/^[A-Z]+: /, '').replace(/,? (open|rename|lstat|write) '.*$/, '');
  return Object.assign(new Error(text, { cause: error }), code ? { code } : {});
}
