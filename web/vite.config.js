// Vite 7 builds the dashboard into web/dist: two pages (the dashboard and a bare smoke page that the
// browser tests use to run the package's shared vectors), one module Web Worker, and the package's
// .wasm copied as an asset. No framework plugin is needed.
import { defineConfig } from 'vite';
import { resolve, join } from 'node:path';
import { readdirSync, readFileSync, existsSync } from 'node:fs';

// The repository's own examples (examples/canary, plans, configs, contexts) ship with the
// dashboard as examples/repo/<dir>/<file>, so its first open shows the same data the CLI and the
// docs use. Dev server: served from ../examples directly.
const repoExamples = resolve(import.meta.dirname, '..', 'examples');
const REPO_DIRS = ['canary', 'plans', 'configs', 'contexts'];
function repoExamplesPlugin() {
  return {
    name: 'rollgate-repo-examples',
    generateBundle() {
      for (const dir of REPO_DIRS) {
        const from = join(repoExamples, dir);
        if (!existsSync(from)) this.error(`${from} is missing: the dashboard's example sets use it`);
        for (const f of readdirSync(from).filter((n) => n.endsWith('.json')))
          this.emitFile({ type: 'asset', fileName: `examples/repo/${dir}/${f}`, source: readFileSync(join(from, f)) });
      }
    },
    configureServer(server) {
      server.middlewares.use('/examples/repo', (req, res, next) => {
        const file = join(repoExamples, decodeURIComponent(req.url.split('?')[0]));
        if (!file.startsWith(repoExamples) || !existsSync(file)) return next();
        res.setHeader('content-type', 'application/json');
        res.end(readFileSync(file));
      });
    },
  };
}

// ROLLGATE_DIST=<folder> builds against another staged package dist/ (a local WASM build) instead
// of the repository's dist/: for trying a package change before it is installed.
const alias = process.env.ROLLGATE_DIST
  ? [{ find: /^rollgate$/, replacement: resolve(process.env.ROLLGATE_DIST, 'browser.js') }]
  : [];

export default defineConfig({
  base: './',
  resolve: { alias },
  plugins: [repoExamplesPlugin()],
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
