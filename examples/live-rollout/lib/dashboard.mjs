// Serves the browser dashboard (web/dist) on loopback for the demo, plus one page of our own,
// /live, that points the dashboard at this run's coordinator.
//
// The dashboard reads a live status URL and a bearer token from its "Data → Live" form; it keeps
// the URL in localStorage ("rollgate.dashboard.v1", ui.pollUrl / pollEvery / polling) and the
// token in sessionStorage ("rollgate.token", this tab only, never in a URL) and resumes polling
// on load when ui.polling is set. It has no URL parameters for them (web/src/app/state.js, app/live.js), so /live
// writes those two entries on the dashboard's own origin and opens the rollout view: the token
// travels inside that page, which only this loopback server serves, never in the URL.
// SPDX-License-Identifier: MIT
import { createServer } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { MIME } from '../../../web/serve.mjs'; // the dashboard's own server knows its build's types (wasm)

export function dashboardAvailable(root) {
  return existsSync(join(root, 'index.html'));
}

function livePage({ statusUrl, token, pollEvery }) {
  const data = JSON.stringify({ statusUrl, token, pollEvery }).replace(/</g, '\\u003c');
  return `<!doctype html><meta charset="utf-8"><title>rollgate live demo</title>
<p>Opening the dashboard on this run's coordinator…</p>
<script>
const d = ${data};
const KEY = 'rollgate.dashboard.v1';
let s = {};
try { s = JSON.parse(localStorage.getItem(KEY) || '{}') || {}; } catch {}
s.ui = Object.assign({}, s.ui, { pollUrl: d.statusUrl, pollEvery: d.pollEvery, polling: true });
localStorage.setItem(KEY, JSON.stringify(s));
sessionStorage.setItem('rollgate.token', d.token);
location.replace('/#rollout');
</script>`;
}

/** Starts the server; resolves to {url, liveUrl, close()}. */
export async function startDashboard({ root, port = 0, statusUrl, token, pollEvery = 1 }) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405).end();
      let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (path === '/live') {
        return res.writeHead(200, { 'content-type': MIME['.html'], 'cache-control': 'no-store' }).end(livePage({ statusUrl, token, pollEvery }));
      }
      if (path.endsWith('/')) path += 'index.html';
      const file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) return res.writeHead(403).end();
      const info = await stat(file).catch(() => null);
      if (!info || !info.isFile()) return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      res.writeHead(200, { 'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream', 'content-length': info.size, 'cache-control': 'no-cache' });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  await new Promise((r, j) => {
    server.once('error', j);
    server.listen(port, '127.0.0.1', r);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    origin: url,
    liveUrl: `${url}/live`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}
