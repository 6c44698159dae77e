import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import the workspace packages from source, so `vitest` needs no build first;
// the CLI end-to-end and packing tests use the built output on purpose.
export default defineConfig({
  resolve: {
    alias: {
      '@yolo-saliency/core': src('./packages/core/src/index.ts'),
      '@yolo-saliency/runtime-tfjs': src('./packages/runtime-tfjs/src/index.ts'),
      '@yolo-saliency/node': src('./packages/node/src/index.ts'),
      '@yolo-saliency/runtime-onnx': src('./packages/runtime-onnx/src/index.ts'),
      '@yolo-saliency/native': src('./native/src/index.ts'),
      '@yolo-saliency/synthetic': src('./packages/synthetic/src/index.ts'),
      '@yolo-saliency/train': src('./packages/train/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts', 'native/test/**/*.test.ts'],
    // tfjs and wasm hold global state: run files in forked processes.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
