import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The page: src/client, built to dist/client (the server serves it). Workspace packages are
// read from their built dist/ (turbo builds them first); `vite dev` proxies /api to a server
// started with `pnpm -s web`.
export default defineConfig({
  root: fileURLToPath(new URL('./src/client', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: {
    alias: {
      'node:module': fileURLToPath(new URL('./src/client/node-builtin-stub.ts', import.meta.url)),
      'node:path': fileURLToPath(new URL('./src/client/node-builtin-stub.ts', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
