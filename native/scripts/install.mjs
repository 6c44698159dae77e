// Install step of the packed package (npm runs it; pnpm 10 runs it when the package is listed
// in "onlyBuiltDependencies"). If the prebuilt binary loads, nothing happens. Otherwise it
// says why and builds from source with cmake-js (needs cmake >= 3.18 and a C++17 compiler;
// CUDA when nvcc is found). `--build` forces the build. In the repository itself this is a
// no-op: there `pnpm build` builds the addon explicitly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--build');
if (!force && (existsSync(join(root, '..', 'pnpm-workspace.yaml')) || process.env.YS_NATIVE_SKIP_INSTALL)) process.exit(0);

const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'yolo_saliency.node');
if (!force) {
  if (!existsSync(prebuilt)) {
    console.log(`@yolo-saliency/native: no prebuilt binary for ${process.platform}-${process.arch}; building from source`);
  } else {
    try {
      createRequire(import.meta.url)(prebuilt);
      process.exit(0);
    } catch (error) {
      const reason = String(error instanceof Error ? error.message : error).split('\n')[0];
      console.log(`@yolo-saliency/native: the prebuilt binary does not load here (${reason}); building from source`);
    }
  }
}

let cmakeJs;
try {
  cmakeJs = createRequire(join(root, 'package.json')).resolve('cmake-js/bin/cmake-js');
} catch {
  console.error('@yolo-saliency/native: cmake-js is not installed, cannot build from source; the addon will not be available');
  process.exit(force ? 1 : 0);
}
const result = spawnSync(process.execPath, [cmakeJs, 'compile', '-O', 'build', '--CDYS_BUILD_TESTS=OFF'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('@yolo-saliency/native: building from source failed (see above); the addon will not be available (the runtime reports why)');
  process.exit(force ? 1 : 0);
}
console.log('@yolo-saliency/native: built build/Release/yolo_saliency.node');
