/**
 * Output locations (--out), checked and created before any work. Node's recursive mkdir spins
 * forever where mkdir fails with ENOENT under a folder that exists (/proc/x: it takes ENOENT
 * for "the parent is missing" and retries), and its raw errors (EEXIST, ENOENT, ELOOP, ENOTDIR)
 * do not say what is wrong. Here the missing folders are made one at a time, the folder is
 * shown to be writable with a probe file, and each failure is one line naming the path and
 * the problem in words.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, readlink, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? '';

/** What a file-system error means, in words. */
function problemOf(error: unknown): string {
  const known: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'the operation is not permitted there',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is used up',
    ENAMETOOLONG: 'the path is too long',
    ELOOP: 'the path goes through a loop of symbolic links',
    ENOTDIR: 'a part of the path is a file, not a folder',
    // mkdir and create fail with ENOENT in a folder that exists only on special file systems (/proc).
    ENOENT: 'the file system there does not allow new files (a special file system such as /proc?)',
    EIO: 'an input/output error on the device',
  };
  const text = known[code(error)];
  return text ?? (error instanceof Error ? error.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '') : String(error));
}

/** What a non-folder entry is, in words. */
function kindOf(info: Stats): string {
  if (info.isFile()) return 'a file';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a folder';
}

class OutputError extends Error {
  constructor(option: string, given: string, problem: string) {
    super(`${option} ${given}: ${problem}`);
    this.name = 'OutputError';
  }
}

/**
 * The nearest path at or above `path` that exists (following links), with what it is. Throws
 * for a dangling link or a link loop on the way, which mkdir would only report as ENOENT/ELOOP.
 */
async function nearestExisting(path: string, fail: (problem: string) => never): Promise<{ path: string; info: Stats; missing: string[] }> {
  const missing: string[] = [];
  // "is a link ..." for the path itself, "<p> is a link ..." for a folder above it.
  const subject = (p: string) => (p === path ? 'is' : `${p} is`);
  for (let p = path; ; p = dirname(p)) {
    let link: Stats;
    try {
      link = await lstat(p);
    } catch (error) {
      if ((code(error) === 'ENOENT' || code(error) === 'ENOTDIR') && dirname(p) !== p) {
        missing.unshift(p);
        continue;
      }
      return fail(`cannot look at ${p}: ${problemOf(error)}`);
    }
    if (!link.isSymbolicLink()) return { path: p, info: link, missing };
    try {
      return { path: p, info: await stat(p), missing };
    } catch (error) {
      if (code(error) === 'ELOOP') return fail(`${subject(p)} a symbolic link in a loop of links`);
      const target = await readlink(p).catch(() => '?');
      if (code(error) === 'ENOENT') return fail(`${subject(p)} a symbolic link to ${target}, which does not exist`);
      return fail(`${subject(p)} a symbolic link to ${target}, which cannot be followed: ${problemOf(error)}`);
    }
  }
}

/** Create and remove a file in `folder`: the one test of "writable" that holds for root, ACLs and read-only mounts alike. */
async function probeWritable(folder: string, fail: (problem: string) => never): Promise<void> {
  const probe = join(folder, `.yolo-saliency-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx');
    await handle.close();
  } catch (error) {
    return fail(`cannot write in ${folder}: ${problemOf(error)}`);
  }
  await rm(probe, { force: true });
}

/** Make `path` (absolute) an existing, writable folder, creating what is missing. */
async function ensureFolder(path: string, fail: (problem: string) => never, isTarget: boolean): Promise<void> {
  const { path: existing, info, missing } = await nearestExisting(path, fail);
  if (!info.isDirectory()) {
    if (existing === path && isTarget) fail(`is ${kindOf(info)}, not a folder`);
    fail(`cannot create ${isTarget ? 'it' : path}: ${existing} is ${kindOf(info)}, not a folder`);
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      // Made meanwhile by someone else: fine if it is a folder.
      if (code(error) === 'EEXIST' && (await stat(folder).catch(() => undefined))?.isDirectory()) continue;
      fail(`cannot create ${folder}: ${problemOf(error)}`);
    }
  }
  await probeWritable(path, fail);
}

const failer =
  (option: string, given: string) =>
  (problem: string): never => {
    throw new OutputError(option, given, problem);
  };

/**
 * Make sure `given` is a folder this process can write in, creating it (and missing parents)
 * if needed. Returns its absolute path. `option` names the flag in messages.
 */
export async function prepareOutputFolder(given: string, option = '--out'): Promise<string> {
  const fail = failer(option, given);
  if (given.includes('\0')) fail('the path contains a NUL character');
  const path = resolve(given);
  await ensureFolder(path, fail, true);
  return path;
}

/**
 * Make sure a file can be written at `given` (its folder is created if needed; an existing
 * file there is replaced, a folder is refused). Returns its absolute path.
 */
export async function prepareOutputFile(given: string, option = '--out'): Promise<string> {
  const fail = failer(option, given);
  if (given.includes('\0')) fail('the path contains a NUL character');
  const path = resolve(given);
  if ((await stat(path).catch(() => undefined))?.isDirectory()) fail('is a folder; give a file name');
  await ensureFolder(dirname(path), fail, false);
  return path;
}
