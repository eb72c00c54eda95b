// rollgate edge — the Cloudflare worker: one stateless instance per isolate serves every request.
// SPDX-License-Identifier: MIT
//
// Per request: settings → rollout state (cached a few seconds, from the coordinator) → unit
// (header, signed cookie, or a fresh id) → arm (signed QA override, or rollgate's coverage draw
// < percentage) → proxy to that arm's origin (streamed) with a header naming the arm → count it →
// maybe shadow it (dark launch, in waitUntil). Summaries go to the coordinator every few seconds.
//
// Fails open: any problem of rollgate itself (settings, WebAssembly, coordinator, state) serves
// the request from the stable origin and is counted and logged; it never becomes a 5xx.
import * as engine from './engine.js';
import { readSettings } from './settings.js';
import { Accumulator } from './metrics.js';
import { signUnit, verifyUnit, verifyOverride, randomUnit } from './crypto.js';
import { PREFIX, INTERNAL, corsHeaders, json, readLimited, log } from './http.js';
import { upstream, flush as deliver } from './flush.js';
import { PEER, peer } from './peer.js';
import { isDelivery, deliver as deliverFlags } from './flags-delivery.js';
import { armOf } from './arm.js';
import { timingProblem, observe as observeTiming, strip as stripTiming } from './timing.js';
import { EVENTS, events } from './events.js';
import { eventsProblem, expose } from './units.js';

export { Coordinator } from './coordinator.js';

const acc = new Accumulator(); // this isolate's summaries, flushed to the coordinator
let engineReady = false;
let cached = null; // { state, problem, until } — the last rollout state (checked), valid until `until`
let failedUntil = 0; // after a coordinator error, fail open without asking again until then
const logged = new Set(); // log each kind of configuration problem once per isolate
const verifiedCookies = new Map(); // cookie value → unit, for values verified under this secret

const SAFE = new Set(['GET', 'HEAD']);
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

export default {
  async fetch(request, env, ctx) {
    let s;
    try {
      s = readSettings(env);
    } catch (e) {
      return bare(request, env, e);
    }
    const url = new URL(request.url);
    if (url.pathname.startsWith(PEER)) return peer(request, s, url); // a peer CDN's coordinator calls
    if (isDelivery(url)) {
      const r = await delivery(request, s, url, ctx);
      if (r) return r;
    }
    if (url.pathname === EVENTS) return ingestEvents(request, s, url, ctx);
    if (url.pathname.startsWith(PREFIX)) return control(request, s, url);
    const progress = { sent: false };
    try {
      return await serve(request, s, url, ctx, progress);
    } catch (e) {
      // A bug of ours must not cost the user the page: serve it from stable, untouched, unless
      // the request already went to an origin (it must never be sent twice).
      acc.count('failOpen.internal');
      log('error', 'rollgate internal error', { sent: progress.sent, error: String(e && e.stack ? e.stack : e) });
      if (progress.sent) return new Response('rollgate internal error', { status: 502 });
      return proxyPlain(request, s.stableOrigin, url, s);
    }
  },
};

/** Settings could not even be read: pass the request to the stable origin if we know it. */
async function bare(request, env, e) {
  log('error', 'rollgate settings unreadable', { error: String(e) });
  const origin = env && typeof env.ROLLGATE_STABLE_ORIGIN === 'string' ? env.ROLLGATE_STABLE_ORIGIN : null;
  if (!origin) return new Response('origin not configured', { status: 502 });
  const url = new URL(request.url);
  return fetch(new URL(url.pathname + url.search, origin), request);
}

