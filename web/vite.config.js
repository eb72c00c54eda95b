// Vite 7 builds the dashboard into web/dist: two pages (the dashboard and a bare smoke page that the
// browser tests use to run the package's shared vectors), one module Web Worker, and the package's
// .wasm copied as an asset. No framework plugin is needed.
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// ROLLGATE_DIST=<folder> builds against another staged package dist/ (a local WASM build) instead
// of the repository's dist/: for trying a package change before it is installed.
const alias = process.env.ROLLGATE_DIST
  ? [{ find: /^rollgate$/, replacement: resolve(process.env.ROLLGATE_DIST, 'browser.js') }]
  : [];

export default defineConfig({
  base: './',
  resolve: { alias },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        smoke: resolve(import.meta.dirname, 'smoke.html'),
      },
    },
  },
  worker: { format: 'es' },
  server: { fs: { allow: ['..'] } },
});
