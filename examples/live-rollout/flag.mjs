// `npm start -- --scenario flag`: a guarded flag rollout, end to end (docs/demo.md, "The flag
// scenario"). A shop origin behind workerd (the edge worker and its coordinator); the project's
// flag configuration stored at the edge (PUT /__rollgate/flags) with a `new-checkout` flag; a
// rollout that targets its `on` variation, ramped by the coordinator with rollgate's default plan
// (1% → 10% → 50% → 100%, time-compressed). A population of simulated browsers uses the package
// as a page would: each gets its unit from the edge (its signed cookie), keeps a FlagSource on
// the edge's /__rollgate/flags (conditional polling; exposures sent back), evaluates the flag
// locally and checks out with the checkout it was given. Once the new checkout serves half of the
// shoppers its payment call starts failing silently part of the time: the checkout answers 200
// at normal speed, but no order is placed, so no purchase event follows (the pages send theirs
// with the package's createTracker to the edge's /__rollgate/events). Errors and latency stay
// clean; the coordinator's conversion gate sees the drop in the flag's arm, rolls the flag back
// to coverage 0 on its own, and every page follows within the worker's TTL plus its interval.
// SPDX-License-Identifier: MIT
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo, loadPackage, ensureWorkerBuilt, freePort, startEdge } from './lib/edge.mjs';
import { startDashboard, dashboardAvailable } from './lib/dashboard.mjs';
import { demoPlan, human } from './lib/plan.mjs';
import { adminClient, regressionOnset } from './lib/watch.mjs';
import { say, clock, bold, dim, red, green, cyan, yellow, fmt, pct, printDecision, conversionWindows } from './lib/report.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FLAG = 'new-checkout';
const CONFIG = {
  schemaVersion: 1,
  flags: [{
    key: FLAG,
    description: 'The one-page checkout. Ramped and guarded by the coordinator (a flag rollout).',
    variations: [{ key: 'on', value: true }, { key: 'off', value: false }],
    defaultVariation: 'off',
    fallthrough: { variation: 'off' },
  }],
};

/**
 * The shop: /cart (a page view) and /checkout?v=on|off. The new checkout's payment call fails
 * silently `failNew` of the time: 200, at the same speed, `{paid: false}` and no order.
 */
function startShop() {
  const shop = { failNew: 0, requests: 0 };
  shop.server = createServer((req, res) => {
    shop.requests++;
    const url = new URL(req.url, 'http://x');
    const answer = (body) => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)), 2 + Math.random() * 6);
    if (url.pathname === '/cart') return answer({ items: 1 + Math.floor(Math.random() * 3) });
    if (url.pathname !== '/checkout') return res.writeHead(404).end();
    const isNew = url.searchParams.get('v') === 'on';
    const paid = !(isNew && Math.random() < shop.failNew);
    answer(paid ? { paid, total: 20 + Math.round(Math.random() * 80) } : { paid });
  });
  return new Promise((r) => shop.server.listen(0, '127.0.0.1', () => r({ ...shop, shop, url: `http://127.0.0.1:${shop.server.address().port}` })));
}

/**
 * One simulated browser: a visit of a few cart views, then (for `o.buyShare` of visits) one
 * checkout with the checkout its flag gives it, and a purchase event when the order was placed.
 * Its unit and cookie come from the edge's evaluated mode (a fresh cookie, as a first page view
 * would get), its flags from a FlagSource, its events from the package's createTracker, sent as a
 * page sends them (same origin, the cookie, text/plain).
 */