async function serve(request, s, url, ctx, progress) {
  if (s.problems.length) return failOpen(request, s, url, ctx, 'settings', s.problems.join('; '));
  if (!engineReady) {
    try {
      await engine.initEngine();
      engineReady = true;
    } catch (e) {
      return failOpen(request, s, url, ctx, 'evaluation', 'WebAssembly init: ' + engine.describeError(e));
    }
  }
  const timingBad = timingProblem(s); // ROLLGATE_SERVER_TIMING, checked by the core once per isolate
  if (timingBad) return failOpen(request, s, url, ctx, 'settings', timingBad);
  let read;
  try {
    read = await rolloutState(s);
  } catch (e) {
    return failOpen(request, s, url, ctx, 'coordinator', String(e.message || e));
  }
  if (read.problem) return failOpen(request, s, url, ctx, 'state', read.problem);
  const state = inForce(read.state, Date.now());

  // --- who is this? -------------------------------------------------------------------------
  const { unit, setCookie } = await identify(request, s, true);

  // --- which arm? ---------------------------------------------------------------------------
  let arm = 'stable';
  let forced = false;
  const overrideToken = request.headers.get(s.overrideHeader);
  if (overrideToken) {
    const a = await verifyOverride(s.overrideSecret, overrideToken, Date.now());
    if (a) {
      arm = a;
      forced = true;
      acc.count('overrides');
    } else acc.count('tamperedOverrides');
  }
  if (!forced) {
    try {
      // A guarded flag rollout: the unit's arm is the flag's (null: not in the rollout, not counted).
      arm = await armOf(s, state, unit);
    } catch (e) {
      acc.count('failOpen.evaluation');
      logOnce('evaluation', 'bucketing failed, serving stable', { error: engine.describeError(e) });
      arm = 'stable';
    }
  }
  if (arm === 'canary' && !state.origins.canary && !state.target) arm = 'stable';

  // --- proxy ----------------------------------------------------------------------------------
  const stableOrigin = state.origins.stable || s.stableOrigin;
  const origin = arm === 'canary' && !state.target ? state.origins.canary : stableOrigin;
  const shadowOn =
    arm &&
    state.shadow &&
    state.origins.shadow &&
    !forced &&
    state.shadow.methods.includes(request.method) &&
    Math.random() < state.shadow.sampleRate;
  const shadowRequest = shadowOn ? cloneForShadow(request, s) : null;

  progress.sent = true;
  let { response, status, ms } = await proxy(request, origin, url, s, arm || 'stable');
  let served = arm;
  const fallback = [];
  if (!forced && arm) record(state, arm, status, ms, setCookie !== null);
  if (!forced && arm) observeTiming(acc, s, state, arm, response); // the arm's own origin's Server-Timing
  if (!forced && arm && s.events.length && !eventsProblem(s)) expose(acc, s, state, arm, unit); // served in this window
  if (status === 0 && arm === 'canary' && !state.target && SAFE.has(request.method)) {
    // The canary could not be reached: that is a canary error (counted above), but the user of a
    // safe request still gets a page, from stable.
    ({ response, status, ms } = await proxy(request, stableOrigin, url, s, 'stable'));
    served = 'stable';
    fallback.push('canary-unreachable');
  }
  if (status === 0) {
    response = new Response('upstream unreachable', { status: 502 });
  }

  const headers = new Headers(response.headers);
  for (const h of HOP_BY_HOP) headers.delete(h);
  stripTiming(headers, s);
  headers.set(s.armHeader, served || 'stable');
  if (fallback.length) headers.set('x-rollgate-fallback', fallback.join(','));
  if (setCookie) headers.append('set-cookie', setCookie);

  let body = response.body;
  if (shadowRequest && status !== 0 && served === arm) {
    // Memory per shadowed request is bounded by the diff limit: a body that declares a larger
    // length is not shadowed at all, and any other is read for the diff at once, into a bounded
    // buffer that is abandoned past the limit, so the tee never holds more than the limit for it
    // (an unread tee branch buffers everything the user's branch has been sent).
    const limit = state.shadow.maxBodyBytes || s.maxDiffBytes;
    const declared = body ? Number(response.headers.get('content-length')) : 0;
    if (declared > limit) {
      acc.arm(state.rollout, state.window, arm).shadow.skipped++;
    } else {
      let forDiff = null;
      if (body) [body, forDiff] = body.tee();
      const servedBytes = readLimited(forDiff, limit).catch(() => null);
      const servedMeta = { status: response.status, headers: [...response.headers] };
      // The comparison ends after this response; it arms a flush itself if none is pending then.
      ctx.waitUntil(shadowCompare(s, state, arm, shadowRequest, servedMeta, servedBytes, limit).then(() => flushSoon(s)));
    }
  }
  scheduleFlush(s, ctx);
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** Counts one request; a failure to count is itself counted and never touches the response. */
function record(state, arm, status, ms, newUnit) {
  try {
    acc.recordRequest(state.rollout, state.window, arm, status, ms, newUnit);
  } catch (e) {
    acc.count('failOpen.evaluation');
    logOnce('record', 'counting a request failed', { error: engine.describeError(e) });
  }
}

/**
 * The request's headers without the ones only rollgate may set: a client must not be able to
 * claim it is a shadow request (back ends skip side effects for those) or carry an override on.
 */
function forwardedHeaders(request, s) {
  const headers = new Headers(request.headers);
  headers.delete(s.overrideHeader || 'x-rollgate-override');
  headers.delete('x-rollgate-shadow');
  return headers;
}

/** Proxies to one origin, streaming the body; status 0 means the origin could not be reached. */
async function proxy(request, origin, url, s, arm) {
  const headers = forwardedHeaders(request, s);
  headers.set('x-rollgate-arm', arm);
  headers.set('x-forwarded-host', url.host);
  /** @type {RequestInit} */
  const init = { method: request.method, headers, redirect: 'manual' };
  if (!SAFE.has(request.method) && request.body) init.body = request.body;
  const t0 = Date.now();
  try {
    const response = await fetch(new URL(url.pathname + url.search, origin), init);
    return { response, status: response.status, ms: Date.now() - t0 };
  } catch (e) {
    logOnce('origin:' + origin, 'origin unreachable', { arm, origin, error: String(e.message || e) });
    return { response: null, status: 0, ms: Date.now() - t0 };
  }
}

/** Fail-open path: straight to the stable origin, counted and logged. */
async function failOpen(request, s, url, ctx, kind, why) {
  acc.count(`failOpen.${kind}`);
  logOnce(kind + ':' + why, 'rollgate failing open to stable', { kind, why });
  scheduleFlush(s, ctx);
  return proxyPlain(request, s.stableOrigin, url, s, kind);
}

async function proxyPlain(request, origin, url, s, kind = 'internal') {
  if (!origin) return new Response('origin not configured', { status: 502 });
  const headers = forwardedHeaders(request, s);
  /** @type {RequestInit} */
  const init = { method: request.method, headers, redirect: 'manual' };
  if (!SAFE.has(request.method) && request.body) init.body = request.body;
  let response;
  try {
    response = await fetch(new URL(url.pathname + url.search, origin), init);
  } catch {
    return new Response('upstream unreachable', { status: 502 });
  }
  const out = new Headers(response.headers);
  for (const h of HOP_BY_HOP) out.delete(h);
  stripTiming(out, s);
  out.set(s.armHeader || 'x-rollgate-arm', 'stable');
  out.set('x-rollgate-fallback', kind);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: out });
}

