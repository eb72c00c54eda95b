// What the data source costs (FlagSource, wasm/js/source.js): per refresh, a conditional GET
// answered 304 (the usual case) and one answered 200 with a new configuration (fetch, compile,
// swap), against a local server, in wall time and in this process's CPU time; and the size the data source adds to a bundle (source.js + exposure.js minified with
// esbuild, gzipped; flags.js, which any evaluation needs anyway, left out).
// Run: node tests/bench/node/flag-source.mjs
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { table } from './common.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const rg = await import('rollgate');
await rg.init();
const config = readFileSync(join(repo, 'examples/configs/storefront.json'), 'utf8');
// The server runs in a child process, so this process's CPU time is the client's alone. It
// answers 304 to the ETag it served last and a new version (same text, new ETag) after "/bump".
const serverCode = `
const { createServer } = require('node:http');
const config = require('node:fs').readFileSync(process.argv[1], 'utf8');
let version = 0;
const server = createServer((req, res) => {
  if (req.url === '/bump') { version++; return res.end(); }
  const etag = '"v' + version + '"';
  if (req.headers['if-none-match'] === etag) res.writeHead(304, { etag }).end();
  else res.writeHead(200, { etag, 'content-type': 'application/json' }).end(config);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
const child = spawn(process.execPath, ['-e', serverCode, join(repo, 'examples/configs/storefront.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((r) => child.stdout.once('data', (d) => r(Number(String(d).trim()))));
const url = `http://127.0.0.1:${port}/__rollgate/flags`;
const bump = () => fetch(`http://127.0.0.1:${port}/bump`).then((r) => r.arrayBuffer());
const src = new rg.FlagSource({ url, refresh: 'none' });
await src.ready();

async function time(n, change) {
  let wall = 0;
  let cpu = 0;
  for (let i = 0; i < n; i++) {
    if (change) await bump(); // outside the measured part
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await src.refreshNow();
    wall += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
  }
  return { wall: wall / n, cpu: cpu / n };
}
await time(50);
const notModified = await time(500);
const changed = await time(200, true);
if (src.version < 200) throw new Error(`only ${src.version} swaps`);
src.close();
child.kill();

const esbuild = createRequire(join(repo, 'edge/cloudflare/package.json'))('esbuild');
const bundle = await esbuild.build({
  stdin: { contents: "export { FlagSource } from './wasm/js/source.js';", resolveDir: repo },
  bundle: true, minify: true, format: 'esm', write: false,
  external: ['./flags.js', './errors.js', './runtime.js'],
  plugins: [{ name: 'externals', setup(b) { b.onResolve({ filter: /\/(flags|errors|runtime)\.js$/ }, (a) => ({ path: a.path, external: true })); } }],
});
const min = bundle.outputFiles[0].contents;
table('FlagSource per refresh (local server; storefront.json, ' + config.length + ' characters)', [
  ['refresh', 'wall', 'CPU (this process)'],
  ['304 Not Modified', `${notModified.wall.toFixed(3)} ms`, `${notModified.cpu.toFixed(3)} ms`],
  ['200, new configuration (compile + swap)', `${changed.wall.toFixed(3)} ms`, `${changed.cpu.toFixed(3)} ms`],
]);
console.log(`data source bundle (source.js + exposure.js, minified): ${min.length} bytes, ${gzipSync(min).length} gzipped`);
