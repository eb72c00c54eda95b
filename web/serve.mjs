// rollgate dashboard — a tiny static file server for web/dist (no computation happens here: the
// page runs the analysis itself with the rollgate WebAssembly package).
//
//   node web/serve.mjs [--port N] [--host 127.0.0.1] [--root web/dist]
//
// Prints the URL once listening. Also importable: `startServer({root, port})` resolves to
// {server, url, close()} (the browser tests use it and close it when they end).
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Serves files under `root`; resolves once listening. port 0 picks a free port. */
export function startServer({ root = join(here, 'dist'), port = 0, host = '127.0.0.1' } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (path.endsWith('/')) path += 'index.html';
      const file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      let info = await stat(file).catch(() => null);
      if (!info || !info.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch (e) {
      res.writeHead(400).end(String(e.message));
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      const url = `http://${host}:${p}/`;
      ok({ server, url, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const root = resolve(arg('root', join(here, 'dist')));
  const { stat: st } = await import('node:fs/promises');
  if (!(await st(join(root, 'index.html')).catch(() => null))) {
    console.error(`${root}/index.html not found: build the dashboard first (npm run build --prefix web)`);
    process.exit(1);
  }
  const port = Number(arg('port', process.env.PORT ?? 8080));
  try {
    const { url } = await startServer({ root, port, host: arg('host', '127.0.0.1') });
    console.log(`rollgate dashboard: ${url}  (serving ${root}; Ctrl-C to stop)`);
  } catch (e) {
    console.error(e.code === 'EADDRINUSE' ? `port ${port} is in use: pass --port N (0 picks a free one)` : e.message);
    process.exit(1);
  }
}
