import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import the workspace packages from source, so `vitest` needs no build first;
// the CLI end-to-end and packing tests use the built output on purpose.
export default defineConfig({
  resolve: {
    // Exact names: '@yolo-saliency/core/onnx' -> packages/core/src/onnx/index.ts, and so on.
    alias: [
      { find: /^@yolo-saliency\/core\/(loaders|onnx|graph|render|metrics|runtime)$/, replacement: `${src('./packages/core/src')}/$1/index.ts` },
      ...Object.entries({
        core: './packages/core/src/index.ts',
        'runtime-tfjs': './packages/runtime-tfjs/src/index.ts',
        node: './packages/node/src/index.ts',
        'runtime-onnx': './packages/runtime-onnx/src/index.ts',
        native: './native/src/index.ts',
        synthetic: './packages/synthetic/src/index.ts',
        train: './packages/train/src/index.ts',
      }).map(([name, path]) => ({ find: new RegExp(`^@yolo-saliency/${name}$`), replacement: src(path) })),
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts', 'native/test/**/*.test.ts'],
    // tfjs and wasm hold global state: run files in forked processes.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
