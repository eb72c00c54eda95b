// The origins behind the edge: a small shop JSON API in three builds, each a Node HTTP server on
// 127.0.0.1 (ephemeral port):
//   stable  v1.4.2  the version in production;
//   canary  v1.5.0  the new version being rolled out; a scenario makes it regress at some point
//                   (`regress()`): extra errors, extra latency, or a changed response field;
//   shadow  v1.6.0-dev  stable plus a rewritten /api/search (an inverted index instead of a scan),
//                   dark-launched: the edge sends it copies of GET requests and diffs its answers.
// Every answer carries fields that differ on each response (requestId, servedAt): the noise the
// edge's mismatch report must learn to ignore; and a `Server-Timing: cpu;dur=...` header, the
// origin metric the demo plan gates on. SPDX-License-Identifier: MIT
import { createServer } from 'node:http';

const CATALOG = Array.from({ length: 40 }, (_, i) => {
  const words = ['lamp', 'chair', 'desk', 'mug', 'kettle', 'rug', 'shelf', 'clock', 'vase', 'stool'];
  const colours = ['oak', 'black', 'white', 'blue'];
  return {
    id: `p${String(i + 1).padStart(2, '0')}`,
    name: `${colours[i % 4]} ${words[i % 10]}`,
    price: Math.round((9 + ((i * 37) % 90) + ((i * 13) % 100) / 100) * 100) / 100,
    stock: (i * 7) % 23,
  };
});
export const PRODUCT_IDS = CATALOG.map((p) => p.id);
export const SEARCH_TERMS = ['lamp', 'oak', 'blue chair', 'mug', 'desk', 'white', 'kettle', 'shelf'];

