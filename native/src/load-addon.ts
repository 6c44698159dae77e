/**
 * The only code that touches the `.node` file. It looks in a fixed list of places, loads the
 * first binary that exists, and when nothing loads it says why in one message (no build yet,
 * Node-API too old, wrong platform, a missing shared library) with the command that fixes it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeAddon } from './binding-types.js';

export const ADDON_FILE = 'yolo_saliency.node';
/** The Node-API version the addon is built against (package.json "binary.napi_versions"). */
export const REQUIRED_NAPI_VERSION = 8;
/** Set to a `.node` path to load that binary instead of searching. */
export const ADDON_PATH_ENV = 'YS_NATIVE_ADDON';

const BUILD_COMMAND = 'pnpm --filter @yolo-saliency/native build:native (in the repository) or `node scripts/install.mjs --build` in the installed package';

/** The package root: this file is src/load-addon.ts or dist/load-addon.js. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where a binary may be, in the order tried: a local build first, then the packed prebuild. */
export function addonCandidates(root = packageRoot): string[] {
  const fromEnv = process.env[ADDON_PATH_ENV];
  if (fromEnv) return [resolve(fromEnv)];
  return [
    join(root, 'build', 'Release', ADDON_FILE),
    join(root, 'build', 'Debug', ADDON_FILE),
    join(root, 'prebuilds', `${process.platform}-${process.arch}`, ADDON_FILE),
  ];
}

/** Turn a dlopen failure into the reason a user can act on. */
export function explainLoadError(path: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n')[0];
  if (/NODE_MODULE_VERSION|different Node\.js version|napi_register_module|Module did not self-register/i.test(message)) {
    return `${path} was built for another Node.js ABI (${first}); rebuild it: ${BUILD_COMMAND}`;
  }
  const lib = /([^\s:]+\.so[.\d]*): cannot open shared object file/.exec(message);
  if (lib) {
    return `${path} needs the shared library ${lib[1]}, which is not installed here; install it or rebuild without it: ${BUILD_COMMAND}`;
  }
  if (/invalid ELF header|wrong ELF class|not a valid Win32|mach-o/i.test(message)) {
    return `${path} is not a binary for ${process.platform}-${process.arch} (${first}); build from source: ${BUILD_COMMAND}`;
  }
  if (/GLIBC|GLIBCXX|version `/.test(message)) {
    return `${path} needs a newer C/C++ runtime than this system has (${first}); build from source: ${BUILD_COMMAND}`;
  }
  return `${path} failed to load: ${first}`;
}

export type AddonLoad =
  | { ok: true; addon: NativeAddon; path: string }
  | { ok: false; reason: string };

let cached: AddonLoad | undefined;

function tryLoad(): AddonLoad {
  const napi = Number(process.versions.napi ?? 0);
  if (napi < REQUIRED_NAPI_VERSION) {
    return { ok: false, reason: `Node.js ${process.version} offers Node-API ${napi}; the yolo-saliency addon needs Node-API ${REQUIRED_NAPI_VERSION} (Node.js 20 or newer)` };
  }
  const require = createRequire(import.meta.url);
  const candidates = addonCandidates();
  const failures: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      return { ok: true, addon: require(path) as NativeAddon, path };
    } catch (error) {
      failures.push(explainLoadError(path, error));
    }
  }
  if (failures.length) return { ok: false, reason: `the yolo-saliency native addon did not load: ${failures.join('; ')}` };
  return {
    ok: false,
    reason: `the yolo-saliency native addon is not built (looked for ${candidates.join(', ')}); build it: ${BUILD_COMMAND}`,
  };
}

/** Load once per process; later calls return the same result (success or the reason). */
export function tryLoadNativeAddon(): AddonLoad {
  cached ??= tryLoad();
  return cached;
}

/** The addon, or an Error whose message says why it could not load and how to fix it. */
export function loadNativeAddon(): NativeAddon {
  const result = tryLoadNativeAddon();
  if (!result.ok) throw new Error(result.reason);
  return result.addon;
}
