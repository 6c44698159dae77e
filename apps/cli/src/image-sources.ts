/**
 * IMAGE arguments that name many images: a folder (its image files, sub-folders included) or a
 * glob pattern (`'data/**\/*.png'`, quoted so the shell leaves it alone). Files are listed in
 * natural order (2.png before 10.png), so a run names its outputs the same way every time.
 * Hidden entries (temporary files, `.partial` folders) and the output folder are left out,
 * so a run's own outputs never become its inputs.
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileError, messageOf } from '@yolo-saliency/node';
import { glob, isDynamicPattern } from 'tinyglobby';
import { BOUNDS } from './bounds.js';
import { UsageError } from './cli-errors.js';

/** What a folder or a pattern contributes: what readImage decodes, and preprocessed .npy inputs. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif', '.npy'];

const isImageFile = (path: string) => IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
const naturalOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);

export interface ImageSources {
  /** Every image, in argument order; a folder's or a pattern's files in natural order. */
  images: string[];
  /** Whether some argument was a folder or a pattern (a dataset run: streamed and resumable). */
  dataset: boolean;
}

/**
 * Expand folders and patterns; other arguments stay as given (a missing file is that image's
 * error later). `exclude` is a folder whose files are never inputs (the output folder).
 */
export async function expandImageArguments(args: readonly string[], exclude: string | undefined, command: string): Promise<ImageSources> {
  const images: string[] = [];
  let dataset = false;
  const skip = exclude ? resolve(exclude) : undefined;
  const push = (files: string[]) => {
    images.push(...files);
    if (images.length > BOUNDS.count) throw new UsageError(`more than ${BOUNDS.count} images given`, command);
  };
  for (const arg of args) {
    const info = await stat(arg).catch(() => undefined);
    if (info?.isDirectory()) {
      dataset = true;
      const files = await imagesInFolder(arg, skip);
      if (files.length === 0) throw new UsageError(`${arg}: the folder holds no image file (${IMAGE_EXTENSIONS.join(' ')})`, command);
      push(files);
    } else if (!info && isDynamicPattern(arg)) {
      dataset = true;
      const matched = await glob(arg, { onlyFiles: true, dot: false, expandDirectories: false, absolute: isAbsolute(arg) });
      const files = matched.filter((f) => isImageFile(f) && !(skip && inside(resolve(f), skip))).sort(naturalOrder);
      if (files.length === 0) throw new UsageError(`${arg}: the pattern matches no image file (${IMAGE_EXTENSIONS.join(' ')})`, command);
      push(files);
    } else {
      push([arg]);
    }
  }
  return { images, dataset };
}

const inside = (path: string, folder: string) => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

/** A folder's image files, recursively, in natural order; links to files count, links to folders are not followed. */
async function imagesInFolder(folder: string, skip: string | undefined): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    if (skip && inside(resolve(dir), skip)) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      throw fileError(dir, `cannot list the folder: ${messageOf(error)}`, error);
    });
    entries.sort((a, b) => naturalOrder(a.name, b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (isImageFile(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile()))) found.push(path);
      if (found.length > BOUNDS.count) return;
    }
  };
  await walk(folder);
  return found;
}
