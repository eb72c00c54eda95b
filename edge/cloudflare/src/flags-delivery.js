// rollgate edge — flag delivery from the worker's own host (docs/flag-delivery.md).
// SPDX-License-Identifier: MIT
//
//   GET  /__rollgate/flags             the project's flag configuration, for local evaluation
//                                      (ETag, 304 on If-None-Match, Cache-Control: no-cache), or
//                                      with Accept: text/event-stream a stream of it
//   GET  /__rollgate/flags/evaluated   every flag already evaluated for the request's unit, for
//                                      pages that must not see the rules
//   POST /__rollgate/exposures         a page's exposures ({flags: [key, ...]}), unit from the
//                                      signed cookie (or the unit header)
//
// The configuration comes from the rollout's coordinator (coordinator/flags.js), which applies
// a guarded flag rollout's coverage. Each isolate keeps the last one it read for flagsTtlMs and
// then asks again with If-None-Match (a 304 costs the coordinator no body): an update reaches
// every isolate within flagsTtlMs of the coordinator accepting it, and pages within that plus
// their own refresh interval. When the coordinator cannot be read, the isolate keeps serving the
// last configuration it had (last known good) and asks again after errorRetryMs.
//
// In a guarded flag rollout the flag's arms replace the origins': a unit the targeted serve
// sends the new variation is in `canary`, a unit it leaves outside the coverage is in `stable`,
// any other unit is in neither (flagArm). The core evaluates; this file only reads its result.
import * as engine from './engine.js';
import { INTERNAL, PREFIX, json, readLimited } from './http.js';

export const FLAGS_PATH = PREFIX + 'flags';
export const EVALUATED_PATH = PREFIX + 'flags/evaluated';
export const EXPOSURES_PATH = PREFIX + 'exposures';
const EXPOSURE_BODY_MAX = 16 * 1024;
const EXPOSURE_KEYS_MAX = 100;
const SEEN_MAX = 8192; // exposures remembered per isolate (unit × window) before the set restarts

let held = null; // { text, etag, evaluator, until } — the configuration this isolate serves
let retryAt = 0;
let fetching = null; // one read of the coordinator at a time per isolate
const seen = new Set(); // `${rollout}\0${window}\0${unit}`: exposures already counted here

/** True when the worker should hand this request to deliver(). */
export function isDelivery(url) {
  return url.pathname === FLAGS_PATH || url.pathname === EVALUATED_PATH || url.pathname === EXPOSURES_PATH;
}

/**
 * The configuration this isolate serves: {text, etag} (text null when none is stored), read from
 * the coordinator at most once per flagsTtlMs. Throws only when nothing was ever read.
 */
export async function currentFlags(s, force = false) {
  const now = Date.now();
  if (held && ((!force && now < held.until) || now < retryAt)) return held;
  if (!held && now < retryAt) throw new Error('coordinator failed recently');
  fetching ||= read(s).finally(() => (fetching = null));
  return fetching;
}

async function read(s) {
  const asked = Date.now();
  try {
    const stub = s.coordinator.get(s.coordinator.idFromName(s.rolloutName));
    const headers = held && held.etag ? { 'if-none-match': held.etag } : {};
    const r = await stub.fetch('https://coordinator' + INTERNAL + 'flags', { headers });
    const stateVersion = Number(r.headers.get('x-rollgate-state-version')) || 0;
    if (r.status === 304) {
      held.until = asked + s.flagsTtlMs;
      held.stateVersion = stateVersion;
      return held;
    }
    if (r.status === 404) return swap({ text: null, etag: null, stateVersion }, asked + s.flagsTtlMs);
    if (!r.ok) throw new Error(`coordinator answered ${r.status}`);
    return swap({ text: await r.text(), etag: r.headers.get('etag'), stateVersion }, asked + s.flagsTtlMs);
  } catch (e) {
    retryAt = Date.now() + s.errorRetryMs;
    if (held) return held; // last known good
    throw e;
  }
}

function swap(next, until) {
  // Evaluations are synchronous and never span an await, so the old evaluator can go at once.
  held?.evaluator?.dispose();
  held = { ...next, until, evaluator: null };
  return held;
}

/** The compiled configuration in force (compiled once per ETag), or null when none is stored. */
function evaluatorOf(f) {
  if (!f.text) return null;
  f.evaluator ||= engine.compileFlags(f.text);
  return f.evaluator;
}

