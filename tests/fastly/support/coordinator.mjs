// A stand-in for the Cloudflare worker's peer routes (edge/cloudflare/src/peer.js) for the
// tests that need no Durable Object: it serves a state the test sets and keeps every flush.
// The suites that prove the real thing (coordination.test.mjs) run the worker and its
// coordinator on workerd instead. SPDX-License-Identifier: MIT
import { createServer } from 'node:http';

export const PEER_TOKEN = 'fastly-test-peer-token-0123456789';

/**
 * GET /__rollgate/peer/state?rollout=<name> answers `c.state` (an object, or raw text), or
 * `c.status` when set; POST /__rollgate/peer/report keeps the parsed flush in `c.reports`.
 * Both need `Authorization: Bearer PEER_TOKEN` (401 otherwise), as peer.js does. Other paths
 * (the control API the service forwards) answer {forwarded: method, path} with 200.
 */
export async function startCoordinator({ rollout = 'default' } = {}) {
  const c = { state: null, status: 0, reports: [], stateReads: 0, seen: [], delayMs: 0 };
  c.server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      c.seen.push({ method: req.method, path: url.pathname + url.search, headers: req.headers });
      const answer = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (!url.pathname.startsWith('/__rollgate/peer/')) return answer(200, { forwarded: req.method, path: url.pathname + url.search, authorization: req.headers.authorization || null });
      if (req.headers.authorization !== `Bearer ${PEER_TOKEN}`) return answer(401, { error: 'unauthorized' });
      if (url.searchParams.get('rollout') !== rollout) return answer(409, { error: 'other rollout' });
      if (url.pathname === '/__rollgate/peer/state' && req.method === 'GET') {
        c.stateReads++;
        setTimeout(() => {
          if (c.status) return answer(c.status, { error: 'coordinator failing' });
          answer(200, c.state === null ? { rollout: null, window: 0, version: 0, status: 'idle', percent: 0, coverage: 0, origins: {} } : c.state);
        }, c.delayMs);
        return;
      }
      if (url.pathname === '/__rollgate/peer/report' && req.method === 'POST') {
        try {
          c.reports.push(JSON.parse(Buffer.concat(chunks).toString()));
        } catch (e) {
          return answer(400, { error: String(e) });
        }
        return answer(200, { ok: true });
      }
      answer(404, { error: 'not found' });
    });
  });
  await new Promise((res) => c.server.listen(0, '127.0.0.1', res));
  c.url = `http://127.0.0.1:${c.server.address().port}`;
  c.close = () =>
    new Promise((res) => {
      c.server.closeAllConnections?.();
      c.server.close(() => res());
    });
  return c;
}
