// The traffic generator: many simulated shoppers browsing the shop through the edge, on loopback
// only, bounded in requests and time, and stopping by itself. Each user is anonymous at first
// and keeps the signed unit cookie the edge gives them (as a browser would), so they stay in
// their arm; new users keep arriving, which is what the coordinator's sample-ratio check counts.
// A session is: the product list, one to three product pages, sometimes a search, and sometimes a
// checkout that sends back the prices the product pages showed. A confirmed order (the answer has an
// orderId) is followed by a `purchase` event (its value the order's total) posted to the edge's
// events endpoint as the page helper's track() sends it (wasm/js/track.js: {"events": [{name,
// value}]}, text/plain, same origin, the unit cookie). SPDX-License-Identifier: MIT
import http from 'node:http';
import { PRODUCT_IDS, SEARCH_TERMS } from './origins.mjs';

/** The edge's events endpoint (the package's EVENTS_PATH, where track() posts). */
const EVENTS_PATH = '/__rollgate/events';

/**
 * @param {{port: number, concurrency?: number, rate?: number (requests per second, all users), maxRequests?: number, maxMs?: number,
 *          maxUsers?: number, newUserShare?: number, cookieName?: string}} opts
 * Returns {stats, stop(), done (a promise)}. stats.arms.{stable,canary}: {requests, errors (5xx
 * or unreachable), latencies (a bounded sample)}; stats.users; stats.requests.
 */
export function startTraffic(opts) {
  const { port, concurrency = 12, rate = Infinity, maxRequests = 200000, maxMs = 300000, maxUsers = 20000, newUserShare = 0.6, cookieName = 'rg_unit' } = opts;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const users = []; // {id, cookie, busy}
  const newArm = () => ({ requests: 0, errors: 0, recent: [] });
  const stats = { requests: 0, failed: 0, users: 0, arms: { stable: newArm(), canary: newArm() }, events: { sent: 0, accepted: 0, refused: 0 }, startedAt: Date.now(), stoppedAt: null };
  let stopping = false;
  const t0 = Date.now();
  const rnd = (n) => Math.floor(Math.random() * n);

  // Pacing: request i may start no earlier than t0 + i / rate (a shared schedule, so the rate
  // holds however many users are in flight, and a slow moment is not made up by a burst > 2x).
  let nextSlot = t0;
  async function pace() {
    if (!Number.isFinite(rate)) return;
    const now = Date.now();
    nextSlot = Math.max(nextSlot + 1000 / rate, now - 500);
    if (nextSlot > now) await new Promise((r) => setTimeout(r, nextSlot - now));
  }

  async function request(user, method, path, body) {
    await pace();
    return new Promise((resolve) => {
      const headers = { 'x-demo-user': user.id, accept: 'application/json' };
      if (user.cookie) headers.cookie = `${cookieName}=${user.cookie}`;
      let payload;
      if (body !== undefined) {
        payload = Buffer.from(JSON.stringify(body));
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      const started = performance.now();
      const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent, timeout: 15000 }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - started;
          const set = res.headers['set-cookie'];
          if (set) for (const c of set) if (c.startsWith(cookieName + '=')) user.cookie = c.slice(cookieName.length + 1).split(';')[0];
          const armName = res.headers['x-rollgate-arm'] === 'canary' ? 'canary' : 'stable';
          const arm = stats.arms[armName];
          arm.requests++;
          if (res.statusCode >= 500) arm.errors++;
          arm.recent.push(ms);
          if (arm.recent.length > 2000) arm.recent.splice(0, 1000);
          stats.requests++;
          let json = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString());
          } catch {}
          resolve({ status: res.statusCode, json, arm: armName });
        });
        res.on('error', () => resolve({ status: 0 }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        stats.failed++;
        stats.requests++;
        resolve({ status: 0 });
      });
      req.end(payload);
    });
  }

  /** A purchase event, as track('purchase', total) then flush() sends it from the page. */
  function purchase(user, total) {
    if (!user.cookie) return Promise.resolve();
    stats.events.sent++;
    const payload = Buffer.from(JSON.stringify({ events: [{ name: 'purchase', value: total }] }));
    const headers = { 'content-type': 'text/plain;charset=UTF-8', 'content-length': payload.length, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin', cookie: `${cookieName}=${user.cookie}` };
    return new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: EVENTS_PATH, headers, agent, timeout: 15000 }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 202) stats.events.accepted++;
          else stats.events.refused++;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        stats.events.refused++;
        resolve();
      });
      req.end(payload);
    });
  }

  const budgetLeft = () => !stopping && stats.requests < maxRequests && Date.now() - t0 < maxMs;

  async function session(user) {
    await request(user, 'GET', '/api/products');
    const cart = [];
    const views = 1 + rnd(3);
    for (let i = 0; i < views && budgetLeft(); i++) {
      const r = await request(user, 'GET', `/api/products/${PRODUCT_IDS[rnd(PRODUCT_IDS.length)]}`);
      if (r.status === 200 && r.json) cart.push({ id: r.json.id, price: r.json.price, qty: 1 + rnd(2) });
    }
    if (Math.random() < 0.5 && budgetLeft()) await request(user, 'GET', `/api/search?q=${encodeURIComponent(SEARCH_TERMS[rnd(SEARCH_TERMS.length)])}`);
    if (cart.length && Math.random() < 0.4 && budgetLeft()) {
      const r = await request(user, 'POST', '/api/checkout', { items: cart });
      if (r.status === 200 && r.json && r.json.orderId) await purchase(user, r.json.total);
    }
  }

  function pickUser() {
    if (users.length < maxUsers && (users.length < concurrency * 2 || Math.random() < newUserShare)) {
      const u = { id: `u${String(users.length + 1).padStart(5, '0')}`, cookie: null, busy: false };
      users.push(u);
      stats.users = users.length;
      return u;
    }
    for (let tries = 0; tries < 8; tries++) {
      const u = users[rnd(users.length)];
      if (!u.busy) return u;
    }
    return null;
  }

  async function loop() {
    while (budgetLeft()) {
      const u = pickUser();
      if (!u) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      u.busy = true;
      try {
        await session(u);
      } finally {
        u.busy = false;
      }
    }
  }
  const done = Promise.all(Array.from({ length: concurrency }, loop)).then(() => {
    stats.stoppedAt = Date.now();
    agent.destroy();
    return stats;
  });
  return {
    stats,
    done,
    stop() {
      stopping = true;
      return done;
    },
  };
}

/**
 * Warms every origin and the edge before the rollout starts: `requests` product-page GETs to each
 * base URL, `concurrency` at a time, results discarded. Without it the first canary requests of
 * stage 0 (a handful at 1%) are the slowest of the run: a cold origin, a cold JIT in workerd. On a
 * loaded machine that once made a healthy canary's p90 look 30% worse than stable's warmed-up one,
 * and the latency gate rolled it back at 1%.
 */
export async function warmUp(baseUrls, { requests = 150, concurrency = 6 } = {}) {
  for (const base of baseUrls) {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const path = i % 3 ? `/api/products/${PRODUCT_IDS[i % PRODUCT_IDS.length]}` : '/api/products';
        try {
          const r = await fetch(new URL(path, base), { headers: { 'x-demo-user': `warm-up-${i}` } });
          await r.arrayBuffer();
        } catch {
          // a warm-up request that fails changes nothing: the rollout has not started
        }
      }
    }));
  }
}