/**
 * The unit's arm in a guarded flag rollout (`state.target`): 'canary' when the targeted serve gave
 * it the target variation, 'stable' when it left it outside the coverage, null otherwise (another
 * rule decided, or no configuration could be read: the unit is then not counted).
 */
export async function flagArm(s, state, unit) {
  let f;
  try {
    f = await currentFlags(s);
  } catch {
    return null;
  }
  return armIn(evaluatorOf(f), state.target, unit);
}

function armIn(ev, target, unit) {
  if (!ev) return null;
  const r = ev.evaluate(target.flag, { targetingKey: unit });
  if (r.errorCode !== undefined) return null;
  const idx = target.rule === undefined ? -1 : ruleIndexOf(ev, target);
  if (r.ruleIndex !== idx) return null;
  if (r.reason === 'SPLIT' && r.variant === target.variation) return 'canary';
  if (r.reason === 'DEFAULT') return 'stable';
  return null;
}

// The served configuration's rule order is the stored one's: the index of the target rule is
// found once per configuration text.
function ruleIndexOf(ev, target) {
  if (!held || held.evaluator !== ev) return -2;
  const key = `${target.flag}\u0000${target.rule}`; // another rollout may target another rule
  if (held.ruleKey !== key) {
    const flag = JSON.parse(held.text).flags.find((x) => x.key === target.flag);
    held.ruleIndex = flag && Array.isArray(flag.rules) ? flag.rules.findIndex((r) => r.id === target.rule) : -2;
    held.ruleKey = key;
  }
  return held.ruleIndex;
}

/**
 * Counts an exposure of `unit` to the target flag once per rollout window in this isolate: the
 * arm's `exposures` in the summary the worker flushes.
 */
export function recordExposure(acc, state, unit, arm) {
  if (!arm) return false;
  const key = `${state.rollout}\u0000${state.window}\u0000${unit}`;
  if (seen.has(key)) return false;
  if (seen.size >= SEEN_MAX) seen.clear(); // bounded: past it a unit may be counted again
  seen.add(key);
  acc.arm(state.rollout, state.window, arm).exposures++;
  return true;
}

/**
 * Answers one of the delivery routes. `hooks`: {acc, state(fresh) → the rollout state in force
 * (or null; `fresh`: not the cached one), identify(request, mint) → {unit, setCookie} | null,
 * flushSoon()}.
 */
export async function deliver(request, s, url, hooks) {
  const method = request.method;
  if (url.pathname === EXPOSURES_PATH) {
    if (method !== 'POST') return json({ error: 'method not allowed' }, 405, { allow: 'POST' });
    return exposures(request, s, hooks);
  }
  if (method !== 'GET' && method !== 'HEAD') {
    // PUT /__rollgate/flags (the admin route) is the coordinator's.
    return url.pathname === FLAGS_PATH ? null : json({ error: 'method not allowed' }, 405, { allow: 'GET, HEAD' });
  }
  let f;
  try {
    f = await currentFlags(s);
  } catch (e) {
    return json({ error: 'flag configuration unavailable', detail: String(e.message || e) }, 503, { 'retry-after': '1' });
  }
  if (!f.text) return json({ error: 'no flag configuration is stored' }, 404);
  if (url.pathname === FLAGS_PATH) {
    if (method === 'GET' && (request.headers.get('accept') || '').includes('text/event-stream')) return stream(s);
    const headers = { etag: f.etag, 'cache-control': 'no-cache', 'content-type': 'application/json; charset=utf-8' };
    if (request.headers.get('if-none-match') === f.etag) return new Response(null, { status: 304, headers });
    return new Response(method === 'HEAD' ? null : f.text, { status: 200, headers });
  }
  return evaluated(request, s, f, hooks);
}

/**
 * Server-sent events (FlagSource's refresh: 'stream'): `event: config` with the whole
 * configuration as data and its ETag as id, at once and then whenever the configuration this
 * isolate serves changes (checked every flagsTtlMs, so the bound is the polling one); a comment
 * line keeps idle connections open. A stream ends after STREAM_MS: the client reconnects (and
 * polls once first), which spreads streams over isolates as they come and go.
 */
