/**
 * Output names for a list of input images, settled before any work: no two inputs share an
 * output file and no output replaces an input (or another file the user named, such as the
 * model). Outputs are named `<stem>.<what>`; when that would collide, the image gets
 * `<stem>-2.<what>` (then -3, ...) and one warning line says why. Without this, a/dog.jpg and
 * b/dog.jpg wrote the same files (the first set was lost and stdout listed the paths twice),
 * and out/shapes.vanilla.png given as an input was replaced by the output of shapes.png.
 */
import { realpathSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';

export interface NamedImage {
  /** The path as given. */
  path: string;
  /** The stem its outputs use: the file name without extension, or with -2, -3, ... appended. */
  stem: string;
}

/** Paths compare case-insensitively where the file system usually does. */
const foldCase = process.platform === 'darwin' || process.platform === 'win32';
const key = (path: string) => (foldCase ? path.toLowerCase() : path);

/**
 * The path, and where it really is when it exists (links followed). realpathSync.native (the C
 * library's realpath), not Node's JavaScript realpathSync: on Node 20, the latter given a link
 * to a listening socket left the module loader unable to follow pnpm's links, and the next
 * import failed ("Cannot find module 'seedrandom'"; found by the fuzz suite).
 */
function identities(path: string): string[] {
  const absolute = resolve(path);
  try {
    return [key(absolute), key(realpathSync.native(absolute))];
  } catch {
    return [key(absolute)];
  }
}

/**
 * Stems for `images` writing `<stem><suffix>` for each suffix into `outDir` (which exists).
 * `protect` lists other files the user named (model, weights, names) that no output may
 * replace. The same file listed twice is run once. Returns the images to run and the warnings.
 */
export function nameOutputs(images: readonly string[], outDir: string, suffixes: readonly string[], protect: readonly string[] = []): { images: NamedImage[]; warnings: string[] } {
  const warnings: string[] = [];
  const inputs = new Map<string, string>(); // identity -> the input path as given
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const path of images) {
    const ids = identities(path);
    if (ids.some((id) => seen.has(id))) {
      warnings.push(`${path} is listed more than once; it runs once`);
      continue;
    }
    ids.forEach((id) => seen.add(id));
    unique.push(path);
    for (const id of ids) inputs.set(id, path);
  }
  for (const path of protect) for (const id of identities(path)) inputs.set(id, path);

  const outReal = identities(outDir).at(-1)!;
  const claimed = new Map<string, string>(); // output identity -> the input that writes it
  const named: NamedImage[] = [];
  for (const path of unique) {
    const stem = basename(path, extname(path));
    let chosen = stem;
    let reason: string | undefined;
    for (let k = 2; ; k++) {
      const outputs = suffixes.map((s) => key(join(outReal, `${chosen}${s}`)));
      const input = outputs.map((o) => inputs.get(o)).find((p) => p !== undefined);
      const other = outputs.map((o) => claimed.get(o)).find((p) => p !== undefined);
      if (input === undefined && other === undefined) {
        outputs.forEach((o) => claimed.set(o, path));
        break;
      }
      reason ??= input !== undefined ? `${chosen}.* would replace the input ${input}` : `${other} writes ${chosen}.* too`;
      chosen = `${stem}-${k}`;
    }
    if (reason) warnings.push(`${path}: outputs named ${chosen}.* (${reason})`);
    named.push({ path, stem: chosen });
  }
  return { images: named, warnings };
}
