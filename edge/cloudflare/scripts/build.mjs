// Bundles the worker (and the passthrough worker used by the benchmark) into dist/: one ES module
// plus the package's rollgate.wasm beside it, which is what workerd and `wrangler deploy
// --no-bundle` take. SPDX-License-Identifier: MIT
//
//   node scripts/build.mjs            bundle against the `rollgate` package (../../dist)
//   ROLLGATE_PACKAGE_DIST=dir node .. bundle against a package dist/ folder elsewhere (a staging
//                                     build of the package; development only)
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = join(root, 'dist');
mkdirSync(out, { recursive: true });

const packageDist = process.env.ROLLGATE_PACKAGE_DIST ? resolve(process.env.ROLLGATE_PACKAGE_DIST) : resolve(root, '../../dist');
const wasmSource = join(packageDist, 'rollgate.wasm');
if (!existsSync(wasmSource)) {
  console.error(`edge/cloudflare: ${wasmSource} is missing: build the package first (bash scripts/bootstrap.sh)`);
  process.exit(1);
}

// The package's workerd entry imports './rollgate.wasm'; it stays an import in the bundle (workerd
// and wrangler turn it into a compiled WebAssembly.Module) and the file is copied beside it.
const wasmExternal = {
  name: 'wasm-external',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, () => ({ path: './rollgate.wasm', external: true }));
  },
};
const alias = process.env.ROLLGATE_PACKAGE_DIST ? { rollgate: join(packageDist, 'workerd.js') } : {};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  plugins: [wasmExternal],
  alias,
  legalComments: 'none',
  logLevel: 'warning',
  sourcemap: false,
};
await build({ ...common, entryPoints: [join(root, 'src/worker.js')], outfile: join(out, 'worker.mjs') });
await build({ ...common, entryPoints: [join(root, 'src/passthrough.js')], outfile: join(out, 'passthrough.mjs') });
copyFileSync(wasmSource, join(out, 'rollgate.wasm'));
writeFileSync(join(out, 'build-info.json'), JSON.stringify({ package: packageDist, builtAt: new Date().toISOString() }) + '\n');
console.log('edge/cloudflare: built dist/worker.mjs, dist/passthrough.mjs and dist/rollgate.wasm');