async function browse(rg, edgeUrl, o, stats) {
  const first = await fetch(`${edgeUrl}/__rollgate/flags/evaluated`);
  const cookie = (first.headers.get('set-cookie') || '').split(';')[0];
  const { unit } = await first.json();
  const withCookie = (u, init = {}) => fetch(u, { ...init, headers: { ...(init.headers || {}), cookie } });
  // What a browser adds to the page's own POST: its origin and Fetch Metadata (the edge takes
  // browser events from its own origin only).
  const asPage = (u, init = {}) => withCookie(u, { ...init, headers: { ...(init.headers || {}), origin: edgeUrl, 'sec-fetch-site': 'same-origin' } });
  const tracker = rg.createTracker({ endpoint: `${edgeUrl}/__rollgate/events`, flushMs: 300, env: { document: {}, fetch: asPage, setTimeout, clearTimeout } });
  const src = new rg.FlagSource({ url: `${edgeUrl}/__rollgate/flags`, intervalMs: o.pollMs, fetch: withCookie, exposures: `${edgeUrl}/__rollgate/exposures`, exposureFlushMs: 500 });
  const page = { unit, variant: null, offAt: null };
  stats.pages.add(page);
  try {
    await src.ready();
    src.on('change', () => {
      const v = src.evaluate(FLAG, { targetingKey: unit }).variant;
      if (page.variant === 'on' && v === 'off' && !page.offAt) page.offAt = Date.now();
      page.variant = v;
    });
    for (let i = 0; i < o.views && !o.stopped(); i++) {
      page.variant = src.evaluate(FLAG, { targetingKey: unit }).variant;
      await (await withCookie(`${edgeUrl}/cart`)).arrayBuffer();
      stats.requests++;
      await sleep(o.thinkMs * (0.5 + Math.random()));
    }
    if (!o.stopped() && Math.random() < o.buyShare) {
      const v = src.evaluate(FLAG, { targetingKey: unit }).variant;
      page.variant = v;
      const r = await withCookie(`${edgeUrl}/checkout?v=${v}`);
      const order = r.status === 200 ? await r.json() : (await r.arrayBuffer(), null);
      const arm = stats.byVariant[v];
      arm.checkouts++;
      stats.requests++;
      if (order && order.paid) {
        arm.purchases++;
        tracker.track('purchase', order.total);
      }
    }
  } finally {
    tracker.flush(false);
    src.close();
    stats.pages.delete(page);
    stats.done.push(page);
  }
}