const STREAM_MS = 5 * 60 * 1000;
const KEEPALIVE_MS = 15000;
function stream(s) {
  const { readable, writable } = new TransformStream();
  const writer = writable.getWriter();
  const enc = new TextEncoder();
  const pump = async () => {
    const end = Date.now() + STREAM_MS;
    let sent = null;
    let quietSince = Date.now();
    try {
      while (Date.now() < end) {
        const f = await currentFlags(s).catch(() => null);
        if (f && f.text && f.etag !== sent) {
          const data = f.text.split('\n').map((l) => `data: ${l}`).join('\n');
          await writer.write(enc.encode(`event: config\nid: ${f.etag}\n${data}\n\n`));
          sent = f.etag;
          quietSince = Date.now();
        } else if (Date.now() - quietSince >= KEEPALIVE_MS) {
          await writer.write(enc.encode(': keep-alive\n\n'));
          quietSince = Date.now();
        }
        await new Promise((r) => setTimeout(r, s.flagsTtlMs));
      }
    } catch {
      // The client went away: nothing to do.
    } finally {
      writer.close().catch(() => {});
    }
  };
  pump();
  return new Response(readable, { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' } });
}

/** Every flag evaluated for the request's unit ({targetingKey: unit}); counts the exposure. */
async function evaluated(request, s, f, hooks) {
  const who = await hooks.identify(request, true);
  const ev = evaluatorOf(f);
  const flags = {};
  for (const [key, r] of Object.entries(ev.evaluateAll({ targetingKey: who.unit }))) {
    flags[key] = r.errorCode === undefined ? { value: r.value, variant: r.variant, reason: r.reason } : { errorCode: r.errorCode };
  }
  await expose(s, hooks, who.unit);
  const headers = { 'cache-control': 'private, no-cache', vary: `cookie, ${s.unitHeader}` };
  // A result that depends on the time (a ramp: an announced increase) has no validator.
  if (!ev.usesClock) {
    const etag = `"${f.etag.slice(1, -1)}.${engine.textEtag(who.unit).slice(1, -1)}"`;
    headers.etag = etag;
    if (!who.setCookie && request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  }
  if (who.setCookie) headers['set-cookie'] = who.setCookie;
  return json({ flags, etag: f.etag, unit: who.unit }, 200, headers);
}

async function expose(s, hooks, unit, keys = null) {
  try {
    let state = await hooks.state(false);
    // The configuration may be newer than this isolate's cached state (both have a TTL): a page
    // that just got a flag rollout's first configuration must not be counted against the state
    // before it. Ask for the state again then (once; rare: only right after a change).
    if (held && (!state || (state.version || 0) < held.stateVersion)) state = await hooks.state(true);
    // And the other way round: a state newer than the configuration this isolate holds (the
    // rollout started after it was read, so it lacks the targeted serve): read the configuration
    // again before deciding the arm.
    if (state && state.target && (!held || (held.stateVersion || 0) < (state.version || 0))) await currentFlags(s, true);
    if (!state || !state.target || !held || (keys && !keys.includes(state.target.flag))) return;
    // Read after the await: the configuration held now (a swap may have disposed an older one).
    const arm = armIn(evaluatorOf(held), state.target, unit);
    if (recordExposure(hooks.acc, state, unit, arm)) hooks.flushSoon();
  } catch {
    // Exposures never cost the page its flags.
  }
}

/** A page's exposures: a text/plain JSON body (sendBeacon sends no preflight), unit from its cookie. */
async function exposures(request, s, hooks) {
  const who = await hooks.identify(request, false);
  if (!who) return json({ error: 'no unit: the signed unit cookie or the unit header is required' }, 401);
  const bytes = await readLimited(request.body, EXPOSURE_BODY_MAX);
  if (bytes === null) return json({ error: `body larger than ${EXPOSURE_BODY_MAX} bytes` }, 413);
  let body;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return json({ error: 'body is not JSON' }, 400);
  }
  const keys = body && body.flags;
  if (!Array.isArray(keys) || keys.length > EXPOSURE_KEYS_MAX || !keys.every((k) => typeof k === 'string')) {
    return json({ error: `flags must be a list of at most ${EXPOSURE_KEYS_MAX} flag keys`, pointer: '/flags' }, 400);
  }
  try {
    await currentFlags(s);
  } catch {
    return new Response(null, { status: 204 });
  }
  // The worker evaluates the unit's arm itself: a page's word is taken for the exposure, never for the arm.
  await expose(s, hooks, who.unit, keys);
  return new Response(null, { status: 204 });
}