// --- rollout state --------------------------------------------------------------------------------

function coordinator(s) {
  return s.coordinator.get(s.coordinator.idFromName(s.rolloutName));
}

/**
 * The coordinator's state (through the isolate's aggregator, if any), cached for stateTtlMs, as
 * {state, problem}: `problem` is why it cannot be served by (the core's check, once per read, the
 * same as the Fastly service's), else null. Throws when the coordinator fails. Needs the engine.
 */
async function rolloutState(s) {
  const now = Date.now();
  if (cached && now < cached.until) return cached;
  if (now < failedUntil) throw new Error('coordinator failed recently');
  try {
    // The TTL runs from before the read, so no isolate acts on a state older than stateTtlMs
    // (counted from when the coordinator answered), however slow the answer was to arrive.
    const asked = Date.now();
    const up = upstream(s, acc);
    const r = await up.stub.fetch('https://coordinator' + up.state);
    if (!r.ok) throw new Error(`coordinator answered ${r.status}`);
    const text = await r.text();
    const problem = engine.servingStateProblem(text);
    cached = { state: problem ? null : JSON.parse(text), problem, until: asked + s.stateTtlMs };
    return cached;
  } catch (e) {
    cached = null;
    failedUntil = Date.now() + s.errorRetryMs;
    throw e;
  }
}

/**
 * The state as it applies at `now`: the coordinator announces an increase ahead of time as
 * `next` ({percent, window, at}) so that every isolate switches at the same instant and no unit
 * flips back from canary to stable (the core decides it: coordinator.js applies `pending`). The
 * rule is the core's `rollgate::in_force` (the Fastly service calls it), applied here to the
 * state object the isolate keeps, per request and so not through WebAssembly.
 */
function inForce(state, now) {
  const n = state.next;
  if (!n || now < n.at) return state;
  return { ...state, percent: n.percent, coverage: n.coverage, window: n.window, next: undefined };
}

