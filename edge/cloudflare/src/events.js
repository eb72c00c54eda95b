// rollgate edge — the metric events endpoint, POST /__rollgate/events on the worker's own host
// (docs/edge.md, "Events"; ids rollgate.edge.910-918 in docs/errors/edge.md).
// SPDX-License-Identifier: MIT
//
// Two senders. A browser page (the package's track(): sendBeacon or fetch keepalive, a text/plain
// JSON body, so no CORS preflight) from the site's own origin: its unit is the signed rg_unit
// cookie, never the body's. A back end (an order service reporting a purchase) with
// `Authorization: Bearer <ROLLGATE_EVENTS_TOKEN>`: each event names its unit. The body (at most
// EVENTS_BODY_MAX bytes) is read by the core's parser only. Each event is recorded under the arm
// the unit is served under in the rollout in force (arm.js: bucketing is deterministic, so no
// exposure store is needed for the attribution); the core counts it only for units that arm
// exposed in the window (units.js). Fails open: nothing here touches serving; a problem of ours
// loses the batch (counted), never a page.
import * as engine from './engine.js';
import { json, readLimited } from './http.js';
import { checkBearer } from './crypto.js';
import { armOf } from './arm.js';
import { eventsProblem, recordEvent } from './units.js';

export const EVENTS = '/__rollgate/events';

/** Bytes of a body read at most (the core bounds the rest: 50 events, names, values, units). */
export const EVENTS_BODY_MAX = 16 * 1024;

/** Units whose rate this isolate remembers (the table is cleared when full: bounded memory). */
const RATE_UNITS_MAX = 10000;
const rates = new Map(); // unit → { minute, events }

/** `{error: {id, message, pointer}}` with the status, counted under `counter` when given. */
function refuse(acc, counter, status, id, message, pointer = '', headers = {}) {
  if (counter) acc.count(`events.${counter}`);
  return json({ error: { id, message: `[${id}] ${pointer ? pointer + ': ' : ''}${message}`, pointer } }, status, headers);
}

/** True when the browser request comes from the worker's own origin (Fetch Metadata, then Origin). */
function sameOrigin(request, url) {
  const site = request.headers.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = request.headers.get('origin');
  return origin !== null && origin === url.origin;
}

/** Counts `n` events of `unit` in the current minute; false when past the limit (nothing counted). */
function withinRate(unit, n, limit, now) {
  const minute = Math.floor(now / 60000);
  let r = rates.get(unit);
  if (!r || r.minute !== minute) {
    if (!r && rates.size >= RATE_UNITS_MAX) rates.clear();
    r = { minute, events: 0 };
    rates.set(unit, r);
  }
  if (r.events + n > limit) return false;
  r.events += n;
  return true;
}

/**
 * Answers POST /__rollgate/events. `deps`: {acc, ready() (the engine), state() (the rollout state
 * in force, or null), cookieUnit(request) → {unit, forged}}. The caller arms the flush.
 */
export async function events(request, s, url, deps) {
  const { acc } = deps;
  if (!s.events.length || s.problems.length) return refuse(acc, null, 404, 'rollgate.edge.910', 'events are not enabled on this edge (ROLLGATE_EVENTS is empty)');
  if (request.method !== 'POST') return refuse(acc, null, 405, 'rollgate.edge.911', `use POST, not ${request.method}`, '', { allow: 'POST' });
  const backEnd = request.headers.has('authorization');
  let unit = '';
  if (backEnd) {
    if (!s.eventsToken || !(await checkBearer(request, s.eventsToken))) {
      return refuse(acc, 'badToken', 401, 'rollgate.edge.915', s.eventsToken ? 'the bearer token is not ROLLGATE_EVENTS_TOKEN' : 'this edge takes no back-end events (ROLLGATE_EVENTS_TOKEN is unset)');
    }
  } else {
    if (!sameOrigin(request, url)) return refuse(acc, 'crossOrigin', 403, 'rollgate.edge.912', `browser events are taken from ${url.origin} only`);
    const who = await deps.cookieUnit(request);
    if (who.forged) return refuse(acc, 'forged', 403, 'rollgate.edge.914', `the ${s.cookieName} cookie's signature is not valid`);
    if (!who.unit) return refuse(acc, 'noUnit', 403, 'rollgate.edge.913', `no ${s.cookieName} cookie: a page gets one with its first response from this edge`);
    unit = who.unit;
    // Cheap refusal before reading the body of a unit already over its rate.
    if (!withinRate(unit, 0, s.eventsPerMin - 1, Date.now())) return refuse(acc, 'rateLimited', 429, 'rollgate.edge.916', `at most ${s.eventsPerMin} events a minute per unit`, '', { 'retry-after': '60' });
  }
  const declared = Number(request.headers.get('content-length'));
  const bytes = declared > EVENTS_BODY_MAX ? null : await readLimited(request.body, EVENTS_BODY_MAX).catch(() => null);
  if (bytes === null) return refuse(acc, 'tooLarge', 413, 'rollgate.edge.917', `a batch is at most ${EVENTS_BODY_MAX} bytes`);
  let batch;
  try {
    await deps.ready();
    const problem = eventsProblem(s);
    if (problem) return refuse(acc, 'failOpen', 503, 'rollgate.edge.918', problem);
    batch = engine.parseEventBatch(new TextDecoder().decode(bytes), { backEnd, accept: s.events });
  } catch (e) {
    if (!engine.isRollgateError(e)) {
      acc.count('events.failOpen');
      return refuse(acc, null, 503, 'rollgate.edge.918', 'events cannot be read now: ' + engine.describeError(e));
    }
    acc.count('events.malformed');
    const tooMany = e.problems.some((p) => p.code === 'rollgate.metrics.021');
    return json({ error: { id: e.code, message: e.message, pointer: e.pointer, problems: e.problems } }, tooMany ? 413 : 400);
  }
  if (!backEnd && !withinRate(unit, batch.length, s.eventsPerMin, Date.now())) {
    return refuse(acc, 'rateLimited', 429, 'rollgate.edge.916', `at most ${s.eventsPerMin} events a minute per unit`, '', { 'retry-after': '60' });
  }
  let state = null;
  try {
    state = await deps.state();
  } catch {
    state = null;
  }
  const out = { accepted: 0, notInRollout: 0, refused: 0 };
  for (const e of batch) {
    const u = backEnd ? e.unit : unit;
    try {
      const arm = state && state.rollout ? await armOf(s, state, u) : null;
      if (!arm) out.notInRollout++;
      else if (recordEvent(acc, state, arm, u, e)) out.accepted++;
      else out.refused++;
    } catch {
      out.refused++;
      acc.count('failOpen.evaluation');
    }
  }
  const c = acc.counters.events;
  c.batches++;
  c.recorded += out.accepted;
  c.notInRollout += out.notInRollout;
  c.refused += out.refused;
  acc.dirty = true;
  return json(out, 202);
}