export async function runFlagScenario({ speed = 1, durationS = 180, json, browsers = 60, regressAt = 50, failRate = 0.7, dashboard = true, dashboardPort = 0 }) {
  const rg = await loadPackage();
  // The demo's plan, gated on errors and conversion: what a flag changes is what the pages do
  // (here, the checkout they call, and whether an order follows), and on one shared machine the
  // latency of a 1% arm of a few units is noise.
  const demo = demoPlan(rg, { speed });
  const { plan } = rg.restrictPlan(demo.plan, ['errorRate', 'conversion']);
  const stages = demo.stages.map((st) => ({ ...st, gates: st.gates.filter((g) => g.startsWith('errorRate') || g.startsWith('conversion')) }));
  ensureWorkerBuilt();
  say(bold('rollgate live rollout · scenario flag') + dim(` · speed ${speed}`));
  say(`  a guarded flag rollout: the coordinator ramps ${FLAG}=on ${stages.map((s) => s.percent + '%').join(' → ')}; at ${regressAt}% its payment call starts failing silently ${pct(failRate)} of the time (200, no order, no purchase event)`);
  for (const [i, s] of stages.entries()) say(dim(`  stage ${i}  ${String(s.percent + '%').padStart(4)}  window ${human(s.windowMs)}  gates: ${s.gates.join(', ')}`));

  const shop = await startShop();
  const token = randomBytes(18).toString('base64url');
  const stateTtlMs = 500;
  const pollMs = 500;
  const edgePort = await freePort();
  const statusUrl = `http://127.0.0.1:${edgePort}/__rollgate/status`;
  // The dashboard shows a flag rollout as it shows an origin rollout: the same status document.
  let board = null;
  if (dashboard) {
    const webRoot = join(repo, 'web/dist');
    if (dashboardAvailable(webRoot)) board = await startDashboard({ root: webRoot, port: dashboardPort, statusUrl, token, pollEvery: 1 });
    else say(yellow('  the dashboard is not built (web/dist): run `bash scripts/bootstrap.sh`; going on without it'));
  }
  const edge = await startEdge({
    port: edgePort,
    hardTimeoutMs: durationS * 1000 + 120000,
    vars: {
      ROLLGATE_STABLE_ORIGIN: shop.url,
      ROLLGATE_ROLLOUT: 'shop',
      ROLLGATE_STATE_TTL_MS: String(stateTtlMs),
      ROLLGATE_FLAGS_TTL_MS: String(stateTtlMs),
      ROLLGATE_STATE_RETRY_MS: '250',
      ROLLGATE_FLUSH_MS: '250',
      ROLLGATE_COOKIE_SECRET: randomBytes(24).toString('base64url'),
      ROLLGATE_OVERRIDE_SECRET: randomBytes(24).toString('base64url'),
      ROLLGATE_ADMIN_TOKEN: token,
      ROLLGATE_CORS_ORIGIN: board ? board.origin : 'null',
      ROLLGATE_EVENTS: 'purchase', // the pages' purchase events: the conversion gate's source
    },
  });
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    await edge.stop();
    await new Promise((r) => shop.server.close(r));
    await board?.close();
  };
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stopAll().then(() => process.exit(130)));
  say(`${bold('running')}  shop ${shop.url} · edge ${edge.url} (workerd, process group ${edge.pgid})`);
  say(`  status    curl -s -H 'authorization: Bearer ${token}' ${statusUrl}`);
  if (board) say(`  dashboard ${cyan(board.liveUrl)}   ${dim('(the flag rollout, live)')}`);
  const admin = adminClient(edge.url, token);
  const stored = await admin('PUT', 'flags', CONFIG);
  say(`${clock()}  ${bold('flags')}     configuration v${stored.version} stored at the edge (ETag ${stored.etag}); pages poll /__rollgate/flags every ${pollMs} ms`);
  const t0 = Date.now();
  await admin('POST', 'start', { id: 'new-checkout', target: { flag: FLAG, variation: 'on' }, plan, evaluationIntervalMs: Math.max(200, Math.round(1000 / speed)) });
  say(`${clock()}  ${bold('start')}     flag rollout of ${FLAG}=on at ${stages[0].percent}%`);

  // The browsers: `browsers` at a time, each a short visit; a finished one is replaced by a new one.
  const stats = { requests: 0, pages: new Set(), done: [], byVariant: { on: { checkouts: 0, purchases: 0 }, off: { checkouts: 0, purchases: 0 } } };
  const deadline = t0 + durationS * 1000;
  let trafficOn = true;
  const o = { views: 3, buyShare: 0.6, thinkMs: 150, pollMs, stopped: () => !trafficOn || stopping || Date.now() > deadline };
  const loops = Array.from({ length: browsers }, async () => {
    while (!o.stopped()) await browse(rg, edge.url, o, stats).catch(() => sleep(200));
  });

  const seen = new Set();
  let status = null;
  let rollbackAt = null;
  let finalAt = null;
  let regressedAt = null;
  let regressTimer = null;
  const reached = new Set();
  let lastLine = 0;
  while (!stopping && Date.now() < deadline + 5000) {
    status = await admin('GET', 'status').catch(() => status);
    const st = status && status.state;
    if (st) {
      for (const d of status.history || []) {
        const key = `${d.at}|${d.action}|${d.percent}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (d.action === 'hold' || d.action === 'start') continue;
        printDecision(d, Date.parse(d.at));
        if (d.action === 'rollback' && !rollbackAt) rollbackAt = Date.parse(d.at);
      }
      const serving = st.servingPercent ?? st.percent;
      if (st.status === 'running') reached.add(serving);
      const due = !regressedAt && !regressTimer ? regressionOnset(st, regressAt) : null;
      if (due) { // as the origin scenarios: 100 ms into the stage, whose every window is then bad
        regressTimer = setTimeout(() => {
          if (stopping || status?.state?.status !== 'running') return;
          shop.shop.failNew = failRate;
          regressedAt = Date.now();
          say(`${clock()}  ${red(bold('regress'))}   at ${due.percent}%: the new checkout's payment call now fails silently ${pct(failRate)} of the time`);
        }, Math.max(0, due.at - Date.now()));
      }
      if (Date.now() - lastLine > 2000) {
        lastLine = Date.now();
        const w = status.metrics.window;
        const on = [...stats.pages].filter((p) => p.variant === 'on').length;
        say(`${clock()}  ${dim('status')}    ${serving}% · ${st.status} · pages on the new checkout ${on}/${stats.pages.size} · window: on ${fmt(w.canary.requests)} req ${fmt(w.canary.errors)} err ${fmt(w.canary.exposures)} exposed · off ${fmt(w.stable.requests)} req ${fmt(w.stable.errors)} err ${fmt(w.stable.exposures)} exposed`);
      }
      if (!finalAt && (st.status === 'rolledBack' || st.status === 'completed')) finalAt = Date.now();
    }
    // After the final decision, wait until every page that had the new checkout has left it.
    if (finalAt && (Date.now() - finalAt > 4000 || [...stats.pages].every((p) => p.variant !== 'on'))) break;
    await sleep(300);
  }
  clearTimeout(regressTimer);
  // How long pages took to leave the new checkout after the rollback decision.
  let pagesOffMs = null;
  if (rollbackAt) {
    await sleep(500);
    const offs = [...stats.done, ...stats.pages].filter((p) => p.offAt && p.offAt >= rollbackAt).map((p) => p.offAt - rollbackAt).sort((a, b) => a - b);
    const stillOn = [...stats.pages].filter((p) => p.variant === 'on').length;
    pagesOffMs = { pages: offs.length, median: offs[Math.floor(offs.length / 2)] ?? null, max: offs.at(-1) ?? null, stillOn };
  }
  trafficOn = false;
  await Promise.race([Promise.all(loops), sleep(5000)]);
  const conv = (a) => (a.checkouts ? a.purchases / a.checkouts : null);
  const st = status.state;
  const summary = {
    scenario: 'flag',
    status: st.status,
    percentsServed: [...reached].sort((a, b) => a - b),
    rollback: status.history.find((d) => d.action === 'rollback') || null,
    servedCoverage: (await (await fetch(`${edge.url}/__rollgate/flags`)).json()).flags[0].fallthrough.rollout,
    conversion: { on: conv(stats.byVariant.on), off: conv(stats.byVariant.off), checkouts: stats.byVariant },
    // What the coordinator judged: per deciding window, the share of exposed units (canary: the
    // flag's new variation) with a purchase event, and the conversion gate's classification.
    judged: conversionWindows(status),
    events: status.counters?.events ?? null,
    exposures: { on: status.metrics.total.canary.exposures, off: status.metrics.total.stable.exposures },
    rollbackToPagesMs: pagesOffMs,
    requests: stats.requests,
  };
  say('');
  say(bold('summary'));
  say(`  ${summary.status === 'rolledBack' ? red(bold('rolled back')) : green(bold(summary.status))} · served ${summary.percentsServed.join('% → ')}% · coverage now ${JSON.stringify(summary.servedCoverage.coverage)}`);
  if (summary.rollback) say(`  why: ${summary.rollback.reasons.slice(0, 2).join('; ')}`);
  say(`  conversion (purchases per checkout, as the pages saw it): new ${pct(summary.conversion.on)} · old ${pct(summary.conversion.off)}`);
  for (const w of summary.judged.filter((x) => x.classification)) {
    const arm = (a) => (a ? `${pct(a.rate)} of ${fmt(a.exposed)} units` : '–');
    say(`  judged: ${w.action} at ${w.percent}%: conversion new ${arm(w.canary)}, old ${arm(w.stable)} → ${w.classification}`);
  }
  if (pagesOffMs) say(`  rollback decision → pages' evaluations: median ${pagesOffMs.median} ms, max ${pagesOffMs.max} ms over ${pagesOffMs.pages} pages (bound: ${stateTtlMs} ms TTL + ${pollMs} ms interval + a request); still on: ${pagesOffMs.stillOn}`);
  if (json) writeFileSync(json, JSON.stringify(summary, null, 2) + '\n');
  await stopAll();
  say(dim(`${clock()}  stopped workerd (group ${edge.pgid}), the shop${board ? ' and the dashboard' : ''}.`));
}