/** The rollout state in force now for the paths beside serving (flag delivery, events), or null. */
async function usableState(s) {
  const read = await rolloutState(s);
  return read.problem ? null : inForce(read.state, Date.now());
}

// --- dark launch -----------------------------------------------------------------------------------

function cloneForShadow(request, s) {
  const headers = forwardedHeaders(request, s);
  return { method: request.method, url: request.url, headers };
}

async function shadowCompare(s, state, arm, req, servedMeta, servedRead, limit) {
  const a = () => acc.arm(state.rollout, state.window, arm);
  a().shadow.sent++;
  // Diffy's model: the candidate (shadow) is compared with what was served, and a second request
  // to the served origin ("secondary") shows which fields differ on their own: that is the noise
  // the report learns (timestamps, request ids, ...).
  const wantNoise = Math.random() < state.shadow.noiseRate;
  const url = new URL(req.url);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), s.shadowTimeoutMs);
  const send = (origin, role) => {
    const headers = new Headers(req.headers);
    headers.set('x-rollgate-shadow', role);
    return fetch(new URL(url.pathname + url.search, origin), { method: req.method, headers, redirect: 'manual', signal: controller.signal });
  };
  try {
    const servedOrigin = arm === 'canary' ? state.origins.canary : state.origins.stable || s.stableOrigin;
    const answers = Promise.all([send(state.origins.shadow, 'candidate'), wantNoise ? send(servedOrigin, 'secondary') : null]);
    const servedBytes = await servedRead;
    if (servedBytes === null) {
      // Longer than the limit (found while reading): nothing to diff, stop waiting for the others.
      controller.abort();
      answers.catch(() => {});
      a().shadow.skipped++;
      return;
    }
    const [shadowResp, secondaryResp] = await answers;
    const [shadowBytes, secondaryBytes] = await Promise.all([
      readLimited(shadowResp.body, limit),
      secondaryResp ? readLimited(secondaryResp.body, limit) : null,
    ]);
    if (shadowBytes === null) {
      a().shadow.skipped++;
      return;
    }
    const asResult = (status, headers, body) => ({ status, headers, body });
    const served = asResult(servedMeta.status, servedMeta.headers, servedBytes);
    const shadow = asResult(shadowResp.status, [...shadowResp.headers], shadowBytes);
    const secondary = secondaryBytes ? asResult(secondaryResp.status, [...secondaryResp.headers], secondaryBytes) : null;
    const arm_ = a();
    if (!arm_.report) arm_.report = engine.newMismatchReport(state.shadow.report);
    const r = engine.compareInto(arm_.report, served, shadow, secondary, state.shadow.diff);
    arm_.shadow.compared++;
    if (r.equal) arm_.shadow.equal++;
    if (secondary) arm_.shadow.noise++;
  } catch (e) {
    a().shadow.failed++;
    logOnce('shadow', 'shadow comparison failed', { error: engine.describeError(e) });
  } finally {
    clearTimeout(timer);
  }
}

// --- flushing -------------------------------------------------------------------------------------

/**
 * Makes sure a flush starts within flushIntervalMs after every count: one waiting timer per
 * isolate, held open by the waitUntil of the request that armed it (Workers have no timers
 * outside requests). A count made while a flush is sending arms the next timer, whose flush waits
 * for that one to end (deliveries stay one at a time and in order), so the last requests before a
 * quiet spell are never left behind. A timer or delivery whose request was cancelled counts as
 * gone after STALE_MS. Returns the timer's promise, or null when one is already waiting.
 */
const STALE_MS = 30000;
function flushSoon(s) {
  const now = Date.now();
  if ((acc.timer && now - acc.timer < s.flushIntervalMs + STALE_MS) || (!acc.dirty && acc.pending.length === 0)) return null;
  acc.timer = now;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  return sleep(s.flushIntervalMs).then(async () => {
    acc.timer = 0; // counts from here on arm the next timer
    while (acc.sending && Date.now() - acc.sending < STALE_MS) await sleep(20);
    acc.sending = Date.now();
    try {
      await flush(s);
    } finally {
      acc.sending = 0;
    }
  });
}

function scheduleFlush(s, ctx) {
  const p = flushSoon(s);
  if (p) ctx.waitUntil(p);
}

async function flush(s) {
  const e = await deliver(acc, s);
  if (e) logOnce('flush', 'flush to the coordinator failed; will retry', { error: String(e.message || e) });
}

