// After a build: copy build/Release/yolo_saliency.node to prebuilds/<platform>-<arch>/, the
// place the packed tarball carries it (src/load-addon.ts looks there after build/).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'build', 'Release', 'yolo_saliency.node');
if (!existsSync(built)) {
  console.error(`copy-prebuild: ${built} does not exist (did cmake-js compile fail?)`);
  process.exit(1);
}
const dir = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
mkdirSync(dir, { recursive: true });
copyFileSync(built, join(dir, 'yolo_saliency.node'));
console.log(`copy-prebuild: ${join(dir, 'yolo_saliency.node')}`);
