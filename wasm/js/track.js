// rollgate — progressive delivery evaluator. SPDX-License-Identifier: MIT
// track(name, value): the page helper for sites served behind the rollgate edge. It batches
// metric events and sends them to the edge's events endpoint on the page's own origin as a
// text/plain JSON body (no CORS preflight), with navigator.sendBeacon when the page is hidden or
// unloaded, else fetch(..., {keepalive: true}); the edge takes the unit from the signed rg_unit
// cookie the browser sends with it. Wire format: {"events": [{"name": "purchase", "value": 31.5}]}
// (docs/edge.md, "Events"). Pure JavaScript: it needs no WebAssembly and no init().
import { RollgateError, invalidArgument } from './errors.js';

/** The edge's endpoint, on the page's own host. */
export const EVENTS_PATH = '/__rollgate/events';
/** Events per request at most (the edge refuses larger batches). */
export const MAX_BATCH = 50;
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function noEdge(what) {
  return new RollgateError('rollgate.metrics.010', '', `track() needs a browser page served behind the rollgate edge: ${what}`);
}

/**
 * A tracker. Options: `endpoint` (default EVENTS_PATH), `maxBatch` (default 20, at most
 * MAX_BATCH), `flushMs` (default 5000: a batch waits at most this long), and for tests or other
 * runtimes `env` = {navigator, document, fetch, setTimeout, clearTimeout} (default: the globals).
 */
export function createTracker(options = {}) {
  const env = options.env || globalThis;
  const endpoint = options.endpoint ?? EVENTS_PATH;
  const maxBatch = Math.min(MAX_BATCH, options.maxBatch ?? 20);
  const flushMs = options.flushMs ?? 5000;
  if (typeof endpoint !== 'string' || !endpoint) throw invalidArgument('endpoint must be a non-empty string', '/endpoint');
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw invalidArgument('maxBatch must be an integer >= 1', '/maxBatch');
  const nav = env.navigator;
  const beacon = nav && typeof nav.sendBeacon === 'function' ? nav.sendBeacon.bind(nav) : null;
  const fetchFn = typeof env.fetch === 'function' ? env.fetch.bind(env) : null;
  if (!env.document || (!beacon && !fetchFn)) throw noEdge('no document, navigator.sendBeacon or fetch here');
  let queue = [];
  let timer = null;

  const send = (useBeacon) => {
    if (timer !== null) {
      env.clearTimeout(timer);
      timer = null;
    }
    while (queue.length) {
      const batch = queue.splice(0, maxBatch);
      const body = JSON.stringify({ events: batch });
      // text/plain: a "simple" request, so no preflight; the edge parses it as JSON.
      if (useBeacon && beacon && beacon(endpoint, new Blob([body], { type: 'text/plain' }))) continue;
      if (fetchFn) {
        fetchFn(endpoint, { method: 'POST', body, keepalive: true, credentials: 'same-origin', headers: { 'content-type': 'text/plain' } }).catch(() => {});
      } else if (beacon) {
        beacon(endpoint, new Blob([body], { type: 'text/plain' }));
      }
    }
  };
  const onHide = () => send(true);
  env.document.addEventListener?.('visibilitychange', () => {
    if (env.document.visibilityState === 'hidden') onHide();
  });
  env.addEventListener?.('pagehide', onHide);

  return {
    /** Queues one event; `value` (a finite number) is optional. Throws on a bad name or value. */
    track(name, value) {
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw invalidArgument('an event name is 1 to 64 letters, digits, "_", "." or "-"', '/name');
      }
      const e = { name };
      if (value !== undefined) {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgument('value must be a finite number', '/value');
        e.value = value;
      }
      queue.push(e);
      if (queue.length >= maxBatch) send(false);
      else if (timer === null) timer = env.setTimeout(() => send(false), flushMs);
    },
    /** Sends what is queued now (sendBeacon: for use when the page goes away). */
    flush(useBeacon = true) {
      send(useBeacon);
    },
    get pending() {
      return queue.length;
    },
  };
}

let shared = null;
/** track(name, value) on a shared tracker made on first use (browsers only; see createTracker). */
export function track(name, value) {
  if (!shared) shared = createTracker();
  shared.track(name, value);
}