// --- /__rollgate/* ----------------------------------------------------------------------------------

async function control(request, s, url) {
  const cors = corsHeaders(s.corsOrigin);
  if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
  if (url.pathname.startsWith(INTERNAL)) return json({ error: 'not found' }, 404, cors);
  if (!s.coordinator || typeof s.coordinator.idFromName !== 'function') {
    return json({ error: 'coordinator binding missing' }, 503, cors);
  }
  // The coordinator checks the bearer token itself (constant time) and adds CORS headers.
  try {
    return await coordinator(s).fetch(request);
  } catch (e) {
    return json({ error: 'coordinator unavailable', detail: String(e.message || e) }, 503, cors);
  }
}

/**
 * The request's unit: the unit header, else the signed cookie, else (with `mint`) a fresh random
 * unit with the Set-Cookie that keeps it. Without `mint` and without a unit, null.
 */
async function identify(request, s, mint) {
  const fromHeader = request.headers.get(s.unitHeader);
  if (fromHeader && fromHeader.length <= 256) return { unit: fromHeader, setCookie: null };
  const raw = readCookie(request.headers.get('cookie'), s.cookieName);
  if (raw) {
    const unit = await verifiedCookie(s, raw);
    if (unit) return { unit, setCookie: null };
  }
  if (!mint) return null;
  const unit = randomUnit();
  return { unit, setCookie: `${s.cookieName}=${await signUnit(s.cookieSecret, unit)}; Max-Age=${s.cookieMaxAge}; Path=/; HttpOnly; Secure; SameSite=Lax` };
}

/**
 * The unit of a signed cookie value, or null (counted in tamperedCookies). Returning visitors
 * send the same cookie every time: this isolate remembers the values it verified (exact strings,
 * bounded) and skips the HMAC for them.
 */
async function verifiedCookie(s, raw) {
  const key = s.cookieSecret + '\u0000' + raw; // a rotated secret never reuses old entries
  let unit = verifiedCookies.get(key) || null;
  if (!unit) {
    unit = await verifyUnit(s.cookieSecret, raw);
    if (unit) {
      if (verifiedCookies.size >= 4096) verifiedCookies.clear();
      verifiedCookies.set(key, unit);
    } else acc.count('tamperedCookies');
  }
  return unit;
}

/** Flag delivery (flags-delivery.js); null hands the request on (PUT /__rollgate/flags → coordinator). */
async function delivery(request, s, url, ctx) {
  if (s.problems.length) return json({ error: 'rollgate settings are unusable', problems: s.problems }, 503);
  try {
    if (!engineReady) {
      await engine.initEngine();
      engineReady = true;
    }
    return await deliverFlags(request, s, url, {
      acc,
      state: async (fresh) => {
        if (fresh && Date.now() >= failedUntil) cached = null;
        return usableState(s);
      },
      identify: (req, mint) => identify(req, s, mint),
      flushSoon: () => scheduleFlush(s, ctx),
    });
  } catch (e) {
    logOnce('delivery', 'flag delivery failed', { error: engine.describeError(e) });
    return json({ error: 'flag delivery failed', detail: engine.describeError(e) }, 503);
  }
}

/** POST /__rollgate/events (events.js): never reaches an origin, never touches serving. */
async function ingestEvents(request, s, url, ctx) {
  try {
    const answer = await events(request, s, url, {
      acc,
      ready: async () => {
        if (!engineReady) {
          await engine.initEngine();
          engineReady = true;
        }
      },
      state: () => usableState(s),
      cookieUnit: async (req) => {
        const raw = readCookie(req.headers.get('cookie'), s.cookieName);
        if (!raw) return { unit: null, forged: false };
        const unit = await verifiedCookie(s, raw);
        return { unit, forged: !unit };
      },
    });
    scheduleFlush(s, ctx); // what was recorded, and the refusals counted
    return answer;
  } catch (e) {
    acc.count('events.failOpen');
    scheduleFlush(s, ctx);
    logOnce('events', 'events endpoint failed', { error: engine.describeError(e) });
    return json({ error: { id: 'rollgate.edge.918', message: '[rollgate.edge.918] events cannot be taken now', pointer: '' } }, 503);
  }
}

function readCookie(header, name) {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

function logOnce(key, msg, fields) {
  if (logged.has(key)) return;
  if (logged.size > 100) logged.clear();
  logged.add(key);
  log('error', msg, fields);
}