/** Search v1: a scan with a simple score (term hits in the name). */
function searchScan(q) {
  const terms = q.toLowerCase().split(/\s+/).filter(Boolean);
  return CATALOG.map((p) => ({ p, score: terms.filter((t) => p.name.includes(t)).length }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.p.id.localeCompare(b.p.id))
    .slice(0, 10)
    .map(({ p, score }) => ({ id: p.id, name: p.name, price: p.price, score }));
}

/** Search v2 (the dark-launched rewrite): an inverted index; must give the same answers. */
const INDEX = new Map();
for (const p of CATALOG) for (const w of p.name.split(' ')) INDEX.set(w, [...(INDEX.get(w) || []), p]);
function searchIndexed(q) {
  const hits = new Map();
  for (const t of q.toLowerCase().split(/\s+/).filter(Boolean)) {
    for (const [w, ps] of INDEX) if (w.includes(t)) for (const p of ps) hits.set(p.id, (hits.get(p.id) || 0) + 1);
  }
  return [...hits]
    .map(([id, score]) => ({ p: CATALOG.find((x) => x.id === id), score }))
    .sort((a, b) => b.score - a.score || a.p.id.localeCompare(b.p.id))
    .slice(0, 10)
    .map(({ p, score }) => ({ id: p.id, name: p.name, price: p.price, score }));
}

/**
 * Starts one origin. `kind` is stable | canary | shadow. Returns the origin object: {url, stats,
 * regress(regression), regression, close()}. stats counts user-facing requests (not the edge's
 * shadow or noise copies), and, from the regression's start, the requests and users the bad
 * version served.
 */
export async function startOrigin(kind) {
  const version = { stable: '1.4.2', canary: '1.5.0', shadow: '1.6.0-dev' }[kind];
  const o = {
    kind,
    version,
    regression: null, // { kind: 'error-spike'|'latency'|'mismatch'|'lost-checkout', errorRate, extraLatencyMs, lostRate, since }
    stats: { requests: 0, shadowRequests: 0, errors: 0, afterRegression: { requests: 0, bad: 0, users: new Set() } },
  };
  let seq = 0;
  o.server = createServer((req, res) => {
    const url = new URL(req.url, 'http://origin');
    const copy = Boolean(req.headers['x-rollgate-shadow']); // a dark-launch or noise copy from the edge
    if (copy) o.stats.shadowRequests++;
    else o.stats.requests++;
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= 65536) chunks.push(c);
    });
    req.on('end', () => {
      const reg = o.regression;
      const afterReg = reg && !copy;
      let bad = false;
      let delay = 2 + Math.random() * 6; // a little service time, as a real backend has
      // The CPU time the handler reports in Server-Timing (what the edge gates `cpu` on): 1-2 ms,
      // as a real backend measures and reports its own (the demo's regressions leave it alone).
      const cpuMs = 1 + Math.random();
      if (reg && reg.kind === 'latency') {
        delay += reg.extraLatencyMs * (0.75 + Math.random() * 0.5);
        bad = true;
      }
      const send = (status, body) => {
        if (status >= 500 && !copy) o.stats.errors++;
        if (afterReg) {
          o.stats.afterRegression.requests++;
          if (bad || status >= 500) o.stats.afterRegression.bad++;
          const user = req.headers['x-demo-user'];
          if (user && o.stats.afterRegression.users.size < 1e6) o.stats.afterRegression.users.add(String(user));
        }
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-app-version': version, 'cache-control': 'no-store', 'server-timing': `cpu;dur=${cpuMs.toFixed(3)}` });
          res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ requestId: `${kind}-${++seq}-${Math.random().toString(36).slice(2, 10)}`, servedAt: new Date().toISOString(), ...body }));
        }, delay);
      };
      if (reg && reg.kind === 'error-spike' && Math.random() < reg.errorRate) return send(503, { error: 'upstream pool exhausted' });
      const path = url.pathname;
      if (req.method === 'GET' && path === '/api/products') {
        return send(200, { items: CATALOG.slice(0, 12).map(({ id, name, price }) => ({ id, name, price })) });
      }
      const m = /^\/api\/products\/(p\d\d)$/.exec(path);
      if (req.method === 'GET' && m) {
        const p = CATALOG.find((x) => x.id === m[1]);
        if (!p) return send(404, { error: 'no such product' });
        if (reg && reg.kind === 'mismatch') {
          // v1.5.0's new serializer formats prices as strings ("12.50"): a changed field.
          bad = true;
          return send(200, { ...p, price: p.price.toFixed(2), currency: 'EUR' });
        }
        return send(200, { ...p, currency: 'EUR' });
      }
      if (req.method === 'GET' && path === '/api/search') {
        const q = (url.searchParams.get('q') || '').slice(0, 100);
        return send(200, { query: q, results: kind === 'shadow' ? searchIndexed(q) : searchScan(q) });
      }
      if (req.method === 'POST' && path === '/api/checkout') {
        let order;
        try {
          order = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        } catch {
          return send(400, { error: 'body is not JSON' });
        }
        const lines = Array.isArray(order.items) ? order.items.slice(0, 20) : [];
        if (reg && reg.kind === 'lost-checkout' && Math.random() < reg.lostRate) {
          // v1.5.0's new payment client drops the order on the floor: 200 at normal speed, but
          // no order is placed, so the page confirms nothing and no purchase event follows.
          bad = true;
          return send(200, { status: 'received', lines: lines.length });
        }
        try {
          // Like real code, it trusts the price the client echoes back to be a number: with the
          // canary's string prices this throws (a TypeError), and the canary answers 500.
          const total = lines.reduce((t, l) => t + Number(l.price.toFixed(2)) * (l.qty | 0), 0);
          return send(200, { orderId: `o-${seq + 1}`, total: Math.round(total * 100) / 100, lines: lines.length });
        } catch (e) {
          return send(500, { error: `internal error: ${e.message}` });
        }
      }
      return send(404, { error: 'not found' });
    });
  });
  o.server.keepAliveTimeout = 5000;
  await new Promise((r) => o.server.listen(0, '127.0.0.1', r));
  o.port = o.server.address().port;
  o.url = `http://127.0.0.1:${o.port}`;
  o.regress = (regression) => {
    o.regression = { ...regression, since: Date.now() };
  };
  o.close = () =>
    new Promise((r) => {
      o.server.closeAllConnections?.();
      o.server.close(() => r());
    });
  return o;
}
